/**
 * ACS Chat's documented rate limits (service-limits page), enforced when the emulator is started
 * with `rateLimits: true`: a request over a limit gets 429 with `Retry-After`, as from ACS. Off by
 * default, so tests that send hundreds of messages stay fast; on, it proves a client stays inside
 * the budget.
 */
type Scope = "user" | "thread" | "userThread";

interface Limit {
  scope: Scope;
  max: number;
  windowInMs: number;
}

const TEN_SECONDS = 10_000;
const MINUTE = 60_000;
const per = (scope: Scope, max: number, windowInMs: number): Limit => ({ scope, max, windowInMs });

/** Keyed by the emulator's operation names (`METHOD /route/{template}`). */
export const ACS_RATE_LIMITS: Record<string, { group: string; limits: Limit[] }> = {
  "POST /chat/threads": { group: "createThread", limits: [per("user", 10, TEN_SECONDS)] },
  "DELETE /chat/threads/{threadId}": { group: "deleteThread", limits: [per("user", 10, TEN_SECONDS)] },
  "PATCH /chat/threads/{threadId}": { group: "updateThread", limits: [per("thread", 5, TEN_SECONDS)] },
  "GET /chat/threads": { group: "getThreads", limits: [per("user", 50, TEN_SECONDS)] },
  "GET /chat/threads/{threadId}": { group: "getThreads", limits: [per("user", 50, TEN_SECONDS)] },
  "POST /chat/threads/{threadId}/participants/:add": { group: "participants", limits: [per("thread", 10, TEN_SECONDS), per("thread", 30, MINUTE)] },
  "POST /chat/threads/{threadId}/participants/:remove": { group: "participants", limits: [per("thread", 10, TEN_SECONDS), per("thread", 30, MINUTE)] },
  "GET /chat/threads/{threadId}/messages/{messageId}": { group: "getMessage", limits: [per("userThread", 50, TEN_SECONDS), per("thread", 250, TEN_SECONDS)] },
  "GET /chat/threads/{threadId}/messages": {
    group: "listMessages",
    limits: [per("userThread", 50, TEN_SECONDS), per("userThread", 200, MINUTE), per("thread", 250, TEN_SECONDS), per("thread", 400, MINUTE)],
  },
  "GET /chat/threads/{threadId}/readReceipts": { group: "getReceipts", limits: [per("userThread", 5, TEN_SECONDS), per("thread", 100, TEN_SECONDS)] },
  "GET /chat/threads/{threadId}/participants": { group: "listParticipants", limits: [per("userThread", 10, TEN_SECONDS), per("thread", 250, TEN_SECONDS)] },
  "POST /chat/threads/{threadId}/messages": { group: "writeMessage", limits: [per("thread", 10, TEN_SECONDS), per("thread", 30, MINUTE)] },
  "PATCH /chat/threads/{threadId}/messages/{messageId}": { group: "writeMessage", limits: [per("thread", 10, TEN_SECONDS), per("thread", 30, MINUTE)] },
  "DELETE /chat/threads/{threadId}/messages/{messageId}": { group: "writeMessage", limits: [per("thread", 10, TEN_SECONDS), per("thread", 30, MINUTE)] },
  "POST /chat/threads/{threadId}/readReceipts": { group: "sendReceipt", limits: [per("userThread", 10, TEN_SECONDS), per("userThread", 30, MINUTE)] },
  "POST /chat/threads/{threadId}/typing": {
    group: "typing",
    limits: [per("userThread", 5, TEN_SECONDS), per("userThread", 15, MINUTE), per("thread", 10, TEN_SECONDS), per("thread", 30, MINUTE)],
  },
};

/** Sliding-window request counters. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /**
   * Counts the request when every limit has room and returns undefined; otherwise counts nothing
   * and returns the seconds until the fullest window has room again.
   */
  admit(operation: string, userId: string, threadId: string | undefined): number | undefined {
    const rule = ACS_RATE_LIMITS[operation];
    if (!rule) return undefined;
    const now = this.now();
    const keys = rule.limits.map((limit) => {
      const scopeKey = limit.scope === "user" ? userId : limit.scope === "thread" ? threadId : `${userId}|${threadId}`;
      return `${rule.group}|${limit.scope}|${limit.windowInMs}|${scopeKey}`;
    });
    let waitInMs = 0;
    rule.limits.forEach((limit, i) => {
      const times = this.prune(keys[i]!, now - limit.windowInMs);
      if (times.length >= limit.max) waitInMs = Math.max(waitInMs, times[times.length - limit.max]! + limit.windowInMs - now);
    });
    if (waitInMs > 0) return Math.max(1, Math.ceil(waitInMs / 1000));
    for (const key of keys) this.hits.get(key)!.push(now);
    if (++this.admitted % 1000 === 0) this.sweep(now);
    return undefined;
  }

  private admitted = 0;

  /** Forgets callers with no hit in the longest window, so that the table does not grow for ever. */
  private sweep(now: number): void {
    const longest = Math.max(...Object.values(ACS_RATE_LIMITS).flatMap((rule) => rule.limits.map((limit) => limit.windowInMs)));
    for (const [key, times] of this.hits) if ((times[times.length - 1] ?? 0) <= now - longest) this.hits.delete(key);
  }

  private prune(key: string, since: number): number[] {
    let times = this.hits.get(key);
    if (!times) {
      times = [];
      this.hits.set(key, times);
    }
    let stale = 0;
    while (stale < times.length && times[stale]! <= since) stale++;
    if (stale > 0) times.splice(0, stale);
    return times;
  }
}
