/**
 * The event engine's bookkeeping with a scripted host: a thread whose discovery fails is listed
 * and discovered again, and the periodic full listing never drops a conversation added while it ran.
 */
import type { ChatThreadItem } from "@azure/communication-chat";
import { describe, expect, it } from "vitest";
import { EventEngine, type EngineConversation, type EngineHost } from "../../../src/events/event-engine.js";

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

  it("ignores per-user pushes meant for another user, and acts on its own", () => {
    const scripted = scriptedHost(() => []);
    const engine = new EventEngine(scripted.host, 0, []);
    let wanted = 0;
    engine.onPollWanted = () => wanted++;
    engine.nudge({ kind: "threads", recipient: "8:acs:someone-else" });
    expect(wanted).toBe(0);
    engine.nudge({ kind: "threads", recipient: "8:acs:me" });
    engine.nudge({ kind: "threads" });
    expect(wanted).toBe(2);
  });
});
