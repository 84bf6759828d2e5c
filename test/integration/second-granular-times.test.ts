/**
 * ACS writes every date with whole seconds, so many changes share one timestamp: the change
 * feed's cursor, the history/news split and every "since" question must hold on ties. A native
 * ACS sender (alice) runs random interleavings of sends, edits, deletes, read receipts and joins
 * in a conversation that has history, starting in the same second as bob's client (ours, polling)
 * starts; bob must announce every new message exactly once, in index order, never history, and
 * show every edit and deletion. Runs on an emulator with second-granular times, with and without
 * a server clock a few seconds off, and with and without edits and deletes moving the thread's
 * `lastMessageReceivedOn` (ACS does not document which).
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import type { Client, Message } from "../../src/index.js";
import { chatClientFor } from "../helpers/acs.js";
import { until } from "../helpers/observe.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

const FAST = { minIntervalInMs: 30, maxIntervalInMs: 120, watchIntervalInMs: 150, removalCheckIntervalInMs: 60_000 };

type Step =
  | { kind: "send" }
  | { kind: "edit"; pick: number }
  | { kind: "delete"; pick: number }
  | { kind: "receipt"; pick: number }
  | { kind: "join" }
  | { kind: "pause"; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: "send" as const }) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: "edit" as const, pick })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: "delete" as const, pick })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: "receipt" as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: "join" as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1100 }).map((ms) => ({ kind: "pause" as const, ms })) },
);

interface Sent {
  id: string;
  body: string;
  history: boolean;
  deleted: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run: a conversation with `historyCount` messages, bob's client started, then the steps. */
async function run(emulator: Emulator, alice: TestSession, bob: TestSession, carol: TestSession, historyCount: number, steps: Step[]): Promise<void> {
  const raw = chatClientFor(emulator, alice.acsToken);
  const { chatThread } = await raw.createChatThread({ topic: "ties" }, { participants: [{ id: { communicationUserId: alice.userId } }, { id: { communicationUserId: bob.userId } }] });
  const thread: ChatThreadClient = raw.getChatThreadClient(chatThread!.id);
  const sent: Sent[] = [];
  const send = async (history: boolean) => {
    const body = `m${sent.length}`;
    const { id } = await thread.sendMessage({ content: body });
    sent.push({ id, body, history, deleted: false });
  };
  for (let i = 0; i < historyCount; i++) await send(true);

  const client: Client = bob.client({ eventSource: "polling", polling: FAST });
  const added: Message[] = [];
  const updated: string[] = [];
  const removed: string[] = [];
  const joined: string[] = [];
  const mine = (m: Message) => m.conversation.sid === chatThread!.id;
  client.on("messageAdded", (m) => mine(m) && added.push(m));
  client.on("messageUpdated", ({ message }) => mine(message) && updated.push(message.sid));
  client.on("messageRemoved", (m) => mine(m) && removed.push(m.sid));
  client.on("participantJoined", (p) => p.conversation.sid === chatThread!.id && joined.push(p.sid));
  try {
    await initialized(client);
    let carolAdded = false;
    const pick = (n: number, live = true) => {
      const candidates = sent.filter((m) => !live || !m.deleted);
      return candidates.length ? candidates[n % candidates.length] : undefined;
    };
    for (const s of steps) {
      if (s.kind === "send") await send(false);
      else if (s.kind === "edit") {
        const target = pick(s.pick);
        if (target) {
          target.body = `${target.body}'`;
          await thread.updateMessage(target.id, { content: target.body });
        }
      } else if (s.kind === "delete") {
        const target = pick(s.pick);
        if (target) {
          target.deleted = true;
          await thread.deleteMessage(target.id);
        }
      } else if (s.kind === "receipt") {
        const target = pick(s.pick);
        if (target) await thread.sendReadReceipt({ chatMessageId: target.id });
      } else if (s.kind === "join" && !carolAdded) {
        carolAdded = true;
        await thread.addParticipants({ participants: [{ id: { communicationUserId: carol.userId } }] });
      } else if (s.kind === "pause") await sleep(s.ms);
    }

    const news = sent.filter((m) => !m.history);
    const expectedLive = news.filter((m) => !m.deleted).map((m) => m.id);
    const announced = () => added.map((m) => m.sid);
    const settled = () =>
      expectedLive.every((id) => announced().includes(id)) &&
      added.every((m) => {
        const truth = sent.find((s) => s.id === m.sid)!;
        return truth.deleted ? removed.includes(m.sid) : m.body === truth.body;
      }) &&
      (!carolAdded || joined.includes(carol.userId));
    await until(settled, 10_000, "bob's client to show every change").catch((error: unknown) => {
      throw new Error(`${String(error)}: sent ${JSON.stringify(sent)}; announced ${JSON.stringify(added.map((m) => [m.sid, m.index, m.body]))}; removed ${JSON.stringify(removed)}`);
    });
    // Late duplicates would arrive within a few poll cycles.
    await sleep(300);

    const ids = announced();
    expect(new Set(ids).size, "each message announced once").toBe(ids.length);
    expect(added.map((m) => m.index), "announced in index order").toEqual([...added.map((m) => m.index)].sort((a, b) => a - b));
    expect(ids.filter((id) => sent.find((s) => s.id === id)?.history), "history is never news").toEqual([]);
    expect(ids.filter((id) => !sent.some((s) => s.id === id)), "only alice's messages").toEqual([]);
    expect(new Set(removed).size, "each removal once").toBe(removed.length);
    expect(removed.filter((id) => !ids.includes(id)), "only announced messages are removed").toEqual([]);
    expect(joined.filter((id) => id === carol.userId).length).toBe(carolAdded ? 1 : 0);
    // Every edit of an announced message shows: the Message bob holds has the final body.
    for (const message of added) {
      const truth = sent.find((s) => s.id === message.sid)!;
      if (!truth.deleted) expect(message.body).toBe(truth.body);
    }
  } finally {
    await client.shutdown();
  }
}

const configurations: Array<[string, EmulatorOptions]> = [
  ["second-granular times", { timestampPrecision: "second" }],
  ["second-granular times, the service's clock 3 s ahead", { timestampPrecision: "second", now: () => Date.now() + 3000 }],
  ["second-granular times, edits and deletes moving lastMessageReceivedOn", { timestampPrecision: "second", lastMessageReceivedOnMovesOnEdit: true, lastMessageReceivedOnMovesOnDelete: true }],
];

const emulators: Emulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

describe.each(configurations)("the change feed on %s", (_, options) => {
  it("announces every new message once and in order, never history, and shows every edit and deletion", async () => {
    const emulator = await startEmulator(options);
    emulators.push(emulator);
    const directory = new TestDirectory();
    const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((name) => createSession(emulator, name, directory)));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.array(step, { minLength: 3, maxLength: 12 }), (historyCount, steps) => run(emulator, alice!, bob!, carol!, historyCount, steps)),
      { numRuns: 6, endOnFailure: true },
    );
  }, 120_000);
});

describe("a conversation this user is added to, on second-granular times", () => {
  it("announces the messages sent after the user was added, in the same second as other threads' activity, and none before", async () => {
    const emulator = await startEmulator({ timestampPrecision: "second" });
    emulators.push(emulator);
    const directory = new TestDirectory();
    const [alice, bob] = await Promise.all(["alice", "bob"].map((name) => createSession(emulator, name, directory)));
    const raw = chatClientFor(emulator, alice!.acsToken);
    const { chatThread: busy } = await raw.createChatThread({ topic: "busy" }, { participants: [{ id: { communicationUserId: alice!.userId } }, { id: { communicationUserId: bob!.userId } }] });
    const client = bob!.client({ eventSource: "polling", polling: FAST });
    const added: string[] = [];
    const joined: string[] = [];
    client.on("messageAdded", (m) => added.push(m.body ?? ""));
    client.on("conversationJoined", (c) => joined.push(c.friendlyName ?? ""));
    try {
      await initialized(client);
      for (let round = 0; round < 4; round++) {
        // In one second: a message in a thread bob follows (moving his cursor), and a new thread with
        // history, bob added, then news.
        const topic = `new ${round}`;
        await raw.getChatThreadClient(busy!.id).sendMessage({ content: `busy ${round}` });
        const { chatThread } = await raw.createChatThread({ topic }, { participants: [{ id: { communicationUserId: alice!.userId } }] });
        const thread = raw.getChatThreadClient(chatThread!.id);
        await thread.sendMessage({ content: `before ${round}` });
        await thread.addParticipants({ participants: [{ id: { communicationUserId: bob!.userId } }] });
        await thread.sendMessage({ content: `after ${round}` });
        await until(() => added.includes(`after ${round}`) && joined.includes(topic), 10_000, `round ${round}`);
      }
      await sleep(300);
      expect(added.filter((body) => body.startsWith("before")), "history of a joined thread is never news").toEqual([]);
      expect(added.filter((body) => body.startsWith("after"))).toEqual(["after 0", "after 1", "after 2", "after 3"]);
      expect(added.filter((body) => body.startsWith("busy"))).toEqual(["busy 0", "busy 1", "busy 2", "busy 3"]);
    } finally {
      await client.shutdown();
    }
  }, 60_000);
});
