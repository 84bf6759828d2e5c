/**
 * MessageWindow through its page reader, against an in-memory thread that pages as ACS does
 * (newest first, continuation tokens towards older messages): Twilio's pages by anchor and
 * direction equal a model answer computed from the thread itself, a page the window holds costs
 * no read, newer copies replace older ones and never the reverse, and control messages fold into
 * their target in index order within the `allowed` check.
 */
import type { ChatMessage } from "@azure/communication-chat";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageWindow, type AttributesChangeCheck } from "../../../src/conversations/message-window.js";
import type { JSONValue } from "../../../src/mapping/json.js";
import { FakeThread, threadOf, threadSpecs } from "../../helpers/fake-thread.js";

type Direction = "backwards" | "forward";

const indexOf = (message: ChatMessage) => Number(message.sequenceId);
/** A user message, by the model's own reading of ACS's fields (not the library's `messageKind`). */
const isUser = (message: ChatMessage) => !message.deletedOn && (message.type === "text" || message.type === "html") && message.metadata?.twilioControl === undefined;
const userIndices = (thread: FakeThread) => thread.messages.filter(isUser).map(indexOf);

/** Twilio's `getMessages` answer computed from the whole thread (see Conversation.getMessages). */
function modelPage(users: number[], pageSize: number, anchor: number | undefined, direction: Direction) {
  if (direction === "backwards") {
    const top = anchor ?? Number.POSITIVE_INFINITY;
    const older = users.filter((index) => index <= top);
    const items = older.slice(Math.max(0, older.length - pageSize));
    const newest = items.length ? items[items.length - 1]! : top;
    return { items, hasOlder: older.length > pageSize, hasNewer: users.some((index) => index > newest) };
  }
  const bottom = anchor ?? 0;
  const newer = users.filter((index) => index >= bottom);
  const items = newer.slice(0, pageSize);
  const oldest = items.length ? items[0]! : bottom;
  return { items, hasOlder: users.some((index) => index < oldest), hasNewer: newer.length > pageSize };
}

const firstReadSize = (pageSize: number) => Math.min(200, pageSize + 1);

async function pageOf(window: MessageWindow, pageSize: number, anchor: number | undefined, direction: Direction) {
  const page = await window.page(pageSize, anchor, direction, firstReadSize(pageSize));
  return { items: page.messages.map(indexOf), hasOlder: page.hasOlder, hasNewer: page.hasNewer };
}

const pageCall = (maxIndex: number) =>
  fc.record({
    pageSize: fc.integer({ min: 0, max: 8 }),
    anchor: fc.option(fc.integer({ min: 0, max: maxIndex + 3 }), { nil: undefined }),
    direction: fc.constantFrom<Direction>("backwards", "forward"),
  });

/** A thread's shape and a run of page calls over it; whether ACS ends with an empty page. */
const threadAndCalls = threadSpecs(40).chain((specs) => {
  const maxIndex = specs.reduce((sum, spec) => sum + spec.gap, 0);
  return fc.tuple(fc.constant(specs), fc.array(pageCall(maxIndex), { minLength: 1, maxLength: 8 }), fc.boolean());
});

describe("MessageWindow.page", () => {
  it("answers any run of pages as the model computed from the whole thread does", async () => {
    await fc.assert(
      fc.asyncProperty(threadAndCalls, async ([specs, calls, trailingEmptyPage]) => {
        const thread = threadOf(specs);
        thread.trailingEmptyPage = trailingEmptyPage;
        const window = new MessageWindow(thread.readPage);
        const users = userIndices(thread);
        for (const { pageSize, anchor, direction } of calls) {
          expect(await pageOf(window, pageSize, anchor, direction)).toEqual(modelPage(users, pageSize, anchor, direction));
        }
      }),
    );
  });

  it("stays right while the thread grows between pages, whether or not the window hears of the new messages", async () => {
    const growth = fc.array(fc.tuple(threadSpecs(6), fc.boolean()), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(threadAndCalls, growth, async ([specs, calls], batches) => {
        const thread = threadOf(specs);
        const window = new MessageWindow(thread.readPage);
        let time = 10_000_000;
        let heard = true;
        for (const [i, { pageSize, anchor, direction }] of calls.entries()) {
          const model = modelPage(userIndices(thread), pageSize, anchor, direction);
          const page = await pageOf(window, pageSize, anchor, direction);
          expect(page.items).toEqual(model.items);
          expect(page.hasOlder).toBe(model.hasOlder);
          // Unheard news above what the window holds shows at the next read of the newest page only.
          if (heard || direction === "forward" || anchor === undefined) expect(page.hasNewer).toBe(model.hasNewer);
          const batch = batches[i % batches.length]!;
          const added = batch[0].map((spec) => thread.addKind(spec.kind, new Date((time += 1000)), spec.gap));
          // The change feed hands every message it reads to the window, in index order; the window
          // keeps a contiguous run, so news after skipped sequence ids is not held either.
          if (batch[1]) window.absorb(added.map((m) => ({ ...m })));
          heard &&= (batch[1] && batch[0].every((spec) => spec.gap === 1)) || added.length === 0;
        }
      }),
    );
  });

  it("costs no read for a page it holds: the same page again, and every page once it read the whole thread", async () => {
    await fc.assert(
      fc.asyncProperty(threadAndCalls, async ([specs, calls]) => {
        const thread = threadOf(specs);
        const window = new MessageWindow(thread.readPage);
        const maxIndex = Math.max(0, ...thread.messages.map(indexOf));
        const readsFor = async (pageSize: number, anchor: number | undefined, direction: Direction) => {
          const before = thread.pageReads.length;
          const page = await pageOf(window, pageSize, anchor, direction);
          return { page, reads: thread.pageReads.length - before };
        };
        /** What a held page may still cost: the newest page, when Twilio's call asks for news. */
        const newsReads = (page: { hasNewer: boolean }, anchor: number | undefined, direction: Direction) =>
          (direction === "backwards" && (anchor === undefined || anchor > maxIndex)) || (direction === "forward" && !page.hasNewer) ? 1 : 0;
        for (const { pageSize, anchor, direction } of calls) {
          await readsFor(pageSize, anchor, direction);
          const again = await readsFor(pageSize, anchor, direction);
          if (thread.messages.length > 0) expect(again.reads).toBe(newsReads(again.page, anchor, direction));
        }
        await window.all();
        for (const { pageSize, anchor, direction } of calls) {
          const { page, reads } = await readsFor(pageSize, anchor, direction);
          if (thread.messages.length > 0) expect(reads).toBe(newsReads(page, anchor, direction));
        }
      }),
    );
  });

  it("walks older pages with ACS's largest page size and the continuation token it was given", async () => {
    const thread = threadOf(Array.from({ length: 450 }, () => ({ kind: "user" as const, gap: 1 })));
    const window = new MessageWindow(thread.readPage);
    expect((await window.all()).map(indexOf)).toEqual(userIndices(thread));
    expect(thread.pageReads).toEqual([{ maxPageSize: 200 }, { maxPageSize: 200, continuationToken: "251" }, { maxPageSize: 200, continuationToken: "51" }]);
  });
});

describe("MessageWindow.absorb", () => {
  /** For each message of the thread, copies of it changed at distinct times: edited, or deleted. */
  const copiesArb = fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 39 }), stamp: fc.integer({ min: 1, max: 1_000_000 }), deleted: fc.boolean(), viaPage: fc.boolean() }),
    { maxLength: 30 },
  );

  it("keeps the newest copy of each message whatever order copies arrive in, by absorb or by a stale page", async () => {
    await fc.assert(
      fc.asyncProperty(threadSpecs(40), copiesArb, async (specs, changes) => {
        const thread = threadOf(specs);
        const window = new MessageWindow(thread.readPage);
        await window.all();
        const newest = new Map(thread.messages.map((m) => [m.id, m]));
        const used = new Set<number>();
        for (const change of changes) {
          const original = thread.messages[change.at % Math.max(thread.messages.length, 1)];
          if (!original || !isUser(original)) continue;
          // Distinct change times, all after every message was created.
          const at = 100_000_000 + change.stamp;
          if (used.has(at)) continue;
          used.add(at);
          const changed: ChatMessage = change.deleted
            ? { ...original, deletedOn: new Date(at), version: String(at) }
            : { ...original, editedOn: new Date(at), version: String(at), content: { message: `edited at ${at}` } };
          if (Number(changed.editedOn ?? changed.deletedOn) > Number(newest.get(original.id)!.editedOn ?? newest.get(original.id)!.deletedOn ?? 0)) newest.set(original.id, changed);
          window.absorb([changed]);
          // A page read meanwhile hands out the thread's original copies: they must not come back.
          if (change.viaPage) await window.refreshNewest(200);
        }
        const expected = thread.messages.map((m) => newest.get(m.id)!).filter(isUser);
        const page = await window.page(1000, undefined, "backwards", 200);
        expect(page.messages.map((m) => [m.id, m.version, m.content?.message])).toEqual(expected.map((m) => [m.id, m.version, m.content?.message]));
        for (const m of expected) expect(window.indexOfId(m.id)).toBe(indexOf(m));
      }),
    );
  });

  it("keeps only messages that join the run it holds", async () => {
    const thread = threadOf([{ kind: "user", gap: 1 }, { kind: "user", gap: 1 }]);
    const window = new MessageWindow(thread.readPage);
    const far = { ...thread.messages[1]!, id: "far", sequenceId: "9" };
    // Nothing read yet: nothing to join.
    window.absorb([thread.messages[0]!]);
    expect(window.indexOfId("m1")).toBeUndefined();
    await window.all();
    window.absorb([far]);
    expect(window.indexOfId("far")).toBeUndefined();
    const next = { ...thread.messages[1]!, id: "next", sequenceId: "3" };
    window.absorb([next]);
    expect(window.indexOfId("next")).toBe(3);
  });
});

describe("MessageWindow.foldedAttributes", () => {
  const SENDERS = ["8:acs:alice", "8:acs:bob", "8:acs:mallory"];
  const controlArb = fc.record({
    // Few distinct milliseconds: control messages sent in the same one as the target's edit.
    at: fc.integer({ min: 0, max: 20 }),
    sender: fc.constantFrom(...SENDERS),
    value: fc.integer({ min: 0, max: 99 }),
    deleted: fc.boolean(),
    gap: fc.integer({ min: 1, max: 3 }),
  });

  it("folds the control messages sent after the target's last edit, in index order, each only where allowed accepts it, whatever order they are read in", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        fc.array(controlArb, { maxLength: 12 }),
        fc.subarray(SENDERS),
        fc.constantFrom("deleted before read", "deletion absorbed", "deletion read in a page"),
        fc.integer({ min: 0, max: 99 }),
        async (createdAt, editedAt, controls, allowedSenders, order, refused) => {
          const base = 5_000_000;
          const thread = new FakeThread();
          const target = thread.addKind("user", new Date(base + createdAt));
          if (editedAt !== undefined && editedAt >= createdAt) thread.edit(target, new Date(base + editedAt));
          const carriers = controls.map((c) =>
            thread.addKind("control", new Date(base + c.at), c.gap, { targetMessageId: target.id, attributes: { v: c.value }, senderUserId: c.sender }),
          );
          const deleteCarriers = () => controls.forEach((c, i) => c.deleted && thread.delete(carriers[i]!, new Date(base + 3000)));
          const window = new MessageWindow(thread.readPage);
          if (order === "deleted before read") {
            deleteCarriers();
            await window.all();
          } else {
            // Read newest first, then the deletions arrive: a deleted control message takes its change back.
            await window.all();
            deleteCarriers();
            if (order === "deletion absorbed") window.absorb([...carriers].reverse().map((m) => ({ ...m })));
            else await window.refreshNewest(200);
          }
          const checks: Array<Parameters<AttributesChangeCheck>[0]> = [];
          // Allowed: a sender of the list, and never the value `refused` (a check that reads `next`).
          const allowed: AttributesChangeCheck = (change) => {
            checks.push(change);
            return allowedSenders.includes(change.senderUserId ?? "") && (change.next as { v: number }).v !== refused;
          };
          const own: JSONValue = { own: true };
          const ownUpdate = (target.editedOn ?? target.createdOn).getTime();
          let expected: JSONValue = own;
          const expectedChecks: Array<Parameters<AttributesChangeCheck>[0]> = [];
          for (const c of controls) {
            if (c.deleted || base + c.at < ownUpdate) continue;
            const next = { v: c.value };
            expectedChecks.push({ target: expect.objectContaining({ id: target.id }) as ChatMessage, senderUserId: c.sender, previous: expected, next });
            if (allowedSenders.includes(c.sender) && c.value !== refused) expected = next;
          }
          expect(window.foldedAttributes(target, own, allowed)).toEqual(expected);
          expect(checks).toEqual(expectedChecks);
        },
      ),
    );
  });
});
