/**
 * ACS Chat participants, read receipts and typing notifications through the real
 * ChatThreadClient: add (system message, access, invalid ids, the 200-per-request and
 * 250-per-thread limits), list with `skip` paging in join order, remove, read receipts (latest
 * per user, `skip` paging, unknown message, none on threads over 20 participants) and typing.
 */
import { randomUUID } from "node:crypto";
import type { ChatParticipant, ChatThreadClient } from "@azure/communication-chat";
import { getIdentifierRawId } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import { all, createUser, identityClient, rejection, userRef, type TestUser } from "../helpers/acs.js";

let emulator: Emulator;
let identity: CommunicationIdentityClient;
/** Users with chat tokens. */
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
let erin: TestUser;
let frank: TestUser;
let outsider: TestUser;
/** Users without tokens, to fill threads: enough for a 251st participant. */
let pool: string[];

beforeAll(async () => {
  emulator = await startEmulator();
  identity = identityClient(emulator);
  const make = () => createUser(emulator, identity);
  [alice, bob, carol, dave, erin, frank, outsider] = await Promise.all([make(), make(), make(), make(), make(), make(), make()]);
  pool = [];
  for (let start = 0; start < 251; start += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, 251 - start) }, () => identity.createUser()));
    pool.push(...batch.map((user) => user.communicationUserId));
  }
});

afterAll(async () => {
  await emulator?.close();
});

const ref = (id: string) => ({ communicationUserId: id });
const kindRef = (id: string) => ({ kind: "communicationUser", communicationUserId: id });
const idsOf = (participants: ChatParticipant[]) => participants.map((p) => getIdentifierRawId(p.id));

/** An `onResponse` callback for SDK operation options, and the responses it saw. */
function responses() {
  const seen: Array<{ status: number; url: string }> = [];
  return {
    seen,
    onResponse: (response: { status: number; request: { url: string } }) => void seen.push({ status: response.status, url: response.request.url }),
  };
}

/** A new thread created by alice with the given members (user ids); returns alice's client for it. */
async function newThread(topic: string, memberIds: string[] = []): Promise<ChatThreadClient> {
  const result = await alice.chat.createChatThread({ topic }, { participants: memberIds.map((id) => ({ id: ref(id) })) });
  expect(result.invalidParticipants).toBeUndefined();
  const id = result.chatThread?.id;
  if (!id) throw new Error("createChatThread returned no thread");
  return alice.thread(id);
}

async function participantIds(thread: ChatThreadClient): Promise<string[]> {
  return idsOf(await all(thread.listParticipants({ maxPageSize: 200 })));
}

describe("adding participants", () => {
  it("adds with 201, writes a participantAdded system message naming them, and gives them access", async () => {
    const thread = await newThread("add", [bob.id]);
    const before = await rejection(all(carol.thread(thread.threadId).listMessages()));
    expect(before.statusCode).toBe(403);

    const status = responses();
    const result = await thread.addParticipants(
      {
        participants: [
          { id: userRef(carol), displayName: "Carol", metadata: { role: "agent" } },
          { id: userRef(dave), displayName: "Dave" },
        ],
      },
      { onResponse: status.onResponse },
    );
    expect(status.seen.map((r) => r.status)).toEqual([201]);
    expect(result.invalidParticipants ?? []).toEqual([]);

    const [latest] = await all(bob.thread(thread.threadId).listMessages());
    expect(latest?.type).toBe("participantAdded");
    expect(latest?.sequenceId).toBe("3");
    expect(latest?.sender).toBeUndefined();
    expect(latest?.content?.initiator).toEqual(kindRef(alice.id));
    expect(latest?.content?.participants?.map((p) => ({ id: getIdentifierRawId(p.id), displayName: p.displayName }))).toEqual([
      { id: carol.id, displayName: "Carol" },
      { id: dave.id, displayName: "Dave" },
    ]);
    expect(latest?.content?.participants?.[0]?.metadata).toEqual({ role: "agent" });

    const carolView = await all(carol.thread(thread.threadId).listMessages());
    expect(carolView.map((m) => m.type)).toEqual(["participantAdded", "topicUpdated", "participantAdded"]);
    const { id } = await carol.thread(thread.threadId).sendMessage({ content: "hi, I'm in" });
    expect((await thread.getMessage(id)).sender).toEqual(kindRef(carol.id));
    expect(await participantIds(thread)).toEqual([alice.id, bob.id, carol.id, dave.id]);
  });

  it("reports an unknown user id in invalidParticipants and still adds the valid ones", async () => {
    const thread = await newThread("invalid", [bob.id]);
    const unknown = `8:acs:${emulator.resourceId}_${randomUUID()}`;
    const status = responses();
    const result = await thread.addParticipants(
      { participants: [{ id: ref(unknown) }, { id: userRef(carol) }] },
      { onResponse: status.onResponse },
    );
    expect(status.seen.map((r) => r.status)).toEqual([201]);
    expect(result.invalidParticipants).toEqual([{ code: "403", message: "Permissions check failed", target: unknown }]);
    expect(await participantIds(thread)).toEqual([alice.id, bob.id, carol.id]);
    const [latest] = await all(thread.listMessages());
    expect(latest?.content?.participants?.map((p) => getIdentifierRawId(p.id))).toEqual([carol.id]);
  });

  it("rejects more than 200 participants in one add with 400 and adds none of them", async () => {
    const thread = await newThread("batch limit");
    const error = await rejection(thread.addParticipants({ participants: pool.slice(0, 201).map((id) => ({ id: ref(id) })) }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("BadRequest");
    expect(await participantIds(thread)).toEqual([alice.id]);

    await thread.addParticipants({ participants: pool.slice(0, 200).map((id) => ({ id: ref(id) })) });
    expect(await participantIds(thread)).toEqual([alice.id, ...pool.slice(0, 200)]);
  });

  it("rejects growing a thread beyond 250 participants with 400", async () => {
    // alice + 199 at creation (the 200-per-request limit) + 50 added = 250.
    const thread = await newThread("thread limit", pool.slice(0, 199));
    const status = responses();
    await thread.addParticipants({ participants: pool.slice(199, 249).map((id) => ({ id: ref(id) })) }, { onResponse: status.onResponse });
    expect(status.seen.map((r) => r.status)).toEqual([201]);
    expect(await participantIds(thread)).toHaveLength(250);

    const error = await rejection(thread.addParticipants({ participants: [{ id: ref(pool[250]!) }] }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("BadRequest");
    const ids = await participantIds(thread);
    expect(ids).toHaveLength(250);
    expect(ids).not.toContain(pool[250]);
    // Re-adding someone already in the thread does not count against the limit.
    await thread.addParticipants({ participants: [{ id: ref(pool[0]!) }] });
    expect(await participantIds(thread)).toHaveLength(250);
  });
});

describe("listing participants", () => {
  it("pages with maxPageSize and skip: every participant exactly once, in join order", async () => {
    const initial = pool.slice(0, 6);
    const later = [bob.id, carol.id, pool[6]!, pool[7]!];
    const thread = await newThread("roster", initial);
    await thread.addParticipants({ participants: later.slice(0, 2).map((id) => ({ id: ref(id) })) });
    await thread.addParticipants({ participants: later.slice(2).map((id) => ({ id: ref(id) })) });
    const expected = [alice.id, ...initial, ...later];

    const requests = responses();
    const pages: ChatParticipant[][] = [];
    for await (const page of thread.listParticipants({ maxPageSize: 3, onResponse: requests.onResponse }).byPage()) pages.push(page);

    expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 2]);
    expect(idsOf(pages.flat())).toEqual(expected);
    expect(new Set(idsOf(pages.flat())).size).toBe(expected.length);
    const queries = requests.seen.map((r) => new URL(r.url).searchParams);
    expect(queries.map((q) => q.get("skip"))).toEqual([null, "3", "6", "9"]);
    expect(queries.every((q) => q.get("maxPageSize") === "3" && q.get("api-version") === "2025-03-15")).toBe(true);

    // Item-by-item iteration follows the same links.
    expect(idsOf(await all(bob.thread(thread.threadId).listParticipants({ maxPageSize: 4 })))).toEqual(expected);
  });
});

describe("removing participants", () => {
  it("removes with 204, writes participantRemoved, and the removed user gets 403", async () => {
    const thread = await newThread("remove", [bob.id, carol.id]);
    const status = responses();
    await thread.removeParticipant(userRef(carol), { onResponse: status.onResponse });
    expect(status.seen.map((r) => r.status)).toEqual([204]);

    const [latest] = await all(bob.thread(thread.threadId).listMessages());
    expect(latest?.type).toBe("participantRemoved");
    expect(latest?.sequenceId).toBe("3");
    expect(latest?.content?.initiator).toEqual(kindRef(alice.id));
    expect(latest?.content?.participants?.map((p) => getIdentifierRawId(p.id))).toEqual([carol.id]);
    expect(await participantIds(thread)).toEqual([alice.id, bob.id]);

    const asCarol = carol.thread(thread.threadId);
    for (const attempt of [all(asCarol.listMessages()), asCarol.sendMessage({ content: "hello?" }), all(asCarol.listParticipants())]) {
      const error = await rejection(attempt);
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("Forbidden");
    }
  });

  it("answers 404 when removing someone who is not a participant", async () => {
    const thread = await newThread("remove twice", [bob.id, carol.id]);
    await thread.removeParticipant(userRef(carol));
    for (const who of [userRef(carol), userRef(outsider)]) {
      const error = await rejection(thread.removeParticipant(who));
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe("NotFound");
    }
    expect(await participantIds(thread)).toEqual([alice.id, bob.id]);
    // No extra participantRemoved messages for the failed removals.
    expect((await all(thread.listMessages())).map((m) => m.type)).toEqual(["participantRemoved", "topicUpdated", "participantAdded"]);
  });
});

describe("read receipts", () => {
  it("accepts a receipt with 200 and lists one per user, the latest winning", async () => {
    const thread = await newThread("receipts", [bob.id, carol.id]);
    const first = (await thread.sendMessage({ content: "one" })).id;
    const second = (await thread.sendMessage({ content: "two" })).id;

    const status = responses();
    await bob.thread(thread.threadId).sendReadReceipt({ chatMessageId: first }, { onResponse: status.onResponse });
    expect(status.seen.map((r) => r.status)).toEqual([200]);
    await bob.thread(thread.threadId).sendReadReceipt({ chatMessageId: second });
    await carol.thread(thread.threadId).sendReadReceipt({ chatMessageId: first });

    const receipts = await all(thread.listReadReceipts());
    expect(receipts).toHaveLength(2);
    const bySender = new Map(receipts.map((r) => [getIdentifierRawId(r.sender), r]));
    expect(bySender.get(bob.id)?.chatMessageId).toBe(second);
    expect(bySender.get(carol.id)?.chatMessageId).toBe(first);
    expect(bySender.has(alice.id)).toBe(false);
    for (const receipt of receipts) expect(receipt.readOn).toBeInstanceOf(Date);
  });

  it("pages receipts with maxPageSize and skip", async () => {
    const readers = [bob, carol, dave, erin, frank];
    const thread = await newThread("receipt paging", readers.map((r) => r.id));
    const { id } = await thread.sendMessage({ content: "read me" });
    for (const reader of [alice, ...readers]) await reader.thread(thread.threadId).sendReadReceipt({ chatMessageId: id });

    const requests = responses();
    const pages = [];
    for await (const page of thread.listReadReceipts({ maxPageSize: 2, onResponse: requests.onResponse }).byPage()) pages.push(page);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2]);
    const senders = pages.flat().map((r) => getIdentifierRawId(r.sender));
    expect([...senders].sort()).toEqual([alice, ...readers].map((u) => u.id).sort());
    expect(pages.flat().every((r) => r.chatMessageId === id)).toBe(true);
    expect(requests.seen.map((r) => new URL(r.url).searchParams.get("skip"))).toEqual([null, "2", "4"]);
  });

  it("answers 404 for a receipt on an unknown message", async () => {
    const thread = await newThread("receipt 404", [bob.id]);
    const error = await rejection(bob.thread(thread.threadId).sendReadReceipt({ chatMessageId: "1000000000000" }));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("NotFound");
    expect(await all(thread.listReadReceipts())).toEqual([]);
  });

  it("keeps no receipts on threads with more than 20 participants", async () => {
    // alice + bob + 19 = 21 participants.
    const thread = await newThread("big room", [bob.id, ...pool.slice(0, 19)]);
    expect(await participantIds(thread)).toHaveLength(21);
    const { id } = await thread.sendMessage({ content: "too many readers" });
    const status = responses();
    await bob.thread(thread.threadId).sendReadReceipt({ chatMessageId: id }, { onResponse: status.onResponse });
    expect(status.seen.map((r) => r.status)).toEqual([200]);
    await thread.sendReadReceipt({ chatMessageId: id });
    expect(await all(thread.listReadReceipts())).toEqual([]);
    expect(await all(bob.thread(thread.threadId).listReadReceipts())).toEqual([]);
  });
});

describe("typing notifications", () => {
  it("sends one: true, answered 200 for the sender; the SDK holds back a second within 8 s", async () => {
    const thread = await newThread("typing", [bob.id]);
    const seen: RequestLogEntry[] = [];
    const record = (entry: RequestLogEntry) => {
      if (entry.operation === "POST /chat/threads/{threadId}/typing" && entry.path.includes(thread.threadId)) seen.push(entry);
    };
    emulator.requests.on("request", record);
    try {
      const asBob = bob.thread(thread.threadId);
      expect(await asBob.sendTypingNotification({ senderDisplayName: "Bob" })).toBe(true);
      expect(seen.map((e) => ({ status: e.status, userId: e.userId }))).toEqual([{ status: 200, userId: bob.id }]);
      expect(await asBob.sendTypingNotification()).toBe(false);
      expect(seen).toHaveLength(1);
    } finally {
      emulator.requests.off("request", record);
    }
  });

  it("refuses a non-participant's typing notification with 403", async () => {
    const thread = await newThread("typing outsider", [bob.id]);
    const error = await rejection(outsider.thread(thread.threadId).sendTypingNotification());
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe("Forbidden");
  });
});
