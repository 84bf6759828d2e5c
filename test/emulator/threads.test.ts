/**
 * Chat threads through the real ChatClient / ChatThreadClient: create (participants, metadata,
 * retention, system messages, idempotency, limits), list (membership, order, paging, startTime,
 * deletion), get, update, delete and their permission and not-found errors; plus the raw-HTTP
 * error cases the SDK cannot produce.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { request as httpsRequest } from "node:https";
import type { ChatMessage } from "@azure/communication-chat";
import { getIdentifierRawId } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import { all, createUser, identityClient, rejection, userRef, type TestUser } from "../helpers/acs.js";

let emulator: Emulator;
let identity: CommunicationIdentityClient;
/** Added to the real time to make the emulator's clock; only ever moves forward, by seconds. */
let clockOffsetMs = 0;

/** Moves the emulator's clock one second on, so the next activity is strictly later. */
const tick = () => {
  clockOffsetMs += 1000;
};
/** The emulator's current time. */
const emulatorNow = () => new Date(Date.now() + clockOffsetMs);

const newUser = () => createUser(emulator, identity);
const unknownUserId = () => `8:acs:${emulator.resourceId}_${randomUUID()}`;
const unknownThreadId = () => `19:${randomBytes(16).toString("hex")}@thread.v2`;

/** Collects the requests the emulator answers while `body` runs. */
async function recordRequests<T>(body: () => Promise<T>): Promise<{ result: T; requests: RequestLogEntry[] }> {
  const requests: RequestLogEntry[] = [];
  const listener = (entry: RequestLogEntry) => requests.push(entry);
  emulator.requests.on("request", listener);
  try {
    return { result: await body(), requests };
  } finally {
    emulator.requests.off("request", listener);
  }
}

async function threadIdsOf(user: TestUser, options: { startTime?: Date } = {}): Promise<string[]> {
  return (await all(user.chat.listChatThreads(options))).map((thread) => thread.id);
}

async function createThread(user: TestUser, topic: string, others: TestUser[] = []): Promise<string> {
  const result = await user.chat.createChatThread({ topic }, { participants: others.map((o) => ({ id: userRef(o) })) });
  const id = result.chatThread?.id;
  if (!id) throw new Error("createChatThread returned no thread");
  return id;
}

/** Messages of a thread, oldest first. */
async function messagesOf(user: TestUser, threadId: string): Promise<ChatMessage[]> {
  const messages = await all(user.thread(threadId).listMessages());
  return messages.sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId));
}

function expectApiError(error: { statusCode?: number; code?: string; message: string }, statusCode: number, code: string) {
  expect(error.statusCode).toBe(statusCode);
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  emulator = await startEmulator({ now: () => Date.now() + clockOffsetMs });
  identity = identityClient(emulator);
});

afterAll(async () => {
  await emulator?.close();
});

describe("createChatThread", () => {
  it("creates a thread with participants, metadata and retention policy (201), creator included", async () => {
    const [alice, bob, carol] = await Promise.all([newUser(), newUser(), newUser()]);
    const { result, requests } = await recordRequests(() =>
      alice.chat.createChatThread(
        { topic: "Launch" },
        {
          participants: [
            { id: userRef(bob), displayName: "Bob" },
            { id: userRef(carol), displayName: "Carol", metadata: { role: "guest" } },
          ],
          metadata: { project: "apollo", stage: "1" },
          retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 45 },
        },
      ),
    );
    expect(requests.map((r) => [r.operation, r.status])).toEqual([["POST /chat/threads", 201]]);
    expect(result.invalidParticipants).toBeUndefined();
    const thread = result.chatThread!;
    expect(thread.id).toMatch(/^19:.+@thread\.v2$/);
    expect(thread.topic).toBe("Launch");
    expect(thread.createdBy).toEqual({ kind: "communicationUser", communicationUserId: alice.id });
    expect(thread.metadata).toEqual({ project: "apollo", stage: "1" });
    expect(thread.retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: 45 });
    expect(thread.createdOn).toBeInstanceOf(Date);

    const participants = await all(alice.thread(thread.id).listParticipants());
    expect(participants.map((p) => getIdentifierRawId(p.id)).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    expect(participants.find((p) => getIdentifierRawId(p.id) === carol.id)?.metadata).toEqual({ role: "guest" });
    expect(participants.find((p) => getIdentifierRawId(p.id) === bob.id)?.displayName).toBe("Bob");

    // Every member, the creator too, sees it.
    for (const user of [alice, bob, carol]) expect(await threadIdsOf(user)).toContain(thread.id);
  });

  it("writes participantAdded (sequenceId 1, all members incl. creator) and topicUpdated (sequenceId 2)", async () => {
    const [alice, bob, carol] = await Promise.all([newUser(), newUser(), newUser()]);
    const threadId = await createThread(alice, "System messages", [bob, carol]);
    const messages = await messagesOf(bob, threadId);
    expect(messages.map((m) => [m.sequenceId, m.type])).toEqual([
      ["1", "participantAdded"],
      ["2", "topicUpdated"],
    ]);
    const [added, topic] = messages as [ChatMessage, ChatMessage];
    expect(added.content?.participants?.map((p) => getIdentifierRawId(p.id)).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    expect(added.content?.initiator).toEqual({ kind: "communicationUser", communicationUserId: alice.id });
    expect(added.sender).toBeUndefined();
    expect(topic.content?.topic).toBe("System messages");
    expect(topic.content?.initiator).toEqual({ kind: "communicationUser", communicationUserId: alice.id });
    expect(topic.sender).toBeUndefined();
  });

  it("is idempotent on idempotencyToken: same thread, no second thread", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const idempotencyToken = randomUUID();
    const options = { participants: [{ id: userRef(bob) }], idempotencyToken };
    const first = await alice.chat.createChatThread({ topic: "Once" }, options);
    const { result: second, requests } = await recordRequests(() => alice.chat.createChatThread({ topic: "Once" }, options));
    expect(requests.map((r) => r.status)).toEqual([201]);
    expect(second.chatThread?.id).toBe(first.chatThread?.id);
    expect(await threadIdsOf(alice)).toEqual([first.chatThread?.id]);
    expect(await threadIdsOf(bob)).toEqual([first.chatThread?.id]);
    expect((await messagesOf(alice, first.chatThread!.id)).length).toBe(2);

    // Another token is another thread.
    const third = await alice.chat.createChatThread({ topic: "Once" }, { ...options, idempotencyToken: randomUUID() });
    expect(third.chatThread?.id).not.toBe(first.chatThread?.id);
    expect((await threadIdsOf(alice)).sort()).toEqual([first.chatThread!.id, third.chatThread!.id].sort());
  });

  it("returns unknown participants in invalidParticipants and creates the thread without them", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const ghost = unknownUserId();
    const result = await alice.chat.createChatThread(
      { topic: "Some invalid" },
      { participants: [{ id: { communicationUserId: ghost } }, { id: userRef(bob) }] },
    );
    expect(result.invalidParticipants).toHaveLength(1);
    const [invalid] = result.invalidParticipants!;
    expect(invalid?.target).toBe(ghost);
    expect(invalid?.code).toBe("403");
    expect(invalid?.message).toBeTruthy();
    const participants = await all(alice.thread(result.chatThread!.id).listParticipants());
    expect(participants.map((p) => getIdentifierRawId(p.id)).sort()).toEqual([alice.id, bob.id].sort());
  });

  it("refuses more than 200 participants with 400; 200 are accepted", async () => {
    const alice = await newUser();
    const tooMany = Array.from({ length: 201 }, () => ({ id: { communicationUserId: unknownUserId() } }));
    const error = await rejection(alice.chat.createChatThread({ topic: "Crowd" }, { participants: tooMany }));
    expectApiError(error, 400, "BadRequest");
    expect(error.message).toMatch(/200/);
    expect(await threadIdsOf(alice)).toEqual([]);

    const result = await alice.chat.createChatThread({ topic: "Crowd" }, { participants: tooMany.slice(0, 200) });
    expect(result.chatThread?.id).toBeTruthy();
    expect(result.invalidParticipants).toHaveLength(200);
  });

  it("accepts exactly 1 KB of metadata and refuses more with 400", async () => {
    const alice = await newUser();
    const exact = { k: "v".repeat(1023) };
    const created = await alice.chat.createChatThread({ topic: "1 KB" }, { metadata: exact });
    expect(created.chatThread?.metadata).toEqual(exact);
    expect((await alice.thread(created.chatThread!.id).getProperties()).metadata).toEqual(exact);

    const error = await rejection(alice.chat.createChatThread({ topic: "Too big" }, { metadata: { k: "v".repeat(1024) } }));
    expectApiError(error, 400, "BadRequest");
    expect(error.message).toMatch(/metadata/);
    // Multi-byte characters count as bytes: 342 × 3 bytes + key.
    const wide = await rejection(alice.chat.createChatThread({ topic: "Too wide" }, { metadata: { k: "€".repeat(342) } }));
    expectApiError(wide, 400, "BadRequest");
    expect(await threadIdsOf(alice)).toEqual([created.chatThread!.id]);
  });

  it.each([0, 29, 91, 365])("refuses retention of %i days with 400", async (days) => {
    const alice = await newUser();
    const error = await rejection(
      alice.chat.createChatThread({ topic: "Retention" }, { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: days } }),
    );
    expectApiError(error, 400, "BadRequest");
    expect(error.message).toMatch(/deleteThreadAfterDays/);
    expect(await threadIdsOf(alice)).toEqual([]);
  });

  it.each([30, 90])("accepts retention of %i days", async (days) => {
    const alice = await newUser();
    const result = await alice.chat.createChatThread(
      { topic: "Retention" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: days } },
    );
    const properties = await alice.thread(result.chatThread!.id).getProperties();
    expect(properties.retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: days });
  });
});

describe("listChatThreads", () => {
  it("lists only the caller's threads, newest lastMessageReceivedOn first", async () => {
    const [alice, bob, carol] = await Promise.all([newUser(), newUser(), newUser()]);
    tick();
    const t1 = await createThread(alice, "t1", [bob]);
    tick();
    const t2 = await createThread(alice, "t2");
    tick();
    const t3 = await createThread(carol, "t3", [bob]);
    tick();
    const t4 = await createThread(bob, "t4", [alice]);
    tick();
    await alice.thread(t1).sendMessage({ content: "bump" });

    const aliceThreads = await all(alice.chat.listChatThreads());
    expect(aliceThreads.map((t) => t.id)).toEqual([t1, t4, t2]);
    expect(aliceThreads.map((t) => t.topic)).toEqual(["t1", "t4", "t2"]);
    const times = aliceThreads.map((t) => t.lastMessageReceivedOn!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(times).size).toBe(3);
    expect(await threadIdsOf(bob)).toEqual([t1, t4, t3]);
    expect(await threadIdsOf(carol)).toEqual([t3]);
  });

  it("pages with maxPageSize across several requests (byPage)", async () => {
    const dave = await newUser();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      tick();
      created.push(await createThread(dave, `page ${i}`));
    }
    const { result: pages, requests } = await recordRequests(async () => {
      const pages: string[][] = [];
      for await (const page of dave.chat.listChatThreads({ maxPageSize: 2 }).byPage()) pages.push(page.map((t) => t.id));
      return pages;
    });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...created].reverse());
    expect(requests.filter((r) => r.operation === "GET /chat/threads" && r.userId === dave.id).map((r) => r.status)).toEqual([
      200, 200, 200,
    ]);
    // The item iterator walks the same pages.
    expect(await all(dave.chat.listChatThreads({ maxPageSize: 2 }))).toHaveLength(5);
  });

  it("with startTime lists only threads with activity since then", async () => {
    const erin = await newUser();
    tick();
    const t1 = await createThread(erin, "old, bumped later");
    tick();
    const t2 = await createThread(erin, "old");
    tick();
    const since = emulatorNow();
    tick();
    const t3 = await createThread(erin, "new");
    tick();
    await erin.thread(t1).sendMessage({ content: "activity" });

    expect(await threadIdsOf(erin, { startTime: since })).toEqual([t1, t3]);
    expect(await threadIdsOf(erin)).toEqual([t1, t3, t2]);
    tick();
    expect(await threadIdsOf(erin, { startTime: emulatorNow() })).toEqual([]);
  });

  it("leaves a deleted thread out unless startTime is before the deletion", async () => {
    const [frank, gina] = await Promise.all([newUser(), newUser()]);
    tick();
    const kept = await createThread(frank, "kept", [gina]);
    tick();
    const doomed = await createThread(frank, "doomed", [gina]);
    tick();
    const beforeDelete = emulatorNow();
    tick();
    await frank.chat.deleteChatThread(doomed);

    expect(await threadIdsOf(frank)).toEqual([kept]);
    expect(await threadIdsOf(gina)).toEqual([kept]);
    const changes = await all(frank.chat.listChatThreads({ startTime: beforeDelete }));
    expect(changes.map((t) => t.id)).toEqual([doomed]);
    expect(changes[0]?.deletedOn).toBeInstanceOf(Date);
  });

  it.each([0, 201])("refuses maxPageSize %i with 400", async (maxPageSize) => {
    const alice = await newUser();
    await createThread(alice, "any");
    const error = await rejection(all(alice.chat.listChatThreads({ maxPageSize })));
    expectApiError(error, 400, "BadRequest");
    expect(error.message).toMatch(/maxPageSize/);
  });

  it("accepts maxPageSize 200", async () => {
    const alice = await newUser();
    const id = await createThread(alice, "any");
    expect((await all(alice.chat.listChatThreads({ maxPageSize: 200 }))).map((t) => t.id)).toEqual([id]);
  });
});

describe("thread properties, update and delete", () => {
  it("getProperties returns the thread as created", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const created = await alice.chat.createChatThread(
      { topic: "Props" },
      { participants: [{ id: userRef(bob) }], metadata: { a: "1" }, retentionPolicy: { kind: "none" } },
    );
    const id = created.chatThread!.id;
    const properties = await bob.thread(id).getProperties();
    expect(properties.id).toBe(id);
    expect(properties.topic).toBe("Props");
    expect(properties.createdBy).toEqual({ kind: "communicationUser", communicationUserId: alice.id });
    expect(properties.createdOn.getTime()).toBe(created.chatThread!.createdOn.getTime());
    expect(properties.metadata).toEqual({ a: "1" });
    expect(properties.retentionPolicy).toEqual({ kind: "none" });
    expect(properties.deletedOn).toBeUndefined();
  });

  it("updateTopic changes the topic and writes a topicUpdated system message", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const id = await createThread(alice, "Before", [bob]);
    const { requests } = await recordRequests(() => bob.thread(id).updateTopic("After"));
    expect(requests.map((r) => [r.operation, r.status])).toEqual([["PATCH /chat/threads/{threadId}", 204]]);
    expect((await alice.thread(id).getProperties()).topic).toBe("After");
    expect((await all(alice.chat.listChatThreads())).find((t) => t.id === id)?.topic).toBe("After");

    const messages = await messagesOf(alice, id);
    expect(messages.map((m) => [m.sequenceId, m.type, m.content?.topic])).toEqual([
      ["1", "participantAdded", undefined],
      ["2", "topicUpdated", "Before"],
      ["3", "topicUpdated", "After"],
    ]);
    expect(messages[2]?.content?.initiator).toEqual({ kind: "communicationUser", communicationUserId: bob.id });
  });

  it("updateProperties merges metadata into the existing keys", async () => {
    const alice = await newUser();
    const created = await alice.chat.createChatThread({ topic: "Merge" }, { metadata: { a: "1", b: "2" } });
    const thread = alice.thread(created.chatThread!.id);
    await thread.updateProperties({ metadata: { b: "3", c: "4" } });
    const properties = await thread.getProperties();
    expect(properties.metadata).toEqual({ a: "1", b: "3", c: "4" });
    expect(properties.topic).toBe("Merge");
    // Metadata alone writes no system message.
    expect((await messagesOf(alice, created.chatThread!.id)).length).toBe(2);

    // The merged total counts against the 1 KB limit.
    const error = await rejection(thread.updateProperties({ metadata: { d: "x".repeat(1020) } }));
    expectApiError(error, 400, "BadRequest");
    expect((await thread.getProperties()).metadata).toEqual({ a: "1", b: "3", c: "4" });
  });

  it("deleteChatThread answers 204; then getProperties answers 404 for every member", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const id = await createThread(alice, "Doomed", [bob]);
    const { requests } = await recordRequests(() => alice.chat.deleteChatThread(id));
    expect(requests.map((r) => [r.operation, r.status])).toEqual([["DELETE /chat/threads/{threadId}", 204]]);
    for (const user of [alice, bob]) {
      expectApiError(await rejection(user.thread(id).getProperties()), 404, "NotFound");
    }
    expectApiError(await rejection(bob.thread(id).updateTopic("Zombie")), 404, "NotFound");
  });

  it("a non-participant gets 403 on get, update and delete, and changes nothing", async () => {
    const [alice, mallory] = await Promise.all([newUser(), newUser()]);
    const created = await alice.chat.createChatThread({ topic: "Private" }, { metadata: { secret: "yes" } });
    const id = created.chatThread!.id;
    const thread = mallory.thread(id);
    expectApiError(await rejection(thread.getProperties()), 403, "Forbidden");
    expectApiError(await rejection(thread.updateTopic("Owned")), 403, "Forbidden");
    expectApiError(await rejection(thread.updateProperties({ metadata: { secret: "no" } })), 403, "Forbidden");
    expectApiError(await rejection(mallory.chat.deleteChatThread(id)), 403, "Forbidden");
    expect(await threadIdsOf(mallory)).toEqual([]);
    const properties = await alice.thread(id).getProperties();
    expect(properties.topic).toBe("Private");
    expect(properties.metadata).toEqual({ secret: "yes" });
  });

  it("an unknown thread id gets 404 on get, update and delete", async () => {
    const alice = await newUser();
    const thread = alice.thread(unknownThreadId());
    expectApiError(await rejection(thread.getProperties()), 404, "NotFound");
    expectApiError(await rejection(thread.updateTopic("Nobody")), 404, "NotFound");
    expectApiError(await rejection(thread.updateProperties({ metadata: { a: "b" } })), 404, "NotFound");
    expectApiError(await rejection(alice.chat.deleteChatThread(unknownThreadId())), 404, "NotFound");
  });
});

describe("raw HTTP errors the SDK cannot produce", () => {
  interface RawResponse {
    status: number;
    contentType: string | undefined;
    json: { error?: { code?: unknown; message?: unknown; target?: unknown } };
  }

  function raw(method: string, path: string, options: { token?: string; body?: string } = {}): Promise<RawResponse> {
    const url = new URL(path, emulator.endpoint);
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(options.body));
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, ca: emulator.caPem, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], json: text ? JSON.parse(text) : {} });
          } catch (error) {
            reject(new Error(`not JSON (${res.statusCode}): ${text}`, { cause: error }));
          }
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(options.body);
    });
  }

  function expectErrorBody(response: RawResponse, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.json.error?.code).toBe(code);
    expect(typeof response.json.error?.message).toBe("string");
    expect((response.json.error?.message as string).length).toBeGreaterThan(0);
  }

  const API = "api-version=2025-03-15";
  let user: TestUser;
  beforeAll(async () => {
    user = await newUser();
  });

  it("control: a well-formed raw create answers 201", async () => {
    const response = await raw("POST", `/chat/threads?${API}`, { token: user.token, body: JSON.stringify({ topic: "raw" }) });
    expect(response.status).toBe(201);
    expect((response.json as { chatThread?: { topic?: string } }).chatThread?.topic).toBe("raw");
  });

  it("a body that is not JSON gets 400", async () => {
    const response = await raw("POST", `/chat/threads?${API}`, { token: user.token, body: '{"topic": "unterminated' });
    expectErrorBody(response, 400, "BadRequest");
    expect(response.json.error?.message).toMatch(/JSON/);
  });

  it("a create without topic gets 400 naming the field", async () => {
    const response = await raw("POST", `/chat/threads?${API}`, { token: user.token, body: JSON.stringify({ participants: [] }) });
    expectErrorBody(response, 400, "BadRequest");
    expect(response.json.error?.message).toMatch(/topic/);
    expect(response.json.error?.target).toBe("topic");
  });

  it("a topic of the wrong type gets 400 naming the field", async () => {
    const response = await raw("POST", `/chat/threads?${API}`, { token: user.token, body: JSON.stringify({ topic: 42 }) });
    expectErrorBody(response, 400, "BadRequest");
    expect(response.json.error?.message).toMatch(/topic/);
  });

  it("a request without api-version gets 400", async () => {
    const response = await raw("GET", "/chat/threads", { token: user.token });
    expectErrorBody(response, 400, "MissingApiVersionParameter");
    expect(response.json.error?.message).toMatch(/api-version/);
  });

  it("an unknown route gets 404", async () => {
    const response = await raw("GET", `/chat/nothing-here?${API}`, { token: user.token });
    expectErrorBody(response, 404, "NotFound");
    const deeper = await raw("POST", `/chat/threads/${encodeURIComponent(unknownThreadId())}/unknown?${API}`, {
      token: user.token,
      body: "{}",
    });
    expectErrorBody(deeper, 404, "NotFound");
  });

  it("a chat request without Authorization gets 401", async () => {
    const response = await raw("GET", `/chat/threads?${API}`);
    expectErrorBody(response, 401, "Unauthorized");
    const create = await raw("POST", `/chat/threads?${API}`, { body: JSON.stringify({ topic: "anon" }) });
    expectErrorBody(create, 401, "Unauthorized");
  });
});
