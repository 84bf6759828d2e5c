/**
 * Hostile participants: whatever another participant writes into ACS (any metadata, any content,
 * typed or not as ACS promises) goes through every decode function without an exception, and the
 * results have their declared types and stay within the bounds (16 KB / 32 levels of attributes,
 * bounded file descriptions).
 */
import type { ChatMessage, ChatParticipant, ChatThreadProperties } from "@azure/communication-chat";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAttributes, encodeAttributes } from "../../../src/mapping/attributes.js";
import { decodeControlMessage, encodeControlMessage } from "../../../src/mapping/control-message.js";
import { toConversationData } from "../../../src/mapping/conversation.js";
import { ATTRIBUTE_LIMITS, nestingDepth, parseBoundedJson, type ForeignDataProblem } from "../../../src/mapping/foreign-data.js";
import { decodeMediaMetadata } from "../../../src/mapping/media-metadata.js";
import { messageKind, toMessageData } from "../../../src/mapping/message.js";
import { toParticipantData } from "../../../src/mapping/participant.js";
import { InvalidArgumentError, LimitExceededError } from "../../../src/errors.js";

const deepArray = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

/** JSON text an attacker might write: deep, huge, or plain garbage. */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.json(),
  fc.integer({ min: 0, max: 12_000 }).map(deepArray),
  fc.integer({ min: 0, max: 6_000 }).map(deepObject),
  fc.integer({ min: 0, max: 40_000 }).map((n) => JSON.stringify("x".repeat(n))),
  fc.integer({ min: 1, max: 64 }).map((n) => `["${"\\\"[".repeat(n)}"]`), // brackets inside strings
);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(fc.anything(), fc.string({ maxLength: 5000 }), fc.constantFrom("png", "", "../x", "javascript:alert(1)", null, 42, {}, []));

/** fileSharingMetadata items with every field possibly of the wrong type. */
const hostileFileSharing: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.record(
        { id: anyValue, name: anyValue, extension: anyValue, url: anyValue, contentType: anyValue, size: anyValue, category: anyValue, twilioMedia: anyValue, unnamed: anyValue },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    { maxLength: 80 },
  )
  .map((items) => JSON.stringify(items) ?? "null");

const knownKey = fc.constantFrom(
  "twilioAttributes",
  "twilioIdentity",
  "twilioUniqueName",
  "twilioControl",
  "twilioControlTarget",
  "twilioParticipantAttributes",
  "fileSharingMetadata",
  "hasAttachment",
  "attachmentUrl",
);

/** Metadata as ACS promises it (strings), and as a raw REST sender might make it arrive (anything). */
const hostileMetadata: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.dictionary(fc.oneof(knownKey, fc.string()), fc.oneof(hostileText, hostileFileSharing, fc.constantFrom("true", "messageAttributes", "participantAttributes"))),
  fc.dictionary(fc.oneof(knownKey, fc.string()), anyValue),
  anyValue,
) as fc.Arbitrary<Record<string, string>>;

const RUNS = { numRuns: 300 };

/** Bounded attributes: not deeper than the limit (JSON.stringify itself would overflow past a few thousand). */
function expectBoundedAttributes(value: unknown, rawText: string | undefined, maxDepth = ATTRIBUTE_LIMITS.maxDepth): void {
  const text = JSON.stringify(value);
  expect(typeof text).toBe("string");
  if (typeof value === "string" && value === rawText) return; // delivered as the plain text it was
  expect(nestingDepth(text)).toBeLessThanOrEqual(maxDepth);
}

describe("decode functions given anything another participant writes", () => {
  it("decodeAttributes never throws; what it parses is within 16 KB and 32 levels, else the raw text", () => {
    fc.assert(
      fc.property(hostileMetadata, (metadata) => {
        const problems: ForeignDataProblem[] = [];
        const value = decodeAttributes(metadata, (p) => problems.push(p));
        const raw = typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>).twilioAttributes : undefined;
        expectBoundedAttributes(value, typeof raw === "string" ? raw : undefined);
        const parsed = typeof raw === "string" ? parseBoundedJson(raw, ATTRIBUTE_LIMITS) : undefined;
        if (parsed && "overLimit" in parsed) {
          expect(value).toBe(raw);
          // Over the limits is reported; text that is simply not JSON is a native client's right.
          expect(problems.length).toBe(parsed.overLimit ? 1 : 0);
        }
      }),
      RUNS,
    );
  });

  it("decodeAttributes keeps 9,000 levels of nesting (18 KB) as text, reported, without building them", () => {
    const problems: ForeignDataProblem[] = [];
    const text = deepArray(9000);
    expect(decodeAttributes({ twilioAttributes: text }, (p) => problems.push(p))).toBe(text);
    expect(problems).toEqual([expect.objectContaining({ kind: "attributes" })]);
    expect(decodeAttributes({ twilioAttributes: deepArray(32) })).toEqual(JSON.parse(deepArray(32)));
    expect(decodeAttributes({ twilioAttributes: deepArray(33) })).toBe(deepArray(33));
    const big = JSON.stringify({ text: "x".repeat(16 * 1024) });
    expect(decodeAttributes({ twilioAttributes: big })).toBe(big);
  });

  it("decodeControlMessage never throws and yields a well-formed control or undefined", () => {
    fc.assert(
      fc.property(hostileMetadata, (metadata) => {
        const control = decodeControlMessage(metadata, () => undefined);
        if (control === undefined) return;
        if (control.kind === "messageAttributes") {
          expect(typeof control.targetMessageId).toBe("string");
          expect(control.targetMessageId.length).toBeGreaterThan(0);
          expect(control.targetMessageId.length).toBeLessThanOrEqual(128);
          expectBoundedAttributes(control.attributes, undefined);
        } else if (control.kind === "propertiesChanged") {
          expect(control).toEqual({ kind: "propertiesChanged" });
        } else {
          expect(control.kind).toBe("participantAttributes");
          expect(control.attributesByUserId !== null && typeof control.attributesByUserId === "object" && !Array.isArray(control.attributesByUserId)).toBe(true);
          expectBoundedAttributes(control.attributesByUserId, undefined, ATTRIBUTE_LIMITS.maxDepth + 1);
        }
      }),
      RUNS,
    );
  });

  it("decodeControlMessage reports garbage markers and ignores them", () => {
    const problems: ForeignDataProblem[] = [];
    const report = (p: ForeignDataProblem) => problems.push(p);
    expect(decodeControlMessage({ twilioControl: "messageAttributes", twilioAttributes: "{}" }, report)).toBeUndefined(); // no target
    expect(decodeControlMessage({ twilioControl: "messageAttributes", twilioControlTarget: "1", twilioAttributes: deepObject(9000) }, report)).toBeUndefined();
    expect(decodeControlMessage({ twilioControl: "participantAttributes", twilioAttributes: "[1]" }, report)).toBeUndefined();
    expect(decodeControlMessage({ twilioControl: "<script>", twilioAttributes: "{}" }, report)).toBeUndefined();
    expect(problems.map((p) => p.kind)).toEqual(["controlMessage", "controlMessage", "controlMessage", "controlMessage"]);
  });

  it("decodeMediaMetadata never throws; every description it yields is typed and bounded", () => {
    fc.assert(
      fc.property(hostileMetadata, (metadata) => {
        const media = decodeMediaMetadata(metadata, () => undefined);
        expect(Array.isArray(media)).toBe(true);
        expect(media.length).toBeLessThanOrEqual(50);
        for (const m of media) {
          expect(typeof m.sid).toBe("string");
          expect(m.sid.length).toBeLessThanOrEqual(4096);
          expect(m.filename === null || (typeof m.filename === "string" && m.filename.length <= 4096)).toBe(true);
          expect(m.contentType).toMatch(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i);
          expect(Number.isSafeInteger(m.size) && m.size >= 0).toBe(true);
          expect(["media", "body", "history"]).toContain(m.category);
          expect(typeof m.url === "string" && m.url.length <= 4096).toBe(true);
          expect(typeof m.inStore).toBe("boolean");
          // A store id goes into the store's URL path: never a dot segment.
          if (m.inStore) expect(m.sid).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
        }
      }),
      RUNS,
    );
  });

  it("decodeMediaMetadata reads items with wrong field types as media with what is usable, drops those without an id, and reports it", () => {
    const sharing = JSON.stringify([
      { id: "a", name: "photo", extension: 7, url: "https://x.example/a" },
      { id: "b", name: ["x"], extension: { png: true }, url: "https://x.example/b" },
      { id: 3, name: "no id", url: "https://x.example/c" },
      { id: "..", name: "dots", url: "https://x.example/d", twilioMedia: true },
    ]);
    const problems: ForeignDataProblem[] = [];
    const media = decodeMediaMetadata({ fileSharingMetadata: sharing }, (p) => problems.push(p));
    expect(media.map((m) => [m.sid, m.filename, m.contentType, m.inStore])).toEqual([
      ["a", "photo", "application/octet-stream", false],
      ["b", null, "application/octet-stream", false],
      ["..", "dots", "application/octet-stream", false],
    ]);
    expect(problems).toEqual([expect.objectContaining({ kind: "media" })]);
  });

  it("toMessageData and messageKind never throw for any content and metadata, and type every field", () => {
    const message = fc.record({
      content: fc.oneof(fc.constant(undefined), fc.record({ message: anyValue }, { requiredKeys: [] })),
      senderDisplayName: anyValue,
      metadata: fc.oneof(fc.constant(undefined), hostileMetadata),
      type: fc.constantFrom("text", "html", "participantAdded", "topicUpdated", "garbage"),
    });
    fc.assert(
      fc.property(message, ({ content, senderDisplayName, metadata, type }) => {
        const raw = { id: "1", sequenceId: "5", version: "1", type, createdOn: new Date(1), content, senderDisplayName, metadata } as unknown as ChatMessage;
        expect(["user", "system", "control", "deleted"]).toContain(messageKind(raw));
        const data = toMessageData(raw);
        expect(data.body === null || typeof data.body === "string").toBe(true);
        expect(data.senderDisplayName === null || typeof data.senderDisplayName === "string").toBe(true);
        expectBoundedAttributes(data.attributes, typeof metadata === "object" && metadata !== null ? ((metadata as Record<string, unknown>).twilioAttributes as string) : undefined);
      }),
      RUNS,
    );
  });

  it("toParticipantData and toConversationData never throw and type every field", () => {
    fc.assert(
      fc.property(hostileMetadata, anyValue, (metadata, name) => {
        const participant = toParticipantData({ id: { communicationUserId: "8:acs:x" }, displayName: name, metadata } as ChatParticipant)!;
        expect(participant.displayName === null || typeof participant.displayName === "string").toBe(true);
        const conversation = toConversationData({ id: "t", topic: name, createdOn: new Date(1), metadata } as ChatThreadProperties);
        expect(conversation.friendlyName === null || typeof conversation.friendlyName === "string").toBe(true);
        expect(conversation.uniqueName === null || typeof conversation.uniqueName === "string").toBe(true);
        JSON.stringify([participant.attributes, conversation.attributes]);
      }),
      RUNS,
    );
  });
});

describe("what this library writes, every client reads back", () => {
  it("refuses attributes over 16 KB or nested over 32 levels before sending", () => {
    expect(() => encodeAttributes({ text: "x".repeat(16 * 1024) })).toThrow(LimitExceededError);
    expect(() => encodeAttributes(JSON.parse(deepArray(33)))).toThrow(InvalidArgumentError);
    expect(encodeAttributes(JSON.parse(deepArray(32)))).toBe(deepArray(32));
  });

  it("a participant-attributes snapshot may hold many participants' attributes at full size and depth", () => {
    const deepest = JSON.parse(deepArray(32)) as unknown[];
    const snapshot = { "8:acs:a": { text: "x".repeat(12 * 1024) }, "8:acs:b": deepest };
    const { metadata } = encodeControlMessage({ kind: "participantAttributes", attributesByUserId: snapshot as never, origins: { "8:acs:b": "1700000000001" } });
    expect(decodeControlMessage(metadata)).toEqual({ kind: "participantAttributes", attributesByUserId: snapshot, origins: { "8:acs:b": "1700000000001" } });
  });
});
