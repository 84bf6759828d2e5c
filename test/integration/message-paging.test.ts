/**
 * Twilio's `Conversation.getMessages(pageSize = 30, anchor?, direction = "backwards")` through our
 * classes over the real ACS SDK against the emulator (twilio-api.md §4.3): `items` ascending by
 * index; `prevPage()` goes to older and `nextPage()` to newer messages in both directions; the
 * anchor is an inclusive index; every page is a new paginator; only user messages are items
 * (no system, deleted or control messages); indices are ACS sequenceIds, increasing with gaps.
 * Also the ACS request cost of pages once the thread was read.
 *
 * The thread: alice creates it through our Client and adds bob (system messages at the start);
 * 500 messages are seeded through the raw SDK by alice and bob in parallel batches, with deletions
 * and a control message (bob reacting to alice's message through Message.updateAttributes) in
 * the middle.
 */
import type { ChatMessage, ChatThreadClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../src/emulator/index.js";
import { InvalidArgumentError, type Client, type Conversation, type Message, type Paginator } from "../../src/index.js";
import { all, chatClientFor } from "../helpers/acs.js";
import { emulatorOnly, live, startTarget, type Target } from "../helpers/target.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

const SEEDED_PER_HALF = 250;
const SEED_BATCH = 50;
const REACTION = { reactions: { "👍": ["bob"] } };

let emulator: Target;
let alice: TestSession;
let bob: TestSession;
let sid: string;
let rawAlice: ChatThreadClient;
let rawBob: ChatThreadClient;
const clients: Client[] = [];

/** Ids of the seeded messages (alice's and bob's), and which of them were deleted. */
const seededIds = new Set<string>();
const deletedIndices: number[] = [];
let controlIndex: number;
let reactedId: string;
/** Every message of the thread as ACS lists it, ascending by sequenceId. */
let thread: ChatMessage[];
/** The user messages' indices, ascending: what a full walk must return. Tests that send append. */
let expected: number[];

const indexOf = (message: ChatMessage) => Number(message.sequenceId);
const indices = (page: Paginator<Message>) => page.items.map((message) => message.index);

/** Sends `count` messages in parallel batches, alternating alice and bob; returns their ids. */
async function seed(count: number, label: string): Promise<void> {
  for (let start = 0; start < count; start += SEED_BATCH) {
    const batch = Array.from({ length: Math.min(SEED_BATCH, count - start) }, (_, i) => start + i);
    const sent = await Promise.all(
      batch.map((n) => (n % 2 === 0 ? rawAlice : rawBob).sendMessage({ content: `${label} ${n}` }, { senderDisplayName: n % 2 === 0 ? "alice" : "bob" })),
    );
    for (const { id } of sent) seededIds.add(id);
  }
}

async function listThread(): Promise<ChatMessage[]> {
  return (await all(rawAlice.listMessages({ maxPageSize: 200 }))).sort((a, b) => indexOf(a) - indexOf(b));
}

/** A new Client of alice (an empty message cache) and her conversation. */
/** Paging at machine speed reads more than ACS allows a user in a thread; the emulator here enforces no limits. */
async function freshConversation(): Promise<Conversation> {
  const client = alice.client({ rateLimits: false });
  clients.push(client);
  await initialized(client);
  return client.getConversationBySid(sid);
}

/** The ACS requests alice's clients send while `action` runs. */
async function counted<T>(action: () => Promise<T>): Promise<{ value: T; requests: RequestLogEntry[] }> {
  const requests: RequestLogEntry[] = [];
  const listener = (entry: RequestLogEntry) => {
    if (entry.userId === alice.userId) requests.push(entry);
  };
  emulator.requests.on("request", listener);
  try {
    return { value: await action(), requests };
  } finally {
    emulator.requests.off("request", listener);
  }
}

/** Walks from `page` with prevPage() (older) or nextPage() (newer) to the end; returns every page in walking order. */
async function walk(page: Paginator<Message>, towards: "older" | "newer"): Promise<Array<Paginator<Message>>> {
  const pages = [page];
  for (let current = page; towards === "older" ? current.hasPrevPage : current.hasNextPage; ) {
    current = await (towards === "older" ? current.prevPage() : current.nextPage());
    pages.push(current);
    if (pages.length > 1000) throw new Error("the walk does not end");
  }
  return pages;
}

function expectAscending(page: Paginator<Message>): void {
  const got = indices(page);
  expect(got).toEqual([...got].sort((a, b) => a - b));
  expect(new Set(got).size).toBe(got.length);
}

/** What a backwards page with this anchor must hold: the `size` user messages at or below it. */
const below = (anchor: number, size: number) => expected.filter((index) => index <= anchor).slice(-size);
/** What a forward page with this anchor must hold: the `size` user messages at or above it. */
const above = (anchor: number, size: number) => expected.filter((index) => index >= anchor).slice(0, size);

beforeAll(async () => {
  emulator = await startTarget();
  const directory = new TestDirectory();
  [alice, bob] = await Promise.all([createSession(emulator, "alice", directory), createSession(emulator, "bob", directory)]);

  const aliceClient = alice.client({ rateLimits: false });
  clients.push(aliceClient);
  await initialized(aliceClient);
  const conversation = await aliceClient.createConversation({ friendlyName: "paging" });
  await conversation.join();
  await conversation.add("bob");
  sid = conversation.sid;
  rawAlice = chatClientFor(emulator, alice.acsToken).getChatThreadClient(sid);
  rawBob = chatClientFor(emulator, bob.acsToken).getChatThreadClient(sid);

  await seed(SEEDED_PER_HALF, "first");

  // Deletions in the middle: two adjacent user messages and a lone one, each by its sender.
  const users = (await listThread()).filter((message) => seededIds.has(message.id));
  for (const victim of [users[100]!, users[101]!, users[180]!]) {
    const owner = victim.sender?.kind === "communicationUser" && victim.sender.communicationUserId === alice.userId ? rawAlice : rawBob;
    await owner.deleteMessage(victim.id);
    deletedIndices.push(indexOf(victim));
  }

  // Bob reacts to alice's newest message through our classes: ACS lets only the sender edit, so a control message.
  const bobClient = bob.client({ rateLimits: false });
  clients.push(bobClient);
  await initialized(bobClient);
  const bobConversation = await bobClient.getConversationBySid(sid);
  const newest = await bobConversation.getMessages(30);
  const target = [...newest.items].reverse().find((message) => message.author === "alice");
  if (!target) throw new Error("no message of alice on bob's newest page");
  reactedId = target.sid;
  await target.updateAttributes(REACTION);

  await seed(SEEDED_PER_HALF, "second");

  thread = await listThread();
  const control = thread.find((message) => !seededIds.has(message.id) && (message.type === "text" || message.type === "html"));
  if (!control) throw new Error("the control message is not in the thread");
  controlIndex = indexOf(control);
  expected = thread.filter((message) => seededIds.has(message.id) && !message.deletedOn).map(indexOf);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.shutdown()));
  await emulator?.close();
});

describe("the seeded thread", () => {
  it("has system messages at the start, then dense indices with gaps from deletions and the control message", () => {
    const system = thread.filter((message) => message.type !== "text" && message.type !== "html");
    expect(system.length).toBeGreaterThanOrEqual(2);
    expect(system.length).toBeLessThanOrEqual(4);
    expect(Math.max(...system.map(indexOf))).toBeLessThan(expected[0]!);
    expect(expected).toHaveLength(2 * SEEDED_PER_HALF - 3);
    expect(thread.map(indexOf)).toEqual(Array.from({ length: thread.length }, (_, i) => i + 1));
    for (const gap of [...deletedIndices, controlIndex]) {
      expect(gap).toBeGreaterThan(expected[0]!);
      expect(gap).toBeLessThan(expected[expected.length - 1]!);
      expect(expected).not.toContain(gap);
    }
  });
});

describe("walking backwards from the newest with prevPage()", () => {
  it.each([30, 47])("page size %i: every user message exactly once, pages ascending, flags false only at the ends", async (size) => {
    const conversation = await freshConversation();
    const pages = await walk(await conversation.getMessages(size), "older");

    expect(pages.flatMap((page) => indices(page)).length).toBe(expected.length);
    expect([...pages].reverse().flatMap((page) => indices(page))).toEqual(expected);
    pages.forEach((page, i) => {
      expectAscending(page);
      const oldest = i === pages.length - 1;
      expect(page.items).toHaveLength(oldest ? expected.length - size * (pages.length - 1) : size);
      expect(page.hasPrevPage).toBe(!oldest);
      expect(page.hasNextPage).toBe(i !== 0);
    });
    expect(pages).toHaveLength(Math.ceil(expected.length / size));

    const oldestPage = pages[pages.length - 1]!;
    await expect(oldestPage.prevPage()).rejects.toThrow();
    await expect(pages[0]!.nextPage()).rejects.toThrow();
  });

  it("each prevPage() resolves to a new paginator and leaves the old one as it was", async () => {
    const conversation = await freshConversation();
    const first = await conversation.getMessages(30);
    const before = { items: [...first.items], hasPrevPage: first.hasPrevPage, hasNextPage: first.hasNextPage };
    const older = await first.prevPage();
    expect(older).not.toBe(first);
    expect(first.items).toEqual(before.items);
    expect(first.hasPrevPage).toBe(before.hasPrevPage);
    expect(first.hasNextPage).toBe(before.hasNextPage);
    expect(Math.max(...indices(older))).toBeLessThan(Math.min(...indices(first)));

    // The old paginator still works, and again gives a new one with the same page.
    const again = await first.prevPage();
    expect(again).not.toBe(older);
    expect(indices(again)).toEqual(indices(older));
  });

  it("back up from the oldest page with nextPage(): every user message once, hasNextPage false only on the newest", async () => {
    const conversation = await freshConversation();
    const oldest = (await walk(await conversation.getMessages(47), "older")).pop()!;
    const pages = await walk(oldest, "newer");
    expect(pages.flatMap((page) => indices(page))).toEqual(expected);
    pages.forEach((page, i) => {
      expectAscending(page);
      expect(page.hasNextPage).toBe(i !== pages.length - 1);
      expect(page.hasPrevPage).toBe(i !== 0);
    });
  });
});

describe("walking forward with nextPage()", () => {
  it.each([30, 47])("page size %i from anchor 0: every user message once, the oldest first", async (size) => {
    const conversation = await freshConversation();
    const first = await conversation.getMessages(size, 0, "forward");
    expect(indices(first)).toEqual(expected.slice(0, size));
    expect(first.hasPrevPage).toBe(false);
    expect(first.hasNextPage).toBe(true);
    await expect(first.prevPage()).rejects.toThrow();

    const pages = await walk(first, "newer");
    expect(pages.flatMap((page) => indices(page))).toEqual(expected);
    pages.forEach((page, i) => {
      expectAscending(page);
      expect(page.items).toHaveLength(i === pages.length - 1 ? expected.length - size * (pages.length - 1) : size);
      expect(page.hasNextPage).toBe(i !== pages.length - 1);
      expect(page.hasPrevPage).toBe(i !== 0);
    });
    await expect(pages[pages.length - 1]!.nextPage()).rejects.toThrow();
  });
});

describe("anchors", () => {
  it("on a user message: backwards gives the 10 at or below it ending at it, forward the 10 at or above it starting at it", async () => {
    const conversation = await freshConversation();
    const anchors = [expected[3]!, expected[9]!, expected[10]!, expected[200]!, expected[expected.length - 5]!, expected[expected.length - 1]!];
    for (const anchor of anchors) {
      const back = await conversation.getMessages(10, anchor);
      expect(indices(back), `backwards from ${anchor}`).toEqual(below(anchor, 10));
      expect(back.items[back.items.length - 1]!.index).toBe(anchor);
      expect(back.hasPrevPage).toBe(expected.indexOf(anchor) >= 10);
      expect(back.hasNextPage).toBe(anchor !== expected[expected.length - 1]);

      const forward = await conversation.getMessages(10, anchor, "forward");
      expect(indices(forward), `forward from ${anchor}`).toEqual(above(anchor, 10));
      expect(forward.items[0]!.index).toBe(anchor);
      expect(forward.hasPrevPage).toBe(anchor !== expected[0]);
      expect(forward.hasNextPage).toBe(expected.length - expected.indexOf(anchor) > 10);
    }
  });

  it("on a user message, cold: the same pages from a client that read nothing yet", async () => {
    const anchor = expected[150]!;
    const back = await (await freshConversation()).getMessages(10, anchor);
    expect(indices(back)).toEqual(below(anchor, 10));
    const forward = await (await freshConversation()).getMessages(10, anchor, "forward");
    expect(indices(forward)).toEqual(above(anchor, 10));
  });

  it("the pages next to an anchored page continue it without gaps or overlap", async () => {
    const conversation = await freshConversation();
    const anchor = expected[250]!;
    const back = await conversation.getMessages(10, anchor);
    expect(indices(await back.prevPage())).toEqual(below(anchor, 20).slice(0, 10));
    expect(indices(await back.nextPage())).toEqual(above(anchor, 11).slice(1));
    const forward = await conversation.getMessages(10, anchor, "forward");
    expect(indices(await forward.nextPage())).toEqual(above(anchor, 20).slice(10));
    expect(indices(await forward.prevPage())).toEqual(below(anchor, 11).slice(0, 10));
  });

  it("on a gap (deleted, control or system index): the user messages below or above it", async () => {
    const conversation = await freshConversation();
    for (const gap of [...deletedIndices, controlIndex]) {
      const back = await conversation.getMessages(10, gap);
      expect(indices(back), `backwards from gap ${gap}`).toEqual(below(gap, 10));
      expect(indices(back)).toHaveLength(10);
      expect(back.hasNextPage).toBe(true);
      expect(back.hasPrevPage).toBe(true);
      const forward = await conversation.getMessages(10, gap, "forward");
      expect(indices(forward), `forward from gap ${gap}`).toEqual(above(gap, 10));
      expect(indices(forward)).toHaveLength(10);
      expect(forward.hasPrevPage).toBe(true);
      expect(forward.hasNextPage).toBe(true);
    }

    // The system messages at the start: nothing at or below them; forward, the oldest user messages.
    const firstSystem = thread[0]!;
    expect(firstSystem.type).not.toBe("text");
    const back = await conversation.getMessages(10, indexOf(firstSystem));
    expect(back.items).toEqual([]);
    expect(back.hasPrevPage).toBe(false);
    const forward = await conversation.getMessages(10, indexOf(firstSystem), "forward");
    expect(indices(forward)).toEqual(expected.slice(0, 10));
    expect(forward.hasPrevPage).toBe(false);
  });

  it("pages asked for at the same time on a client that read nothing yet are the same as when asked one by one", async () => {
    const conversation = await freshConversation();
    const anchors = [expected[20]!, expected[260]!, deletedIndices[2]!, expected[expected.length - 40]!];
    const pages = await Promise.all([
      conversation.getMessages(30),
      ...anchors.map((anchor) => conversation.getMessages(10, anchor)),
      ...anchors.map((anchor) => conversation.getMessages(10, anchor, "forward")),
      conversation.getMessages(10, 0, "forward"),
    ]);
    expect(pages.map(indices)).toEqual([
      expected.slice(-30),
      ...anchors.map((anchor) => below(anchor, 10)),
      ...anchors.map((anchor) => above(anchor, 10)),
      expected.slice(0, 10),
    ]);
  });

  it("above the newest: backwards gives the newest page", async () => {
    const conversation = await freshConversation();
    const page = await conversation.getMessages(10, expected[expected.length - 1]! + 1000);
    expect(indices(page)).toEqual(expected.slice(-10));
    expect(page.hasNextPage).toBe(false);
    expect(page.hasPrevPage).toBe(true);
  });
});

describe("messages are the conversation's objects", () => {
  it("the same Message instance for the same sid across pages, walks and directions", async () => {
    const conversation = await freshConversation();
    const seen = new Map<string, Message>();
    const check = (page: Paginator<Message>) => {
      for (const message of page.items) {
        const known = seen.get(message.sid);
        if (known) expect(message).toBe(known);
        else seen.set(message.sid, message);
      }
    };
    for (const page of await walk(await conversation.getMessages(30), "older")) check(page);
    expect(seen.size).toBe(expected.length);
    for (const page of await walk(await conversation.getMessages(47, 0, "forward"), "newer")) check(page);
    check(await conversation.getMessages(10, expected[123]!));
    check(await conversation.getMessages(10, expected[321]!, "forward"));
    expect(seen.size).toBe(expected.length);
  });

  it("control messages are folded into their target, not items; their index is a gap", async () => {
    const conversation = await freshConversation();
    const page = await conversation.getMessages(30, controlIndex);
    const reacted = page.items.find((message) => message.sid === reactedId);
    expect(reacted?.author).toBe("alice");
    expect(reacted?.attributes).toEqual(REACTION);
    expect(page.items.map((message) => message.body)).not.toContainEqual(expect.stringContaining("twilio-conversations-acs"));
    for (const message of page.items) expect(seededIds.has(message.sid)).toBe(true);
  });
});

describe("arguments", () => {
  const bad: Array<{ args: unknown[]; field: string }> = [
    { args: [-1], field: "pageSize" },
    { args: [1.5], field: "pageSize" },
    { args: ["10"], field: "pageSize" },
    { args: [10, -1], field: "anchor" },
    { args: [10, 1.5], field: "anchor" },
    { args: [10, "5"], field: "anchor" },
    { args: [10, undefined, "up"], field: "direction" },
    { args: [10, 5, "Forward"], field: "direction" },
  ];

  it.skipIf(live).each(bad)("getMessages($args) rejects with InvalidArgumentError naming $field and sends no request", async ({ args, field }) => {
    const conversation = await freshConversation();
    const getMessages = conversation.getMessages.bind(conversation) as (...values: unknown[]) => Promise<Paginator<Message>>;
    const { value: error, requests } = await counted(async () => {
      let caught: unknown;
      try {
        await getMessages(...args);
      } catch (error) {
        caught = error;
      }
      // A request of another user, answered after anything getMessages might have sent.
      await rawBob.getProperties();
      return caught;
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).name).toBe("InvalidArgumentError");
    expect((error as InvalidArgumentError).field).toBe(field);
    expect((error as Error).message).toContain(field);
    expect(requests).toEqual([]);
  });
});

describe("ACS requests per page", () => {
  emulatorOnly("counts requests")("cold: the newest page costs one request, and each older page at most one", async () => {
    const conversation = await freshConversation();
    const first = await counted(() => conversation.getMessages(30));
    expect(first.requests.map((r) => r.operation)).toEqual(["GET /chat/threads/{threadId}/messages"]);
    let page = first.value;
    while (page.hasPrevPage) {
      const older = await counted(() => page.prevPage());
      expect(older.requests.length, `prevPage to ${older.value.items[0]?.index}`).toBeLessThanOrEqual(1);
      page = older.value;
    }
  });

  emulatorOnly("counts requests")("once the thread was read: cached pages cost 0 requests, the newest at most 1", async () => {
    const conversation = await freshConversation();
    await walk(await conversation.getMessages(30), "older");

    // Every page of a walk down through what was read: 0, except the newest, which must look for new messages.
    const newest = await counted(() => conversation.getMessages(47));
    expect(newest.requests.length).toBeLessThanOrEqual(1);
    for (let page = newest.value; page.hasPrevPage; ) {
      const older = await counted(() => page.prevPage());
      expect(older.requests, `prevPage to ${older.value.items[0]?.index}`).toEqual([]);
      page = older.value;
    }

    // Anchored pages inside the cache, both directions, and their neighbours.
    for (const anchor of [expected[15]!, expected[100]!, deletedIndices[0]!, controlIndex, expected[400]!]) {
      const back = await counted(() => conversation.getMessages(10, anchor));
      expect(back.requests, `backwards from ${anchor}`).toEqual([]);
      expect((await counted(() => back.value.prevPage())).requests).toEqual([]);
      expect((await counted(() => back.value.nextPage())).requests).toEqual([]);
      const forward = await counted(() => conversation.getMessages(10, anchor, "forward"));
      expect(forward.requests, `forward from ${anchor}`).toEqual([]);
      expect((await counted(() => forward.value.nextPage())).requests).toEqual([]);
    }

    // A forward walk: 0 per page, at most 1 for the page that reaches the newest.
    for (let page = (await counted(() => conversation.getMessages(47, 0, "forward"))).value; page.hasNextPage; ) {
      const newer = await counted(() => page.nextPage());
      expect(newer.requests.length, `nextPage to ${newer.value.items[0]?.index}`).toBeLessThanOrEqual(1);
      if (newer.value.hasNextPage) expect(newer.requests).toEqual([]);
      page = newer.value;
    }
  });
});

// These add and remove messages: they run last and keep `expected` up to date.
describe("changes after a page was read", () => {
  it("a new message shows up on getMessages() and as hasNextPage of a forward walk", async () => {
    const conversation = await freshConversation();
    const newest = await conversation.getMessages(30);
    expect(newest.hasNextPage).toBe(false);
    const topAnchor = expected[expected.length - 10]!;
    const top = await conversation.getMessages(10, topAnchor, "forward");
    expect(indices(top)).toEqual(expected.slice(-10));
    expect(top.hasNextPage).toBe(false);
    const walkStart = await conversation.getMessages(10, expected[expected.length - 25]!, "forward");
    expect(walkStart.hasNextPage).toBe(true);

    const { id } = await rawBob.sendMessage({ content: "late news" }, { senderDisplayName: "bob" });
    seededIds.add(id);
    const lateIndex = indexOf(await rawBob.getMessage(id));
    expected.push(lateIndex);

    // The old paginators are unchanged; new reads see the message.
    expect(top.hasNextPage).toBe(false);
    const latest = await conversation.getMessages(30);
    expect(latest.items[latest.items.length - 1]!.index).toBe(lateIndex);
    expect(latest.items[latest.items.length - 1]!.body).toBe("late news");
    expect(latest.hasNextPage).toBe(false);
    expect(indices(latest)).toEqual(expected.slice(-30));

    const topAgain = await conversation.getMessages(10, topAnchor, "forward");
    expect(indices(topAgain)).toEqual(indices(top));
    expect(topAgain.hasNextPage).toBe(true);
    const after = await topAgain.nextPage();
    expect(indices(after)).toEqual([lateIndex]);
    expect(after.hasNextPage).toBe(false);

    // A forward walk begun before the message reaches it.
    const walked = await walk(walkStart, "newer");
    expect(walked.flatMap((page) => indices(page))).toEqual(expected.slice(-26));

    // Sent through our classes: the index it resolves to is the newest item.
    const ownIndex = await conversation.sendMessage("own news");
    expected.push(ownIndex);
    const own = await conversation.getMessages(5);
    expect(indices(own)).toEqual(expected.slice(-5));
    expect(own.items[own.items.length - 1]!.body).toBe("own news");
  });

  // More new messages than one newest read restart the cached run: the forward walk must go back down to its anchor.
  it("more new messages than one ACS read are all walked forward, none skipped", async () => {
    const conversation = await freshConversation();
    await walk(await conversation.getMessages(30), "older");
    const topAnchor = expected[expected.length - 10]!;
    const top = await conversation.getMessages(10, topAnchor, "forward");
    expect(top.hasNextPage).toBe(false);

    const before = new Set(seededIds);
    await seed(250, "third");
    const fresh = (await listThread()).filter((message) => seededIds.has(message.id) && !before.has(message.id)).map(indexOf);
    expect(fresh).toHaveLength(250);
    expected.push(...fresh);

    const walked = await walk(await conversation.getMessages(10, topAnchor, "forward"), "newer");
    expect(walked.flatMap((page) => indices(page))).toEqual(expected.slice(-260));
    const back = await walk(await conversation.getMessages(30), "older");
    expect([...back].reverse().flatMap((page) => indices(page))).toEqual(expected);
  });

  it("a message removed through Message.remove() is no longer an item of pages read from the cache", async () => {
    const conversation = await freshConversation();
    const page = await conversation.getMessages(30);
    const own = [...page.items].reverse().find((message) => message.author === "alice");
    if (!own) throw new Error("no message of alice on the newest page");
    const anchor = page.items[page.items.length - 1]!.index;
    await own.remove();
    expected.splice(expected.indexOf(own.index), 1);

    const again = await conversation.getMessages(30, anchor);
    expect(again.items.map((message) => message.sid)).not.toContain(own.sid);
    expect(indices(again)).toEqual(below(anchor, 30));
    const forward = await conversation.getMessages(30, page.items[0]!.index, "forward");
    expect(forward.items.map((message) => message.sid)).not.toContain(own.sid);
  });
});
