/**
 * ReadHorizon through its host (the thread client's two receipt calls, and the conversation's
 * answers about indices), faked in memory: `advance` never moves this user's horizon down,
 * `set` may; receipts are sent at most one per 2 s, a burst of calls costs at most two; `changed`
 * hears each horizon that moved, the first read as `initial`. Fake timers stand in for the 2 s gap.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReadHorizon, type Horizon, type ReadHorizonHost } from "../../../src/conversations/read-horizon.js";

const SELF = "8:acs:self";
const GAP_MS = 2000;

interface Receipt {
  sender: { kind: "communicationUser"; communicationUserId: string };
  chatMessageId: string;
  readOn: Date;
}

/** A conversation whose user messages sit at `userIndices` (ids `m<index>`), and ACS's receipts for it. */
class FakeHost implements ReadHorizonHost {
  readonly selfUserId = SELF;
  /** ACS's latest receipt per user. */
  readonly receipts = new Map<string, Receipt>();
  readonly sent: Array<{ at: number; chatMessageId: string }> = [];
  readonly changes: Array<{ userId: string; horizon: Horizon; initial: boolean }> = [];
  receiptReads = 0;
  participants = 2;
  /** Followed since forever unless a test says otherwise: every receipt on the first read is state. */
  followingSince = Number.POSITIVE_INFINITY;

  constructor(readonly userIndices: number[]) {}

  readonly thread = {
    listReadReceipts: (_options: { maxPageSize: number }) => {
      this.receiptReads++;
      const receipts = [...this.receipts.values()].map((r) => ({ ...r }));
      return (async function* () {
        yield* receipts;
      })();
    },
    sendReadReceipt: async ({ chatMessageId }: { chatMessageId: string }) => {
      this.sent.push({ at: Date.now(), chatMessageId });
      this.receipts.set(SELF, { sender: { kind: "communicationUser", communicationUserId: SELF }, chatMessageId, readOn: new Date() });
      return {};
    },
  } as unknown as ChatThreadClient;

  async indexOf(messageId: string) {
    const index = Number(messageId.slice(1));
    return this.userIndices.includes(index) ? index : undefined;
  }
  async userMessageAtOrBelow(index: number) {
    const at = this.newestAtOrBelow(index);
    return at === undefined ? undefined : { id: `m${at}`, index: at };
  }
  async participantCount() {
    return this.participants;
  }
  changed(userId: string, horizon: Horizon, initial: boolean) {
    this.changes.push({ userId, horizon, initial });
  }

  newestAtOrBelow(index: number): number | undefined {
    return this.userIndices.filter((i) => i <= index).at(-1);
  }
  receive(userId: string, index: number, readOn: number) {
    this.receipts.set(userId, { sender: { kind: "communicationUser", communicationUserId: userId }, chatMessageId: `m${index}`, readOn: new Date(readOn) });
  }
}

/** Ascending user message indices with gaps. */
const userIndicesArb = fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 15 }).map((a) => a.sort((x, y) => x - y));

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Settles `promise`, letting the fake clock run the receipt gap. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

const ownChanges = (host: FakeHost) => host.changes.filter((c) => c.userId === SELF).map((c) => c.horizon.index);

describe("ReadHorizon: this user's horizon", () => {
  it("advance never moves down, set may: awaited one by one, the horizon follows the model, and receipts are 2 s apart", async () => {
    const op = fc.record({ kind: fc.constantFrom("advance", "advance", "set"), index: fc.integer({ min: 0, max: 45 }), waitMs: fc.constantFrom(0, 1, 1999, 2000, 5000) });
    await fc.assert(
      fc.asyncProperty(userIndicesArb, fc.array(op, { minLength: 1, maxLength: 12 }), fc.constantFrom(2, 20, 21), async (userIndices, ops, participants) => {
        const host = new FakeHost(userIndices);
        host.participants = participants;
        const horizon = new ReadHorizon(host);
        let model: number | undefined;
        for (const { kind, index, waitMs } of ops) {
          await settled(kind === "advance" ? horizon.advance(index) : horizon.set(index));
          const target = host.newestAtOrBelow(index);
          if (target !== undefined) model = kind === "set" || model === undefined ? target : Math.max(model, target);
          expect(horizon.own?.index).toBe(model);
          await vi.advanceTimersByTimeAsync(waitMs);
        }
        // Only a change is reported, and only a change is sent (to ACS, below 21 participants).
        const reported = ownChanges(host);
        reported.forEach((index, i) => i > 0 && expect(index).not.toBe(reported[i - 1]));
        expect(host.sent.map((s) => Number(s.chatMessageId.slice(1)))).toEqual(participants <= 20 ? reported : []);
        host.sent.forEach((s, i) => i > 0 && expect(s.at - host.sent[i - 1]!.at).toBeGreaterThanOrEqual(GAP_MS));
        if (ops.every((o) => o.kind === "advance")) reported.forEach((index, i) => i > 0 && expect(index).toBeGreaterThan(reported[i - 1]!));
      }),
    );
  });

  it("coalesces a burst of advances: at most two receipts, the last for the highest, every call resolved once ACS has it", async () => {
    await fc.assert(
      fc.asyncProperty(userIndicesArb, fc.array(fc.integer({ min: 0, max: 45 }), { minLength: 1, maxLength: 20 }), async (userIndices, burst) => {
        const host = new FakeHost(userIndices);
        const horizon = new ReadHorizon(host);
        let resolved = 0;
        const calls = burst.map((index) => horizon.advance(index).then(() => resolved++));
        await settled(Promise.all(calls));
        expect(resolved).toBe(burst.length);
        const highest = host.newestAtOrBelow(Math.max(...burst));
        expect(host.sent.length).toBeLessThanOrEqual(2);
        expect(host.sent.at(-1)?.chatMessageId).toBe(highest === undefined ? undefined : `m${highest}`);
        expect(horizon.own?.index).toBe(highest);
        const reported = ownChanges(host);
        reported.forEach((index, i) => i > 0 && expect(index).toBeGreaterThan(reported[i - 1]!));
      }),
    );
  });
});

describe("ReadHorizon: everyone's horizons from ACS's receipts", () => {
  it("reports each horizon that moved, the first read as initial, and nothing when no receipt moved", async () => {
    const users = ["8:acs:a", "8:acs:b", "8:acs:c", SELF];
    const round = fc.array(fc.record({ user: fc.constantFrom(...users), index: fc.integer({ min: 1, max: 45 }), readOn: fc.integer({ min: 0, max: 5 }) }), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(userIndicesArb, fc.array(round, { minLength: 1, maxLength: 4 }), async (userIndices, rounds) => {
        const host = new FakeHost(userIndices);
        const horizon = new ReadHorizon(host);
        const model = new Map<string, number>();
        for (const [r, receipts] of rounds.entries()) {
          for (const { user, index, readOn } of receipts) host.receive(user, index, readOn);
          const before = host.changes.length;
          if (r === 0) await horizon.ensureLoaded();
          else await horizon.refresh();
          // A receipt for a message the conversation cannot index (not a user message here) is passed over.
          const expected: Array<[string, number]> = [];
          for (const receipt of host.receipts.values()) {
            const index = Number(receipt.chatMessageId.slice(1));
            const userId = receipt.sender.communicationUserId;
            if (!userIndices.includes(index) || model.get(userId) === index) continue;
            model.set(userId, index);
            expected.push([userId, index]);
          }
          const changes = host.changes.slice(before);
          expect(changes.map((c) => [c.userId, c.horizon.index])).toEqual(expected);
          expect(changes.every((c) => c.initial === (r === 0))).toBe(true);
          for (const [userId, index] of model) expect(horizon.of(userId)?.index).toBe(index);
        }
        // The same messages read again later: no horizon moved.
        for (const receipt of host.receipts.values()) receipt.readOn = new Date(receipt.readOn.getTime() + 1000);
        const before = host.changes.length;
        await horizon.refresh();
        expect(host.changes.slice(before)).toEqual([]);
        expect(horizon.isLoaded).toBe(true);
      }),
    );
  });

  it("on the first read, takes receipts from before the client followed the thread as state and later ones as news", async () => {
    const host = new FakeHost([1, 2, 3]);
    host.followingSince = 2000;
    host.receive("8:acs:a", 1, 1000);
    host.receive("8:acs:b", 2, 2000);
    host.receive("8:acs:c", 3, 3000);
    await new ReadHorizon(host).ensureLoaded();
    expect(host.changes.map((c) => [c.userId, c.initial])).toEqual([
      ["8:acs:a", true],
      ["8:acs:b", true],
      ["8:acs:c", false],
    ]);
  });

  it("reads receipts once for a burst of refreshes made while one runs", async () => {
    const host = new FakeHost([1, 2, 3]);
    const horizon = new ReadHorizon(host);
    await Promise.all([horizon.refresh(), horizon.refresh(), horizon.refresh(), horizon.ensureLoaded()]);
    expect(host.receiptReads).toBe(2);
  });
});
