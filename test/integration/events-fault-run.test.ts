/**
 * The fault run: three senders (alice and bob through our library, carol through the raw ACS SDK)
 * send N messages, interleaved and concurrently, to one conversation, while three receivers
 * (dave polling, erin on a realtime seam that loses a third of its pushes and reconnects midway,
 * frank polling) must each get exactly N `messageAdded`, each once, in strictly increasing index
 * order. Meanwhile the emulator injects 503 and 429 bursts and dropped connections on the reads
 * the receivers poll with, dave's token is refreshed, and frank's polling is kicked (there is no
 * public restart: `updateToken` polls at once; `shutdown()` would drop subscriptions).
 *
 * The second run makes every other kind of change (edits, deletions, reactions, topic, attributes,
 * participant attributes, joins, leaves, read receipts) under 503, 429 and dropped connections on
 * every read the receivers make: each change is told once, in order, and the last one is told.
 *
 * Faults on the message reads here are bursts the SDK's retries absorb; the thread-list bursts go
 * past the retries on purpose. Reads that fail past the retries, and a refresh after revocation,
 * have their own tests at the end of this file (they were bugs the fault run found).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type AcsChatEvent, type Emulator, type FaultRule } from "../../src/emulator/index.js";
import type { Client, Conversation } from "../../src/index.js";
import { all, chatClientFor, identityClient } from "../helpers/acs.js";
import { FakeSignals, realtimeOf } from "../helpers/fake-realtime.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";
import { until } from "../helpers/observe.js";

const FAST = { minIntervalInMs: 20, maxIntervalInMs: 100, watchIntervalInMs: 150, removalCheckIntervalInMs: 300 };
/** Erin's safety-net polling: slow, beside her pushes. */
const ERIN_POLLING = { minIntervalInMs: 500, maxIntervalInMs: 1000, watchIntervalInMs: 1000, removalCheckIntervalInMs: 600_000 };
/** ACS allows 10 sends per 10 s per thread: each of our senders stays within it (the raw SDK sender is not paced). */
const PER_SENDER = 9;
const LIST = /^\/chat\/threads$/;
const MESSAGES = /^\/chat\/threads\/[^/]+\/messages$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ACS's push channel for one user, lossy: each real message sent to the user becomes ACS's
 * `chatMessageReceived` payload, except every third one (dropped) and those sent while
 * disconnected (lost). `participantsAdded` pushes go through, so the user learns of the conversation.
 */
class LossyRelay {
  readonly signals = new FakeSignals();
  messagePushes = 0;
  delivered = 0;
  dropped = 0;
  lostWhileDisconnected = 0;
  private connected = true;
  private readonly onEvent = (event: AcsChatEvent) => {
    const data = event.data as { recipientCommunicationIdentifier?: { rawId: string } };
    if (data.recipientCommunicationIdentifier?.rawId !== this.userId) return;
    const push = realtimeOf(event);
    if (push?.[0] === "participantsAdded") this.signals.emit(...push);
    if (push?.[0] !== "chatMessageReceived") return;
    this.messagePushes++;
    if (!this.connected) return void this.lostWhileDisconnected++;
    if (this.messagePushes % 3 === 0) return void this.dropped++;
    this.delivered++;
    this.signals.emit(...push);
  };

  constructor(
    private readonly emulator: Emulator,
    private readonly userId: string,
  ) {
    emulator.events.on("*", this.onEvent);
  }

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
  }
}

interface Received {
  index: number;
  body: string;
  sid: string;
}

let emulator: Emulator;
const directory = new TestDirectory();
const sessions: Record<string, TestSession> = {};
const clients: Client[] = [];
let erinRelay: LossyRelay;

beforeAll(async () => {
  emulator = await startEmulator();
  for (const name of ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"]) sessions[name] = await createSession(emulator, name, directory);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.shutdown()));
  erinRelay?.close();
  await emulator?.close();
});

describe("fault run", () => {
  it("three senders, three receivers, faults: every receiver gets every message exactly once, in index order", async () => {
    const { alice, bob, carol, dave, erin, frank } = sessions as Record<string, TestSession>;
    const aliceClient = alice!.client();
    const bobClient = bob!.client();
    const daveClient = dave!.client({ eventSource: "polling", polling: FAST });
    const frankClient = frank!.client({ eventSource: "polling", polling: FAST });
    erinRelay = new LossyRelay(emulator, erin!.userId);
    const erinClient = erin!.client({ eventSource: { realtimeSignals: erinRelay.signals }, polling: ERIN_POLLING });
    const receivers = { dave: daveClient, erin: erinClient, frank: frankClient };
    clients.push(aliceClient, bobClient, daveClient, erinClient, frankClient);
    await Promise.all(clients.map(initialized));
    await until(() => erinRelay.signals.listening(), 5000, "erin's realtime listeners");

    // The conversation, announced to each receiver (erin's by push, the others' by polling).
    const conversation = await aliceClient.createConversation({ friendlyName: "fault run" });
    await conversation.join();
    const joined = Object.values(receivers).map(
      (client) => new Promise<void>((resolve) => client.on("conversationJoined", (c) => c.sid === conversation.sid && resolve())),
    );
    for (const identity of ["bob", "carol", "dave", "erin", "frank"]) await conversation.add(identity);
    await Promise.all(joined);

    // What each receiver's Client announces (the Twilio app pattern: one client-level listener).
    const received: Record<string, Received[]> = { dave: [], erin: [], frank: [] };
    const connectionErrors: Record<string, number> = { dave: 0, erin: 0, frank: 0 };
    for (const [name, client] of Object.entries(receivers)) {
      client.on("messageAdded", (m) => m.conversation.sid === conversation.sid && received[name]!.push({ index: m.index, body: m.body ?? "", sid: m.sid }));
      client.on("connectionError", () => connectionErrors[name]!++);
    }

    // Senders: 3 x 50 messages, concurrently, with jitter so that they interleave.
    const bobsView: Conversation = await bobClient.getConversationBySid(conversation.sid);
    const carolsThread = chatClientFor(emulator, carol!.acsToken).getChatThreadClient(conversation.sid);
    const senders: Record<string, (body: string) => Promise<unknown>> = {
      alice: (body) => conversation.sendMessage(body),
      bob: (body) => bobsView.sendMessage(body),
      carol: (body) => carolsThread.sendMessage({ content: body }, { senderDisplayName: "carol" }),
    };
    let sent = 0;
    let daveFreshToken = "";
    const sending = Object.entries(senders).map(async ([name, send]) => {
      for (let k = 0; k < PER_SENDER; k++) {
        await send(`${name} ${k}`);
        sent++;
        await sleep(300 + Math.random() * 400);
      }
    });

    // Faults, one rule at a time, each waited for (or withdrawn), while the senders send.
    const faultLog: string[] = [];
    const inject = async (label: string, rule: FaultRule) => {
      const handle = emulator.faults.inject(rule);
      await until(() => handle.remaining === 0, 1500).catch(() => handle.cancel());
      faultLog.push(`${label}: ${handle.triggered}/${rule.count ?? 1} at ${sent} sent`);
      await sleep(150); // the faulted requests' retries finish before the next rule
    };
    const status = (status: number) => ({ kind: "status" as const, status, retryAfterSeconds: 0 });
    const faults = (async () => {
      await until(() => sent >= 4, 10_000);
      await inject("503 x3 GET messages", { method: "GET", path: MESSAGES, count: 3, fault: status(503) });
      await inject("429 x5 GET threads", { method: "GET", path: LIST, count: 5, fault: status(429) });
      await inject("drop x2 GET messages", { method: "GET", path: MESSAGES, count: 2, fault: { kind: "drop" } });
      // dave's token refreshed mid-run (revocation first is covered by its own test below).
      const identity = identityClient(emulator);
      daveFreshToken = (await identity.getToken({ communicationUserId: dave!.userId }, ["chat"])).token;
      await daveClient.updateToken(daveFreshToken);
      faultLog.push(`dave's token refreshed at ${sent} sent`);
      await inject("503 x5 GET threads", { method: "GET", path: LIST, count: 5, fault: status(503) });
      erinRelay.disconnect();
      faultLog.push(`erin disconnected at ${sent} sent`);
      await inject("429 x3 GET messages", { method: "GET", path: MESSAGES, count: 3, fault: status(429) });
      await inject("drop x3 GET threads", { method: "GET", path: LIST, count: 3, fault: { kind: "drop" } });
      erinRelay.reconnect();
      faultLog.push(`erin reconnected at ${sent} sent`);
      // frank's polling "restarted": updateToken polls at once (a fresh token, same user).
      await frankClient.updateToken((await identity.getToken({ communicationUserId: frank!.userId }, ["chat"])).token);
      faultLog.push(`frank's polling kicked (updateToken) at ${sent} sent`);
      await inject("503 x3 GET messages", { method: "GET", path: MESSAGES, count: 3, fault: status(503) });
      await inject("429 x6 GET threads", { method: "GET", path: LIST, count: 6, fault: status(429) });
    })();
    try {
      await Promise.all([...sending, faults]);
    } finally {
      erinRelay.reconnect();
    }

    // One more message after the faults: once each receiver has it, nothing earlier can still come.
    await conversation.sendMessage("the end");
    const N = 3 * PER_SENDER + 1;
    for (const name of Object.keys(received)) {
      await until(() => received[name]!.some((m) => m.body === "the end"), 10_000, `${name} receiving all ${N} messages`).catch((error) => {
        console.log(name, "has", received[name]!.length, "of", N);
        throw error;
      });
    }

    const counts = Object.fromEntries(Object.entries(received).map(([name, list]) => [name, list.length]));
    console.log(`fault run: N = ${N}; messageAdded per receiver:`, counts);
    console.log("erin's pushes:", {
      messages: erinRelay.messagePushes,
      delivered: erinRelay.delivered,
      dropped: erinRelay.dropped,
      lostWhileDisconnected: erinRelay.lostWhileDisconnected,
    });
    console.log("connectionError events:", connectionErrors);
    console.log("faults:\n  " + faultLog.join("\n  "));

    // The truth: the thread's user messages, as ACS lists them.
    const truth = (await all(carolsThread.listMessages({ maxPageSize: 200 })))
      .filter((m) => m.type === "text")
      .map((m) => ({ index: Number(m.sequenceId), body: m.content?.message ?? "", sid: m.id }))
      .sort((a, b) => a.index - b.index);
    expect(truth).toHaveLength(N);
    for (const [name, list] of Object.entries(received)) {
      expect(list.length, `${name}'s messageAdded count`).toBe(N);
      expect(new Set(list.map((m) => m.sid)).size, `${name}: each message once`).toBe(N);
      list.forEach((m, i) => i > 0 && expect(m.index, `${name}: strictly increasing index`).toBeGreaterThan(list[i - 1]!.index));
      expect(list).toEqual(truth);
    }
    // The run really was lossy for erin, and really faulted.
    expect(erinRelay.dropped).toBeGreaterThan(0);
    expect(erinRelay.lostWhileDisconnected + erinRelay.dropped).toBeLessThan(erinRelay.messagePushes);
    expect(daveClient.token).toBe(daveFreshToken);

    await Promise.all(clients.splice(0).map((client) => client.shutdown()));
  }, 25_000);
});

/** A subsequence of `truth` without repeats that ends at its last value: changes told once each, in order, and the last one told. */
function expectToldInOrder(told: string[], truth: string[], what: string): void {
  expect(new Set(told).size, `${what}: each state told once (${told.join(" | ")})`).toBe(told.length);
  let at = -1;
  for (const state of told) {
    const next = truth.indexOf(state, at + 1);
    expect(next, `${what}: "${state}" in order (${told.join(" | ")} against ${truth.join(" | ")})`).toBeGreaterThan(at);
    at = next;
  }
  expect(told.at(-1), `${what}: the last change told`).toBe(truth.at(-1));
}

describe("fault run, every kind of change", () => {
  const PROPERTIES = /^\/chat\/threads\/[^/]+$/;
  const RECEIPTS = /^\/chat\/threads\/[^/]+\/readReceipts$/;
  const PARTICIPANTS = /^\/chat\/threads\/[^/]+\/participants$/;

  it("edits, deletions, reactions, topic, attributes, joins, leaves and read horizons reach every receiver once each, in order, through faults", async () => {
    const { alice, bob, carol, dave, frank } = sessions as Record<string, TestSession>;
    const polling = { ...FAST, receiptsIntervalInMs: 300 };
    const aliceClient = alice!.client({ eventSource: "none" });
    const bobClient = bob!.client({ eventSource: "none" });
    const receivers = { dave: dave!.client({ eventSource: "polling", polling }), frank: frank!.client({ eventSource: "polling", polling }) };
    const local = [aliceClient, bobClient, ...Object.values(receivers)];
    clients.push(...local);
    await Promise.all(local.map(initialized));

    const conversation = await aliceClient.createConversation({ friendlyName: "topic 0" });
    await conversation.join();
    // The state each receiver first sees counts as told: a burst faster than a poll interval is read as its result.
    const joinedAs = new Map<string, { topic: string; attributes: string }>();
    const joined = Object.entries(receivers).map(
      ([name, client]) =>
        new Promise<void>((resolve) =>
          client.on("conversationJoined", (c) => {
            if (c.sid !== conversation.sid) return;
            joinedAs.set(name, { topic: c.friendlyName ?? "", attributes: JSON.stringify(c.attributes) });
            resolve();
          }),
        ),
    );
    for (const identity of ["bob", "carol", "dave", "frank"]) await conversation.add(identity);
    await Promise.all(joined);
    const carolsThread = chatClientFor(emulator, carol!.acsToken).getChatThreadClient(conversation.sid);
    const bobsView = await bobClient.getConversationBySid(conversation.sid);

    // What each receiver's Client tells, as one app would record it.
    type Log = { added: string[]; bodies: Map<string, string[]>; reactions: Map<string, string[]>; removed: string[]; topics: string[]; attributes: string[]; roster: string[]; carolRead: number[]; bobAttributes: string[] };
    const logs: Record<string, Log> = {};
    for (const [name, client] of Object.entries(receivers)) {
      const log: Log = { added: [], bodies: new Map(), reactions: new Map(), removed: [], topics: [], attributes: [], roster: [], carolRead: [], bobAttributes: [] };
      logs[name] = log;
      log.topics.push(joinedAs.get(name)!.topic);
      log.attributes.push(joinedAs.get(name)!.attributes);
      const mine = (sid: string) => sid === conversation.sid;
      client.on("messageAdded", (m) => {
        if (!mine(m.conversation.sid)) return;
        log.added.push(m.sid);
        log.bodies.set(m.sid, [m.body ?? ""]);
        log.reactions.set(m.sid, [JSON.stringify(m.attributes)]);
      });
      client.on("messageUpdated", ({ message, updateReasons }) => {
        if (!mine(message.conversation.sid)) return;
        if (updateReasons.includes("body")) log.bodies.set(message.sid, [...(log.bodies.get(message.sid) ?? []), message.body ?? ""]);
        if (updateReasons.includes("attributes")) log.reactions.set(message.sid, [...(log.reactions.get(message.sid) ?? []), JSON.stringify(message.attributes)]);
      });
      client.on("messageRemoved", (m) => mine(m.conversation.sid) && log.removed.push(m.sid));
      client.on("conversationUpdated", ({ conversation: c, updateReasons }) => {
        if (!mine(c.sid)) return;
        if (updateReasons.includes("friendlyName")) log.topics.push(c.friendlyName ?? "");
        if (updateReasons.includes("attributes")) log.attributes.push(JSON.stringify(c.attributes));
      });
      client.on("participantJoined", (p) => mine(p.conversation.sid) && log.roster.push(`+${p.identity}`));
      client.on("participantLeft", (p) => mine(p.conversation.sid) && log.roster.push(`-${p.identity}`));
      client.on("participantUpdated", ({ participant, updateReasons }) => {
        if (!mine(participant.conversation.sid)) return;
        if (participant.identity === "carol" && updateReasons.includes("lastReadMessageIndex")) log.carolRead.push(participant.lastReadMessageIndex ?? -1);
        if (participant.identity === "bob" && updateReasons.includes("attributes")) log.bobAttributes.push(JSON.stringify(participant.attributes));
      });
    }

    // The truth, recorded as each change is made.
    const truth = { bodies: new Map<string, string[]>(), reactions: new Map<string, string[]>(), removed: [] as string[], topics: ["topic 0"], attributes: ["{}"], carolRead: [] as number[], bobAttributes: [] as string[] };
    const carolIds: string[] = [];
    const aliceIds: string[] = [];
    const changes = (async () => {
      for (let k = 0; k < 6; k++) {
        const { id } = await carolsThread.sendMessage({ content: `carol ${k}` }, { senderDisplayName: "carol" });
        carolIds.push(id);
        truth.bodies.set(id, [`carol ${k}`]);
        await conversation.sendMessage(`alice ${k}`);
        const aliceId = (await conversation.getMessages(1)).items[0]!.sid;
        aliceIds.push(aliceId);
        truth.reactions.set(aliceId, ["{}"]);
      }
      for (let round = 1; round <= 2; round++) {
        for (const id of carolIds.slice(0, 4)) {
          await carolsThread.updateMessage(id, { content: `carol edit ${round} of ${id}` });
          truth.bodies.set(id, [...(truth.bodies.get(id) ?? []), `carol edit ${round} of ${id}`]);
        }
        // bob's reactions on alice's messages travel as control messages.
        for (const id of aliceIds.slice(0, 3)) {
          const message = (await bobsView.getMessages(30)).items.find((m) => m.sid === id)!;
          const attributes = { reactions: { "👍": Array.from({ length: round }, (_, i) => `fan ${i}`) } };
          await message.updateAttributes(attributes);
          truth.reactions.set(id, [...(truth.reactions.get(id) ?? []), JSON.stringify(attributes)]);
        }
        await conversation.updateFriendlyName(`topic ${round}`);
        truth.topics.push(`topic ${round}`);
        await conversation.updateAttributes({ round });
        truth.attributes.push(JSON.stringify({ round }));
        // Participants change their own attributes (the default attribute policy).
        const bobParticipant = (await bobsView.getParticipantByIdentity("bob"))!;
        await bobParticipant.updateAttributes({ badge: round });
        truth.bobAttributes.push(JSON.stringify({ badge: round }));
        await carolsThread.sendReadReceipt({ chatMessageId: carolIds[round * 2]! });
        truth.carolRead.push(Number((await carolsThread.getMessage(carolIds[round * 2]!)).sequenceId));
        await sleep(100);
      }
      for (const id of carolIds.slice(4, 6)) {
        await carolsThread.deleteMessage(id);
        truth.removed.push(id);
      }
      await conversation.add("grace");
      await sleep(200);
      await conversation.removeParticipant("grace");
    })();

    const status = (code: number) => ({ kind: "status" as const, status: code, retryAfterSeconds: 0 });
    let faulted = 0;
    const faults = (async () => {
      for (const [path, fault] of [
        [MESSAGES, status(503)],
        [PROPERTIES, status(429)],
        [RECEIPTS, status(503)],
        [LIST, { kind: "drop" as const }],
        [PARTICIPANTS, status(503)],
        [MESSAGES, { kind: "drop" as const }],
        [PROPERTIES, status(503)],
        [RECEIPTS, status(429)],
        [LIST, status(429)],
      ] as const) {
        const handle = emulator.faults.inject({ method: "GET", path, count: 3, fault });
        await until(() => handle.remaining === 0, 1000).catch(() => handle.cancel());
        faulted += handle.triggered;
        await sleep(150);
      }
    })();
    await Promise.all([changes, faults]);
    expect(faulted, "requests the emulator failed").toBeGreaterThanOrEqual(15);

    // The last change of each kind, everywhere, then nothing told twice or out of order.
    for (const [name, log] of Object.entries(logs)) {
      await until(
        () => log.roster.includes("-grace") && log.topics.at(-1) === "topic 2" && log.attributes.at(-1) === JSON.stringify({ round: 2 }) && log.carolRead.at(-1) === truth.carolRead.at(-1) && log.removed.length === truth.removed.filter((id) => log.added.includes(id)).length && [...truth.bodies].every(([id, bodies]) => !log.added.includes(id) || truth.removed.includes(id) || log.bodies.get(id)!.at(-1) === bodies.at(-1)),
        15_000,
        `${name} told of the last changes`,
      ).catch((error) => {
        console.log(name, JSON.stringify({ ...log, bodies: [...log.bodies], reactions: [...log.reactions] }));
        throw error;
      });
      expect(new Set(log.added).size, `${name}: each message added once`).toBe(log.added.length);
      expect(log.added).toEqual(expect.arrayContaining([...carolIds, ...aliceIds].filter((id) => !truth.removed.includes(id))));
      // A message deleted before a receiver first read it is never told, neither added nor removed.
      const seen = (id: string) => log.added.includes(id);
      for (const [id, bodies] of truth.bodies) if (seen(id) && !truth.removed.includes(id)) expectToldInOrder(log.bodies.get(id)!, bodies, `${name}, body of ${id}`);
      for (const [id, reactions] of truth.reactions) expectToldInOrder(log.reactions.get(id)!, reactions, `${name}, reactions on ${id}`);
      expect([...log.removed].sort(), `${name}: each deletion once`).toEqual(truth.removed.filter(seen).sort());
      expectToldInOrder(log.topics, truth.topics, `${name}, topic`);
      expectToldInOrder(log.attributes, truth.attributes, `${name}, attributes`);
      // Bob's attributes as of the first read of the roster are state, not news: those after it are told.
      expect(new Set(log.bobAttributes).size, `${name}: bob's attributes told once each`).toBe(log.bobAttributes.length);
      expect(log.bobAttributes.map((state) => truth.bobAttributes.indexOf(state)), `${name}: bob's attributes in order`).toEqual(log.bobAttributes.map((state) => truth.bobAttributes.indexOf(state)).sort());
      expect(JSON.stringify((await receivers[name as keyof typeof receivers].getConversationBySid(conversation.sid).then((c) => c.getParticipantByIdentity("bob")))!.attributes)).toBe(truth.bobAttributes.at(-1));
      expectToldInOrder(log.carolRead.map(String), truth.carolRead.map(String), `${name}, carol's horizon`);
      expect(log.roster, `${name}: grace joined, then left, once each`).toEqual(["+grace", "-grace"]);
    }
    await Promise.all(local.map((client) => client.shutdown()));
  }, 40_000);
});

describe("reads that fail past the SDK's retries, and refreshes after revocation (once bugs, found by the fault run)", () => {
  const failAllAttempts = (status: number): FaultRule => ({ method: "GET", path: MESSAGES, count: 4, fault: { kind: "status", status, retryAfterSeconds: 0 } });

  // A catch-up that fails past the retries is owed: the thread is read again every cycle until it works.
  it("a polling receiver listening only on the Client still gets a message whose first read failed", async () => {
    const { carol, grace } = sessions as Record<string, TestSession>;
    const raw = chatClientFor(emulator, carol!.acsToken);
    const { chatThread } = await raw.createChatThread({ topic: "lost tail" }, { participants: [{ id: { communicationUserId: carol!.userId } }, { id: { communicationUserId: grace!.userId } }] });
    const client = grace!.client({ eventSource: "polling", polling: FAST });
    clients.push(client);
    await initialized(client);
    const seen: string[] = [];
    client.on("messageAdded", (m) => seen.push(m.body ?? ""));
    const thread = raw.getChatThreadClient(chatThread!.id);
    await thread.sendMessage({ content: "first" });
    await until(() => seen.length === 1);
    const fault = emulator.faults.inject(failAllAttempts(503));
    await thread.sendMessage({ content: "second" });
    await until(() => fault.remaining === 0);
    await until(() => seen.length === 2, 3000, "the second message after its read failed");
    expect(seen).toEqual(["first", "second"]);
  });

  // ACS accepted the message: a failed follow-up read must not turn the send into a failure (apps would resend).
  it("sendMessage resolves with the index when ACS accepted the message but the follow-up read failed", async () => {
    const { alice } = sessions as Record<string, TestSession>;
    const client = alice!.client();
    clients.push(client);
    await initialized(client);
    const conversation = await client.createConversation({ friendlyName: "sent but rejected" });
    await conversation.join();
    emulator.faults.inject(failAllAttempts(503));
    const outcome = await conversation.sendMessage("accepted by ACS").then(
      (index) => ({ index }),
      (error: Error) => ({ error: error.message }),
    );
    const [stored] = (await conversation.getMessages()).items;
    expect(stored?.body).toBe("accepted by ACS");
    expect(outcome).toEqual({ index: stored!.index });
  });

  it("a token issued after revoking the user's tokens works, and the revoked one is refused (the emulator, for the test below)", async () => {
    const { ivan } = sessions as Record<string, TestSession>;
    const identity = identityClient(emulator);
    await identity.revokeTokens({ communicationUserId: ivan!.userId });
    const { token: fresh } = await identity.getToken({ communicationUserId: ivan!.userId }, ["chat"]);
    await expect(all(chatClientFor(emulator, ivan!.acsToken).listChatThreads())).rejects.toMatchObject({ statusCode: 401 });
    await expect(all(chatClientFor(emulator, fresh).listChatThreads())).resolves.toBeInstanceOf(Array);
  });

  // The SDK's bearer policy caches tokens until 2 minutes before expiry: our pipeline policy sends the current one.
  it("updateToken with a fresh token after the old one was revoked resumes events", async () => {
    const { carol, heidi } = sessions as Record<string, TestSession>;
    const raw = chatClientFor(emulator, carol!.acsToken);
    const { chatThread } = await raw.createChatThread({ topic: "revoked" }, { participants: [{ id: { communicationUserId: carol!.userId } }, { id: { communicationUserId: heidi!.userId } }] });
    const client = heidi!.client({ eventSource: "polling", polling: FAST });
    clients.push(client);
    await initialized(client);
    const seen: string[] = [];
    client.on("messageAdded", (m) => seen.push(m.body ?? ""));
    const identity = identityClient(emulator);
    await identity.revokeTokens({ communicationUserId: heidi!.userId });
    await until(() => client.connectionState === "denied", 3000, "heidi denied");
    await client.updateToken((await identity.getToken({ communicationUserId: heidi!.userId }, ["chat"])).token);
    await raw.getChatThreadClient(chatThread!.id).sendMessage({ content: "after the refresh" });
    await until(() => seen.includes("after the refresh"), 3000, "the message after the refresh");
    expect(client.connectionState).toBe("connected");
  });
});
