/**
 * Every request the client sends to ACS Chat passes one budget: ACS's documented limits per
 * operation group, scope (this user, a thread, this user in a thread) and window. A request that
 * would pass a limit waits until it fits instead of being sent to be refused (429), whatever the
 * app calls and however often; the callers' coalescing keeps what waits small.
 *
 * Background work (loading conversations at start-up, sweeps) may use only part of each limit, so
 * that what the app and the event stream need now never queues behind it.
 */
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { acsChatOperationOf, RateWindows } from "./limits.js";

type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

/** A request header that marks background work; the budget removes it before the request goes. */
export const BACKGROUND_HEADER = "x-twilio-conversations-acs-background";
/** The part of each limit this client uses: ACS counts on its clock, and one user may run several clients. */
const FOREGROUND_SHARE = 0.9;
const BACKGROUND_SHARE = 0.6;
/** Added to each wait: the service's window and ours do not end on the same millisecond. */
const MARGIN_MS = 50;

export interface RateShares {
  /** The part of each limit requests may use (default 0.9). */
  foreground: number;
  /** The part background work may use (default 0.6). */
  background: number;
}

export class RateBudget {
  readonly #windows: RateWindows;
  readonly #userId: string;
  readonly #scale: number;
  readonly #shares: RateShares;

  /**
   * `scale` multiplies ACS's limits (a resource whose limits were raised); Infinity lets everything
   * through. `shares`: a caller that is alone in its threads (the importer) may use all of each limit.
   */
  constructor(userId: string, now: () => number = Date.now, scale = 1, shares: RateShares = { foreground: FOREGROUND_SHARE, background: BACKGROUND_SHARE }) {
    this.#userId = userId;
    this.#windows = new RateWindows(now);
    this.#scale = scale;
    this.#shares = shares;
  }

  /** How long a request would wait now (0: it would go at once); counts nothing. */
  delayOf(method: string, path: string, background = false): number {
    const found = acsChatOperationOf(method, path);
    return found && Number.isFinite(this.#scale) ? this.#windows.waitFor(found.operation, this.#userId, found.threadId, this.#share(background)) : 0;
  }

  /**
   * Resolves once the request fits the budget (and counts it), to the call that says its answer
   * came (its count moves to then); rejects when `signal` aborts first.
   * `userId`: whose request it is, where one budget serves several users (limits per thread are shared by all).
   */
  async admit(method: string, path: string, background: boolean, signal?: AbortSignalLike, userId = this.#userId): Promise<() => void> {
    const found = acsChatOperationOf(method, path);
    if (!found || !Number.isFinite(this.#scale)) return () => undefined;
    const share = this.#share(background);
    for (let wait = this.#windows.waitFor(found.operation, userId, found.threadId, share); wait > 0; wait = this.#windows.waitFor(found.operation, userId, found.threadId, share)) {
      await sleep(wait + MARGIN_MS, signal);
    }
    return this.#windows.count(found.operation, userId, found.threadId);
  }

  #share(background: boolean): number {
    return (background ? this.#shares.background : this.#shares.foreground) * this.#scale;
  }

  /** The SDK pipeline policy, to run per retry: a retried request counts against the limits again. */
  policy(userId = this.#userId): PipelinePolicy {
    return {
      name: "twilioConversationsAcsRateBudget",
      sendRequest: async (request, next) => {
        const background = request.headers.has(BACKGROUND_HEADER);
        request.headers.delete(BACKGROUND_HEADER);
        // Limits off (rateLimits: false): nothing to count, not even the path.
        if (!Number.isFinite(this.#scale)) return next(request);
        const answered = await this.admit(request.method, new URL(request.url).pathname, background, request.abortSignal, userId);
        try {
          return await next(request);
        } finally {
          answered();
        }
      },
    };
  }
}

function sleep(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
  const aborted = () => new DOMException("The request was aborted while it waited for ACS's rate limits.", "AbortError");
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
