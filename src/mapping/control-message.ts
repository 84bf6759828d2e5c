/**
 * Updates ACS cannot make in place, carried as messages in the thread itself. ACS lets only a
 * message's sender edit it and has no participant update, but Twilio apps update attributes of
 * others' messages (reactions) and of participants. Such an update is sent as a control message
 * (marked in metadata, hidden from every Twilio-shaped read) that every client folds into its
 * target. Native ACS clients see them as ordinary messages with an explanatory text.
 */
import { encodeAttributes } from "./attributes.js";
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
  | { kind: "participantAttributes"; attributesByUserId: Record<string, JSONValue>; origins: Record<string, string> };

const TARGET_KEY = "twilioControlTarget";
const ORIGINS_KEY = "twilioControlOrigins";

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
  return {
    content: "(participant attributes updated by twilio-conversations-acs)",
    metadata: {
      [METADATA_KEYS.control]: control.kind,
      [METADATA_KEYS.attributes]: encodeAttributes(control.attributesByUserId),
      ...(Object.keys(control.origins).length > 0 ? { [ORIGINS_KEY]: JSON.stringify(control.origins) } : {}),
    },
  };
}

/** Whether a message's metadata marks it as a control message (even a malformed one). */
export const isControlMetadata = (metadata: Record<string, string> | undefined): boolean =>
  metadata?.[METADATA_KEYS.control] !== undefined;

/** The control update a message carries; undefined for ordinary or malformed ones. */
export function decodeControlMessage(metadata: Record<string, string> | undefined): ControlMessage | undefined {
  if (!metadata || !isControlMetadata(metadata)) return undefined;
  const attributes = parseJson(metadata[METADATA_KEYS.attributes]);
  if (attributes === undefined) return undefined;
  const kind = metadata[METADATA_KEYS.control];
  if (kind === "messageAttributes") {
    const targetMessageId = metadata[TARGET_KEY];
    return targetMessageId ? { kind, targetMessageId, attributes: attributes.value } : undefined;
  }
  const value = attributes.value;
  if (kind === "participantAttributes" && isRecord(value)) {
    const originsText = metadata[ORIGINS_KEY];
    const origins = originsText === undefined ? {} : parseJson(originsText)?.value;
    if (origins === undefined) return undefined;
    if (!isRecord(origins) || !Object.values(origins).every((id) => typeof id === "string")) return undefined;
    return { kind, attributesByUserId: value, origins: origins as Record<string, string> };
  }
  return undefined;
}

/** JSON text, parsed; undefined when absent or not JSON (a wrapper, since `null` is valid JSON). */
function parseJson(text: string | undefined): { value: JSONValue } | undefined {
  if (text === undefined) return undefined;
  try {
    return { value: JSON.parse(text) as JSONValue };
  } catch {
    return undefined;
  }
}

function isRecord(value: JSONValue): value is { [key: string]: JSONValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
