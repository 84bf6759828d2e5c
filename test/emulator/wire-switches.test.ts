/**
 * The `startEmulator` switches for answers ACS leaves undocumented or that tests may want
 * otherwise: millisecond dates and startTime comparison, and edits and deletes that move the
 * thread's lastMessageReceivedOn. All on in this file's emulator; wire-format.test.ts has the defaults.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { all, createUser, identityClient, type TestUser } from "../helpers/acs.js";

let emulator: Emulator;
let alice: TestUser;
/** The millisecond part of the emulator's clock; whole seconds follow the real clock. */
let clockMs = 500;

beforeAll(async () => {
  emulator = await startEmulator({
    now: () => Math.floor(Date.now() / 1000) * 1000 + clockMs,
    timestampPrecision: "millisecond",
    startTimeComparison: "millisecond",
    lastMessageReceivedOnMovesOnEdit: true,
    lastMessageReceivedOnMovesOnDelete: true,
  });
  alice = await createUser(emulator, identityClient(emulator));
});
afterAll(async () => {
  await emulator?.close();
});

async function newThread(topic: string) {
  const { chatThread } = await alice.chat.createChatThread({ topic });
  return alice.thread(chatThread!.id);
}

const lastReceived = async (threadId: string) =>
  (await all(alice.chat.listChatThreads())).find((item) => item.id === threadId)!.lastMessageReceivedOn!.getTime();

it('timestampPrecision "millisecond" writes the stored milliseconds', async () => {
  clockMs = 321;
  const thread = await newThread("ms");
  const { id } = await thread.sendMessage({ content: "x" });
  const message = await thread.getMessage(id);
  expect(message.createdOn.getTime() % 1000).toBe(321);
});

it('startTimeComparison "millisecond" leaves out a change earlier in startTime\'s second', async () => {
  clockMs = 100;
  const thread = await newThread("since");
  const { id } = await thread.sendMessage({ content: "early" });
  const createdOn = (await thread.getMessage(id)).createdOn.getTime();
  expect(createdOn % 1000).toBe(100);
  const listed = (await all(thread.listMessages({ startTime: new Date(createdOn + 1) }))).map((m) => m.id);
  expect(listed).not.toContain(id);
  expect((await all(thread.listMessages({ startTime: new Date(createdOn) }))).map((m) => m.id)).toContain(id);
});

it("lastMessageReceivedOnMovesOnEdit and ...OnDelete move the thread's mark on an edit and a delete", async () => {
  clockMs = 100;
  const thread = await newThread("moves");
  const { id } = await thread.sendMessage({ content: "first" });
  const sent = await lastReceived(thread.threadId);
  clockMs = 600;
  await thread.updateMessage(id, { content: "edited" });
  const edited = await lastReceived(thread.threadId);
  expect(edited).toBeGreaterThan(sent);
  clockMs = 900;
  await thread.deleteMessage(id);
  expect(await lastReceived(thread.threadId)).toBeGreaterThan(edited);
});
