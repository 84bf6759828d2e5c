/** The time math of `import --plan`: exact for ACS's send limits, and never faster than a window allows. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { earliestTimes, formatDuration, importTimeAtLimits, SEND_LIMITS } from "../../src/migrate/import/pace.js";

describe("import pace", () => {
  it("sends 10 at once, 10 more after 10 s and 20 s, then waits for the minute: 30 a minute per thread", () => {
    const times = earliestTimes(61, SEND_LIMITS);
    expect(times.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(times.slice(10, 20)).toEqual(Array(10).fill(10_000));
    expect(times.slice(20, 30)).toEqual(Array(10).fill(20_000));
    expect(times[30]).toBe(60_000);
    expect(times[59]).toBe(80_000);
    expect(times[60]).toBe(120_000);
  });

  it("never puts more requests in any window than its limit, and each as early as the limits let it", () => {
    const limit = fc.record({ max: fc.integer({ min: 1, max: 12 }), windowInMs: fc.integer({ min: 1, max: 100 }) });
    fc.assert(
      fc.property(fc.array(limit, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 80 }), (limits, count) => {
        const times = earliestTimes(count, limits);
        const inWindow = (list: number[], t: number, windowInMs: number) => list.filter((other) => other > t - windowInMs && other <= t).length;
        // A window (t - window, t] holds at most max requests, at every request time t.
        for (const { max, windowInMs } of limits) for (const t of times) expect(inWindow(times, t, windowInMs)).toBeLessThanOrEqual(max);
        // Tight: a millisecond earlier, some window would hold one too many.
        times.forEach((t, k) => {
          if (t === 0) return;
          const earlier = [...times.slice(0, k), t - 1];
          expect(limits.some(({ max, windowInMs }) => inWindow(earlier, t - 1, windowInMs) > max)).toBe(true);
        });
      }),
    );
  });

  it("takes as long as the longest thread, the creations of threads beyond ten a 10 s window added", () => {
    expect(importTimeAtLimits([])).toBe(0);
    expect(importTimeAtLimits([1])).toBe(0);
    expect(importTimeAtLimits([40, 5, 5])).toBe(60_000);
    // The 11th thread is created 10 s after the first: its 30th message goes at 10 s + 20 s.
    expect(importTimeAtLimits(Array(11).fill(30))).toBe(30_000);
  });

  it("with a cap on conversations at once, takes them in order as workers come free", () => {
    // One at a time: the second thread starts when the first is done (its 12th message at 10 s).
    expect(importTimeAtLimits([12, 12], 1)).toBe(20_000);
    expect(importTimeAtLimits([12, 12], 2)).toBe(10_000);
    // A cap as large as the list: the longest first is no longer chosen, the order given is kept.
    expect(importTimeAtLimits([1, 40], 2)).toBe(60_000);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 25 }), fc.integer({ min: 1, max: 30 }), (counts, concurrency) => {
        // Never faster than the limits allow, never slower than one at a time would be.
        expect(importTimeAtLimits(counts, concurrency)).toBeGreaterThanOrEqual(importTimeAtLimits(counts));
        expect(importTimeAtLimits(counts, concurrency)).toBeLessThanOrEqual(importTimeAtLimits(counts, 1));
      }),
    );
  });

  it("prints durations as people read them", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(200_000)).toBe("3 min 20 s");
    expect(formatDuration(7_500_000)).toBe("2 h 5 min");
    expect(formatDuration(3 * 86_400_000 + 3_600_000)).toBe("3 d 1 h");
  });
});
