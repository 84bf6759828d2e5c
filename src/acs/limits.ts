/**
 * ACS Chat service limits (the service-limits page of the ACS docs). The client checks data
 * against them before sending; the emulator enforces them. Browser-safe: no Node built-ins.
 */
export const ACS_LIMITS = {
  participantsPerThread: 250,
  participantsPerRequest: 200,
  /** "Approximately 28 KB": counted as the UTF-8 bytes of content, display name and metadata. */
  messageSizeBytes: 28 * 1024,
  /** Thread and participant metadata: "the total size of all metadata pairs can be up to 1KB". */
  metadataBytes: 1024,
  maxPageSize: 200,
  /** Read receipts and typing indicators are not supported on larger threads. */
  receiptsAndTypingMaxParticipants: 20,
  retentionDays: { min: 30, max: 90 },
  tokenMinutes: { min: 60, max: 1440 },
} as const;

const encoder = new TextEncoder();
export const utf8Length = (text: string): number => encoder.encode(text).length;

/** Size of a metadata map as ACS counts it: the UTF-8 bytes of every key and value. */
export const metadataSize = (metadata: Record<string, string> | undefined): number =>
  Object.entries(metadata ?? {}).reduce((sum, [key, value]) => sum + utf8Length(key) + utf8Length(value), 0);

export type RateLimitScope = "user" | "thread" | "userThread";

export interface RateLimit {
  scope: RateLimitScope;
  max: number;
  windowInMs: number;
}

const TEN_SECONDS = 10_000;
const MINUTE = 60_000;
const per = (scope: RateLimitScope, max: number, windowInMs: number): RateLimit => ({ scope, max, windowInMs });

/**
 * ACS Chat's documented rate limits (service-limits page; a request over one gets 429), keyed by
 * operation (`METHOD /route/{template}`); operations of one group share their counts.
 */
export const ACS_RATE_LIMITS: Record<string, { group: string; limits: RateLimit[] }> = {
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

/** The operation (`METHOD /route/{template}`) and thread of a request path of ACS Chat; undefined for other paths. */
export function acsChatOperationOf(method: string, path: string): { operation: string; threadId?: string } | undefined {
  const segments = path.split("/").slice(1);
  if (segments[0] !== "chat" || segments[1] !== "threads") return undefined;
  const threadId = segments[2] === undefined ? undefined : decodeURIComponent(segments[2]);
  const template = segments.map((segment, i) => (i === 2 ? "{threadId}" : i === 4 && segments[3] === "messages" ? "{messageId}" : segment)).join("/");
  return { operation: `${method.toUpperCase()} /${template}`, ...(threadId !== undefined ? { threadId } : {}) };
}

/**
 * Sliding-window counts of requests, as ACS counts them: per operation group, limit scope and
 * caller. The emulator refuses what does not fit; the client waits until it does.
 */
export class RateWindows {
  readonly #hits = new Map<string, number[]>();
  #counted = 0;

  constructor(readonly now: () => number) {}

  /** Ms until one more `operation` by `userId` on `threadId` fits every limit (at `share` of each maximum); 0 when it fits now. */
  waitFor(operation: string, userId: string, threadId: string | undefined, share = 1): number {
    const rule = ACS_RATE_LIMITS[operation];
    if (!rule) return 0;
    const now = this.now();
    let waitInMs = 0;
    for (const limit of rule.limits) {
      const max = Math.max(1, Math.floor(limit.max * share));
      const times = this.#inWindow(this.#key(rule.group, limit, userId, threadId), now - limit.windowInMs);
      if (times.length >= max) waitInMs = Math.max(waitInMs, times[times.length - max]! + limit.windowInMs - now);
    }
    return Math.max(0, waitInMs);
  }

  /**
   * Counts one request of `operation`, now. The result moves its time to when it is called: a
   * client calls it when the answer comes, since the service counted the request somewhere
   * between, and a window is only surely past it from the answer on.
   */
  count(operation: string, userId: string, threadId: string | undefined): () => void {
    const rule = ACS_RATE_LIMITS[operation];
    if (!rule) return () => undefined;
    const now = this.now();
    const keys: string[] = [];
    for (const limit of rule.limits) {
      const key = this.#key(rule.group, limit, userId, threadId);
      const times = this.#inWindow(key, now - limit.windowInMs);
      if (times.length === 0) this.#hits.set(key, times);
      times.push(now);
      keys.push(key);
    }
    if (++this.#counted % 1000 === 0) this.#forget(now);
    return () => {
      const later = this.now();
      for (const key of keys) {
        const times = this.#hits.get(key);
        const at = times?.indexOf(now) ?? -1;
        if (!times || at < 0) continue;
        times.splice(at, 1);
        // Kept in order: the wait reads the time `max` requests back.
        let i = times.length;
        while (i > 0 && times[i - 1]! > later) i--;
        times.splice(i, 0, later);
      }
    };
  }

  #key(group: string, limit: RateLimit, userId: string, threadId: string | undefined): string {
    const scopeKey = limit.scope === "user" ? userId : limit.scope === "thread" ? threadId : `${userId}|${threadId}`;
    return `${group}|${limit.scope}|${limit.windowInMs}|${scopeKey}`;
  }

  /** Forgets callers with no request in the longest window, so that the table does not grow for ever. */
  #forget(now: number): void {
    for (const [key, times] of this.#hits) if ((times[times.length - 1] ?? 0) <= now - MINUTE) this.#hits.delete(key);
  }

  /** The times of a key's requests after `since` (older ones dropped); a caller asking only about a key adds no entry for it. */
  #inWindow(key: string, since: number): number[] {
    const times = this.#hits.get(key);
    if (!times) return [];
    let stale = 0;
    while (stale < times.length && times[stale]! <= since) stale++;
    if (stale > 0) times.splice(0, stale);
    return times;
  }
}
