import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import type { JSONValue } from "../../../src/mapping/json.js";
import { type ControlMessage, decodeControlMessage, encodeControlMessage, isControlMetadata } from "../../../src/mapping/control-message.js";

/** What a value becomes after JSON text: JSON has no -0. */
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

const userId = fc.oneof(fc.uuid().map((id) => `8:acs:${id}`), fc.string({ minLength: 1, maxLength: 20 }).map((s) => `8:acs:${s}`));

describe("encodeControlMessage", () => {
  it("marks a message-attributes update in metadata and explains it in the content", () => {
    const encoded = encodeControlMessage({ kind: "messageAttributes", targetMessageId: "1700000000123", attributes: { reactions: { "👍": ["alice"] } } });
    expect(encoded.metadata).toEqual({
      twilioControl: "messageAttributes",
      twilioControlTarget: "1700000000123",
      twilioAttributes: '{"reactions":{"👍":["alice"]}}',
    });
    expect(encoded.content).toContain("1700000000123");
  });

  it("marks a participant-attributes update in metadata", () => {
    const encoded = encodeControlMessage({ kind: "participantAttributes", attributesByUserId: { "8:acs:a": { role: "admin" }, "8:acs:b": null }, origins: { "8:acs:b": "m0" } });
    expect(encoded.metadata).toEqual({
      twilioControl: "participantAttributes",
      twilioAttributes: '{"8:acs:a":{"role":"admin"},"8:acs:b":null}',
      twilioControlOrigins: '{"8:acs:b":"m0"}',
    });
    expect(encoded.content.length).toBeGreaterThan(0);
  });

  it("marks a properties-changed signal, which carries nothing but its kind", () => {
    const encoded = encodeControlMessage({ kind: "propertiesChanged" });
    expect(encoded.metadata).toEqual({ twilioControl: "propertiesChanged" });
    expect(decodeControlMessage(encoded.metadata)).toEqual({ kind: "propertiesChanged" });
    // Anything riding along is ignored: readers read the properties from ACS, never from the signal.
    expect(decodeControlMessage({ ...encoded.metadata, twilioAttributes: '{"admin":true}' })).toEqual({ kind: "propertiesChanged" });
  });

  it("refuses attributes that are not JSON", () => {
    expect(() =>
      encodeControlMessage({ kind: "messageAttributes", targetMessageId: "1", attributes: { at: new Date(0) } as never }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      encodeControlMessage({ kind: "participantAttributes", attributesByUserId: { "8:acs:a": Number.NaN }, origins: {} }),
    ).toThrow(InvalidArgumentError);
  });
});

describe("decodeControlMessage", () => {
  it("round-trips message-attributes updates", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.jsonValue(), (targetMessageId, attributes) => {
        const control: ControlMessage = { kind: "messageAttributes", targetMessageId, attributes: attributes as JSONValue };
        const { metadata } = encodeControlMessage(control);
        expect(isControlMetadata(metadata)).toBe(true);
        expect(decodeControlMessage(metadata)).toEqual({ kind: "messageAttributes", targetMessageId, attributes: withoutNegativeZero(attributes) });
      }),
    );
  });

  it("round-trips participant-attributes updates", () => {
    fc.assert(
      fc.property(fc.dictionary(userId, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), fc.dictionary(userId, fc.string(), { maxKeys: 3 }), (attributesByUserId, origins) => {
        const { metadata } = encodeControlMessage({ kind: "participantAttributes", attributesByUserId: attributesByUserId as Record<string, JSONValue>, origins });
        expect(isControlMetadata(metadata)).toBe(true);
        expect(decodeControlMessage(metadata)).toEqual({ kind: "participantAttributes", attributesByUserId: withoutNegativeZero(attributesByUserId), origins });
      }),
    );
  });

  it("survives other metadata keys next to the control keys", () => {
    const { metadata } = encodeControlMessage({ kind: "messageAttributes", targetMessageId: "m1", attributes: [1] });
    expect(decodeControlMessage({ ...metadata, fileSharingMetadata: "[]" })).toEqual({ kind: "messageAttributes", targetMessageId: "m1", attributes: [1] });
  });

  it("is undefined for ordinary messages", () => {
    expect(decodeControlMessage(undefined)).toBeUndefined();
    expect(decodeControlMessage({})).toBeUndefined();
    expect(decodeControlMessage({ twilioAttributes: '{"a":1}' })).toBeUndefined();
    expect(decodeControlMessage({ twilioControlTarget: "m1", twilioAttributes: "{}" })).toBeUndefined();
  });

  it.each<[string, Record<string, string>]>([
    ["an unknown kind", { twilioControl: "somethingNew", twilioAttributes: "{}" }],
    ["an empty kind", { twilioControl: "", twilioAttributes: "{}" }],
    ["a message update without target", { twilioControl: "messageAttributes", twilioAttributes: "{}" }],
    ["a message update with an empty target", { twilioControl: "messageAttributes", twilioControlTarget: "", twilioAttributes: "{}" }],
    ["a message update without attributes", { twilioControl: "messageAttributes", twilioControlTarget: "m1" }],
    ["a message update with attributes that are not JSON", { twilioControl: "messageAttributes", twilioControlTarget: "m1", twilioAttributes: "{oops" }],
    ["a participant update without attributes", { twilioControl: "participantAttributes" }],
    ["a participant update with attributes that are not JSON", { twilioControl: "participantAttributes", twilioAttributes: "nope" }],
    ["a participant update with an array", { twilioControl: "participantAttributes", twilioAttributes: "[1,2]" }],
    ["a participant update with a number", { twilioControl: "participantAttributes", twilioAttributes: "42" }],
    ["a participant update with null", { twilioControl: "participantAttributes", twilioAttributes: "null" }],
    ["a participant update with a string", { twilioControl: "participantAttributes", twilioAttributes: '"x"' }],
    ["a participant update whose origins are not message ids", { twilioControl: "participantAttributes", twilioAttributes: "{}", twilioControlOrigins: '{"8:acs:a":1}' }],
    ["a participant update whose origins are not JSON", { twilioControl: "participantAttributes", twilioAttributes: "{}", twilioControlOrigins: "{" }],
  ])("is undefined for %s, which is still recognised as control", (_, metadata) => {
    expect(isControlMetadata(metadata)).toBe(true);
    expect(decodeControlMessage(metadata)).toBeUndefined();
  });

  it("never throws, and recognises control exactly by the twilioControl key", () => {
    const key = fc.constantFrom("twilioControl", "twilioControlTarget", "twilioAttributes", "twilioControlOrigins", "other");
    const value = fc.oneof(fc.constantFrom("messageAttributes", "participantAttributes", "{}", "[]", "null", ""), fc.string(), fc.json());
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (metadata) => {
        expect(isControlMetadata(metadata)).toBe(Object.prototype.hasOwnProperty.call(metadata, "twilioControl"));
        const decoded = decodeControlMessage(metadata);
        if (!isControlMetadata(metadata)) expect(decoded).toBeUndefined();
        if (decoded?.kind === "messageAttributes") {
          expect(decoded.targetMessageId).toBe(metadata.twilioControlTarget);
          expect(decoded.attributes).toEqual(JSON.parse(metadata.twilioAttributes ?? "invalid"));
        }
      }),
    );
  });
});

describe("isControlMetadata", () => {
  it("is false for absent or ordinary metadata", () => {
    expect(isControlMetadata(undefined)).toBe(false);
    expect(isControlMetadata({})).toBe(false);
    expect(isControlMetadata({ twilioAttributes: "{}", twilioIdentity: "alice" })).toBe(false);
  });

  it("is true for any twilioControl value", () => {
    expect(isControlMetadata({ twilioControl: "messageAttributes" })).toBe(true);
    expect(isControlMetadata({ twilioControl: "" })).toBe(true);
  });
});
