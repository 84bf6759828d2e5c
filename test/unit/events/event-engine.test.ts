/**
 * The event engine's bookkeeping with a scripted host: a thread whose discovery fails is listed
 * and discovered again, and the periodic full listing never drops a conversation added while it ran;
 * nudges only cause reads (merged and rate-limited), and a conversation goes only when ACS says so.
 */
import type { ChatThreadItem } from "@azure/communication-chat";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventEngine, type EngineConversation, type EngineHost } from "../../../src/events/event-engine.js";
import { PushReadLimiter } from "../../../src/events/push-read-limiter.js";

const thread = (id: string, at: number): ChatThreadItem => ({ id, topic: id, lastMessageReceivedOn: new Date(at) });

function conversationOf(sid: string): EngineConversation {
  return { sid, _catchUp: async () => undefined, _refreshProperties: async () => undefined, _refreshReceipts: async () => undefined, _isWatched: () => false, _typing: () => undefined } as unknown as EngineConversation;
}

function scriptedHost(listing: (since: Date | undefined) => ChatThreadItem[]) {
  const known = new Map<string, EngineConversation>();
  const discovered: string[] = [];
  const removed: string[] = [];
  const failures: unknown[] = [];
  let failNextDiscovery = false;
  const host: EngineHost = {
    selfUserId: "8:acs:me",
    listThreads: async (since) => listing(since),
    conversation: (id) => known.get(id),
    conversations: () => [...known.values()],
    discover: async (item) => {
      if (failNextDiscovery) {
        failNextDiscovery = false;
        throw Object.assign(new Error("throttled"), { statusCode: 429 });
      }
      discovered.push(item.id);
      known.set(item.id, conversationOf(item.id));
    },
    remove: (id) => {
      removed.push(id);
      known.delete(id);
    },
    failed: (error) => failures.push(error),
  };
  return { host, known, discovered, removed, failures, failDiscovery: () => (failNextDiscovery = true) };
}

describe("EventEngine", () => {
  it("discovers a thread on the next cycle when its discovery failed", async () => {
    const scripted = scriptedHost(() => [thread("new", 2000)]);
    const engine = new EventEngine(scripted.host, 1000, []);
    scripted.failDiscovery();
    await engine.cycle();
    expect(scripted.discovered).toEqual([]);
    expect(scripted.failures).toHaveLength(1);
    await engine.cycle();
    expect(scripted.discovered).toEqual(["new"]);
    await engine.cycle();
    expect(scripted.discovered).toEqual(["new"]); // once
  });

  it("reads an open conversation's properties every 2 s, others' every watch interval, within one allowance", async () => {
    let now = 0;
    const reads: string[] = [];
    const conversation = (sid: string, watched: boolean): EngineConversation =>
      ({ ...conversationOf(sid), _refreshProperties: async () => void reads.push(sid), _isWatched: () => watched }) as EngineConversation;
    // Both just changed: active for the whole run.
    const scripted = scriptedHost(() => (now === 1 ? [thread("open", 1), thread("background", 1)] : []));
    const engine = new EventEngine(scripted.host, 0, [], { now: () => now });
    scripted.known.set("open", conversation("open", true));
    scripted.known.set("background", conversation("background", false));
    for (now = 1; now <= 20_001; now += 500) await engine.cycle();
    const count = (sid: string) => reads.filter((read) => read === sid).length;
    // 20 s: every 2 s for the open one, every 10 s for the other (the first read at once for both).
    expect(count("open")).toBe(11);
    expect(count("background")).toBe(3);
  });

  it("leaves periodic reads the rate budget cannot take now to a later cycle, but reads news at once", async () => {
    let now = 0;
    const reads: string[] = [];
    const tracked = (sid: string): EngineConversation =>
      ({
        ...conversationOf(sid),
        _catchUp: async () => void reads.push(`messages ${sid}`),
        _refreshReceipts: async () => void reads.push(`receipts ${sid}`),
        _refreshProperties: async () => void reads.push(`properties ${sid}`),
        _isWatched: () => true,
      }) as EngineConversation;
    const throttled = new Set<string>();
    const scripted = scriptedHost(() => (now === 2 ? [thread("busy", 5000)] : []));
    scripted.host.readDelay = (threadId, what) => (throttled.has(`${what} ${threadId}`) ? 1000 : 0);
    const engine = new EventEngine(scripted.host, 0, [], { now: () => now });
    scripted.known.set("busy", tracked("busy"));
    scripted.known.set("calm", tracked("calm"));
    for (const what of ["messages", "receipts", "properties"]) throttled.add(`${what} busy`);
    now = 1;
    await engine.cycle();
    expect(reads.sort()).toEqual(["messages calm", "properties calm", "receipts calm"]);
    // The thread list says "busy" changed: its feed is read, waiting for the budget if it must.
    reads.length = 0;
    now = 2;
    await engine.cycle();
    expect(reads).toContain("messages busy");
    expect(reads).not.toContain("receipts busy");
    // Once the budget has room, the periodic reads it skipped come.
    reads.length = 0;
    throttled.clear();
    now = 3;
    await engine.cycle();
    expect(reads.sort()).toEqual(["messages busy", "messages calm", "properties busy", "receipts busy"]);
  });

  it("follows a conversation it just discovered closely: its feed is read every cycle after", async () => {
    let now = 0;
    const reads: string[] = [];
    const scripted = scriptedHost(() => (now === 1 ? [thread("joined", 500)] : []));
    scripted.host.discover = async (item) => {
      scripted.known.set(item.id, { ...conversationOf(item.id), _catchUp: async () => void reads.push(item.id) } as EngineConversation);
    };
    const engine = new EventEngine(scripted.host, 0, [], { now: () => now, sweepIntervalInMs: 1_000_000 });
    now = 1;
    await engine.cycle();
    for (now = 2; now < 5; now++) await engine.cycle();
    expect(reads).toEqual(["joined", "joined", "joined"]);
  });

  it("visits a conversation gone idle a sweep interval after its last read, however late it sees it idle", async () => {
    let now = 0;
    let watched = true;
    const reads: string[] = [];
    const scripted = scriptedHost(() => []);
    scripted.known.set("open", {
      ...conversationOf("open"),
      _catchUp: async () => void reads.push(`messages ${now}`),
      _refreshReceipts: async () => void reads.push(`receipts ${now}`),
      _isWatched: () => watched,
    } as EngineConversation);
    const engine = new EventEngine(scripted.host, 0, [], { now: () => now, sweepIntervalInMs: 10_000, receiptsIntervalInMs: 3000, watchIntervalInMs: 1_000_000 });
    // Open in the app: read every cycle (its receipts every 3 s).
    for (now of [0, 1000]) await engine.cycle();
    expect(reads).toEqual(["messages 0", "receipts 0", "messages 1000"]);
    // Closed; the next cycles come late (polling slowed down). Its receipts were last read at 0: due at 10,000.
    watched = false;
    reads.length = 0;
    for (now of [9000, 9900]) await engine.cycle();
    expect(reads).toEqual([]);
    now = 10_000;
    await engine.cycle();
    expect(reads).toEqual(["messages 10000", "receipts 10000"]);
    // And from that visit on, every sweep interval.
    reads.length = 0;
    for (now of [15_000, 19_999]) await engine.cycle();
    expect(reads).toEqual([]);
    now = 20_000;
    await engine.cycle();
    expect(reads).toEqual(["messages 20000", "receipts 20000"]);
  });

  it("keeps a conversation added while the full listing ran", async () => {
    let now = 0;
    let addDuringListing: (() => void) | undefined;
    const scripted = scriptedHost((since) => {
      if (since === undefined) addDuringListing?.(); // the full listing
      return [];
    });
    const engine = new EventEngine(scripted.host, 0, [], { fullListIntervalInMs: 10, watchIntervalInMs: 1_000_000, now: () => now });
    scripted.known.set("old", conversationOf("old"));
    addDuringListing = () => scripted.known.set("joined-meanwhile", conversationOf("joined-meanwhile"));
    now = 20;
    await engine.cycle();
    expect(scripted.removed).toEqual(["old"]);
    expect([...scripted.known.keys()]).toEqual(["joined-meanwhile"]);
  });

  it("ignores per-user pushes meant for another user, and acts on its own", async () => {
    let listings = 0;
    const scripted = scriptedHost(() => (listings++, []));
    const engine = new EventEngine(scripted.host, 0, []);
    engine.nudge({ kind: "threads", recipient: "8:acs:someone-else" });
    await Promise.resolve();
    expect(listings).toBe(0);
    engine.nudge({ kind: "threads", recipient: "8:acs:me" });
    engine.nudge({ kind: "threads" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(listings).toBe(2);
  });
});

describe("EventEngine nudges", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A conversation whose reads are counted; `gone` makes them fail as ACS does for a thread that is gone. */
  function countedConversation(sid: string) {
    const reads = { messages: 0, properties: 0, receipts: 0 };
    let gone = false;
    const read = (what: keyof typeof reads) => async () => {
      reads[what]++;
      if (gone) throw Object.assign(new Error("Not found"), { statusCode: 404 });
    };
    const conversation = {
      ...conversationOf(sid),
      _catchUp: read("messages"),
      _refreshProperties: read("properties"),
      _refreshReceipts: read("receipts"),
    } as EngineConversation;
    return { conversation, reads, goAway: () => (gone = true) };
  }

  it("keeps a conversation a push calls gone when ACS still serves it, and drops it when ACS confirms", async () => {
    const scripted = scriptedHost(() => []);
    const live = countedConversation("live");
    const deleted = countedConversation("deleted");
    scripted.known.set("live", live.conversation);
    scripted.known.set("deleted", deleted.conversation);
    deleted.goAway();
    const engine = new EventEngine(scripted.host, 0, []);
    engine.nudge({ kind: "threadGone", threadId: "live" });
    engine.nudge({ kind: "participantRemoved", threadId: "live", userId: "8:acs:me" });
    engine.nudge({ kind: "threadGone", threadId: "deleted" });
    expect(scripted.removed).toEqual([]); // nothing applied before ACS answered
    await vi.advanceTimersByTimeAsync(0);
    expect(live.reads.properties).toBeGreaterThan(0); // asked ACS
    expect(scripted.removed).toEqual(["deleted"]);
    expect(scripted.known.get("live")).toBe(live.conversation);
    expect(scripted.failures).toEqual([]);
  });

  it(`turns 2,000 nudges about one thread into one read of each kind asked for, with the source's limiter`, async () => {
    const scripted = scriptedHost(() => []);
    const target = countedConversation("target");
    scripted.known.set("target", target.conversation);
    const engine = new EventEngine(scripted.host, 0, []);
    engine.limitReads(new PushReadLimiter());
    for (let i = 0; i < 2000; i++) engine.nudge({ kind: i % 2 ? "properties" : "thread", threadId: "target" });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(target.reads).toEqual({ messages: 1, properties: 1, receipts: 0 });
  });

  it("bounds the reads of nudges spread over many threads by the token bucket", async () => {
    const scripted = scriptedHost(() => []);
    const conversations = Array.from({ length: 100 }, (_, i) => countedConversation(`t${i}`));
    for (const { conversation } of conversations) scripted.known.set(conversation.sid, conversation);
    const engine = new EventEngine(scripted.host, 0, []);
    const limiter = new PushReadLimiter({ readsPerSecond: 2, burst: 5 });
    engine.limitReads(limiter);
    for (let i = 0; i < 2000; i++) engine.nudge({ kind: "thread", threadId: `t${i % 100}` });
    const total = () => conversations.reduce((sum, { reads }) => sum + reads.messages, 0);
    await vi.advanceTimersByTimeAsync(0);
    expect(total()).toBe(5);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(total()).toBe(25);
    limiter.stop();
  });

  it("reads the thread list once per window for any number of threads it does not know, and nothing else", async () => {
    let wanted = 0;
    const scripted = scriptedHost(() => (wanted++, []));
    const engine = new EventEngine(scripted.host, 0, []);
    engine.limitReads(new PushReadLimiter({ mergeWindowInMs: 500 }));
    for (let i = 0; i < 2000; i++) {
      engine.nudge({ kind: "thread", threadId: `unknown ${i}` });
      engine.nudge({ kind: "threadGone", threadId: `unknown ${i}` });
      engine.nudge({ kind: "properties", threadId: `unknown ${i}` });
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(wanted).toBe(1);
    engine.nudge({ kind: "threads" });
    await vi.advanceTimersByTimeAsync(499);
    expect(wanted).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(wanted).toBe(2);
    expect(scripted.removed).toEqual([]);
  });
});
