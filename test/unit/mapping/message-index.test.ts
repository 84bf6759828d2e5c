import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexFromSequenceId } from "../../../src/mapping/message-index.js";

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = 9007199254740991n;

/** Canonical sequence ids, generated as bigints so their order is known independently of the code. */
const canonicalBig = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: MAX_BIG }));

describe("indexFromSequenceId", () => {
  it.each<[string, number]>([
    ["1", 1],
    ["9", 9],
    ["10", 10],
    ["42", 42],
    ["1000000", 1_000_000],
    ["9007199254740991", 9007199254740991],
  ])("reads %s as %d", (sequenceId, index) => {
    expect(indexFromSequenceId(sequenceId)).toBe(index);
  });

  it.each([
    "0",
    "00",
    "01",
    "-1",
    "+1",
    "1.5",
    "1.0",
    "",
    " 1",
    "1 ",
    "1\n",
    "1e3",
    "0x10",
    "0b1",
    "Infinity",
    "NaN",
    "١",
    "１",
    "9007199254740992",
    "9007199254740993",
    "99999999999999999999",
    "1".repeat(400),
  ])("refuses %j", (sequenceId) => {
    expect(() => indexFromSequenceId(sequenceId)).toThrow(RangeError);
  });

  it("round-trips every canonical string up to MAX_SAFE_INTEGER", () => {
    fc.assert(
      fc.property(canonicalBig, (big) => {
        const sequenceId = big.toString();
        const index = indexFromSequenceId(sequenceId);
        expect(BigInt(index)).toBe(big);
        expect(String(index)).toBe(sequenceId);
      }),
    );
  });

  it("refuses every canonical string beyond MAX_SAFE_INTEGER", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: MAX_BIG + 1n, max: 10n ** 30n }), (big) => {
        expect(() => indexFromSequenceId(big.toString())).toThrow(RangeError);
      }),
    );
  });

  it("accepts an arbitrary string exactly when it is a canonical positive decimal within range", () => {
    const candidates = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.string({ unit: fc.constantFrom("0", "1", "9", "-", ".", "e", " ", "+"), maxLength: 18 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        const valid = /^[1-9][0-9]*$/.test(text) && BigInt(text) <= MAX_BIG;
        if (valid) expect(indexFromSequenceId(text)).toBe(Number(text));
        else expect(() => indexFromSequenceId(text)).toThrow(RangeError);
      }),
    );
  });

  it("is monotonic: a < b exactly when index(a) < index(b)", () => {
    fc.assert(
      fc.property(canonicalBig, canonicalBig, (a, b) => {
        const ia = indexFromSequenceId(a.toString());
        const ib = indexFromSequenceId(b.toString());
        expect(ia < ib).toBe(a < b);
        expect(ia === ib).toBe(a === b);
      }),
    );
  });

  it("orders numerically, not as text", () => {
    expect(indexFromSequenceId("9")).toBeLessThan(indexFromSequenceId("10"));
    expect(indexFromSequenceId("99")).toBeLessThan(indexFromSequenceId("100"));
  });
});

describe("every index is a sequence id read back", () => {
  it("reads the decimal text of every safe positive integer as that integer", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: MAX })), (index) => {
        expect(indexFromSequenceId(String(index))).toBe(index);
      }),
    );
  });
});
