/**
 * Polling at its default pace stays inside ACS's documented rate limits: against an emulator that
 * enforces them, a conversation in use gets every message across and ACS never answers 429.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, Message } from "../../src/index.js";
import { createSession, initialized, TestDirectory } from "../helpers/twilio-clients.js";

let emulator: Emulator;
let aliceClient: Client;
let bobClient: Client;
const throttled: RequestLogEntry[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ rateLimits: true });
  emulator.requests.on("request", (entry) => entry.status === 429 && throttled.push(entry));
  const directory = new TestDirectory();
  const alice = await createSession(emulator, "alice", directory);
  const bob = await createSession(emulator, "bob", directory);
  aliceClient = alice.client({ eventSource: "polling" });
  bobClient = bob.client({ eventSource: "polling" });
  await Promise.all([initialized(aliceClient), initialized(bobClient)]);
});

afterAll(async () => {
  await Promise.all([aliceClient?.shutdown(), bobClient?.shutdown()]);
  await emulator?.close();
});

it("exchanges messages both ways at the default polling pace without a single 429", async () => {
  const conversation = await aliceClient.createConversation({ friendlyName: "busy but polite" });
  await conversation.join();
  await conversation.add("bob");
  const received: Message[] = [];
  bobClient.on("messageAdded", (message) => received.push(message));
  const mine: Message[] = [];
  aliceClient.on("messageAdded", (message) => mine.push(message));
  // ACS allows 10 sends per 10 s per thread: one every 700 ms stays under it.
  for (let i = 0; i < 8; i++) {
    await conversation.sendMessage(`polite ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  const deadline = Date.now() + 8000;
  while (received.length < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(received.map((m) => m.body)).toEqual(Array.from({ length: 8 }, (_, i) => `polite ${i}`));
  expect(mine).toHaveLength(8);
  expect(throttled).toEqual([]);
}, 30_000);
