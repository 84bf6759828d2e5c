/**
 * ACS chat changes as Azure Event Grid events (Event Grid schema), in the shapes of ACS's
 * documented chat events: thread-level events once per change, user-level events once per
 * participant other than the one who caused the change.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { MessageRecord, ParticipantRecord, ThreadRecord } from "./state.js";
import { isoDate } from "./wire.js";

/** Identifiers in Event Grid payloads carry `rawId` and `communicationUser`, without `kind`. */
export interface EventIdentifier {
  rawId: string;
  communicationUser: { id: string };
}
const eventIdentifier = (rawId: string): EventIdentifier => ({ rawId, communicationUser: { id: rawId } });

export interface EventGridEvent<TType extends string = string, TData = unknown> {
  id: string;
  topic: string;
  subject: string;
  data: TData;
  eventType: TType;
  dataVersion: string;
  metadataVersion: "1";
  eventTime: string;
}

export interface EventThreadParticipant {
  displayName?: string;
  participantCommunicationIdentifier: EventIdentifier;
  metadata?: Record<string, string>;
}

interface UserLevel {
  recipientCommunicationIdentifier: EventIdentifier;
  transactionId: string;
  threadId: string;
}
interface ThreadLevel {
  transactionId: string;
  threadId: string;
}
interface MessageBase {
  messageId: string;
  senderCommunicationIdentifier: EventIdentifier;
  senderDisplayName?: string;
  composeTime: string;
  /** "Text" or "RichText/Html": not the REST enum. */
  type: string;
}
interface ThreadBase {
  createTime: string;
  version: number;
}

export interface AcsChatEventDataMap {
  "Microsoft.Communication.ChatMessageReceived": UserLevel & MessageBase & { version: number; messageBody: string; metadata: Record<string, string> };
  "Microsoft.Communication.ChatMessageEdited": UserLevel & MessageBase & { version: number; messageBody: string; metadata: Record<string, string>; editTime: string };
  "Microsoft.Communication.ChatMessageDeleted": UserLevel & MessageBase & { version: number; deleteTime: string };
  "Microsoft.Communication.ChatMessageReceivedInThread": ThreadLevel & MessageBase & { version: string; messageBody: string; metadata: Record<string, string> };
  "Microsoft.Communication.ChatMessageEditedInThread": ThreadLevel & MessageBase & { version: string; messageBody: string; metadata: Record<string, string>; editTime: string };
  "Microsoft.Communication.ChatMessageDeletedInThread": ThreadLevel & MessageBase & { version: string; deleteTime: string };
  "Microsoft.Communication.ChatThreadCreatedWithUser": UserLevel & ThreadBase & { createdByCommunicationIdentifier: EventIdentifier; properties: { topic: string }; metadata: Record<string, string>; participants: EventThreadParticipant[] };
  "Microsoft.Communication.ChatThreadCreated": ThreadLevel & ThreadBase & { createdByCommunicationIdentifier: EventIdentifier; properties: { topic: string }; metadata: Record<string, string>; participants: EventThreadParticipant[] };
  "Microsoft.Communication.ChatThreadWithUserDeleted": UserLevel & ThreadBase & { deletedByCommunicationIdentifier: EventIdentifier; deleteTime: string };
  "Microsoft.Communication.ChatThreadDeleted": ThreadLevel & ThreadBase & { deletedByCommunicationIdentifier: EventIdentifier; deleteTime: string };
  "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser": UserLevel & ThreadBase & { editedByCommunicationIdentifier: EventIdentifier; editTime: string; properties: { topic: string }; metadata: Record<string, string> };
  "Microsoft.Communication.ChatThreadPropertiesUpdated": ThreadLevel & ThreadBase & { editedByCommunicationIdentifier: EventIdentifier; editTime: string; properties: { topic: string }; metadata: Record<string, string> };
  "Microsoft.Communication.ChatParticipantAddedToThreadWithUser": UserLevel & ThreadBase & { time: string; addedByCommunicationIdentifier: EventIdentifier; participantAdded: EventThreadParticipant };
  "Microsoft.Communication.ChatThreadParticipantAdded": ThreadLevel & ThreadBase & { time: string; addedByCommunicationIdentifier: EventIdentifier; participantAdded: EventThreadParticipant };
  "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser": UserLevel & ThreadBase & { time: string; removedByCommunicationIdentifier: EventIdentifier; participantRemoved: EventThreadParticipant };
  "Microsoft.Communication.ChatThreadParticipantRemoved": ThreadLevel & ThreadBase & { time: string; removedByCommunicationIdentifier: EventIdentifier; participantRemoved: EventThreadParticipant };
}

export type AcsChatEventType = keyof AcsChatEventDataMap;
export type AcsChatEvent = { [K in AcsChatEventType]: EventGridEvent<K, AcsChatEventDataMap[K]> }[AcsChatEventType];

/** A change the chat service made, before it is fanned out into Event Grid events. */
export type ChatChange =
  | { kind: "threadCreated"; thread: ThreadRecord; at: number }
  | { kind: "messageSent" | "messageEdited" | "messageDeleted"; thread: ThreadRecord; message: MessageRecord; at: number }
  | { kind: "propertiesUpdated"; thread: ThreadRecord; byRawId: string; at: number }
  /** One request's additions: Event Grid has an event per participant, realtime one notification for all. */
  | { kind: "participantsAdded"; thread: ThreadRecord; byRawId: string; participants: ParticipantRecord[]; at: number }
  | { kind: "participantRemoved"; thread: ThreadRecord; byRawId: string; participant: ParticipantRecord; at: number; recipients: string[] }
  | { kind: "threadDeleted"; thread: ThreadRecord; byRawId: string; at: number; recipients: string[] }
  /** Realtime only: ACS publishes no Event Grid event for typing or read receipts. */
  | { kind: "typing"; thread: ThreadRecord; byRawId: string; senderDisplayName: string; at: number }
  | { kind: "readReceipt"; thread: ThreadRecord; byRawId: string; chatMessageId: string; at: number };

const eventParticipant = (participant: ParticipantRecord): EventThreadParticipant => ({
  ...(participant.displayName !== undefined ? { displayName: participant.displayName } : {}),
  participantCommunicationIdentifier: eventIdentifier(participant.rawId),
  ...(participant.metadata ? { metadata: participant.metadata } : {}),
});

/** "Text" or "RichText/Html", as ACS's events (Event Grid and realtime) name a message's type. */
export const eventMessageType = (message: MessageRecord): string => (message.type === "html" ? "RichText/Html" : "Text");

/** Turns one change into its thread-level event followed by its user-level events. */
export function toEventGridEvents(change: ChatChange, topic: string): AcsChatEvent[] {
  const { thread } = change;
  const transactionId = randomBytes(16).toString("base64").replace(/=+$/, "");
  const threadLevel = { transactionId, threadId: thread.id };
  const eventTime = new Date(change.at).toISOString();
  const make = <K extends AcsChatEventType>(eventType: K, subject: string, data: AcsChatEventDataMap[K]) =>
    ({ id: randomUUID(), topic, subject, data, eventType, dataVersion: "1.0", metadataVersion: "1", eventTime }) as AcsChatEvent;
  const forRecipients = <K extends AcsChatEventType>(
    recipients: Iterable<string>,
    exclude: string | undefined,
    eventType: K,
    subjectPrefix: string,
    data: Omit<AcsChatEventDataMap[K], keyof UserLevel>,
  ): AcsChatEvent[] =>
    [...recipients]
      .filter((rawId) => rawId !== exclude)
      .map((rawId) =>
        make(eventType, `${subjectPrefix}/recipient/${rawId}`, {
          ...data,
          recipientCommunicationIdentifier: eventIdentifier(rawId),
          ...threadLevel,
        } as AcsChatEventDataMap[K]),
      );
  const members = () => thread.participants.keys();
  const threadBase = { createTime: isoDate(thread.createdOn), version: change.at };
  const base = `thread/${thread.id}`;

  switch (change.kind) {
    case "threadCreated": {
      const data = {
        createdByCommunicationIdentifier: eventIdentifier(thread.createdByRawId),
        properties: { topic: thread.topic },
        metadata: thread.metadata ?? {},
        participants: [...thread.participants.values()].map(eventParticipant),
        ...threadBase,
      };
      const subject = `${base}/createdBy/${thread.createdByRawId}`;
      return [
        make("Microsoft.Communication.ChatThreadCreated", subject, { ...data, ...threadLevel }),
        ...forRecipients(members(), thread.createdByRawId, "Microsoft.Communication.ChatThreadCreatedWithUser", subject, data),
      ];
    }
    case "messageSent":
    case "messageEdited":
    case "messageDeleted": {
      const { message } = change;
      const sender = message.senderRawId!;
      const messageBase = {
        messageId: message.id,
        senderCommunicationIdentifier: eventIdentifier(sender),
        senderDisplayName: message.senderDisplayName ?? "",
        composeTime: new Date(message.createdOn).toISOString(),
        type: eventMessageType(message),
      };
      const body = { messageBody: message.message ?? "", metadata: message.metadata ?? {} };
      const subject = `${base}/sender/${sender}`;
      const version = Number(message.version);
      if (change.kind === "messageSent") {
        return [
          make("Microsoft.Communication.ChatMessageReceivedInThread", subject, { ...messageBase, ...body, version: message.version, ...threadLevel }),
          ...forRecipients(members(), sender, "Microsoft.Communication.ChatMessageReceived", subject, { ...messageBase, ...body, version }),
        ];
      }
      if (change.kind === "messageEdited") {
        const editTime = new Date(message.editedOn!).toISOString();
        return [
          make("Microsoft.Communication.ChatMessageEditedInThread", subject, { ...messageBase, ...body, editTime, version: message.version, ...threadLevel }),
          ...forRecipients(members(), sender, "Microsoft.Communication.ChatMessageEdited", subject, { ...messageBase, ...body, editTime, version }),
        ];
      }
      const deleteTime = new Date(message.deletedOn!).toISOString();
      return [
        make("Microsoft.Communication.ChatMessageDeletedInThread", subject, { ...messageBase, deleteTime, version: message.version, ...threadLevel }),
        ...forRecipients(members(), sender, "Microsoft.Communication.ChatMessageDeleted", subject, { ...messageBase, deleteTime, version }),
      ];
    }
    case "propertiesUpdated": {
      const data = {
        editedByCommunicationIdentifier: eventIdentifier(change.byRawId),
        editTime: eventTime,
        properties: { topic: thread.topic },
        metadata: thread.metadata ?? {},
        ...threadBase,
      };
      const subject = `${base}/editedBy/${change.byRawId}`;
      return [
        make("Microsoft.Communication.ChatThreadPropertiesUpdated", subject, { ...data, ...threadLevel }),
        ...forRecipients(members(), change.byRawId, "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser", subject, data),
      ];
    }
    case "participantsAdded":
      return change.participants.flatMap((participant) => {
        const data = {
          time: eventTime,
          addedByCommunicationIdentifier: eventIdentifier(change.byRawId),
          participantAdded: eventParticipant(participant),
          ...threadBase,
        };
        return [
          make("Microsoft.Communication.ChatThreadParticipantAdded", `${base}/participantadded/${participant.rawId}`, { ...data, ...threadLevel }),
          ...forRecipients(members(), change.byRawId, "Microsoft.Communication.ChatParticipantAddedToThreadWithUser", `${base}/participantAdded/${participant.rawId}`, data),
        ];
      });
    case "participantRemoved": {
      const data = {
        time: eventTime,
        removedByCommunicationIdentifier: eventIdentifier(change.byRawId),
        participantRemoved: eventParticipant(change.participant),
        ...threadBase,
      };
      return [
        make("Microsoft.Communication.ChatThreadParticipantRemoved", `${base}/participantremoved/${change.participant.rawId}`, { ...data, ...threadLevel }),
        ...forRecipients(change.recipients, change.byRawId, "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser", `${base}/participantRemoved/${change.participant.rawId}`, data),
      ];
    }
    case "threadDeleted": {
      const data = {
        deletedByCommunicationIdentifier: eventIdentifier(change.byRawId),
        deleteTime: eventTime,
        ...threadBase,
      };
      const subject = `${base}/deletedBy/${change.byRawId}`;
      return [
        make("Microsoft.Communication.ChatThreadDeleted", subject, { ...data, ...threadLevel }),
        ...forRecipients(change.recipients, change.byRawId, "Microsoft.Communication.ChatThreadWithUserDeleted", subject, data),
      ];
    }
    case "typing":
    case "readReceipt":
      return [];
  }
}
