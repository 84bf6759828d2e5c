/**
 * Records -> the JSON the ACS service answers, with its field names and its habit of leaving
 * optional fields out rather than sending nulls.
 */
import type { MessageRecord, ParticipantRecord, ReadReceiptRecord, ThreadRecord } from "./state.js";

export interface CommunicationIdentifierModel {
  rawId: string;
  kind?: "communicationUser";
  communicationUser?: { id: string };
}

/** ACS writes dates as ISO 8601 UTC without fractions when there are none. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * "second": every date the Chat API answers is cut (not rounded) to the whole second, as the
 * real service does (message 1697712385894 came back with createdOn 10:46:25Z). Ids and
 * versions keep their milliseconds. "millisecond" writes the stored times as they are.
 */
export type TimestampPrecision = "second" | "millisecond";

export const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The date writer of one emulator. */
export type DateWriter = (ms: number) => string;

export const dateWriter = (precision: TimestampPrecision): DateWriter =>
  precision === "second" ? (ms) => isoDate(wholeSecond(ms)) : isoDate;

export const identifier = (rawId: string): CommunicationIdentifierModel => ({
  rawId,
  kind: "communicationUser",
  communicationUser: { id: rawId },
});

const withMetadata = (metadata: Record<string, string> | undefined) =>
  metadata && Object.keys(metadata).length > 0 ? { metadata } : {};

export function participantJson(participant: ParticipantRecord, date: DateWriter) {
  return {
    communicationIdentifier: identifier(participant.rawId),
    ...(participant.displayName !== undefined ? { displayName: participant.displayName } : {}),
    shareHistoryTime: date(participant.shareHistoryTime),
    ...withMetadata(participant.metadata),
  };
}

export function threadPropertiesJson(thread: ThreadRecord, date: DateWriter) {
  return {
    id: thread.id,
    topic: thread.topic,
    createdOn: date(thread.createdOn),
    createdByCommunicationIdentifier: identifier(thread.createdByRawId),
    ...(thread.deletedOn !== undefined ? { deletedOn: date(thread.deletedOn) } : {}),
    ...withMetadata(thread.metadata),
    ...(thread.retentionPolicy ? { retentionPolicy: thread.retentionPolicy } : {}),
  };
}

export function threadItemJson(thread: ThreadRecord, date: DateWriter) {
  return {
    id: thread.id,
    topic: thread.topic,
    ...(thread.deletedOn !== undefined ? { deletedOn: date(thread.deletedOn) } : {}),
    lastMessageReceivedOn: date(thread.lastMessageReceivedOn),
  };
}

function messageContentJson(message: MessageRecord, date: DateWriter, options: MessageJsonOptions) {
  if (message.deletedOn !== undefined) return undefined;
  switch (message.type) {
    case "text":
    case "html":
      return { message: message.message ?? "", ...(options.attachments ? { attachments: [] } : {}) };
    case "topicUpdated":
      return { topic: message.topic ?? "", initiatorCommunicationIdentifier: identifier(message.initiatorRawId!) };
    case "participantAdded":
    case "participantRemoved":
      return {
        participants: (message.participants ?? []).map((p) => participantJson(p, date)),
        initiatorCommunicationIdentifier: identifier(message.initiatorRawId!),
      };
  }
}

export interface MessageJsonOptions {
  /** Write `content.attachments: []` on text and html messages (newer api-versions). */
  attachments?: boolean;
}

export function messageJson(message: MessageRecord, date: DateWriter, options: MessageJsonOptions = {}) {
  const content = messageContentJson(message, date, options);
  const isUserMessage = message.type === "text" || message.type === "html";
  return {
    id: message.id,
    type: message.type,
    sequenceId: String(message.sequenceId),
    version: message.version,
    ...(content ? { content } : {}),
    ...(isUserMessage ? { senderDisplayName: message.senderDisplayName ?? "" } : {}),
    createdOn: date(message.createdOn),
    ...(message.senderRawId ? { senderCommunicationIdentifier: identifier(message.senderRawId) } : {}),
    ...(message.deletedOn !== undefined ? { deletedOn: date(message.deletedOn) } : {}),
    ...(message.editedOn !== undefined ? { editedOn: date(message.editedOn) } : {}),
    ...(message.deletedOn === undefined ? withMetadata(message.metadata) : {}),
  };
}

export function readReceiptJson(receipt: ReadReceiptRecord, date: DateWriter) {
  return {
    senderCommunicationIdentifier: identifier(receipt.senderRawId),
    chatMessageId: receipt.chatMessageId,
    readOn: date(receipt.readOn),
  };
}
