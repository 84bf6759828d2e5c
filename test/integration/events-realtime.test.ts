/**
 * The realtime source through its seam. ACS's realtime signaling (Trouter) cannot run in Node, so
 * bob's client gets `eventSource: { realtimeSignals: fake }`, and a relay plays ACS: whenever a
 * REAL change happens in the emulator (alice acting through our library), it emits the payload
 * ACS's ChatClient would emit for it on bob's fake (shapes of acs-rest.md §4.3: identifiers are
 * `CommunicationIdentifierKind`, dates are `Date`). Bob polls once a minute, so whatever arrives
 * within seconds came by push.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcsChatEvent, Emulator, RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, Message, Participant } from "../../src/index.js";
import { chatClientFor } from "../helpers/acs.js";
import { FakeSignals, realtimeOf, who } from "../helpers/fake-realtime.js";
import { announcedConversation, createSession, initialized, startTwoUsers, type TestDirectory, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { next, until } from "../helpers/observe.js";

const SLOW = { minIntervalInMs: 60_000, maxIntervalInMs: 60_000, watchIntervalInMs: 600_000, removalCheckIntervalInMs: 600_000 };
const FAST = { minIntervalInMs: 20, maxIntervalInMs: 100, watchIntervalInMs: 150, removalCheckIntervalInMs: 300 };

/**
 * Plays ACS's push channel for one user: each real change in the emulator that ACS pushes to
 * that user becomes the matching realtime payload on the user's fake. Typing and read receipts
 * have no Event Grid event: they come from the emulator's request log (POST .../typing and
 * .../readReceipts that the emulator answered 200), and reach every endpoint of every member,
 * the sender's own included (ACS echoes them; apps filter their own typing).
 */
class Relay {
  /** How many times to deliver each push: 0 drops it, 2 repeats it. */
  deliver: (event: string, payload: Record<string, unknown>) => number = () => 1;
  readonly delivered: Array<[string, Record<string, unknown>]> = [];
  private connected = true;
  private readonly onEvent = (event: AcsChatEvent) => {
    const data = event.data as { recipientCommunicationIdentifier?: { rawId: string } };
    if (data.recipientCommunicationIdentifier?.rawId !== this.userId) return;
    const push = realtimeOf(event);
    if (push) this.push(...push);
  };
  private readonly onRequest = (entry: RequestLogEntry) => {
    const match = /^\/chat\/threads\/([^/]+)\/(typing|readReceipts)$/.exec(entry.path);
    if (!match || entry.method !== "POST" || entry.status !== 200 || !entry.userId) return;
    const common = { threadId: match[1]!, sender: who(entry.userId), senderDisplayName: "", recipient: who(this.userId) };
    if (match[2] === "typing") this.push("typingIndicatorReceived", { ...common, version: String(Date.now()), receivedOn: new Date() });
    else this.push("readReceiptReceived", { ...common, chatMessageId: "", readOn: new Date() });
  };

  constructor(
    private readonly emulator: Emulator,
    private readonly userId: string,
    readonly signals: FakeSignals,
  ) {
    emulator.events.on("*", this.onEvent);
    emulator.requests.on("request", this.onRequest);
  }

  /** The connection drops: ACS says so, and pushes meanwhile are lost. */
  disconnect(): void {
    this.connected = false;
    this.signals.emit("realTimeNotificationDisconnected");
  }

  reconnect(): void {
    this.connected = true;
    this.signals.emit("realTimeNotificationConnected");
  }

  close(): void {
    this.emulator.events.off("*", this.onEvent);
    this.emulator.requests.off("request", this.onRequest);
  }

  deliveries(event: string): Array<Record<string, unknown>> {
    return this.delivered.filter(([name]) => name === event).map(([, payload]) => payload);
  }

  private push(event: string, payload: Record<string, unknown>): void {
    if (!this.connected) return;
    const times = this.deliver(event, payload);
    for (let i = 0; i < times; i++) {
      this.delivered.push([event, payload]);
      this.signals.emit(event, payload);
    }
  }
}

let users: TwoUsers;
let emulator: Emulator;
let directory: TestDirectory;
let alice: TestSession;
let bob: TestSession;
let aliceClient: Client;
let bobClient: Client;
let relay: Relay;
const extraClients: Client[] = [];
const extraRelays: Relay[] = [];

/** Another client for bob, fed by its own relay. */
async function bobWith(options: Parameters<TestSession["client"]>[0] & object, signals = new FakeSignals()): Promise<{ client: Client; relay: Relay }> {
  const extraRelay = new Relay(emulator, bob.userId, signals);
  const client = bob.client({ eventSource: { realtimeSignals: signals }, ...options });
  extraClients.push(client);
  extraRelays.push(extraRelay);
  await initialized(client);
  return { client, relay: extraRelay };
}

/** Alice's new conversation with bob in it, and bob's copy, announced by push (participantsAdded). */
const sharedConversation = (friendlyName: string, client = bobClient) => announcedConversation(aliceClient, client, friendlyName);

beforeAll(async () => {
  users = await startTwoUsers({
    bobClient: (session, started) => {
      relay = new Relay(started, session.userId, new FakeSignals());
      return session.client({ eventSource: { realtimeSignals: relay.signals }, polling: SLOW, typingIndicatorTimeoutOverride: 200 });
    },
  });
  ({ emulator, directory, alice, bob, aliceClient, bobClient } = users);
  // The realtime source listens once the client has loaded its conversations.
  await until(() => relay.signals.listening());
  expect(relay.signals.started).toBe(1);
});

afterAll(async () => {
  await Promise.all(extraClients.map((c) => c.shutdown()));
  for (const r of [relay, ...extraRelays]) r?.close();
  await users?.close();
});

describe("realtime source: messages", () => {
  it("a conversation bob is added to arrives by push (participantsAdded), and so does one created with him in it (chatThreadCreated)", async () => {
    const { theirs } = await sharedConversation("pushed in");
    expect(theirs.friendlyName).toBe("pushed in");
    expect(relay.deliveries("participantsAdded").some((p) => p.threadId === theirs.sid)).toBe(true);

    // Created with bob among the initial participants (raw SDK: our library creates, then adds).
    const added = next(bobClient, "conversationAdded", (c) => c.friendlyName === "created with bob");
    const { chatThread } = await chatClientFor(emulator, alice.acsToken).createChatThread(
      { topic: "created with bob" },
      { participants: [{ id: { communicationUserId: alice.userId } }, { id: { communicationUserId: bob.userId } }] },
    );
    const [created] = await added;
    expect(created.sid).toBe(chatThread!.id);
    expect(relay.deliveries("chatThreadCreated").map((p) => p.threadId)).toContain(chatThread!.id);
  });

  it("messageAdded, messageUpdated and messageRemoved arrive by push (chatMessageReceived/Edited/Deleted)", async () => {
    const { mine, theirs } = await sharedConversation("pushed messages");
    const added: Message[] = [];
    theirs.on("messageAdded", (m) => added.push(m));
    const sent: number[] = [];
    for (const text of ["one", "two", "three"]) sent.push(await mine.sendMessage(text));
    await until(() => added.length === 3);
    expect(added.map((m) => m.body)).toEqual(["one", "two", "three"]);
    expect(added.map((m) => m.index)).toEqual(sent);
    expect(added.map((m) => m.author)).toEqual(["alice", "alice", "alice"]);
    const pushed = relay.deliveries("chatMessageReceived").filter((p) => p.threadId === mine.sid);
    expect(pushed).toHaveLength(3);
    expect(pushed[0]).toMatchObject({ sender: who(alice.userId), recipient: who(bob.userId), message: "one", type: "Text" });

    const [alicesFirst] = (await mine.getMessages()).items;
    const updated = next(bobClient, "messageUpdated", ({ message }) => message === added[0]);
    await alicesFirst!.updateBody("one, edited");
    const [{ updateReasons }] = await updated;
    expect(updateReasons).toContain("body");
    expect(added[0]!.body).toBe("one, edited");
    expect(relay.deliveries("chatMessageEdited").some((p) => p.threadId === mine.sid)).toBe(true);

    const removed = next(bobClient, "messageRemoved", (m) => m === added[0]);
    await alicesFirst!.remove();
    await removed;
    expect(relay.deliveries("chatMessageDeleted").some((p) => p.threadId === mine.sid)).toBe(true);
    expect((await theirs.getMessages()).items.map((m) => m.body)).toEqual(["two", "three"]);
  });

  it("a push delivered twice produces one messageAdded", async () => {
    const { mine, theirs } = await sharedConversation("twice");
    const added: string[] = [];
    theirs.on("messageAdded", (m) => added.push(m.body ?? ""));
    relay.deliver = (event, payload) => (event === "chatMessageReceived" && payload.message === "echo" ? 2 : 1);
    try {
      await mine.sendMessage("echo");
      await mine.sendMessage("after");
      // "after" is announced after every read the two "echo" pushes caused.
      await until(() => added.includes("after"));
    } finally {
      relay.deliver = () => 1;
    }
    expect(relay.deliveries("chatMessageReceived").filter((p) => p.message === "echo")).toHaveLength(2);
    expect(added).toEqual(["echo", "after"]);
  });

  it("a push that never came is read after realTimeNotificationDisconnected + realTimeNotificationConnected", async () => {
    const { mine, theirs } = await sharedConversation("dropped");
    const added: string[] = [];
    theirs.on("messageAdded", (m) => added.push(m.body ?? ""));
    await mine.sendMessage("before");
    await until(() => added.length === 1);
    // A nudge during a poll cycle runs another right after it: let that one pass first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    relay.deliver = (event) => (event === "chatMessageReceived" ? 0 : 1);
    try {
      await mine.sendMessage("lost push");
    } finally {
      relay.deliver = () => 1;
    }
    // Nothing told bob's client (it polls once a minute).
    expect(added).toEqual(["before"]);
    relay.disconnect();
    relay.reconnect();
    await until(() => added.length === 2);
    expect(added).toEqual(["before", "lost push"]);
  });
});

describe("realtime source: typing", () => {
  it("typingIndicatorReceived from alice: typingStarted on bob's Conversation, Participant and Client, typingEnded after the timeout", async () => {
    const { mine, theirs } = await sharedConversation("typing");
    const aliceForBob = await theirs.getParticipantByIdentity("alice");
    expect(aliceForBob).not.toBeNull();
    const events: string[] = [];
    theirs.on("typingStarted", (p) => events.push(`conversation started ${p.identity}`));
    theirs.on("typingEnded", (p) => events.push(`conversation ended ${p.identity}`));
    aliceForBob!.on("typingStarted", () => events.push("participant started"));
    aliceForBob!.on("typingEnded", () => events.push("participant ended"));
    const onClient = (what: string) => (p: Participant) => p.conversation === theirs && events.push(`client ${what} ${p.identity}`);
    bobClient.on("typingStarted", onClient("started"));
    bobClient.on("typingEnded", onClient("ended"));
    try {
      await mine.typing();
      await until(() => events.length === 3);
      expect(events.sort()).toEqual(["client started alice", "conversation started alice", "participant started"]);
      expect(aliceForBob!.isTyping).toBe(true);
      // typingIndicatorTimeoutOverride: 200 ms without a new indicator ends it.
      await until(() => events.length === 6);
      expect(events.slice(3).sort()).toEqual(["client ended alice", "conversation ended alice", "participant ended"]);
      expect(aliceForBob!.isTyping).toBe(false);
    } finally {
      bobClient.removeAllListeners("typingStarted");
      bobClient.removeAllListeners("typingEnded");
    }
    expect(relay.deliveries("typingIndicatorReceived").filter((p) => p.threadId === mine.sid)).toHaveLength(1);
  });

  it("alice's message ends her typing at once (a client with a long typing timeout)", async () => {
    const { client } = await bobWith({ polling: SLOW, typingIndicatorTimeoutOverride: 60_000 });
    const { mine, theirs } = await sharedConversation("typing then message", client);
    const aliceForBob = (await theirs.getParticipantByIdentity("alice"))!;
    const events: string[] = [];
    theirs.on("typingStarted", () => events.push("typingStarted"));
    theirs.on("typingEnded", () => events.push("typingEnded"));
    theirs.on("messageAdded", (m) => events.push(`messageAdded ${m.body} typing=${aliceForBob.isTyping}`));
    await mine.typing();
    await until(() => events.includes("typingStarted"));
    await mine.sendMessage("done typing");
    // Well within the 60 s timeout: the message ended it.
    await until(() => events.length === 3);
    expect(events).toEqual(["typingStarted", "typingEnded", "messageAdded done typing typing=false"]);
  });

  it("bob's own typing (ACS echoes it to his endpoints) never fires typingStarted on bob's client", async () => {
    const { mine, theirs } = await sharedConversation("own typing");
    await theirs.getParticipants();
    const started: string[] = [];
    theirs.on("typingStarted", (p) => started.push(p.identity ?? ""));
    await theirs.typing();
    expect(relay.deliveries("typingIndicatorReceived").filter((p) => p.threadId === mine.sid).map((p) => p.sender)).toEqual([who(bob.userId)]);
    // Alice's indicator comes after bob's: once hers is reported, his would have been.
    await mine.typing();
    await until(() => started.length > 0);
    expect(started).toEqual(["alice"]);
    const participants = await theirs.getParticipants();
    expect(participants.find((p) => p.identity === "bob")!.isTyping).toBe(false);
  });
});

describe("realtime source: conversations", () => {
  it("chatThreadPropertiesUpdated -> conversationUpdated with attributes", async () => {
    const { mine, theirs } = await sharedConversation("properties");
    const updated = next(bobClient, "conversationUpdated", ({ conversation, updateReasons }) => conversation === theirs && updateReasons.includes("attributes"));
    await mine.updateAttributes({ color: "blue" });
    await updated;
    expect(theirs.attributes).toEqual({ color: "blue" });
    expect(relay.deliveries("chatThreadPropertiesUpdated").some((p) => p.threadId === mine.sid)).toBe(true);
  });

  it("participantsRemoved naming bob -> conversationLeft then conversationRemoved", async () => {
    const { mine, theirs } = await sharedConversation("remove bob");
    const order: string[] = [];
    bobClient.on("conversationLeft", (c) => c === theirs && order.push("left"));
    bobClient.on("conversationRemoved", (c) => c === theirs && order.push("removed"));
    await mine.removeParticipant("bob");
    await until(() => order.length === 2);
    expect(order).toEqual(["left", "removed"]);
    expect(theirs.status).toBe("notParticipating");
    const push = relay.deliveries("participantsRemoved").find((p) => p.threadId === mine.sid);
    expect(push?.participantsRemoved).toEqual([expect.objectContaining({ id: who(bob.userId) })]);
  });

  it("chatThreadDeleted -> conversationRemoved", async () => {
    const { mine, theirs } = await sharedConversation("delete me");
    const removed = next(bobClient, "conversationRemoved", (c) => c === theirs);
    await mine.delete();
    await removed;
    expect(relay.deliveries("chatThreadDeleted").map((p) => p.threadId)).toContain(mine.sid);
  });
});

describe("realtime source: unavailable", () => {
  it("when startRealtimeNotifications rejects (as in Node), the client falls back to polling and still gets events", async () => {
    const signals = new FakeSignals(new Error("Realtime notifications are not supported in node js."));
    const { client } = await bobWith({ polling: FAST }, signals);
    const { mine, theirs } = await sharedConversation("fallback", client);
    const added: string[] = [];
    theirs.on("messageAdded", (m) => added.push(m.body ?? ""));
    await mine.sendMessage("by polling");
    await until(() => added.length === 1);
    expect(added).toEqual(["by polling"]);
    // Nothing listened on the failed transport: the events came by polling.
    expect(signals.listeners.size).toBe(0);
  });

  it("answers the app's calls while the realtime connection is still being made, and stops it at shutdown", async () => {
    let connect: () => void = () => undefined;
    class SlowSignals extends FakeSignals {
      override async startRealtimeNotifications(): Promise<void> {
        await new Promise<void>((resolve) => (connect = resolve));
        this.started++;
      }
    }
    const signals = new SlowSignals();
    const dave = await createSession(emulator, "dave", directory);
    const mine = await aliceClient.createConversation({ friendlyName: "while connecting" });
    await mine.join();
    await mine.add("dave");
    const client = dave.client({ eventSource: { realtimeSignals: signals }, polling: FAST });
    extraClients.push(client);
    await initialized(client);
    expect((await client.getConversationBySid(mine.sid)).friendlyName).toBe("while connecting");
    expect(signals.started).toBe(0);
    // Shut down while connecting: when the connection comes, it is closed, and nothing polls on.
    const requests: string[] = [];
    await client.shutdown();
    connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals.stopped).toBe(1);
    const count = (entry: { userId?: string; operation: string }) => entry.userId === dave.userId && requests.push(entry.operation);
    emulator.requests.on("request", count);
    await new Promise((resolve) => setTimeout(resolve, 200));
    emulator.requests.off("request", count);
    expect(requests).toEqual([]);
  });

  it("eventSource 'realtime' with the real ChatClient in Node falls back to polling", async () => {
    const client = bob.client({ eventSource: "realtime", polling: FAST });
    extraClients.push(client);
    await initialized(client);
    const { mine, theirs } = await sharedConversation("real sdk fallback", client);
    const added = new Promise<Message>((resolve) => theirs.once("messageAdded", resolve));
    await mine.sendMessage("polled");
    expect((await added).body).toBe("polled");
  });
});
