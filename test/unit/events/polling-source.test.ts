/** The polling loop never stops by itself, and options it is not given keep their defaults. */
import { expect, it, vi } from "vitest";
import { PollingSource } from "../../../src/events/polling-source.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("goes on polling, with back-off, when the failure handler itself throws", async () => {
  let cycles = 0;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on("unhandledRejection", onUncaught);
  const polling = new PollingSource(
    {
      cycle: async () => {
        cycles++;
        throw new Error("ACS down");
      },
      failed: () => {
        throw new Error("listener bug");
      },
      succeeded: () => undefined,
    },
    { minIntervalInMs: 10, maxBackoffInMs: 20 },
  );
  polling.start();
  await wait(150);
  polling.stop();
  process.off("unhandledRejection", onUncaught);
  expect(cycles).toBeGreaterThan(2);
  expect(cycles).toBeLessThan(20); // backed off, not spinning
});

it("ignores options given as undefined instead of spinning on NaN intervals", async () => {
  let cycles = 0;
  const polling = new PollingSource(
    { cycle: async () => (cycles++, false), failed: () => undefined, succeeded: () => undefined },
    { minIntervalInMs: undefined, maxIntervalInMs: undefined },
  );
  polling.start();
  await wait(200);
  polling.stop();
  expect(cycles).toBe(1); // the first at once, the next after the default 500 ms
});

it("starts the cycles pushes ask for at most once per merge window, the last ask included", async () => {
  vi.useFakeTimers();
  try {
    const startedAt: number[] = [];
    const start = Date.now();
    const polling = new PollingSource(
      { cycle: async () => (startedAt.push(Date.now() - start), false), failed: () => undefined, succeeded: () => undefined },
      { minIntervalInMs: 60_000, maxIntervalInMs: 60_000, pushMergeWindowInMs: 500 },
    );
    polling.start();
    await vi.advanceTimersByTimeAsync(0);
    // A forged flood: an ask every 10 ms for 2 s.
    for (let t = 0; t < 2000; t += 10) {
      polling.pollNow();
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(500);
    polling.stop();
    expect(startedAt).toEqual([0, 500, 1000, 1500, 2000]);
  } finally {
    vi.useRealTimers();
  }
});

it("polls at once on resume(), however recently a cycle ran", async () => {
  vi.useFakeTimers();
  try {
    let cycles = 0;
    const polling = new PollingSource({ cycle: async () => (cycles++, false), failed: () => undefined, succeeded: () => undefined }, { minIntervalInMs: 60_000, maxIntervalInMs: 60_000 });
    polling.start();
    await vi.advanceTimersByTimeAsync(0);
    polling.resume();
    await vi.advanceTimersByTimeAsync(0);
    polling.stop();
    expect(cycles).toBe(2);
  } finally {
    vi.useRealTimers();
  }
});
