/** The polling loop never stops by itself, and options it is not given keep their defaults. */
import { expect, it } from "vitest";
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
