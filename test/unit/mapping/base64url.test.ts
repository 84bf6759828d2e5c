import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../../../src/mapping/base64url.js";

/** Whether a string has no lone surrogate (so it has a UTF-8 encoding). */
function isWellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

const unicodeText = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "grapheme-composite" }),
  fc.string({ unit: "binary" }).filter(isWellFormed),
  fc.string({ unit: "binary-ascii" }),
);

describe("base64url", () => {
  it.each<[string, string]>([
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["~~~", "fn5-"],
    ["???", "Pz8_"],
    ["é", "w6k"],
  ])("encodes %j as %j", (text, encoded) => {
    expect(encodeBase64Url(text)).toBe(encoded);
    expect(decodeBase64Url(encoded)).toBe(text);
  });

  it("round-trips any unicode string", () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        expect(decodeBase64Url(encodeBase64Url(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("uses only the URL-safe alphabet, unpadded, and agrees with Node's base64url", () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        const encoded = encodeBase64Url(text);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(encoded).toBe(Buffer.from(text, "utf8").toString("base64url"));
        expect(encoded.length).toBe(Math.ceil((Buffer.byteLength(text, "utf8") * 4) / 3));
      }),
    );
  });

  it("decodes what Node encodes", () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        expect(decodeBase64Url(Buffer.from(text, "utf8").toString("base64url"))).toBe(text);
      }),
    );
  });

  it.each([
    ["padding", "Zg=="],
    ["standard base64 '+'", "fn5+"],
    ["standard base64 '/'", "Pz8/"],
    ["a space", "Zm9 v"],
    ["a newline", "Zm9v\n"],
    ["non-ASCII", "Zm9é"],
    ["a length of 1 mod 4", "Zm9vY"],
    ["bytes that are not UTF-8", "_w"],
    ["an overlong UTF-8 lead byte", "wA"],
    ["a truncated multi-byte sequence", "4oI"],
  ])("refuses %s", (_, encoded) => {
    expect(() => decodeBase64Url(encoded)).toThrow();
  });

  it("refuses any input with a character outside the alphabet", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1, maxLength: 3 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)),
        fc.string(),
        (before, bad, after) => {
          const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "");
          expect(() => decodeBase64Url(clean(before) + bad + clean(after))).toThrow();
        },
      ),
    );
  });
});
