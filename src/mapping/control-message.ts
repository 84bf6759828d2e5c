/**
 * Updates ACS cannot make in place, carried as messages in the thread itself. ACS lets only a
 * message's sender edit it and has no participant update, but Twilio apps update attributes of
 * others' messages (reactions) and of participants. Such an update is sent as a control message
 * (marked in metadata, hidden from every Twilio-shaped read) that every client folds into its
 * target. Native ACS clients see them as ordinary messages with an explanatory text.
 */
import { ACS_LIMITS } from "../acs/limits.js";
import { encodeAttributes } from "./attributes.js";
import { ATTRIBUTE_LIMITS, boundedText, ignoreProblems, metadataText, parseBoundedJson, type JsonLimits, type ReportProblem } from "./foreign-data.js";
import type { JSONValue } from "./json.js";
import { METADATA_KEYS } from "./metadata-keys.js";

export type ControlMessage =
  /** New attributes for one message. */
  | { kind: "messageAttributes"; targetMessageId: string; attributes: JSONValue }
  /**
   * The attributes of every participant whose attributes were updated, by ACS user id. `origins`
   * names, for each entry this message copies from an earlier snapshot, the control message that
   * set it there, so that a reader can check who set each entry; entries without an origin are
   * set by this message itself.
   */
  | { kind: "participantAttributes"; attributesByUserId: Record<string, JSONValue>; origins: Record<string, string> }
  /**
   * The thread's properties (attributes, unique name) changed. It carries nothing to trust: ACS
   * does not list a thread whose metadata changed as changed, so this message makes others read
   * the properties from ACS at once instead of at their next periodic read.
   */
  | { kind: "propertiesChanged" };

const TARGET_KEY = "twilioControlTarget";
const ORIGINS_KEY = "twilioControlOrigins";
/** ACS message ids are short decimal strings: anything much longer is not one. */
const MAX_TARGET_ID_LENGTH = 128;
/** A participant-attributes snapshot holds many participants' attributes (one level more): bounded by the message it travels in. */
const SNAPSHOT_LIMITS: JsonLimits = { maxBytes: ACS_LIMITS.messageSizeBytes, maxDepth: ATTRIBUTE_LIMITS.maxDepth + 1 };
/** Origins name one message id per participant. */
const ORIGINS_LIMITS: JsonLimits = { maxBytes: ACS_LIMITS.messageSizeBytes, maxDepth: 1 };

/** The content and metadata of the ACS message that carries a control update. */
export function encodeControlMessage(control: ControlMessage): { content: string; metadata: Record<string, string> } {
  if (control.kind === "messageAttributes") {
    return {
      content: `(attributes of message ${control.targetMessageId} updated by twilio-conversations-acs)`,
      metadata: {
        [METADATA_KEYS.control]: control.kind,
        [TARGET_KEY]: control.targetMessageId,
        [METADATA_KEYS.attributes]: encodeAttributes(control.attributes),
      },
    };
  }
  if (control.kind === "propertiesChanged") {
    return { content: "(conversation properties updated by twilio-conversations-acs)", metadata: { [METADATA_KEYS.control]: control.kind } };
  }
  return {
    content: "(participant attributes updated by twilio-conversations-acs)",
    metadata: {
      [METADATA_KEYS.control]: control.kind,
      [METADATA_KEYS.attributes]: encodeAttributes(control.attributesByUserId, "attributes", SNAPSHOT_LIMITS),
      ...(Object.keys(control.origins).length > 0 ? { [ORIGINS_KEY]: JSON.stringify(control.origins) } : {}),
    },
  };
}

/** Whether a message's metadata marks it as a control message (even a malformed one). */
export const isControlMetadata = (metadata: Record<string, string> | undefined): boolean =>
  metadata?.[METADATA_KEYS.control] !== undefined;

/** The control update a message carries; undefined (reported) for ordinary or malformed ones. */
export function decodeControlMessage(metadata: Record<string, string> | undefined, report: ReportProblem = ignoreProblems): ControlMessage | undefined {
  if (!metadata || !isControlMetadata(metadata)) return undefined;
  const control = decodeMarked(metadata);
  if (!control) report({ kind: "controlMessage", message: "Malformed control message ignored" });
  return control;
}

function decodeMarked(metadata: Record<string, string>): ControlMessage | undefined {
  const kind = metadataText(metadata, METADATA_KEYS.control);
  if (kind === "propertiesChanged") return { kind };
  const text = metadataText(metadata, METADATA_KEYS.attributes);
  if (text === undefined) return undefined;
  if (kind === "messageAttributes") {
    const targetMessageId = boundedText(metadataText(metadata, TARGET_KEY), MAX_TARGET_ID_LENGTH);
    const attributes = parseBoundedJson(text, ATTRIBUTE_LIMITS);
    return targetMessageId && "value" in attributes ? { kind, targetMessageId, attributes: attributes.value } : undefined;
  }
  if (kind !== "participantAttributes") return undefined;
  const snapshot = parseBoundedJson(text, SNAPSHOT_LIMITS);
  const value = "value" in snapshot ? snapshot.value : undefined;
  if (!isRecord(value)) return undefined;
  const originsText = metadataText(metadata, ORIGINS_KEY);
  const parsedOrigins = originsText === undefined ? { value: {} } : parseBoundedJson(originsText, ORIGINS_LIMITS);
  const origins = "value" in parsedOrigins ? parsedOrigins.value : undefined;
  if (!isRecord(origins) || !Object.values(origins).every((id) => typeof id === "string" && id.length <= MAX_TARGET_ID_LENGTH)) return undefined;
  return { kind, attributesByUserId: value, origins: origins as Record<string, string> };
}

function isRecord(value: JSONValue | undefined): value is { [key: string]: JSONValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
