/**
 * The Event Grid endpoint is public: anyone may POST to it, and anyone who learnt its secret may
 * POST anything. Pushed events are hints, so the worst they may cost is a few bounded reads of
 * ACS: never a conversation dropped on a lie, never a request per forged event. Requests are
 * counted by the emulator (its `requests` feed), for the user whose client the source nudges.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator, RequestLogEntry } from "../../src/emulator/index.js";
import { InvalidArgumentError, type Client, type Conversation, type Message } from "../../src/index.js";
import { EventGridSource, type EventGridSourceOptions } from "../../src/server/index.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { startTwoUsers, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { next, until } from "../helpers/observe.js";

const SECRET = "known-to-the-attacker-too";
const FLOOD = 2000;
let users: TwoUsers;
let emulator: Emulator;
let webhook: FetchServer;
const source = new EventGridSource({ secret: SECRET });
let alice: TestSession;
let bob: TestSession;
let aliceClient: Client;
let bobClient: Client;
/** Alice's side and Bob's side of one conversation both are in. */
let aliceSide: Conversation;
let bobSide: Conversation;

const post = (body: unknown, query = `?secret=${SECRET}`) =>
  fetch(`${webhook.url}/events${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Posts `events` in `deliveries` POSTs one after another; resolves with how long that took. */
async function postInDeliveries(events: unknown[], deliveries = 20): Promise<number> {
  const started = Date.now();
  const size = Math.ceil(events.length / deliveries);
  for (let i = 0; i < events.length; i += size) expect((await post(events.slice(i, i + size))).status).toBe(200);
  return Date.now() - started;
}

/** The source's default read limits (DEFAULT_PUSH_READ_LIMITS), which the bounds below follow from. */
const MERGE_WINDOW_MS = 500;
const READS_PER_SECOND = 4;
const BURST = 10;

const identifier = (rawId: string) => ({ rawId, communicationUser: { id: rawId } });

/** A forged event in ACS's documented shape (so that schema validation lets it through). */
function forged(eventType: string, threadId: string, data: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    topic: "/subscriptions/x/resourceGroups/x/providers/Microsoft.Communication/communicationServices/x",
    subject: `thread/${threadId}`,
    eventType: `Microsoft.Communication.${eventType}`,
    eventTime: new Date().toISOString(),
    dataVersion: "1.0",
    metadataVersion: "1",
    data: {
      threadId,
      transactionId: randomUUID(),
      createTime: new Date().toISOString(),
      version: Date.now(),
      editedByCommunicationIdentifier: identifier(alice.userId),
      messageId: String(Date.now()),
      senderCommunicationIdentifier: identifier(alice.userId),
      messageBody: "forged",
      ...data,
    },
  };
}

/** Bob's ACS requests while `action` runs and until his client has been quiet for `quietInMs`. */
async function bobRequestsDuring(action: () => Promise<unknown>, quietInMs = 400): Promise<RequestLogEntry[]> {
  const requests: RequestLogEntry[] = [];
  let last = Date.now();
  const listener = (entry: RequestLogEntry) => {
    if (entry.userId !== bob.userId) return;
    requests.push(entry);
    last = Date.now();
  };
  emulator.requests.on("request", listener);
  try {
    await action();
    last = Date.now();
    await until(() => Date.now() - last >= quietInMs, 10_000, "quiet");
    return requests;
  } finally {
    emulator.requests.off("request", listener);
  }
}

beforeAll(async () => {
  users = await startTwoUsers({
    prepare: async (started) => {
      webhook = await serveFetch(source.handle);
      await started.addWebhook(`${webhook.url}/events?secret=${SECRET}`);
    },
    // Polling slowed to a minute: whatever Bob's client reads within seconds, a push caused.
    bobClient: (session) => session.client({ eventSource: source, polling: { minIntervalInMs: 60_000, maxIntervalInMs: 60_000, watchIntervalInMs: 600_000, removalCheckIntervalInMs: 600_000 } }),
  });
  ({ emulator, alice, bob, aliceClient, bobClient } = users);
  aliceSide = await aliceClient.createConversation({ friendlyName: "targeted" });
  await aliceSide.join();
  const joined = next(bobClient, "conversationJoined", (c) => c.sid === aliceSide.sid);
  await aliceSide.add("bob");
  [bobSide] = await joined;
  // Bob's first reads of the new conversation are done before any test counts requests.
  await bobRequestsDuring(async () => undefined);
});

afterAll(async () => {
  await users?.close();
  await webhook?.close();
});

describe("Event Grid source against hostile deliveries", () => {
  it("refuses to be built without a secret unless the app opts out in so many words", () => {
    // @ts-expect-error -- the type requires one of the two; JavaScript callers get the error
    expect(() => new EventGridSource()).toThrow(InvalidArgumentError);
    expect(() => new EventGridSource({} as EventGridSourceOptions)).toThrow(/insecureNoSecret/);
    expect(() => new EventGridSource({ secret: "" })).toThrow(InvalidArgumentError);
    expect(() => new EventGridSource({ insecureNoSecret: true })).not.toThrow();
  });

  it("refuses a flood without the secret with 401, and reads nothing", async () => {
    const flood = Array.from({ length: FLOOD }, () => forged("ChatThreadPropertiesUpdated", bobSide.sid));
    let status = 0;
    const requests = await bobRequestsDuring(async () => {
      status = (await post(flood, "")).status;
      expect((await post(flood, "?secret=guess")).status).toBe(401);
    });
    expect(status).toBe(401);
    expect(requests).toEqual([]);
  });

  it(`costs a few reads for ${FLOOD} forged property updates of one conversation, secret known`, async () => {
    const flood = Array.from({ length: FLOOD }, () => forged("ChatThreadPropertiesUpdated", bobSide.sid));
    const requests = await bobRequestsDuring(async () => expect((await post(flood)).status).toBe(200));
    console.log(`${FLOOD} forged ChatThreadPropertiesUpdated on one thread: ${requests.length} ACS requests`);
    expect(requests.length).toBeLessThanOrEqual(4);
  });

  it(`costs a bounded number of reads for ${FLOOD} forged events of every kind spread over known conversations`, async () => {
    const others = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const conversation = await aliceClient.createConversation({ friendlyName: `spread ${n}` });
        await conversation.join();
        const joined = next(bobClient, "conversationJoined", (c) => c.sid === conversation.sid);
        await conversation.add("bob");
        await joined;
        return conversation.sid;
      }),
    );
    await bobRequestsDuring(async () => undefined); // Bob's client is done with the new conversations
    const sids = [bobSide.sid, ...others];
    const kinds = ["ChatThreadPropertiesUpdated", "ChatMessageReceivedInThread", "ChatMessageEditedInThread", "ChatThreadParticipantAdded"];
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      forged(kinds[i % kinds.length]!, sids[i % sids.length]!, { participantAdded: { participantCommunicationIdentifier: identifier(alice.userId) } }),
    );
    let took = 0;
    const started = Date.now();
    const requests = await bobRequestsDuring(async () => (took = await postInDeliveries(flood)));
    const span = Date.now() - started;
    console.log(`${FLOOD} forged events in 20 deliveries over ${sids.length} threads (${took} ms): ${requests.length} ACS requests`);
    // Merged: two kinds of read (change feed, properties) per thread, each at most once per window.
    expect(requests.length).toBeLessThanOrEqual(sids.length * 2 * (1 + Math.ceil(took / MERGE_WINDOW_MS)));
    // Limited: the token bucket, over the whole time anything was read.
    expect(requests.length).toBeLessThanOrEqual(BURST + Math.ceil((READS_PER_SECOND * span) / 1000));
  });

  it(`batches discovery: ${FLOOD} forged events naming unknown threads cost at most a couple of thread listings`, async () => {
    const flood = Array.from({ length: FLOOD }, () => forged("ChatMessageReceivedInThread", `19:${randomUUID()}@thread.v2`));
    let took = 0;
    const started = Date.now();
    const requests = await bobRequestsDuring(async () => (took = await postInDeliveries(flood)));
    // On a loaded machine the deliveries' reads go on after the last delivery: count windows over the whole span.
    const span = Date.now() - started;
    console.log(`${FLOOD} forged events on unknown threads in 20 deliveries (${took} ms, reads done in ${span} ms): ${requests.length} ACS requests`);
    // One thread listing per merge window at most, whatever the number of ids.
    expect(requests.length).toBeLessThanOrEqual(1 + Math.ceil(span / MERGE_WINDOW_MS));
    expect(requests.every((r) => r.operation.startsWith("GET /chat/threads") && !r.operation.includes("{threadId}"))).toBe(true);
  });

  it("keeps a live conversation on a forged ChatThreadDeleted: same object, still listed, its listeners still fire", async () => {
    const removed: string[] = [];
    const onRemoved = (c: Conversation) => removed.push(c.sid);
    bobClient.on("conversationRemoved", onRemoved);
    const added: Message[] = [];
    bobSide.on("messageAdded", (m) => added.push(m));
    try {
      const lies = [
        forged("ChatThreadDeleted", bobSide.sid, { deletedByCommunicationIdentifier: identifier(alice.userId) }),
        forged("ChatThreadWithUserDeleted", bobSide.sid, { recipientCommunicationIdentifier: identifier(bob.userId) }),
        forged("ChatThreadParticipantRemoved", bobSide.sid, { participantRemoved: { participantCommunicationIdentifier: identifier(bob.userId) } }),
      ];
      const requests = await bobRequestsDuring(async () => expect((await post(lies)).status).toBe(200));
      // Checked with ACS (the thread's properties, once for all three), not ignored.
      expect(requests.filter((r) => r.operation === "GET /chat/threads/{threadId}")).toHaveLength(1);
      expect(removed).toEqual([]);
      expect(await bobClient.getConversationBySid(bobSide.sid)).toBe(bobSide);
      expect((await bobClient.getSubscribedConversations()).items).toContain(bobSide);
      await aliceSide.sendMessage("still here?");
      await until(() => added.length === 1, 5000, "messageAdded on the kept conversation");
      expect(added[0]!.body).toBe("still here?");
    } finally {
      bobClient.off("conversationRemoved", onRemoved);
    }
  });

  it("still removes a conversation promptly when ACS confirms the deletion", async () => {
    const doomed = await aliceClient.createConversation({ friendlyName: "doomed" });
    await doomed.join();
    const joined = next(bobClient, "conversationJoined", (c) => c.sid === doomed.sid);
    await doomed.add("bob");
    const [theirs] = await joined;
    const removed = next(bobClient, "conversationRemoved", (c) => c === theirs, 3000);
    await doomed.delete();
    await removed;
    await expect(bobClient.getConversationBySid(doomed.sid)).rejects.toThrow();
  });
});
