/**
 * Receipts a client finds when it starts are state, not news, even where ACS's whole-second times
 * cannot order them against its start: a receipt made in the second the client lists its threads,
 * one second after the thread's last message, gives the participant its horizon and no
 * `participantUpdated`. (Found as a flaky test: the boundary was the last message's time.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { createSession, initialized, sharedConversation, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

// The emulator's clock, set by the test (near the real one: tokens expire by it).
let clock = Math.floor(Date.now() / 1000) * 1000;
let emulator: Emulator;
let alice: TestSession;
let bob: TestSession;

beforeAll(async () => {
  emulator = await startEmulator({ now: () => clock });
  const directory = new TestDirectory();
  [alice, bob] = await Promise.all([createSession(emulator, "alice", directory), createSession(emulator, "bob", directory)]);
});
afterAll(() => emulator?.close());

it("takes a receipt from the second of the client's start as state: its horizon, no participantUpdated", async () => {
  const aliceClient = alice.client({ eventSource: "none" });
  const bobClient = bob.client({ eventSource: "none" });
  await Promise.all([initialized(aliceClient), initialized(bobClient)]);
  const { mine, theirs } = await sharedConversation(aliceClient, bobClient, "receipts at start");
  const second = Math.floor(clock / 1000) * 1000 + 1000;
  clock = second + 900;
  const index = await mine.sendMessage("read me");
  // The next second: the receipt, then (in that second) a fresh client's start.
  clock = second + 1100;
  await theirs.setAllMessagesRead();
  clock = second + 1300;
  const fresh = alice.client({ eventSource: "none" });
  await initialized(fresh);
  const conversation = await fresh.getConversationBySid(mine.sid);
  const events: string[] = [];
  conversation.on("participantUpdated", () => events.push("participantUpdated"));
  const participants = await conversation.getParticipants();
  expect(participants.find((p) => p.identity === "bob")!.lastReadMessageIndex).toBe(index);
  expect(events).toEqual([]);
  await Promise.all([aliceClient.shutdown(), bobClient.shutdown(), fresh.shutdown()]);
});
