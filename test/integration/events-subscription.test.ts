/**
 * Twilio's subscription semantics in polling mode: from construction to shutdown the client
 * follows every conversation it is in and tells each change once, whether or not anyone listens
 * when it happens. Active conversations (a change in the last moments, or open in the app) are
 * read every cycle; the others are visited by a sweep. The other party is a native ACS client.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import type { Client, Message } from "../../src/index.js";
import { chatClientFor } from "../helpers/acs.js";
import { next, until } from "../helpers/observe.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

/** Short tiers, so that the test sees both (active for 1.5 s after a change, an idle sweep every 1.2 s); properties at their default pace. */
const POLLING = { minIntervalInMs: 50, maxIntervalInMs: 200, activeForMs: 1500, sweepIntervalInMs: 1200, receiptsIntervalInMs: 300 };

let emulator: Emulator;
let alice: TestSession;
let bob: TestSession;
let client: Client;

beforeAll(async () => {
  emulator = await startEmulator();
  const directory = new TestDirectory();
  [alice, bob] = await Promise.all([createSession(emulator, "alice", directory), createSession(emulator, "bob", directory)]);
  client = bob.client({ eventSource: "polling", polling: POLLING });
  await initialized(client);
});
afterAll(async () => {
  await client?.shutdown();
  await emulator?.close();
});

/** A thread alice (native) shares with bob, once bob's client has it. */
async function sharedThread(topic: string): Promise<ChatThreadClient> {
  const raw = chatClientFor(emulator, alice.acsToken);
  const joined = next(client, "conversationJoined", (c) => c.friendlyName === topic, 5000);
  const { chatThread } = await raw.createChatThread({ topic }, { participants: [{ id: { communicationUserId: alice.userId } }, { id: { communicationUserId: bob.userId } }] });
  await joined;
  return raw.getChatThreadClient(chatThread!.id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    await sleep(POLLING.activeForMs + 300);
    const updated = next(client, "messageUpdated", ({ message }) => message.sid === id, POLLING.sweepIntervalInMs * 3);
    await thread.updateMessage(id, { content: "old news, edited" });
    expect((await updated)[0].message.body).toBe("old news, edited");
  });

  it("a native read receipt in a conversation whose receipts the app never asked for is a participantUpdated with the horizon", async () => {
    const thread = await sharedThread("native receipts");
    const arrived = next(client, "messageAdded", (m) => m.conversation.friendlyName === "native receipts", 5000);
    const { id } = await thread.sendMessage({ content: "read me" });
    const [message] = await arrived;
    const horizon = next(client, "participantUpdated", ({ participant, updateReasons }) => participant.sid === alice.userId && updateReasons.includes("lastReadMessageIndex"), 3000);
    await thread.sendReadReceipt({ chatMessageId: id });
    const [{ participant }] = await horizon;
    expect(participant.lastReadMessageIndex).toBe(message.index);
  });
});
