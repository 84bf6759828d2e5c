/**
 * The time math of an import: how soon ACS's rate limits let a history be written. ACS counts
 * sends per thread (10 per 10 s and 30 per minute) and thread creations per user (10 per 10 s),
 * in sliding windows; threads fill in parallel. `--plan` prints this before anything is written,
 * and the benchmark compares a real import with it.
 */
import { ACS_RATE_LIMITS, type RateLimit } from "../../acs/limits.js";

const limitsOf = (operation: string): RateLimit[] => ACS_RATE_LIMITS[operation]?.limits ?? [];
export const SEND_LIMITS = limitsOf("POST /chat/threads/{threadId}/messages");
export const CREATE_THREAD_LIMITS = limitsOf("POST /chat/threads");

/**
 * The earliest times (ms from the first) at which `count` requests of one scope can go under
 * sliding-window limits: each waits until, in every window, the request `max` before it has left.
 */
export function earliestTimes(count: number, limits: readonly Pick<RateLimit, "max" | "windowInMs">[], share = 1): number[] {
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    let at = 0;
    for (const { max, windowInMs } of limits) {
      const allowed = Math.max(1, Math.floor(max * share));
      if (k >= allowed) at = Math.max(at, times[k - allowed]! + windowInMs);
    }
    times.push(at);
  }
  return times;
}

/**
 * The least time ACS's limits allow for importing conversations of these message counts, with
 * the creations of their threads (one user makes them all) and sends in parallel across threads:
 * the time of the last send, from the first request. Sends of one thread are in order, so a
 * thread's first send waits for its creation. With `concurrency`, at most that many
 * conversations are written at once, taken in the order given (as the importer takes them).
 */
export function importTimeAtLimits(messageCounts: readonly number[], concurrency = Number.POSITIVE_INFINITY): number {
  // Unbounded: the longest threads first is what the limits allow at best.
  const counts = Number.isFinite(concurrency) ? [...messageCounts] : [...messageCounts].sort((a, b) => b - a);
  const workers: number[] = Array.from({ length: Math.min(counts.length, Number.isFinite(concurrency) ? concurrency : counts.length) }, () => 0);
  const creations: number[] = [];
  let end = 0;
  for (const count of counts) {
    // The worker free first takes the next conversation; its thread is created as soon as the creations allow.
    const worker = workers.indexOf(Math.min(...workers));
    let created = workers[worker]!;
    for (const { max, windowInMs } of CREATE_THREAD_LIMITS) if (creations.length >= max) created = Math.max(created, creations[creations.length - max]! + windowInMs);
    creations.push(created);
    const done = count > 0 ? created + earliestTimes(count, SEND_LIMITS)[count - 1]! : created;
    workers[worker] = done;
    if (count > 0) end = Math.max(end, done);
  }
  return end;
}

/** "2 h 5 min", "3 min 20 s", "45 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
