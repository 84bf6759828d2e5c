/** Twilio's default conversation role, applied to control messages: own attributes, and reactions on others' messages. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameJson, twilioDefaultAttributePolicy, type AttributeChange } from "../../../src/conversations/attribute-policy.js";
import type { JSONValue } from "../../../src/mapping/json.js";

const alice = { userId: "8:acs:alice", identity: "alice" };
const mallory = { userId: "8:acs:mallory", identity: "mallory" };
const change = (overrides: Partial<AttributeChange>): AttributeChange => ({ kind: "message", sender: mallory, owner: alice, previous: {}, next: {}, ...overrides });

describe("twilioDefaultAttributePolicy", () => {
  it("lets anyone change their own message and participant attributes, to anything", () => {
    fc.assert(
      fc.property(fc.constantFrom("message" as const, "participant" as const), fc.jsonValue(), fc.jsonValue(), (kind, previous, next) =>
        twilioDefaultAttributePolicy(change({ kind, sender: alice, owner: alice, previous: previous as JSONValue, next: next as JSONValue })),
      ),
    );
  });

  it("refuses changes to others' participant attributes", () => {
    expect(twilioDefaultAttributePolicy(change({ kind: "participant", previous: {}, next: { role: "banned" } }))).toBe(false);
    expect(twilioDefaultAttributePolicy(change({ kind: "participant", previous: { a: 1 }, next: { a: 1 } }))).toBe(false);
  });

  it("on others' messages, allows changes of the reactions key only", () => {
    const previous = { approvedBy: "alice", amount: 100 };
    expect(twilioDefaultAttributePolicy(change({ previous, next: { ...previous, reactions: { "👍": ["mallory"] } } }))).toBe(true);
    expect(twilioDefaultAttributePolicy(change({ previous: { ...previous, reactions: { x: [] } }, next: previous }))).toBe(true);
    expect(twilioDefaultAttributePolicy(change({ previous, next: { approvedBy: "bob", amount: 100 } }))).toBe(false);
    expect(twilioDefaultAttributePolicy(change({ previous, next: { ...previous, extra: true } }))).toBe(false);
    expect(twilioDefaultAttributePolicy(change({ previous: "text", next: { reactions: {} } }))).toBe(false);
    expect(twilioDefaultAttributePolicy(change({ previous: [1], next: [1] }))).toBe(false);
  });

  it("never lets a change of another key through, whatever the values", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string(), fc.jsonValue({ maxDepth: 2 }), (previous, key, value) => {
        fc.pre(key !== "reactions" && !sameJson(previous[key] as JSONValue | undefined, value as JSONValue));
        const next = { ...previous, [key]: value } as JSONValue;
        expect(twilioDefaultAttributePolicy(change({ previous: previous as JSONValue, next }))).toBe(false);
      }),
    );
  });
});

describe("sameJson", () => {
  it("is equality of JSON text up to key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const normal = (v: unknown): unknown =>
          Array.isArray(v) ? v.map(normal) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, normal(x)])) : Object.is(v, -0) ? 0 : v;
        expect(sameJson(a as JSONValue, b as JSONValue)).toBe(JSON.stringify(normal(a)) === JSON.stringify(normal(b)));
        expect(sameJson(a as JSONValue, JSON.parse(JSON.stringify(a)) as JSONValue)).toBe(true);
      }),
    );
  });
});
