/**
 * Per-key budgets over a sliding minute, the one rate-limit table of the server kit: token
 * issuance, users created by lookups, uploads (count and bytes) and directory writes all pass it.
 */
import { HttpError } from "./http.js";

const WINDOW_MS = 60_000;

interface Spend {
  at: number;
  cost: number;
}

export class QuotaTable {
  readonly #spent = new Map<string, Spend[]>();
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Spends `cost` of `key`'s budget of `limit` per minute, or throws 429 with the seconds until
   * enough of the budget frees up (Retry-After). A cost above the whole limit never fits.
   */
  take(key: string, limit: number, refusal: string, cost = 1): void {
    const now = this.#now();
    this.#sweep(now);
    const recent = (this.#spent.get(key) ?? []).filter((spend) => now - spend.at < WINDOW_MS);
    let used = recent.reduce((sum, spend) => sum + spend.cost, 0);
    if (used + cost > limit) {
      // Oldest first: when enough has aged out of the window, the request fits.
      let freeAt = now + WINDOW_MS;
      for (const spend of recent) {
        used -= spend.cost;
        if (used + cost <= limit) {
          freeAt = spend.at + WINDOW_MS;
          break;
        }
      }
      const seconds = Math.max(1, Math.ceil((freeAt - now) / 1000));
      this.#spent.set(key, recent);
      throw new HttpError(429, "TooManyRequests", refusal, { "retry-after": String(seconds) });
    }
    recent.push({ at: now, cost });
    this.#spent.set(key, recent);
  }

  /** Once a minute, drop keys with nothing recent, so the table holds only recent callers. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < WINDOW_MS) return;
    this.#lastSweep = now;
    for (const [key, spends] of this.#spent) if (spends.every((spend) => now - spend.at >= WINDOW_MS)) this.#spent.delete(key);
  }
}
