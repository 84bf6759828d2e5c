/**
 * Polling, the event source that works everywhere: one thread-list request per cycle finds the
 * threads that changed. The interval adapts: short after activity, growing while idle, backing
 * off after errors, and it recovers by itself.
 */
import { ACS_RATE_LIMITS } from "../acs/limits.js";
export interface PollingOptions {
  /** Interval right after a cycle that found changes. */
  minIntervalInMs?: number;
  /** Interval reached after idle cycles. */
  maxIntervalInMs?: number;
  /** Longest wait after repeated errors. */
  maxBackoffInMs?: number;
  /** How often active conversations' properties (attributes, unique name) are re-read. */
  watchIntervalInMs?: number;
  /** How long a conversation stays active after a change in it: its messages are read every cycle meanwhile (default 5 min). */
  activeForMs?: number;
  /** How often active conversations' read receipts are re-read (default 3 s; ACS allows 5 reads per 10 s per thread). */
  receiptsIntervalInMs?: number;
  /**
   * How often a sweep visits each conversation without activity (default 30 s); the sweep makes at
   * most 3 visits a second, so with many conversations it takes longer.
   */
  sweepIntervalInMs?: number;
  /** The most conversations read every cycle: those the app has open, then the most recently active (default 10). */
  maxActive?: number;
  /** How often the whole thread list is read to notice conversations this user was removed from. */
  removalCheckIntervalInMs?: number;
}

const THREAD_READS = ACS_RATE_LIMITS["GET /chat/threads"]!.limits[0]!;
/**
 * The shortest interval between thread listings (500 ms): at most 40% of ACS's thread reads per
 * user, the rest left for reading single threads (properties), which share the limit.
 */
export const LISTING_FLOOR_MS = Math.ceil(THREAD_READS.windowInMs / (THREAD_READS.max * 0.4));

export const DEFAULT_POLLING: Required<PollingOptions> = {
  minIntervalInMs: 500,
  maxIntervalInMs: 3000,
  maxBackoffInMs: 30_000,
  watchIntervalInMs: 10_000,
  removalCheckIntervalInMs: 30_000,
  activeForMs: 5 * 60_000,
  receiptsIntervalInMs: 3000,
  sweepIntervalInMs: 30_000,
  maxActive: 10,
};

export interface PollingHandlers {
  /** One cycle; resolves true when it found changes. */
  cycle(): Promise<boolean>;
  /** A cycle failed; polling goes on with back-off. */
  failed(error: unknown): void;
  /** A cycle succeeded (after failures too). */
  succeeded(): void;
}

export class PollingSource {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  /** A nudge came while a cycle ran: run another as soon as it ends. */
  #again = false;
  /** `resume()` was called while a cycle ran. */
  #resumed = false;
  #stopped = true;
  #interval: number;
  #backoff = 0;
  readonly #options: Required<PollingOptions>;

  readonly #handlers: PollingHandlers;

  constructor(handlers: PollingHandlers, options: PollingOptions = {}) {
    this.#handlers = handlers;
    // Only given values override the defaults; a listing more often than the floor would use up
    // ACS's thread reads (and then wait for them in the rate budget, holding up every cycle).
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => typeof value === "number" && Number.isFinite(value)));
    const merged = { ...DEFAULT_POLLING, ...given };
    this.#options = { ...merged, minIntervalInMs: Math.max(LISTING_FLOOR_MS, merged.minIntervalInMs), maxIntervalInMs: Math.max(LISTING_FLOOR_MS, merged.maxIntervalInMs) };
    this.#interval = this.#options.minIntervalInMs;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Runs a cycle now (a push said something changed) and resets the interval to its minimum.
   * While backing off after errors, nudges wait for the back-off; `resume()` ends it.
   */
  pollNow(): void {
    this.#interval = this.#options.minIntervalInMs;
    if (this.#stopped || this.#backoff > 0) return;
    // A nudge during a cycle may tell of what that cycle read too early: another cycle follows at once.
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  /** Ends a back-off and polls now: what failed (an expired token) was just fixed. */
  resume(): void {
    this.#backoff = 0;
    if (this.#running) this.#resumed = true;
    this.pollNow();
  }

  /** Slows polling to its idle pace, e.g. while a push source delivers changes. */
  relax(): void {
    this.#interval = this.#options.maxIntervalInMs;
  }

  #schedule(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), delay);
    // Polling alone must not keep a Node process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopped || this.#running) return;
    this.#running = true;
    try {
      const active = await this.#handlers.cycle();
      this.#backoff = 0;
      this.#handlers.succeeded();
      this.#interval = active ? this.#options.minIntervalInMs : Math.min(Math.round(this.#interval * 1.5), this.#options.maxIntervalInMs);
    } catch (error) {
      // A cycle that failed while what made it fail was fixed (a token refreshed mid-cycle) is simply run again.
      if (!this.#resumed) {
        this.#backoff = Math.min(Math.max(this.#backoff * 2, this.#options.minIntervalInMs * 2), this.#options.maxBackoffInMs);
        this.#handlers.failed(error);
      }
    } finally {
      this.#resumed = false;
      this.#running = false;
      const again = this.#again && this.#backoff === 0;
      this.#again = false;
      // Also after a throwing handler: polling must never stop by itself.
      if (!this.#stopped) this.#schedule(again ? 0 : this.#backoff || this.#interval);
    }
  }
}
