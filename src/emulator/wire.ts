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

export const identifier = (rawId: string): CommunicationIdentifierModel => ({
  rawId,
  kind: "communicationUser",
  communicationUser: { id: rawId },
});

const withMetadata = (metadata: Record<string, string> | undefined) =>
  metadata && Object.keys(metadata).length > 0 ? { metadata } : {};

export function participantJson(participant: ParticipantRecord) {
  return {
    communicationIdentifier: identifier(participant.rawId),
    ...(participant.displayName !== undefined ? { displayName: participant.displayName } : {}),
    shareHistoryTime: isoDate(participant.shareHistoryTime),
    ...withMetadata(participant.metadata),
  };
}

export function threadPropertiesJson(thread: ThreadRecord) {
  return {
    id: thread.id,
    topic: thread.topic,
    createdOn: isoDate(thread.createdOn),
    createdByCommunicationIdentifier: identifier(thread.createdByRawId),
    ...(thread.deletedOn !== undefined ? { deletedOn: isoDate(thread.deletedOn) } : {}),
    ...withMetadata(thread.metadata),
    ...(thread.retentionPolicy ? { retentionPolicy: thread.retentionPolicy } : {}),
  };
}

export function threadItemJson(thread: ThreadRecord) {
  return {
    id: thread.id,
    topic: thread.topic,
    ...(thread.deletedOn !== undefined ? { deletedOn: isoDate(thread.deletedOn) } : {}),
    lastMessageReceivedOn: isoDate(thread.lastMessageReceivedOn),
  };
}

function messageContentJson(message: MessageRecord) {
  if (message.deletedOn !== undefined) return undefined;
  switch (message.type) {
    case "text":
    case "html":
      return { message: message.message ?? "" };
    case "topicUpdated":
      return { topic: message.topic ?? "", initiatorCommunicationIdentifier: identifier(message.initiatorRawId!) };
    case "participantAdded":
    case "participantRemoved":
      return {
        participants: (message.participants ?? []).map(participantJson),
        initiatorCommunicationIdentifier: identifier(message.initiatorRawId!),
      };
  }
}

export function messageJson(message: MessageRecord) {
  const content = messageContentJson(message);
  const isUserMessage = message.type === "text" || message.type === "html";
  return {
    id: message.id,
    type: message.type,
    sequenceId: String(message.sequenceId),
    version: message.version,
    ...(content ? { content } : {}),
    ...(isUserMessage ? { senderDisplayName: message.senderDisplayName ?? "" } : {}),
    createdOn: isoDate(message.createdOn),
    ...(message.senderRawId ? { senderCommunicationIdentifier: identifier(message.senderRawId) } : {}),
    ...(message.deletedOn !== undefined ? { deletedOn: isoDate(message.deletedOn) } : {}),
    ...(message.editedOn !== undefined ? { editedOn: isoDate(message.editedOn) } : {}),
    ...(message.deletedOn === undefined ? withMetadata(message.metadata) : {}),
  };
}

export function readReceiptJson(receipt: ReadReceiptRecord) {
  return {
    senderCommunicationIdentifier: identifier(receipt.senderRawId),
    chatMessageId: receipt.chatMessageId,
    readOn: isoDate(receipt.readOn),
  };
}
