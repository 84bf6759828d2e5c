/**
 * Twilio's subscription semantics in polling mode: from construction to shutdown the client
 * follows every conversation it is in and tells each change once, whether or not anyone listens
 * when it happens. Active conversations (a change in the last moments, or open in the app) are
 * read every cycle; the others are visited by a sweep. The other party is a native ACS client.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator, RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, Message } from "../../src/index.js";
import { chatClientFor } from "../helpers/acs.js";
import { next, until } from "../helpers/observe.js";
import { initialized, startPollingFollower, type TestSession } from "../helpers/twilio-clients.js";

/**
 * Short tiers, so that the test sees both (active for 1.5 s after a change, an idle sweep every
 * 1.2 s); receipts and properties at their default pace (ACS allows 5 receipt reads per 10 s).
 */
const POLLING = { minIntervalInMs: 50, maxIntervalInMs: 200, activeForMs: 1500, sweepIntervalInMs: 1200 };

let emulator: Emulator;
let alice: TestSession;
let bob: TestSession;
let client: Client;
let close: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ emulator, alice, bob, client, close } = await startPollingFollower(POLLING));
});
afterAll(() => close());

/** A thread alice (native) shares with bob, once bob's client has it. */
async function sharedThread(topic: string): Promise<ChatThreadClient> {
  const raw = chatClientFor(emulator, alice.acsToken);
  const joined = next(client, "conversationJoined", (c) => c.friendlyName === topic, 5000);
  const { chatThread } = await raw.createChatThread({ topic }, { participants: [{ id: { communicationUserId: alice.userId } }, { id: { communicationUserId: bob.userId } }] });
  await joined;
  return raw.getChatThreadClient(chatThread!.id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Until a conversation with a change just now is idle: ACS's thread times have whole seconds, so
 * a thread stays listed as changed for up to 1.5 s after its last change, and active after that.
 */
const goneIdle = () => sleep(1500 + POLLING.activeForMs + 300);

describe("every change of every conversation, whoever listens", () => {
  it("an edit reaches a messageUpdated listener attached after the message arrived, as an update, never as a late messageAdded", async () => {
    const thread = await sharedThread("late listener");
    const added: Message[] = [];
    const onAdded = (m: Message) => added.push(m);
    client.on("messageAdded", onAdded);
    const { id } = await thread.sendMessage({ content: "first" });
    await until(() => added.some((m) => m.sid === id), 5000, "the message");
    // The app attaches its update listener only now.
    const updated = next(client, "messageUpdated", ({ message }) => message.sid === id, 3000);
    await thread.updateMessage(id, { content: "first, edited" });
    const [{ message, updateReasons }] = await updated;
    expect(updateReasons).toContain("body");
    expect(message.body).toBe("first, edited");
    expect(added.filter((m) => m.sid === id)).toHaveLength(1);
    client.off("messageAdded", onAdded);
  });

  it("follows a conversation nobody listens to: the Message the app holds shows an edit made while no listener was attached", async () => {
    const thread = await sharedThread("nobody listens");
    const arrived = next(client, "messageAdded", (m) => m.conversation.friendlyName === "nobody listens", 5000);
    const { id } = await thread.sendMessage({ content: "v1" });
    const [message] = await arrived;
    await thread.updateMessage(id, { content: "v2" });
    await until(() => message.body === "v2", 3000, "the edit on the Message held by the app");
  });

  it("an edit in a conversation gone idle arrives within the sweep", async () => {
    const thread = await sharedThread("gone idle");
    const arrived = next(client, "messageAdded", (m) => m.conversation.friendlyName === "gone idle", 5000);
    const { id } = await thread.sendMessage({ content: "old news" });
    await arrived;
    await goneIdle();
    const updated = next(client, "messageUpdated", ({ message }) => message.sid === id, POLLING.sweepIntervalInMs * 3);
    await thread.updateMessage(id, { content: "old news, edited" });
    expect((await updated)[0].message.body).toBe("old news, edited");
  });

  it("a native read receipt in a conversation whose receipts the app never asked for is a participantUpdated with the horizon", async () => {
    const thread = await sharedThread("native receipts");
    const arrived = next(client, "messageAdded", (m) => m.conversation.friendlyName === "native receipts", 5000);
    const { id } = await thread.sendMessage({ content: "read me" });
    const [message] = await arrived;
    const horizon = next(client, "participantUpdated", ({ participant, updateReasons }) => participant.sid === alice.userId && updateReasons.includes("lastReadMessageIndex"), 5000);
    await thread.sendReadReceipt({ chatMessageId: id });
    const [{ participant }] = await horizon;
    expect(participant.lastReadMessageIndex).toBe(message.index);
  });

  it("a native read receipt in a conversation gone idle arrives within the sweep", async () => {
    const thread = await sharedThread("idle receipts");
    const arrived = next(client, "messageAdded", (m) => m.conversation.friendlyName === "idle receipts", 5000);
    const { id } = await thread.sendMessage({ content: "read me later" });
    const [message] = await arrived;
    await goneIdle();
    const horizon = next(client, "participantUpdated", ({ participant, updateReasons }) => participant.sid === alice.userId && updateReasons.includes("lastReadMessageIndex"), 5000);
    await thread.sendReadReceipt({ chatMessageId: id });
    expect((await horizon)[0].participant.lastReadMessageIndex).toBe(message.index);
  });

  it("attributes and a unique name set by another client of this library arrive within a poll interval or two, even in a conversation gone idle", async () => {
    const aliceClient = alice.client({ eventSource: "none" });
    try {
      await initialized(aliceClient);
      const joined = next(client, "conversationJoined", (c) => c.friendlyName === "signalled properties", 5000);
      const mine = await aliceClient.createConversation({ friendlyName: "signalled properties" });
      await mine.add("bob");
      const [theirs] = await joined;
      await goneIdle();
      // Properties are read periodically only every 10 s (the default): sooner means the feed told.
      const byAttributes = next(client, "conversationUpdated", ({ conversation, updateReasons }) => conversation === theirs && updateReasons.includes("attributes"), 3000);
      await mine.updateAttributes({ priority: "high" });
      await byAttributes;
      expect(theirs.attributes).toEqual({ priority: "high" });
      const byName = next(client, "conversationUpdated", ({ conversation, updateReasons }) => conversation === theirs && updateReasons.includes("uniqueName"), 3000);
      await mine.updateUniqueName("signalled-room");
      await byName;
      expect(theirs.uniqueName).toBe("signalled-room");
      // The signal is no message for the app.
      const page = await theirs.getMessages();
      expect(page.items.map((m) => m.body)).toEqual([]);
    } finally {
      await aliceClient.shutdown();
    }
  });

  it("a flood of property signals from a participant costs at most one properties read per second", async () => {
    const thread = await sharedThread("signal flood");
    const reads: number[] = [];
    const count = (entry: RequestLogEntry) => {
      if (entry.userId === bob.userId && entry.operation === "GET /chat/threads/{threadId}" && entry.path.includes(thread.threadId)) reads.push(Date.now());
    };
    emulator.requests.on("request", count);
    try {
      const started = Date.now();
      for (let i = 0; i < 20; i++) await thread.sendMessage({ content: "(signal)" }, { metadata: { twilioControl: "propertiesChanged" } });
      await sleep(2000);
      const seconds = (Date.now() - started) / 1000;
      expect(reads.length).toBeGreaterThan(0);
      // One signalled read a second at most, beside the active conversation's periodic read and the roster's first read.
      expect(reads.length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    } finally {
      emulator.requests.off("request", count);
    }
  });
});
