/**
 * ACS Chat messages through the real ChatThreadClient: send (text, html, metadata, display name),
 * get, list (newest first, system messages, paging across more than 200 messages), update,
 * delete, `startTime` as a change feed, who may read and write, the 28 KB limit, service-only
 * message types, unknown ids, the page-size limit and `shareHistoryTime`.
 */
import type { ChatMessage, ChatThreadClient } from "@azure/communication-chat";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import { all, createUser, identityClient, rejection, userRef, type TestUser } from "../helpers/acs.js";

/** ACS's documented message size limit: content and metadata together. */
const MESSAGE_LIMIT_BYTES = 28 * 1024;

let emulator: Emulator;
let identity: CommunicationIdentityClient;
let alice: TestUser;
let bob: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  emulator = await startEmulator();
  identity = identityClient(emulator);
  [alice, bob, outsider] = await Promise.all([createUser(emulator, identity), createUser(emulator, identity), createUser(emulator, identity)]);
});

afterAll(async () => {
  await emulator?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An `onResponse` callback for SDK operation options, and the statuses it saw. */
function statuses() {
  const seen: number[] = [];
  return { seen, onResponse: (response: { status: number }) => void seen.push(response.status) };
}

/** A new thread created by alice with the given members; returns alice's client for it. */
async function newThread(topic: string, members: TestUser[] = [bob]): Promise<ChatThreadClient> {
  const result = await alice.chat.createChatThread(
    { topic },
    { participants: members.map((member, index) => ({ id: userRef(member), displayName: `member ${index}` })) },
  );
  const id = result.chatThread?.id;
  if (!id) throw new Error("createChatThread returned no thread");
  return alice.thread(id);
}

const send = async (thread: ChatThreadClient, content: string): Promise<string> => (await thread.sendMessage({ content })).id;
const sequenceIds = (messages: ChatMessage[]) => messages.map((message) => Number(message.sequenceId));
const aliceRef = () => ({ kind: "communicationUser", communicationUserId: alice.id });

describe("sending and reading messages", () => {
  it("sends text and html with metadata and a display name: 201, id an epoch-ms string, version == id", async () => {
    const thread = await newThread("send");
    const before = Date.now();
    const textStatus = statuses();
    const text = await thread.sendMessage(
      { content: "hello there" },
      { senderDisplayName: "Alice A.", metadata: { twilioMessageSid: "IM1", attributes: '{"priority":"high"}' }, onResponse: textStatus.onResponse },
    );
    const htmlStatus = statuses();
    const html = await thread.sendMessage(
      { content: "<p>Hello <b>world</b></p>" },
      { type: "html", senderDisplayName: "Alice A.", metadata: { kind: "rich" }, onResponse: htmlStatus.onResponse },
    );
    expect(textStatus.seen).toEqual([201]);
    expect(htmlStatus.seen).toEqual([201]);

    for (const id of [text.id, html.id]) {
      expect(id).toMatch(/^\d{13}$/);
      expect(Number(id)).toBeGreaterThanOrEqual(before);
      expect(Number(id)).toBeLessThan(Date.now() + 60_000);
    }
    expect(Number(html.id)).toBeGreaterThan(Number(text.id));

    const gotText = await thread.getMessage(text.id);
    expect(gotText).toMatchObject({
      id: text.id,
      version: text.id,
      type: "text",
      sequenceId: "3",
      senderDisplayName: "Alice A.",
      sender: aliceRef(),
      content: { message: "hello there" },
      metadata: { twilioMessageSid: "IM1", attributes: '{"priority":"high"}' },
    });
    expect(gotText.createdOn).toBeInstanceOf(Date);
    expect(gotText.editedOn).toBeUndefined();
    expect(gotText.deletedOn).toBeUndefined();

    const gotHtml = await bob.thread(thread.threadId).getMessage(html.id);
    expect(gotHtml).toMatchObject({
      id: html.id,
      version: html.id,
      type: "html",
      sequenceId: "4",
      senderDisplayName: "Alice A.",
      sender: aliceRef(),
      content: { message: "<p>Hello <b>world</b></p>" },
      metadata: { kind: "rich" },
    });
  });

  it("lists newest first (descending sequenceId), with the two system messages of thread creation", async () => {
    const thread = await newThread("listing topic");
    const first = await send(thread, "first");
    const second = (await thread.sendMessage({ content: "<i>second</i>" }, { type: "html" })).id;

    const messages = await all(bob.thread(thread.threadId).listMessages());
    expect(sequenceIds(messages)).toEqual([4, 3, 2, 1]);
    expect(messages.map((m) => m.type)).toEqual(["html", "text", "topicUpdated", "participantAdded"]);
    expect(messages[0]).toMatchObject({ id: second, content: { message: "<i>second</i>" }, sender: aliceRef() });
    expect(messages[1]).toMatchObject({ id: first, content: { message: "first" }, sender: aliceRef() });

    const [, , topicUpdated, participantAdded] = messages;
    expect(topicUpdated?.content).toMatchObject({ topic: "listing topic", initiator: aliceRef() });
    expect(participantAdded?.content?.initiator).toEqual(aliceRef());
    expect(participantAdded?.content?.participants?.map((p) => p.id)).toEqual([
      aliceRef(),
      { kind: "communicationUser", communicationUserId: bob.id },
    ]);
    // System messages carry no sender, display name or metadata.
    for (const system of [topicUpdated, participantAdded]) {
      expect(system?.sender).toBeUndefined();
      expect(system?.senderDisplayName).toBeUndefined();
      expect(system?.metadata).toBeUndefined();
    }
  });
});

describe("paging", () => {
  const SENT = 450;
  let thread: ChatThreadClient;
  let total: number;

  beforeAll(async () => {
    thread = await newThread("paging");
    for (let start = 0; start < SENT; start += 50) {
      await Promise.all(Array.from({ length: Math.min(50, SENT - start) }, (_, i) => send(thread, `message ${start + i}`)));
    }
    total = SENT + 2; // plus the two creation system messages
  });

  it("gives every message a unique, contiguous sequenceId", async () => {
    const messages = await all(thread.listMessages({ maxPageSize: 200 }));
    expect(messages).toHaveLength(total);
    expect(new Set(messages.map((m) => m.id)).size).toBe(total);
    expect(sequenceIds(messages)).toEqual(Array.from({ length: total }, (_, i) => total - i));
  });

  it("byPage with maxPageSize 200 gives pages of 200, 200 and the rest, each item once, newest first", async () => {
    const urls: string[] = [];
    const pages: ChatMessage[][] = [];
    const onResponse = (response: { status: number; request: { url: string } }) => void urls.push(response.request.url);
    for await (const page of thread.listMessages({ maxPageSize: 200, onResponse }).byPage()) pages.push(page);

    expect(pages.map((page) => page.length)).toEqual([200, 200, total - 400]);
    const seen = pages.flat().map((m) => Number(m.sequenceId));
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
    expect(new Set(seen).size).toBe(total);
    // The SDK adds nothing to a nextLink: the emulator's links must carry the page size and api-version.
    expect(urls).toHaveLength(3);
    for (const url of urls.slice(1)) {
      const query = new URL(url).searchParams;
      expect(query.get("maxPageSize")).toBe("200");
      expect(query.get("api-version")).toBe("2025-03-15");
    }
  });

  it("iterates all messages without maxPageSize, following nextLink", async () => {
    const seen: RequestLogEntry[] = [];
    const record = (entry: RequestLogEntry) => {
      if (entry.operation === "GET /chat/threads/{threadId}/messages" && entry.path.includes(thread.threadId)) seen.push(entry);
    };
    emulator.requests.on("request", record);
    try {
      const messages = await all(bob.thread(thread.threadId).listMessages());
      expect(messages).toHaveLength(total);
      expect(sequenceIds(messages)).toEqual(Array.from({ length: total }, (_, i) => total - i));
    } finally {
      emulator.requests.off("request", record);
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((entry) => entry.status === 200 && entry.userId === bob.id)).toBe(true);
  });

  it("accepts maxPageSize 200 and rejects 201 with 400", async () => {
    const page = await thread.listMessages({ maxPageSize: 200 }).byPage().next();
    expect(page.value).toHaveLength(200);
    const error = await rejection(all(thread.listMessages({ maxPageSize: 201 })));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("BadRequest");
  });
});

describe("editing and deleting", () => {
  it("updates content and metadata: 204, editedOn set, version changes and differs from id", async () => {
    const thread = await newThread("edit");
    const id = (await thread.sendMessage({ content: "draft" }, { metadata: { a: "1" } })).id;
    const original = await thread.getMessage(id);

    const status = statuses();
    await thread.updateMessage(id, { content: "final", metadata: { b: "2" }, onResponse: status.onResponse });
    expect(status.seen).toEqual([204]);

    const edited = await bob.thread(thread.threadId).getMessage(id);
    expect(edited.content?.message).toBe("final");
    // PATCH is a JSON merge patch: keys not named stay.
    expect(edited.metadata).toEqual({ a: "1", b: "2" });
    expect(edited.editedOn).toBeInstanceOf(Date);
    expect(edited.editedOn!.getTime()).toBeGreaterThanOrEqual(original.createdOn.getTime());
    expect(edited.version).not.toBe(original.version);
    expect(edited.version).not.toBe(id);
    expect(Number(edited.version)).toBeGreaterThan(Number(id));
    expect(edited.sequenceId).toBe(original.sequenceId);
    expect(edited.createdOn).toEqual(original.createdOn);
  });

  it("deletes: 204, the message stays listed with deletedOn and without content", async () => {
    const thread = await newThread("delete");
    const keep = await send(thread, "keep me");
    const gone = (await thread.sendMessage({ content: "delete me" }, { metadata: { secret: "x" } })).id;

    const status = statuses();
    await thread.deleteMessage(gone, { onResponse: status.onResponse });
    expect(status.seen).toEqual([204]);

    const messages = await all(bob.thread(thread.threadId).listMessages());
    expect(sequenceIds(messages)).toEqual([4, 3, 2, 1]);
    const deleted = messages.find((m) => m.id === gone);
    expect(deleted?.deletedOn).toBeInstanceOf(Date);
    expect(deleted?.content?.message).toBeUndefined();
    expect(deleted?.metadata).toBeUndefined();
    expect(deleted?.version).not.toBe(gone);
    const kept = messages.find((m) => m.id === keep);
    expect(kept?.deletedOn).toBeUndefined();
    expect(kept?.content?.message).toBe("keep me");
  });

  it("lets only the sender edit or delete: another participant gets 403 and the message is unchanged", async () => {
    const thread = await newThread("ownership");
    const id = await send(thread, "alice's words");
    const asBob = bob.thread(thread.threadId);

    const edit = await rejection(asBob.updateMessage(id, { content: "bob was here" }));
    expect(edit.statusCode).toBe(403);
    expect(edit.code).toBe("Forbidden");
    const del = await rejection(asBob.deleteMessage(id));
    expect(del.statusCode).toBe(403);
    expect(del.code).toBe("Forbidden");

    const message = await thread.getMessage(id);
    expect(message.content?.message).toBe("alice's words");
    expect(message.version).toBe(id);
    expect(message.editedOn).toBeUndefined();
    expect(message.deletedOn).toBeUndefined();
  });

  it("refuses to edit or delete system messages (403), even for the thread's creator", async () => {
    const thread = await newThread("system");
    const messages = await all(thread.listMessages());
    const system = messages.filter((m) => m.type === "topicUpdated" || m.type === "participantAdded");
    expect(system).toHaveLength(2);
    for (const message of system) {
      const edit = await rejection(thread.updateMessage(message.id, { content: "rewritten" }));
      expect(edit.statusCode).toBe(403);
      expect(edit.code).toBe("Forbidden");
      const del = await rejection(thread.deleteMessage(message.id));
      expect(del.statusCode).toBe(403);
      expect(del.code).toBe("Forbidden");
    }
    const after = await all(thread.listMessages());
    expect(after.every((m) => m.deletedOn === undefined && m.editedOn === undefined)).toBe(true);
  });
});

describe("startTime as a change feed", () => {
  it("returns exactly the messages created, edited or deleted since startTime", async () => {
    const thread = await newThread("change feed");
    const older: string[] = [];
    for (let i = 0; i < 4; i++) older.push(await send(thread, `older ${i}`));
    const [toEdit, toDelete, untouched1, untouched2] = older as [string, string, string, string];
    // ACS compares startTime in whole seconds (see wire-format.test.ts): start a fresh second.
    await pause(1005 - (Date.now() % 1000));
    const since = new Date();
    await pause(5);

    await thread.updateMessage(toEdit, { content: "older 0, edited" });
    await thread.deleteMessage(toDelete);
    const fresh = await send(thread, "newer");

    const changes = await all(bob.thread(thread.threadId).listMessages({ startTime: since }));
    expect(changes.map((m) => m.id)).toEqual([fresh, toDelete, toEdit]);
    expect(changes.map((m) => m.id)).not.toContain(untouched1);
    expect(changes.map((m) => m.id)).not.toContain(untouched2);
    const [newer, deleted, edited] = changes;
    expect(newer?.content?.message).toBe("newer");
    expect(deleted?.deletedOn).toBeInstanceOf(Date);
    expect(deleted?.content?.message).toBeUndefined();
    expect(edited?.editedOn).toBeInstanceOf(Date);
    expect(edited?.content?.message).toBe("older 0, edited");

    // Without startTime the untouched messages and the system messages are all there.
    const everything = await all(thread.listMessages());
    expect(sequenceIds(everything)).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });
});

describe("who may read and write", () => {
  it("refuses a non-participant send, list and get with 403", async () => {
    const thread = await newThread("private");
    const id = await send(thread, "members only");
    const asOutsider = outsider.thread(thread.threadId);

    for (const attempt of [asOutsider.sendMessage({ content: "let me in" }), all(asOutsider.listMessages()), asOutsider.getMessage(id)]) {
      const error = await rejection(attempt);
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("Forbidden");
    }
    expect(sequenceIds(await all(thread.listMessages()))).toEqual([3, 2, 1]);
  });

  it("takes access away from a removed participant (403)", async () => {
    const carol = await createUser(emulator, identity);
    const thread = await newThread("removal", [bob, carol]);
    const id = await send(thread, "before removal");
    const asCarol = carol.thread(thread.threadId);
    expect((await asCarol.getMessage(id)).content?.message).toBe("before removal");

    await thread.removeParticipant(userRef(carol));
    for (const attempt of [asCarol.sendMessage({ content: "still here?" }), all(asCarol.listMessages()), asCarol.getMessage(id)]) {
      const error = await rejection(attempt);
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("Forbidden");
    }
  });
});

describe("limits and bad requests", () => {
  it("rejects a message over 28 KB of content and metadata with 400 and accepts one just under", async () => {
    const thread = await newThread("size");
    const metadata = { note: "m".repeat(1000) };
    const metadataBytes = "note".length + 1000;

    const contentUnderAlone = "x".repeat(MESSAGE_LIMIT_BYTES - metadataBytes + 1);
    const over = await rejection(thread.sendMessage({ content: contentUnderAlone }, { metadata }));
    expect(over.statusCode).toBe(400);
    expect(over.code).toBe("BadRequest");

    const content = "x".repeat(MESSAGE_LIMIT_BYTES - metadataBytes - 1);
    const status = statuses();
    const { id } = await thread.sendMessage({ content }, { metadata, onResponse: status.onResponse });
    expect(status.seen).toEqual([201]);
    const stored = await thread.getMessage(id);
    expect(stored.content?.message).toHaveLength(content.length);
    expect(stored.metadata).toEqual(metadata);

    // An edit that pushes it over the limit is refused too, and changes nothing.
    const grow = await rejection(thread.updateMessage(id, { content: contentUnderAlone }));
    expect(grow.statusCode).toBe(400);
    expect(grow.code).toBe("BadRequest");
    expect((await thread.getMessage(id)).version).toBe(id);

    // Only the failed sends are missing: 2 system messages and the accepted one.
    expect(sequenceIds(await all(thread.listMessages()))).toEqual([3, 2, 1]);
  });

  it("rejects sending the service's own message types with 400", async () => {
    const thread = await newThread("types");
    for (const type of ["topicUpdated", "participantAdded", "participantRemoved"] as const) {
      const error = await rejection(thread.sendMessage({ content: "pretend" }, { type }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("BadRequest");
    }
    expect(sequenceIds(await all(thread.listMessages()))).toEqual([2, 1]);
  });

  it("answers 404 for an unknown message id", async () => {
    const thread = await newThread("unknown");
    await send(thread, "exists");
    const unknown = "1000000000000";
    for (const attempt of [thread.getMessage(unknown), thread.updateMessage(unknown, { content: "x" }), thread.deleteMessage(unknown)]) {
      const error = await rejection(attempt);
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe("NotFound");
    }
  });
});

describe("shareHistoryTime", () => {
  it("hides the messages sent before a participant's shareHistoryTime", async () => {
    const thread = await newThread("history");
    const early1 = await send(thread, "early 1");
    const early2 = await send(thread, "early 2");
    await pause(20);
    const [late, full] = await Promise.all([createUser(emulator, identity), createUser(emulator, identity)]);
    await thread.addParticipants({
      participants: [
        { id: userRef(late), displayName: "Late", shareHistoryTime: new Date() },
        { id: userRef(full), displayName: "Full" },
      ],
    });
    const after = await send(thread, "after joining");

    const lateView = await all(late.thread(thread.threadId).listMessages());
    expect(lateView.map((m) => m.type)).toEqual(["text", "participantAdded"]);
    expect(lateView[0]?.id).toBe(after);
    expect(lateView.map((m) => m.id)).not.toContain(early1);
    expect(lateView.map((m) => m.id)).not.toContain(early2);

    // A participant added without shareHistoryTime sees the whole history.
    const fullView = await all(full.thread(thread.threadId).listMessages());
    expect(sequenceIds(fullView)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(fullView.map((m) => m.id)).toEqual(expect.arrayContaining([early1, early2, after]));
  });
});
