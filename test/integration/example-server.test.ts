/** The node:http example server works end to end: a token over HTTP, then a Twilio-shaped client on it. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { Client } from "../../src/index.js";
import { startExampleServer, type ExampleServer } from "../../examples/server/node-http.js";
import { initialized } from "../helpers/twilio-clients.js";

let emulator: Emulator;
let server: ExampleServer;

beforeAll(async () => {
  emulator = await startEmulator();
  server = await startExampleServer({ connectionString: emulator.connectionString, ca: emulator.caPem });
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

it("issues a token over HTTP that a Client starts with, and serves the directory to it", async () => {
  const refused = await fetch(`${server.url}/token`, { method: "POST" });
  expect(refused.status).toBe(401);
  const tokenOf = async (user: string) =>
    ((await (await fetch(`${server.url}/token`, { method: "POST", headers: { "x-demo-user": user } })).json()) as { token: string }).token;
  const options = { eventSource: "none" as const, chatClientOptions: { tlsOptions: { ca: emulator.caPem } } };
  const alice = new Client(await tokenOf("alice"), options);
  await initialized(alice);
  const conversation = await alice.createConversation({ friendlyName: "via node:http", uniqueName: "public-lobby" });
  await conversation.join();
  await conversation.sendMessage("hello from the example");
  const carol = new Client(await tokenOf("carol"), options);
  await initialized(carol);
  const lobby = await carol.getConversationByUniqueName("public-lobby");
  await lobby.join();
  expect((await lobby.getMessages()).items.map((m) => [m.author, m.body])).toEqual([["alice", "hello from the example"]]);
  await Promise.all([alice.shutdown(), carol.shutdown()]);
});

it("streams request bodies into the kit, so its byte cap stops a chunked 200 MB delivery after a few MB", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= 200 * 1024 * 1024) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  // No Content-Length: fetch sends a stream body chunked.
  const response = await fetch(`${server.url}/events`, { method: "POST", body, duplex: "half", headers: { "content-type": "application/json" } } as RequestInit);
  expect(response.status).toBe(413);
  expect(((await response.json()) as { error: { message: string } }).error.message).toContain("maxEventBodyBytes");
  // The 1 MiB cap plus what sockets buffer in flight; the glue used to read all 200 MB first.
  expect(pulled).toBeLessThan(16 * 1024 * 1024);
  // The connection the refused body came on is closed, not drained; the server still answers.
  expect((await fetch(`${server.url}/token`, { method: "POST", headers: { "x-demo-user": "after" } })).status).toBe(200);
});
