/**
 * The habits of real Twilio apps (seen in Twilio's own demo app) against an emulator that enforces
 * ACS's rate limits: a render loop at 10 renders a second that reads messages, counts, receipts and
 * users, types on every keystroke, and handlers that advance the horizon on every message and list
 * participants on every event. Twilio answers these from its subscription's local state; so must
 * this library, or ACS throttles the app (429) within seconds. Then leaving: the app's
 * `participantLeft` and `conversationLeft` handlers must get answers, not rejections.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, Conversation, Message, Participant } from "../../src/index.js";
import { until } from "../helpers/observe.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

let emulator: Emulator;
const directory = new TestDirectory();
let alice: TestSession;
let bob: TestSession;
let carol: TestSession;
const clients: Client[] = [];
const throttled: RequestLogEntry[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ rateLimits: true });
  emulator.requests.on("request", (entry) => entry.status === 429 && throttled.push(entry));
  [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((name) => createSession(emulator, name, directory))) as [TestSession, TestSession, TestSession];
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.shutdown()));
  await emulator?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(condition: () => Promise<boolean>, what: string, timeoutInMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function clientOf(session: TestSession): Promise<Client> {
  const client = session.client({ eventSource: "polling" });
  clients.push(client);
  await initialized(client);
  return client;
}

/** A conversation alice creates and adds bob to, as each sees it, once bob's client has it. */
async function aliceAddsBob(friendlyName: string): Promise<{ bobClient: Client; mine: Conversation; conversation: Conversation }> {
  const aliceClient = await clientOf(alice);
  const bobClient = await clientOf(bob);
  const mine = await aliceClient.createConversation({ friendlyName });
  await mine.join();
  const joined = new Promise<Conversation>((resolve) => bobClient.on("conversationJoined", (c) => c.sid === mine.sid && resolve(c)));
  await mine.add("bob");
  return { bobClient, mine, conversation: await joined };
}

/** The requests one user sends while `work` runs. */
async function requestsOf(userId: string, work: () => Promise<void>): Promise<RequestLogEntry[]> {
  const seen: RequestLogEntry[] = [];
  const count = (entry: RequestLogEntry) => entry.userId === userId && seen.push(entry);
  emulator.requests.on("request", count);
  try {
    await work();
  } finally {
    emulator.requests.off("request", count);
  }
  return seen;
}

describe("a Twilio app's habits stay inside ACS's limits", () => {
  it("a render loop at 10 renders a second, horizon advanced on every message, participants listed in every handler: no 429, right answers", async () => {
    const { bobClient, mine, conversation } = await aliceAddsBob("habits");

    const failures: unknown[] = [];
    const safely = (work: Promise<unknown>) => void work.catch((error: unknown) => failures.push(error));
    // Handlers as the demo app writes them.
    const added: Message[] = [];
    bobClient.on("messageAdded", (message) => {
      added.push(message);
      safely(message.conversation.advanceLastReadMessageIndex(message.index));
      safely(message.conversation.getParticipants());
    });
    for (const event of ["participantJoined", "participantLeft", "participantUpdated"] as const) {
      bobClient.on(event, () => safely(conversation.getParticipants()));
    }

    let renders = 0;
    const render = async () => {
      const page = await conversation.getMessages();
      await conversation.getUnreadMessagesCount();
      await conversation.getMessagesCount();
      await conversation.getParticipantsCount();
      for (const message of page.items) {
        void message.aggregatedDeliveryReceipt;
        await message.getDetailedDeliveryReceipts();
        if (message.author) await bobClient.getUser(message.author);
      }
      await conversation.typing();
      renders++;
    };
    let rendering = true;
    const loop = (async () => {
      while (rendering) {
        await render().catch((error: unknown) => failures.push(error));
        await sleep(100);
      }
    })();

    // Meanwhile alice talks (ACS allows 10 sends per 10 s per thread) and carol comes and goes.
    const bobRequests = await requestsOf(bob.userId, async () => {
      for (let i = 0; i < 8; i++) {
        await mine.sendMessage(`message ${i}`);
        if (i === 2) await mine.add("carol");
        if (i === 5) await mine.removeParticipant("carol");
        await sleep(900);
      }
      await until(() => added.length === 8, 10_000, "bob's client receiving every message");
      await sleep(1500);
    });
    rendering = false;
    await loop;

    expect(failures).toEqual([]);
    expect(throttled).toEqual([]);
    expect(renders).toBeGreaterThan(40);
    // The answers are right: local state kept current by the event stream.
    expect((await conversation.getMessages()).items.map((m) => m.body)).toEqual(Array.from({ length: 8 }, (_, i) => `message ${i}`));
    expect(await conversation.getMessagesCount()).toBe(8);
    await eventually(async () => (await conversation.getUnreadMessagesCount()) === 0, "bob's unread count at 0");
    expect((await conversation.getParticipants()).map((p) => p.identity).sort()).toEqual(["alice", "bob"]);
    const perSecond = bobRequests.length / 9.5;
    console.log(`app habits: ${renders} renders, ${bobRequests.length} ACS requests by bob's client (${perSecond.toFixed(1)}/s):`, countBy(bobRequests));
  }, 40_000);
});

describe("leaving, as the demo app's handlers see it", () => {
  it("participantLeft and conversationLeft handlers get local answers after leave(), without a request that ACS refuses", async () => {
    const { bobClient, mine, conversation } = await aliceAddsBob("leaving");
    await mine.sendMessage("before leaving");
    await eventually(async () => (await conversation.getMessages()).items.length === 1, "the message on bob's side");
    const [message] = (await conversation.getMessages()).items;
    await conversation.getParticipants();

    const answers: Record<string, unknown> = {};
    const failures: unknown[] = [];
    const handler = (name: string) => async () => {
      try {
        answers[`${name}: participants`] = (await conversation.getParticipants()).map((p: Participant) => p.identity).sort();
        answers[`${name}: count`] = await conversation.getParticipantsCount();
        answers[`${name}: receipts`] = await message!.getDetailedDeliveryReceipts();
        answers[`${name}: unread`] = await conversation.getUnreadMessagesCount();
        answers[`${name}: messages`] = await conversation.getMessagesCount();
      } catch (error) {
        failures.push(error);
      }
    };
    const left = new Promise<void>((resolve) => bobClient.on("conversationLeft", () => void handler("conversationLeft")().then(resolve)));
    bobClient.on("participantLeft", () => void handler("participantLeft")());
    const requests = await requestsOf(bob.userId, async () => {
      await conversation.leave();
      await left;
      await sleep(300);
    });
    expect(failures).toEqual([]);
    expect(answers["conversationLeft: participants"]).toEqual(["alice"]);
    expect(answers["conversationLeft: count"]).toBe(1);
    expect(answers["conversationLeft: receipts"]).toEqual([]);
    expect(answers["conversationLeft: unread"]).toBeNull();
    expect(answers["conversationLeft: messages"]).toBe(1);
    // The removal itself, and nothing ACS refuses.
    expect(requests.filter((entry) => entry.status === 403)).toEqual([]);
    expect(requests.map((entry) => entry.operation)).toContain("POST /chat/threads/{threadId}/participants/:remove");
  }, 20_000);
});

function countBy(entries: RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
  return counts;
}
