/**
 * The bounds on reads that pushed events cause, on a fake clock: one read per key per window
 * (merge), a token bucket across keys (limit), and no request ever left without a read after it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PushReadLimiter } from "../../../src/events/push-read-limiter.js";

const WINDOW = 500;
const limits = { mergeWindowInMs: WINDOW, readsPerSecond: 4, burst: 10 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A limiter and the times (ms since start) at which each key's reads ran. */
function limiterWithLog() {
  const limiter = new PushReadLimiter(limits);
  const start = Date.now();
  const reads: Array<[string, number]> = [];
  const ask = (key: string) => limiter.request(key, () => reads.push([key, Date.now() - start]));
  return { limiter, reads, ask };
}

describe("PushReadLimiter", () => {
  it("merges a burst delivered in one go into one read", () => {
    const { reads, ask } = limiterWithLog();
    for (let i = 0; i < 2000; i++) ask("thread A");
    expect(reads).toEqual([]); // not synchronously: the rest of the delivery is still coming
    vi.advanceTimersByTime(0);
    expect(reads).toEqual([["thread A", 0]]);
    vi.advanceTimersByTime(10_000);
    expect(reads).toHaveLength(1);
  });

  it("reads a key at most once per window; requests meanwhile share one read when it ends", () => {
    const { reads, ask } = limiterWithLog();
    ask("thread A");
    vi.advanceTimersByTime(0);
    for (let t = 0; t < 5; t++) {
      vi.advanceTimersByTime(90);
      ask("thread A");
    }
    vi.advanceTimersByTime(WINDOW - 451);
    expect(reads.map(([, at]) => at)).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(reads.map(([, at]) => at)).toEqual([0, WINDOW]);
    vi.advanceTimersByTime(5_000);
    expect(reads).toHaveLength(2);
  });

  it("follows every request with a read that starts after it, also one made just after a read", () => {
    const { reads, ask } = limiterWithLog();
    ask("thread A");
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(WINDOW); // the window ends with nothing asked: the key is forgotten
    ask("thread A");
    vi.advanceTimersByTime(0);
    expect(reads.map(([, at]) => at)).toEqual([0, WINDOW]);
    vi.advanceTimersByTime(1);
    ask("thread A"); // just after the read started: it may have missed this change
    vi.advanceTimersByTime(WINDOW);
    expect(reads.map(([, at]) => at)).toEqual([0, WINDOW, 2 * WINDOW]);
  });

  it("keeps different keys apart: each gets its own read", () => {
    const { reads, ask } = limiterWithLog();
    ask("messages A");
    ask("properties A");
    ask("messages B");
    vi.advanceTimersByTime(0);
    expect(reads.map(([key]) => key).sort()).toEqual(["messages A", "messages B", "properties A"]);
  });

  it("bounds reads across keys with a token bucket: the burst at once, then the sustained rate, oldest first", () => {
    const { reads, ask } = limiterWithLog();
    for (let i = 0; i < 200; i++) ask(`thread ${i}`);
    vi.advanceTimersByTime(0);
    expect(reads).toHaveLength(10);
    vi.advanceTimersByTime(1000);
    expect(reads).toHaveLength(14);
    vi.advanceTimersByTime(9000);
    expect(reads).toHaveLength(50); // ACS's 50 thread reads per user in 10 s
    expect(reads.map(([key]) => key)).toEqual(Array.from({ length: 50 }, (_, i) => `thread ${i}`));
    // Never dropped: every key is read in the end.
    vi.advanceTimersByTime(50_000);
    expect(new Set(reads.map(([key]) => key)).size).toBe(200);
  });

  it("refills the bucket while quiet, up to the burst", () => {
    const { reads, ask } = limiterWithLog();
    for (let i = 0; i < 10; i++) ask(`first ${i}`);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(60_000);
    for (let i = 0; i < 20; i++) ask(`second ${i}`);
    vi.advanceTimersByTime(0);
    expect(reads.filter(([key]) => key.startsWith("second"))).toHaveLength(10);
  });

  it("goes on after a read that throws", () => {
    const limiter = new PushReadLimiter(limits);
    const reads: string[] = [];
    limiter.request("bad", () => {
      throw new Error("bug");
    });
    limiter.request("good", () => reads.push("good"));
    vi.advanceTimersByTime(0);
    expect(reads).toEqual(["good"]);
  });

  it("runs nothing more once stopped", () => {
    const { limiter, reads, ask } = limiterWithLog();
    for (let i = 0; i < 20; i++) ask(`thread ${i}`);
    vi.advanceTimersByTime(0);
    limiter.stop();
    ask("late");
    vi.advanceTimersByTime(60_000);
    expect(reads).toHaveLength(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps no state for keys past their window", () => {
    const { ask } = limiterWithLog();
    for (let i = 0; i < 10; i++) ask(`thread ${i}`);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(WINDOW);
    expect(vi.getTimerCount()).toBe(0);
  });
});
