/**
 * Bounds the ACS reads that pushed events cause. A push is a hint that anyone may forge (an Event
 * Grid endpoint is public, and its secret may leak) or repeat by the thousand, so:
 * - merge: the read of one key (one thread and what to read of it) starts at most once per
 *   window; requests made meanwhile share one read after the window;
 * - limit: all keys share a token bucket, so the reads per second stay bounded however many
 *   keys a flood names.
 * A request is delayed, never dropped: each one is followed by a read that starts after it.
 * The Event Grid source gives each client it feeds one (`NudgeSink.limitReads`); it lives in the
 * server entry, so browser bundles, whose realtime nudges come from ACS itself, do not carry it.
 */
import type { ReadLimiter } from "./nudges.js";

export interface PushReadLimits {
  /** A thread is read for pushes at most once per this window (per kind of read: messages, properties, receipts), and so is the thread list; pushes meanwhile share the next read. */
  mergeWindowInMs?: number;
  /** Reads per second that pushes may cause, all threads together, sustained. */
  readsPerSecond?: number;
  /** Reads that pushes may cause at once after a quiet time (the size of the token bucket). */
  burst?: number;
}

/**
 * A burst of 10, then 4 a second: at most 50 reads in any 10 s, ACS's documented per-user limit
 * for reading threads. The window keeps a chatty thread at two reads a second.
 */
export const DEFAULT_PUSH_READ_LIMITS: Required<PushReadLimits> = {
  mergeWindowInMs: 500,
  readsPerSecond: 4,
  burst: 10,
};

type Timer = ReturnType<typeof setTimeout>;

interface Slot {
  /** The read to run next; undefined while nothing asked for one since the last run. */
  read: (() => void) | undefined;
  /** Until its first turn, or until the window after its last read ends; none while waiting for a token. */
  timer: Timer | undefined;
}

/** Uses `Date.now` and `setTimeout`, so that tests drive it with fake timers. */
export class PushReadLimiter implements ReadLimiter {
  /** Keys asked for and not yet past their window after their last read. */
  readonly #slots = new Map<string, Slot>();
  /** Keys waiting for a token, oldest first: no key waits behind a busier one for ever. */
  readonly #ready = new Set<string>();
  readonly #limits: Required<PushReadLimits>;
  #tokens: number;
  #refilledAt: number;
  #tokenTimer: Timer | undefined;
  #stopped = false;

  constructor(limits: PushReadLimits = {}) {
    const given = Object.fromEntries(Object.entries(limits).filter(([, value]) => typeof value === "number" && Number.isFinite(value) && value >= 0));
    const merged = { ...DEFAULT_PUSH_READ_LIMITS, ...given };
    // Below these, reads would never run (no tokens) or the bucket could never fill to one read.
    this.#limits = { ...merged, readsPerSecond: Math.max(0.01, merged.readsPerSecond), burst: Math.max(1, merged.burst) };
    this.#tokens = this.#limits.burst;
    this.#refilledAt = Date.now();
  }

  /** Asks for `read` under `key`; merged with any read of the same key not yet started. */
  request(key: string, read: () => void): void {
    if (this.#stopped) return;
    const slot = this.#slots.get(key);
    if (slot) {
      // Due already, or due when its window ends: the latest read stands in for all (they read the same).
      slot.read = read;
      return;
    }
    const fresh: Slot = { read, timer: undefined };
    this.#slots.set(key, fresh);
    // Not at once: the rest of a delivery (one POST, thousands of events) arrives in this same
    // turn and shares the read.
    fresh.timer = this.#after(0, () => this.#enqueue(key, fresh));
  }

  /** Cancels every pending read (the client shut down). */
  stop(): void {
    this.#stopped = true;
    for (const slot of this.#slots.values()) if (slot.timer) clearTimeout(slot.timer);
    if (this.#tokenTimer) clearTimeout(this.#tokenTimer);
    this.#slots.clear();
    this.#ready.clear();
  }

  #enqueue(key: string, slot: Slot): void {
    slot.timer = undefined;
    this.#ready.add(key);
    this.#drain();
  }

  #drain(): void {
    this.#refill();
    for (const key of this.#ready) {
      if (this.#tokens < 1) break;
      this.#tokens -= 1;
      this.#ready.delete(key);
      const slot = this.#slots.get(key)!;
      const read = slot.read;
      slot.read = undefined;
      slot.timer = this.#after(this.#limits.mergeWindowInMs, () => {
        // Asked for again within the window: one more read, now. Else the key is forgotten.
        if (slot.read) this.#enqueue(key, slot);
        else this.#slots.delete(key);
      });
      try {
        read?.();
      } catch {
        // A read reports its own failures; one throwing must not strand the keys behind it.
      }
    }
    if (this.#ready.size > 0 && !this.#tokenTimer) {
      const untilNextToken = Math.ceil(((1 - this.#tokens) * 1000) / this.#limits.readsPerSecond);
      this.#tokenTimer = this.#after(untilNextToken, () => {
        this.#tokenTimer = undefined;
        this.#drain();
      });
    }
  }

  #refill(): void {
    const now = Date.now();
    const earned = ((now - this.#refilledAt) * this.#limits.readsPerSecond) / 1000;
    this.#tokens = Math.min(this.#limits.burst, this.#tokens + earned);
    this.#refilledAt = now;
  }

  #after(delay: number, run: () => void): Timer {
    const timer = setTimeout(run, Math.max(0, delay));
    // Pending reads alone must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}
