import type { ChatMessage, ChatMessageType, ChatParticipant, ChatThreadProperties } from "@azure/communication-chat";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import type { JSONValue } from "../../../src/mapping/json.js";
import { toConversationData } from "../../../src/mapping/conversation.js";
import { changeStamp, messageKind, toMessageData } from "../../../src/mapping/message.js";
import { toAcsParticipant, toParticipantData } from "../../../src/mapping/participant.js";

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

const ALICE = "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000020-0000-0000-0000-00000000000a";
const BOB = "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000020-0000-0000-0000-00000000000b";
const CREATED = new Date("2024-05-01T10:00:00Z");
const EDITED = new Date("2024-05-01T10:05:00Z");

/** A user text message as the ACS SDK returns it from listMessages / getMessage. */
function chatMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: "1714557600000",
    type: "text",
    sequenceId: "7",
    version: "1714557600000",
    content: { message: "hello" },
    senderDisplayName: "Alice",
    createdOn: CREATED,
    sender: { kind: "communicationUser", communicationUserId: ALICE },
    metadata: { twilioAttributes: '{"importance":"high"}' },
    ...overrides,
  };
}

function systemMessage(type: ChatMessageType, overrides: Partial<ChatMessage> = {}): ChatMessage {
  const base: ChatMessage = {
    id: "1714557500000",
    type,
    sequenceId: "3",
    version: "1714557500000",
    createdOn: CREATED,
    content:
      type === "topicUpdated"
        ? { topic: "New topic", initiator: { kind: "communicationUser", communicationUserId: ALICE } }
        : { participants: [{ id: { communicationUserId: BOB }, displayName: "bob" }], initiator: { kind: "communicationUser", communicationUserId: ALICE } },
  };
  return { ...base, ...overrides };
}

describe("messageKind", () => {
  it.each<ChatMessageType>(["text", "html"])("reads a %s message as a user message", (type) => {
    expect(messageKind(chatMessage({ type }))).toBe("user");
    expect(messageKind(chatMessage({ type, metadata: undefined }))).toBe("user");
  });

  it.each<ChatMessageType>(["topicUpdated", "participantAdded", "participantRemoved"])("reads %s as a system message", (type) => {
    expect(messageKind(systemMessage(type))).toBe("system");
  });

  it("reads a type it does not know as a system message", () => {
    expect(messageKind(chatMessage({ type: "somethingNew" as ChatMessageType }))).toBe("system");
  });

  it.each<ChatMessageType>(["text", "html"])("reads a %s message with control metadata as control", (type) => {
    expect(messageKind(chatMessage({ type, metadata: { twilioControl: "messageAttributes", twilioControlTarget: "1", twilioAttributes: "{}" } }))).toBe("control");
    expect(messageKind(chatMessage({ type, metadata: { twilioControl: "garbled" } }))).toBe("control");
  });

  it("reads a deleted message as deleted, whatever else it carries", () => {
    const deletedOn = new Date("2024-05-01T11:00:00Z");
    expect(messageKind(chatMessage({ deletedOn, content: undefined }))).toBe("deleted");
    expect(messageKind(chatMessage({ deletedOn, type: "html" }))).toBe("deleted");
    expect(messageKind(chatMessage({ deletedOn, metadata: { twilioControl: "messageAttributes" } }))).toBe("deleted");
    expect(messageKind(systemMessage("participantAdded", { deletedOn }))).toBe("deleted");
  });

  it("does not treat system messages with control metadata as control", () => {
    expect(messageKind(systemMessage("topicUpdated", { metadata: { twilioControl: "messageAttributes" } }))).toBe("system");
  });
});

describe("toMessageData", () => {
  it("maps every field of a user message", () => {
    expect(toMessageData(chatMessage())).toEqual({
      sid: "1714557600000",
      index: 7,
      body: "hello",
      senderUserId: ALICE,
      senderDisplayName: "Alice",
      attributes: { importance: "high" },
      dateCreated: CREATED,
      dateUpdated: CREATED,
      edited: false,
      version: "1714557600000",
    });
  });

  it("reports an edited message: dateUpdated is editedOn and edited is true", () => {
    const data = toMessageData(chatMessage({ editedOn: EDITED, version: "1714557900000", content: { message: "hello!" } }));
    expect(data.dateUpdated).toEqual(EDITED);
    expect(data.dateCreated).toEqual(CREATED);
    expect(data.edited).toBe(true);
    expect(data.version).toBe("1714557900000");
    expect(data.body).toBe("hello!");
  });

  it("reads an empty or absent display name as null", () => {
    expect(toMessageData(chatMessage({ senderDisplayName: "" })).senderDisplayName).toBeNull();
    expect(toMessageData(chatMessage({ senderDisplayName: undefined })).senderDisplayName).toBeNull();
  });

  it("reads a sender that is not an ACS user, or none, as null", () => {
    expect(toMessageData(chatMessage({ sender: undefined })).senderUserId).toBeNull();
    expect(toMessageData(chatMessage({ sender: { kind: "phoneNumber", phoneNumber: "+14255550123" } })).senderUserId).toBeNull();
    expect(toMessageData(chatMessage({ sender: { kind: "microsoftTeamsUser", microsoftTeamsUserId: "aad-id" } })).senderUserId).toBeNull();
    expect(toMessageData(chatMessage({ sender: { kind: "unknown", id: "28:bot" } })).senderUserId).toBeNull();
  });

  it("reads the body: absent content is null, an empty message is empty", () => {
    expect(toMessageData(chatMessage({ content: undefined })).body).toBeNull();
    expect(toMessageData(chatMessage({ content: {} })).body).toBeNull();
    expect(toMessageData(chatMessage({ content: { message: "" } })).body).toBe("");
    expect(toMessageData(chatMessage({ type: "html", content: { message: "<p>hi</p>" } })).body).toBe("<p>hi</p>");
  });

  it("decodes attributes: absent is {}, text that is not JSON stays a string", () => {
    expect(toMessageData(chatMessage({ metadata: undefined })).attributes).toEqual({});
    expect(toMessageData(chatMessage({ metadata: { other: "x" } })).attributes).toEqual({});
    expect(toMessageData(chatMessage({ metadata: { twilioAttributes: "plain" } })).attributes).toBe("plain");
    expect(toMessageData(chatMessage({ metadata: { twilioAttributes: "[1,null]" } })).attributes).toEqual([1, null]);
  });

  it("takes the index from any valid sequenceId and the attributes from any JSON", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.jsonValue({ maxDepth: 3 }), (index, attributes) => {
        const data = toMessageData(chatMessage({ sequenceId: String(index), metadata: { twilioAttributes: JSON.stringify(attributes) } }));
        expect(data.index).toBe(index);
        expect(data.attributes).toEqual(withoutNegativeZero(attributes));
      }),
    );
  });

  it.each(["0", "", "abc", "-4", "01"])("refuses sequenceId %j", (sequenceId) => {
    expect(() => toMessageData(chatMessage({ sequenceId }))).toThrow(RangeError);
  });
});

describe("toParticipantData", () => {
  const participant = (overrides: Partial<ChatParticipant> = {}): ChatParticipant => ({
    id: { kind: "communicationUser", communicationUserId: ALICE } as ChatParticipant["id"],
    displayName: "Alice Display",
    shareHistoryTime: new Date(0),
    metadata: { twilioIdentity: "alice", twilioAttributes: '{"role":"agent"}' },
    ...overrides,
  });

  it("maps an ACS user with attributes in metadata", () => {
    expect(toParticipantData(participant())).toEqual({ sid: ALICE, attributes: { role: "agent" }, displayName: "Alice Display" });
  });

  it("takes no identity from what the adder wrote (metadata, display name): the resolver decides", () => {
    const data = toParticipantData(participant({ metadata: { twilioIdentity: "ceo" }, displayName: "ceo" }));
    expect(data).not.toHaveProperty("identity");
    expect(data?.displayName).toBe("ceo");
    expect(toParticipantData(participant({ metadata: undefined, displayName: undefined }))?.displayName).toBeNull();
  });

  it("reads absent attributes as {} and non-JSON attributes as the raw string", () => {
    expect(toParticipantData(participant({ metadata: { twilioIdentity: "alice" } }))?.attributes).toEqual({});
    expect(toParticipantData(participant({ metadata: { twilioAttributes: "raw" } }))?.attributes).toBe("raw");
  });

  it("accepts an identifier without `kind` (as passed to the SDK)", () => {
    expect(toParticipantData(participant({ id: { communicationUserId: BOB } }))?.sid).toBe(BOB);
  });

  it.each<[string, ChatParticipant["id"]]>([
    ["a phone number", { kind: "phoneNumber", phoneNumber: "+14255550123" } as ChatParticipant["id"]],
    ["a Teams user", { kind: "microsoftTeamsUser", microsoftTeamsUserId: "aad-object-id" } as ChatParticipant["id"]],
    ["an unknown identifier", { kind: "unknown", id: "28:bot" } as ChatParticipant["id"]],
    ["a phone number without kind", { phoneNumber: "+14255550123" }],
  ])("ignores %s", (_, id) => {
    expect(toParticipantData(participant({ id }))).toBeUndefined();
  });
});

describe("toAcsParticipant", () => {
  it("uses the identity as display name and in metadata, with attributes as JSON", () => {
    expect(toAcsParticipant(BOB, "bob", { vip: true })).toEqual({
      id: { communicationUserId: BOB },
      displayName: "bob",
      metadata: { twilioIdentity: "bob", twilioAttributes: '{"vip":true}' },
    });
  });

  it("writes no attributes key when there are no attributes", () => {
    const acs = toAcsParticipant(BOB, "bob", undefined);
    expect(acs.metadata).toEqual({ twilioIdentity: "bob" });
  });

  it("writes null attributes (a JSON value)", () => {
    expect(toAcsParticipant(BOB, "bob", null).metadata).toEqual({ twilioIdentity: "bob", twilioAttributes: "null" });
  });

  it("refuses attributes that are not JSON", () => {
    expect(() => toAcsParticipant(BOB, "bob", { f: () => 1 } as never)).toThrow(InvalidArgumentError);
  });

  it("round-trips through toParticipantData", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).map((s) => `8:acs:${s}`),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
        fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
        (userId, identity, attributes) => {
          expect(toParticipantData(toAcsParticipant(userId, identity, attributes as JSONValue | undefined))).toEqual({
            sid: userId,
            attributes: attributes === undefined ? {} : withoutNegativeZero(attributes),
            displayName: identity,
          });
        },
      ),
    );
  });
});

describe("toConversationData", () => {
  const thread = (overrides: Partial<ChatThreadProperties> = {}): ChatThreadProperties => ({
    id: "19:acsV1_abcdef0123456789@thread.v2",
    topic: "Support",
    createdOn: CREATED,
    createdBy: { kind: "communicationUser", communicationUserId: ALICE },
    metadata: { twilioUniqueName: "support-42", twilioAttributes: '{"priority":2}', appKey: "kept" },
    ...overrides,
  });

  it("maps every field of a thread", () => {
    expect(toConversationData(thread())).toEqual({
      sid: "19:acsV1_abcdef0123456789@thread.v2",
      friendlyName: "Support",
      uniqueName: "support-42",
      attributes: { priority: 2 },
      createdByUserId: ALICE,
      dateCreated: CREATED,
      imported: {},
      metadata: { twilioUniqueName: "support-42", twilioAttributes: '{"priority":2}', appKey: "kept" },
    });
  });

  it("reads an empty topic as no friendly name", () => {
    expect(toConversationData(thread({ topic: "" })).friendlyName).toBeNull();
    expect(toConversationData(thread({ topic: " " })).friendlyName).toBe(" ");
  });

  it("reads a thread without metadata: no unique name, {} attributes, {} metadata", () => {
    const data = toConversationData(thread({ metadata: undefined }));
    expect(data.uniqueName).toBeNull();
    expect(data.attributes).toEqual({});
    expect(data.metadata).toEqual({});
  });

  it("keeps non-JSON attributes as the raw string", () => {
    expect(toConversationData(thread({ metadata: { twilioAttributes: "legacy" } })).attributes).toBe("legacy");
  });

  it("reads a creator that is not an ACS user, or none, as null", () => {
    expect(toConversationData(thread({ createdBy: undefined })).createdByUserId).toBeNull();
    expect(toConversationData(thread({ createdBy: { kind: "microsoftTeamsUser", microsoftTeamsUserId: "aad" } })).createdByUserId).toBeNull();
    expect(toConversationData(thread({ createdBy: { kind: "phoneNumber", phoneNumber: "+14255550123" } })).createdByUserId).toBeNull();
  });

  it("maps any topic, unique name and attributes", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.option(fc.string({ maxLength: 40 }), { nil: undefined }), fc.jsonValue({ maxDepth: 3 }), (topic, uniqueName, attributes) => {
        const metadata: Record<string, string> = { twilioAttributes: JSON.stringify(attributes) };
        if (uniqueName !== undefined) metadata.twilioUniqueName = uniqueName;
        const data = toConversationData(thread({ topic, metadata }));
        expect(data.friendlyName).toBe(topic === "" ? null : topic);
        // An empty unique name is how a removed one is stored: it reads as none.
        expect(data.uniqueName).toBe(uniqueName || null);
        expect(data.attributes).toEqual(withoutNegativeZero(attributes));
        expect(data.metadata).toEqual(metadata);
      }),
    );
  });
});

describe("changeStamp", () => {
  it("is the latest of creation, edit and deletion", () => {
    const created = new Date(1000);
    const base = { id: "1", type: "text", sequenceId: "3", version: "1", createdOn: created } as ChatMessage;
    expect(changeStamp(base)).toBe(1000);
    expect(changeStamp({ ...base, editedOn: new Date(2000) })).toBe(2000);
    expect(changeStamp({ ...base, editedOn: new Date(2000), deletedOn: new Date(3000) })).toBe(3000);
  });
});
