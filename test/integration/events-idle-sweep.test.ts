/**
 * The sweep's promise in polling mode: a conversation without activity is visited at least every
 * `sweepIntervalInMs`, counted from the client's last read of it, so an edit, a deletion or a read
 * receipt there arrives within a sweep interval and a poll interval (the visit waits for the next
 * cycle). The changes come from a native ACS client just after bob's client read the thread for its
 * news, when the conversation is about to go idle: the worst moment, since nothing reads it again
 * before the sweep.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import type { Client, Message } from "../../src/index.js";
import { chatClientFor } from "../helpers/acs.js";
import { next } from "../helpers/observe.js";
import { startPollingFollower, type TestSession } from "../helpers/twilio-clients.js";

/**
 * A steady poll interval (so that the cycles fall where the test expects), a conversation active
 * for less than one interval after its news (idle from the next cycle on), a 3 s sweep.
 */
const POLL_MS = 2000;
const SWEEP_MS = 3000;
const POLLING = { minIntervalInMs: POLL_MS, maxIntervalInMs: POLL_MS, activeForMs: 500, sweepIntervalInMs: SWEEP_MS };
/** Each cycle starts a poll interval after the previous one ended, and requests take a few ms. */
const SLACK_MS = 400;
const BOUND_MS = SWEEP_MS + POLL_MS + SLACK_MS;

let emulator: Emulator;
let alice: TestSession;
let bob: TestSession;
let client: Client;
let close: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ emulator, alice, bob, client, close } = await startPollingFollower(POLLING));
});
afterAll(() => close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A thread alice (native) shares with bob, and a message of hers that bob's client announced: it
 * read the thread for it a moment ago, as news. From here on nothing happens in the thread.
 */
async function justRead(topic: string): Promise<{ thread: ChatThreadClient; message: Message }> {
  const raw = chatClientFor(emulator, alice.acsToken);
  const joined = next(client, "conversationJoined", (c) => c.friendlyName === topic, 3 * POLL_MS);
  const { chatThread } = await raw.createChatThread({ topic }, { participants: [{ id: { communicationUserId: alice.userId } }, { id: { communicationUserId: bob.userId } }] });
  await joined;
  // The discovery's own read of the thread is over: the message is news for the next cycle.
  await sleep(300);
  const thread = raw.getChatThreadClient(chatThread!.id);
  const arrived = next(client, "messageAdded", (m) => m.conversation.sid === chatThread!.id, 3 * POLL_MS);
  await thread.sendMessage({ content: `in ${topic}` });
  const [message] = await arrived;
  return { thread, message };
}

/** How long after `change` began the event `told` waits for came (it rejects after the bound). */
async function latency(told: Promise<unknown>, change: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await change();
  await told;
  return performance.now() - started;
}

describe("changes in a conversation gone idle", () => {
  it(`an edit, a deletion and a native read receipt arrive within a sweep interval and a poll interval (${BOUND_MS} ms)`, async () => {
    const [edited, deleted, receipt] = await Promise.all([justRead("idle edit"), justRead("idle delete"), justRead("idle receipt")]);
    const updated = next(client, "messageUpdated", ({ message }) => message.sid === edited.message.sid, BOUND_MS);
    const removed = next(client, "messageRemoved", (m) => m.sid === deleted.message.sid, BOUND_MS);
    const horizon = next(
      client,
      "participantUpdated",
      ({ participant, updateReasons }) => participant.conversation.sid === receipt.message.conversation.sid && participant.sid === alice.userId && updateReasons.includes("lastReadMessageIndex"),
      BOUND_MS,
    );
    const latencies = await Promise.all([
      latency(updated, () => edited.thread.updateMessage(edited.message.sid, { content: "edited while idle" })),
      latency(removed, () => deleted.thread.deleteMessage(deleted.message.sid)),
      latency(horizon, () => receipt.thread.sendReadReceipt({ chatMessageId: receipt.message.sid })),
    ]);
    expect(edited.message.body).toBe("edited while idle");
    expect((await horizon)[0].participant.lastReadMessageIndex).toBe(receipt.message.index);
    for (const ms of latencies) expect(ms).toBeLessThan(BOUND_MS);
  });
});
