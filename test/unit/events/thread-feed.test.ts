/**
 * The change feed moves its cursor only past what it applied: an entry whose application throws
 * leaves the entries before it applied and the rest to the next catch-up, with no message
 * announced twice; one that fails again is skipped, so it cannot hold back the thread for good.
 */
import type { ChatMessage } from "@azure/communication-chat";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ThreadFeed, type FeedEntry } from "../../../src/events/thread-feed.js";
import type { ForeignDataProblem } from "../../../src/mapping/foreign-data.js";
import { changeStamp } from "../../../src/mapping/message.js";

const FOLLOWED_FROM = 1_000_000;

/** An in-memory thread: `listMessages({ startTime })` answers what changed at or after the time. */
class FakeThread {
  readonly messages: ChatMessage[] = [];
  readonly reads: Date[] = [];
  add(createdAt: number): ChatMessage {
    const sequence = this.messages.length + 1;
    const message = { id: `m${sequence}`, sequenceId: String(sequence), version: String(createdAt), type: "text", createdOn: new Date(createdAt), content: { message: `#${sequence}` } } as ChatMessage;
    this.messages.push(message);
    return message;
  }
  edit(message: ChatMessage, editedAt: number): void {
    Object.assign(message, { editedOn: new Date(editedAt), version: String(editedAt) });
  }
  readonly read = async (since: Date): Promise<ChatMessage[]> => {
    this.reads.push(since);
    // Newest first, as ACS lists; copies, as each read deserializes anew.
    return this.messages.filter((m) => changeStamp(m) >= since.getTime()).map((m) => ({ ...m })).reverse();
  };
}

function feedOf(thread: FakeThread, fails: (entry: FeedEntry) => boolean) {
  const announced: string[] = [];
  const applied: string[] = [];
  const problems: ForeignDataProblem[] = [];
  const feed = new ThreadFeed(
    thread.read,
    FOLLOWED_FROM,
    (entry) => {
      if (fails(entry)) throw new Error(`bug on ${entry.message.id}`);
      applied.push(entry.message.id);
      if (entry.isNew) announced.push(entry.message.id);
    },
    (problem) => problems.push(problem),
  );
  return { feed, announced, applied, problems };
}

describe("ThreadFeed", () => {
  it("applies the entries before a failing one, reads the rest again, and announces each message once", async () => {
    const thread = new FakeThread();
    for (let i = 0; i < 5; i++) thread.add(FOLLOWED_FROM + 10_000 + i * 5000);
    let failures = 1;
    const { feed, announced, problems } = feedOf(thread, (entry) => entry.message.id === "m3" && failures-- > 0);
    const first = await feed.catchUp();
    expect(first.map((e) => e.message.id)).toEqual(["m1", "m2"]);
    expect(announced).toEqual(["m1", "m2"]);
    expect(problems.map((p) => p.kind)).toEqual(["feed"]);
    // The next read reaches back to the failed message, not past it.
    const second = await feed.catchUp();
    expect(thread.reads[1]!.getTime()).toBeLessThanOrEqual(thread.messages[2]!.createdOn.getTime());
    expect(second.filter((e) => e.isNew).map((e) => e.message.id)).toEqual(["m3", "m4", "m5"]);
    expect(announced).toEqual(["m1", "m2", "m3", "m4", "m5"]);
  });

  it("does not move the cursor past a failed message when an applied one before it changed later", async () => {
    const thread = new FakeThread();
    const first = thread.add(FOLLOWED_FROM + 10_000);
    let failures = 1;
    const { feed, announced } = feedOf(thread, (entry) => entry.message.id === "m2" && failures-- > 0);
    await feed.catchUp();
    thread.add(FOLLOWED_FROM + 20_000); // m2
    thread.edit(first, FOLLOWED_FROM + 80_000); // m1 edited a minute after m2 was sent
    await feed.catchUp(); // m1's edit applies, m2 fails
    await feed.catchUp();
    expect(announced).toEqual(["m1", "m2"]);
  });

  it("skips a message that fails again (reported), so the messages after it arrive", async () => {
    const thread = new FakeThread();
    for (let i = 0; i < 3; i++) thread.add(FOLLOWED_FROM + 10_000 + i * 5000);
    const { feed, announced, problems } = feedOf(thread, (entry) => entry.message.id === "m2");
    await feed.catchUp();
    expect(announced).toEqual(["m1"]);
    await feed.catchUp();
    expect(announced).toEqual(["m1", "m3"]);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/read again/), expect.stringMatching(/skipped/)]);
    await feed.catchUp();
    expect(announced).toEqual(["m1", "m3"]);
  });

  it("keeps history as history when the first read fails midway", async () => {
    const thread = new FakeThread();
    thread.add(FOLLOWED_FROM - 20_000);
    thread.add(FOLLOWED_FROM - 10_000);
    thread.add(FOLLOWED_FROM + 10_000);
    let failures = 1;
    const { feed, announced } = feedOf(thread, (entry) => entry.message.id === "m2" && failures-- > 0);
    // History edited after the client started following is read, as not news.
    thread.edit(thread.messages[0]!, FOLLOWED_FROM + 1);
    thread.edit(thread.messages[1]!, FOLLOWED_FROM + 2);
    await feed.catchUp();
    await feed.catchUp();
    expect(announced).toEqual(["m3"]);
  });

  it("announces every message exactly once, in index order, whichever applications fail once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (gaps, failOnce, readsBetween) => {
        const thread = new FakeThread();
        const pending = new Set(failOnce.flatMap((fail, i) => (fail ? [`m${i + 1}`] : [])));
        const { feed, announced } = feedOf(thread, (entry) => pending.delete(entry.message.id));
        let time = FOLLOWED_FROM;
        for (const [i, gap] of gaps.entries()) {
          time += gap;
          thread.add(time);
          if (i % readsBetween === 0) await feed.catchUp();
        }
        for (let i = 0; i <= gaps.length; i++) await feed.catchUp();
        expect(announced).toEqual(thread.messages.map((m) => m.id));
      }),
      { numRuns: 100 },
    );
  });
});
