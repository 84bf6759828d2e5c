/** ACS chat messages -> the data of a Twilio Message. */
import type { ChatMessage } from "@azure/communication-chat";
import { decodeAttributes } from "./attributes.js";
import { isControlMetadata } from "./control-message.js";
import { decodeImportedMessage, shownTimes } from "./imported-message.js";
import type { JSONValue } from "./json.js";
import { indexFromSequenceId } from "./message-index.js";
import { userIdOf } from "./identifier.js";

/**
 * What a message of an ACS thread is to a Twilio app: a user message (a Twilio Message), a
 * system message (participants or topic changed: events, not Messages), a control message
 * (folded into its target), or deleted (gone, as Twilio removes deleted messages).
 */
export type MessageKind = "user" | "system" | "control" | "deleted";

export function messageKind(message: ChatMessage): MessageKind {
  if (message.deletedOn) return "deleted";
  if (message.type !== "text" && message.type !== "html") return "system";
  return isControlMetadata(message.metadata) ? "control" : "user";
}

export interface MessageData {
  sid: string;
  index: number;
  body: string | null;
  /** The ACS user id of the sender; the Twilio identity is resolved from it. */
  senderUserId: string | null;
  senderDisplayName: string | null;
  attributes: JSONValue;
  /** When it was created: for a message imported from Twilio, its original time (see imported-message.ts). */
  dateCreated: Date;
  /** When the message was last edited, else when it was created (as Twilio reports). */
  dateUpdated: Date;
  edited: boolean;
  /** ACS `version`: changes with every edit, so a changed version means changed data. */
  version: string;
}

export function toMessageData(message: ChatMessage): MessageData {
  const sender = userIdOf(message.sender);
  const { dateCreated, dateUpdated } = shownTimes(message, decodeImportedMessage(message.metadata));
  return {
    sid: message.id,
    index: indexFromSequenceId(message.sequenceId),
    // Typed by ACS's word only: a raw REST sender's odd JSON must not reach the app as a "string".
    body: typeof message.content?.message === "string" ? message.content.message : null,
    senderUserId: sender,
    senderDisplayName: (typeof message.senderDisplayName === "string" && message.senderDisplayName) || null,
    attributes: decodeAttributes(message.metadata),
    dateCreated,
    dateUpdated,
    edited: message.editedOn !== undefined,
    version: message.version,
  };
}

/** When a message last changed (created, edited or deleted), to tell an older copy from a newer one. */
export function changeStamp(message: ChatMessage): number {
  return Math.max(message.createdOn.getTime(), message.editedOn?.getTime() ?? 0, message.deletedOn?.getTime() ?? 0);
}
