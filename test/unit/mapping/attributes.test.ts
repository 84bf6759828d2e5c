import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, LimitExceededError } from "../../../src/errors.js";
import { assertMetadataFits, decodeAttributes, encodeAttributes, withAttributes } from "../../../src/mapping/attributes.js";
import { findNonJson } from "../../../src/mapping/json.js";

/** JSON has no -0: `JSON.stringify(-0)` is "0". The expected value after a trip through JSON text. */
function withoutNegativeZero(value: unknown): unknown {
  if (typeof value === "number") return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: withoutNegativeZero(item), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/**
 * Independent oracle: whether JSON.parse(JSON.stringify(value)) has the same structure as `value`
 * (numbers compared with ===, so -0 and 0 are the same; objects must be plain like JSON.parse's).
 */
function survivesJson(value: unknown): boolean {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return false;
  }
  if (text === undefined) return false;
  return sameStructure(JSON.parse(text), value);
}

function sameStructure(parsed: unknown, original: unknown): boolean {
  if (parsed === null || typeof parsed !== "object") return parsed === original;
  if (original === null || typeof original !== "object") return false;
  if (Array.isArray(parsed)) {
    if (!Array.isArray(original) || original.length !== parsed.length) return false;
    return parsed.every((item, i) => i in original && sameStructure(item, original[i]));
  }
  if (Array.isArray(original)) return false;
  const prototype = Object.getPrototypeOf(original) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  const parsedKeys = Object.keys(parsed);
  const originalKeys = Object.keys(original);
  if (parsedKeys.length !== originalKeys.length) return false;
  return parsedKeys.every(
    (key) => Object.prototype.hasOwnProperty.call(original, key) && sameStructure((parsed as Record<string, unknown>)[key], (original as Record<string, unknown>)[key]),
  );
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** Values JSON cannot carry unchanged. */
const poison = fc.constantFrom<unknown>(
  undefined,
  () => 1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  new Date(0),
  new Map([["a", 1]]),
  new Set([1]),
  new Point(1, 2),
  10n,
  Symbol("s"),
  new String("boxed"),
  /re/,
);

/** JSON values with, sometimes, a non-JSON value somewhere inside. */
const maybeJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.oneof(fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()),
    poison,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("findNonJson", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["a string", "text"],
    ["a boolean", false],
    ["zero", 0],
    ["a negative float", -1.5],
    ["the largest double", Number.MAX_VALUE],
    ["an empty object", {}],
    ["an empty array", []],
    ["nested JSON", { a: [1, "two", { three: null, four: [true] }], b: {} }],
    ["an object without prototype", Object.assign(Object.create(null) as object, { a: 1 })],
  ])("accepts %s", (_, value) => {
    expect(findNonJson(value)).toBeUndefined();
  });

  it("accepts the same object reached twice (shared, not a cycle)", () => {
    const shared = { n: 1 };
    expect(findNonJson({ a: shared, b: [shared, shared] })).toBeUndefined();
  });

  it.each<[string, unknown, RegExp]>([
    ["undefined", undefined, /^value is undefined$/],
    ["a function", () => 1, /^value is function$/],
    ["NaN", Number.NaN, /^value is NaN$/],
    ["Infinity", Number.POSITIVE_INFINITY, /^value is Infinity$/],
    ["-Infinity", Number.NEGATIVE_INFINITY, /^value is -Infinity$/],
    ["a bigint", 1n, /^value is bigint$/],
    ["a symbol", Symbol("x"), /^value is symbol$/],
    ["a Date", new Date(0), /not a plain object/],
    ["a Map", new Map(), /not a plain object/],
    ["a Set", new Set(), /not a plain object/],
    ["a class instance", new Point(1, 2), /not a plain object/],
    ["a boxed string", new String("s"), /not a plain object/],
    ["a RegExp", /x/, /not a plain object/],
  ])("refuses %s at the top level", (_, value, message) => {
    expect(findNonJson(value)).toMatch(message);
  });

  it("names the path of a nested problem", () => {
    expect(findNonJson({ a: { b: [1, undefined] } })).toBe("a.b[1] is undefined");
    expect(findNonJson({ list: [{ ok: 1 }, { when: new Date(0) }] })).toBe("list[1].when is not a plain object");
    expect(findNonJson([0, [0, Number.NaN]])).toBe("[1][1] is NaN");
    expect(findNonJson({ fn() {} })).toBe("fn is function");
  });

  it("refuses a hole in a sparse array", () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(findNonJson([1, , 3])).toBe("[1] is undefined");
  });

  it("refuses cycles through objects and arrays", () => {
    const object: Record<string, unknown> = { a: 1 };
    object.self = object;
    expect(findNonJson(object)).toBe("self contains a cycle");
    const array: unknown[] = [1];
    array.push({ back: array });
    expect(findNonJson(array)).toBe("[1].back contains a cycle");
  });

  it("is undefined for every generated JSON value", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => findNonJson(value) === undefined && survivesJson(value)));
  });

  it("is undefined exactly for values that survive a JSON round trip", () => {
    fc.assert(
      fc.property(maybeJson, (value) => {
        expect(findNonJson(value) === undefined).toBe(survivesJson(value));
      }),
      { numRuns: 300 },
    );
  });
});

describe("encodeAttributes / decodeAttributes", () => {
  it("round-trips any JSON value through metadata", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = encodeAttributes(value);
        expect(typeof text).toBe("string");
        expect(decodeAttributes({ twilioAttributes: text })).toEqual(withoutNegativeZero(value));
      }),
    );
  });

  it("writes plain JSON text", () => {
    expect(encodeAttributes({ a: [1, "x", null] })).toBe('{"a":[1,"x",null]}');
    expect(encodeAttributes("hi")).toBe('"hi"');
    expect(encodeAttributes(null)).toBe("null");
  });

  it("refuses undefined, naming the field", () => {
    expect(() => encodeAttributes(undefined)).toThrow(InvalidArgumentError);
    try {
      encodeAttributes(undefined, "options.attributes");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe("options.attributes");
    }
  });

  it("refuses non-JSON values with the default field 'attributes' and the path in the message", () => {
    try {
      encodeAttributes({ reactions: { at: new Date(0) } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe("attributes");
      expect((error as Error).message).toContain("reactions.at");
    }
  });

  it("refuses every value with a non-JSON part, with the caller's field", () => {
    fc.assert(
      fc.property(
        maybeJson.filter((value) => findNonJson(value) !== undefined),
        (value) => {
          expect(() => encodeAttributes(value, "conversation.attributes")).toThrow(
            expect.objectContaining({ name: "InvalidArgumentError", field: "conversation.attributes" }),
          );
        },
      ),
    );
  });

  it("reads absent attributes as {}", () => {
    expect(decodeAttributes(undefined)).toEqual({});
    expect(decodeAttributes({})).toEqual({});
    expect(decodeAttributes({ other: "x" })).toEqual({});
  });

  it("returns a fresh {} each time, so mutating one default does not leak into the next", () => {
    const first = decodeAttributes(undefined) as Record<string, unknown>;
    first.leaked = true;
    expect(decodeAttributes(undefined)).toEqual({});
    expect(decodeAttributes({})).not.toBe(decodeAttributes({}));
  });

  it("keeps text that is not JSON as a string", () => {
    expect(decodeAttributes({ twilioAttributes: "not json" })).toBe("not json");
    expect(decodeAttributes({ twilioAttributes: "{broken" })).toBe("{broken");
    expect(decodeAttributes({ twilioAttributes: "" })).toBe("");
  });

  it("reads JSON scalars", () => {
    expect(decodeAttributes({ twilioAttributes: '"text"' })).toBe("text");
    expect(decodeAttributes({ twilioAttributes: "null" })).toBeNull();
    expect(decodeAttributes({ twilioAttributes: "12.5" })).toBe(12.5);
    expect(decodeAttributes({ twilioAttributes: "false" })).toBe(false);
  });
});

describe("withAttributes", () => {
  it("sets the attributes key and keeps the other keys", () => {
    expect(withAttributes({ twilioUniqueName: "room", twilioAttributes: "{}" }, { topic: 1 })).toEqual({
      twilioUniqueName: "room",
      twilioAttributes: '{"topic":1}',
    });
    expect(withAttributes(undefined, [1])).toEqual({ twilioAttributes: "[1]" });
  });

  it("does not modify the metadata it was given", () => {
    const metadata = { a: "1" };
    withAttributes(metadata, { b: 2 });
    expect(metadata).toEqual({ a: "1" });
  });

  it("refuses non-JSON attributes with the given field", () => {
    expect(() => withAttributes({}, { f: () => 0 }, "participant.attributes")).toThrow(
      expect.objectContaining({ name: "InvalidArgumentError", field: "participant.attributes" }),
    );
  });
});

describe("assertMetadataFits", () => {
  const expectOver = (metadata: Record<string, string>, size: number) => {
    try {
      assertMetadataFits(metadata, "Conversation attributes and unique name");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LimitExceededError);
      const limit = error as LimitExceededError;
      expect(limit.subject).toBe("Conversation attributes and unique name");
      expect(limit.size).toBe(size);
      expect(limit.limit).toBe(1024);
      expect(limit.message).toContain("Conversation attributes and unique name");
    }
  };

  it("accepts exactly 1024 bytes of keys and values", () => {
    expect(() => assertMetadataFits({ abcd: "x".repeat(1020) }, "s")).not.toThrow();
    expect(() => assertMetadataFits({}, "s")).not.toThrow();
  });

  it("refuses 1025 bytes", () => {
    expectOver({ abcd: "x".repeat(1021) }, 1025);
  });

  it("counts keys, even with empty values", () => {
    expectOver({ abcd: "x".repeat(1020), b: "" }, 1025);
  });

  it("counts multi-byte characters as their UTF-8 bytes", () => {
    // "€" is 3 bytes in UTF-8: 1 + 3 * 341 = 1024.
    expect(() => assertMetadataFits({ k: "€".repeat(341) }, "s")).not.toThrow();
    expectOver({ k: "€".repeat(342) }, 1027);
    // "😀" is 4 bytes (2 UTF-16 units): 4 + 4 * 255 = 1024; a string of only 514 units.
    expect(() => assertMetadataFits({ "😀": "😀".repeat(255) }, "s")).not.toThrow();
    expectOver({ "😀": "😀".repeat(256) }, 1028);
    expectOver({ k: "é".repeat(512) }, 1025);
  });

  it("agrees with Node's UTF-8 byte count for any metadata", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: "grapheme", maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 300 }), { maxKeys: 6 }),
        (metadata) => {
          const bytes = Object.entries(metadata).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"), 0);
          if (bytes <= 1024) expect(() => assertMetadataFits(metadata, "s")).not.toThrow();
          else expect(() => assertMetadataFits(metadata, "s")).toThrow(expect.objectContaining({ name: "LimitExceededError", size: bytes }));
        },
      ),
    );
  });
});
