/**
 * ACS Chat's documented rate limits (`ACS_RATE_LIMITS`, service-limits page), enforced when the
 * emulator is started with `rateLimits: true`: a request over a limit gets 429 with `Retry-After`,
 * as from ACS. Off by default, so tests that send hundreds of messages stay fast; on, it proves a
 * client stays inside the budget.
 */
import { RateWindows } from "../acs/limits.js";

export { ACS_RATE_LIMITS } from "../acs/limits.js";

export class RateLimiter {
  readonly #windows: RateWindows;

  constructor(now: () => number) {
    this.#windows = new RateWindows(now);
  }

  /**
   * Counts the request when every limit has room and returns undefined; otherwise counts nothing
   * and returns the seconds until the fullest window has room again.
   */
  admit(operation: string, userId: string, threadId: string | undefined): number | undefined {
    const waitInMs = this.#windows.waitFor(operation, userId, threadId);
    if (waitInMs > 0) return Math.max(1, Math.ceil(waitInMs / 1000));
    this.#windows.count(operation, userId, threadId);
    return undefined;
  }
}
