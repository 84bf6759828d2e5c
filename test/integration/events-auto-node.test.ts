/**
 * `eventSource: "auto"` (the default) in Node: the ACS SDK has no realtime notifications here (its
 * Node build throws), so the client polls, and never opens a realtime connection to the emulator,
 * which now serves them to browsers.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import { createSession, initialized, TestDirectory } from "../helpers/twilio-clients.js";
import { next } from "../helpers/observe.js";
import type { Client } from "../../src/index.js";

let emulator: Emulator;
const clients: Client[] = [];
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.shutdown()));
  await emulator?.close();
});

it("polls in Node, and never reaches for the realtime server", async () => {
  const directory = new TestDirectory();
  const [alice, bob] = await Promise.all([createSession(emulator, "alice", directory), createSession(emulator, "bob", directory)]);
  const realtimeRequests: RequestLogEntry[] = [];
  emulator.requests.on("request", (entry) => {
    if (entry.path.startsWith("/v4/") || entry.path.startsWith("/socket.io") || entry.path.startsWith("/registrar") || entry.path.startsWith("/chat/config")) realtimeRequests.push(entry);
  });
  const aliceClient = alice.client();
  const bobClient = bob.client({ eventSource: "auto", polling: { minIntervalInMs: 50, maxIntervalInMs: 200 } });
  clients.push(aliceClient, bobClient);
  await Promise.all([initialized(aliceClient), initialized(bobClient)]);
  const conversation = await aliceClient.createConversation({ friendlyName: "node" });
  await conversation.join();
  await conversation.add("bob");
  const arrived = next(bobClient, "messageAdded", (message) => message.body === "polled");
  await conversation.sendMessage("polled");
  const [message] = await arrived;
  expect(message.body).toBe("polled");
  expect(bobClient.connectionState).toBe("connected");
  expect(realtimeRequests).toEqual([]);
  expect(emulator.realtime.connections()).toEqual([]);
});
