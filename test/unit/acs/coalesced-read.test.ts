/** Coalesced reads: one at a time, and a burst of calls meanwhile shares exactly one more. */
import { expect, it } from "vitest";
import { coalescedRead } from "../../../src/acs/coalesced-read.js";

it("runs one read at a time; calls made meanwhile share one read after it, which sees their changes", async () => {
  let version = 0;
  let reads = 0;
  let release: () => void = () => undefined;
  const read = coalescedRead(async () => {
    reads++;
    const seen = version;
    await new Promise<void>((resolve) => (release = resolve));
    return seen;
  });
  const first = read();
  version = 1; // changed after the first read began: later callers must see it
  const later = [read(), read(), read()];
  release();
  expect(await first).toBe(0);
  await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
  release();
  expect(await Promise.all(later)).toEqual([1, 1, 1]);
  expect(reads).toBe(2);
});

it("a failed read does not block the next one", async () => {
  let fail = true;
  const read = coalescedRead(async () => {
    if (fail) throw new Error("ACS down");
    return "ok";
  });
  await expect(read()).rejects.toThrow("ACS down");
  fail = false;
  expect(await read()).toBe("ok");
});
