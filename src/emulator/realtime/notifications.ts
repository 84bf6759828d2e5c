/**
 * The publisher's mapping: each chat change as the realtime notifications ACS pushes for it, one
 * per recipient, in the payload shapes `@azure/communication-signaling` parses into the chat
 * SDK's events. Fields ACS writes as JSON inside a string (participants, thread properties,
 * metadata, the read receipt's body) are strings here too; participant and property strings are
 * percent-escaped, as the client unescapes them before parsing.
 *
 * Every participant gets every notification, the one who made the change included (their other
 * tabs and devices learn of it this way); the library ignores its own typing.
 */
import { eventMessageType, type ChatChange } from "../event-grid.js";
import type { ParticipantRecord, ThreadRecord } from "../state.js";

/** The chat SDK's realtime event names, with the Trouter event ids their payloads carry. */
export const REALTIME_EVENT_IDS = {
  chatMessageReceived: 200,
  typingIndicatorReceived: 245,
  readReceiptReceived: 246,
  chatMessageEdited: 247,
  chatMessageDeleted: 248,
  chatThreadCreated: 257,
  chatThreadPropertiesUpdated: 258,
  chatThreadDeleted: 259,
  participantsAdded: 260,
  participantsRemoved: 261,
} as const;

export type RealtimeEventName = keyof typeof REALTIME_EVENT_IDS;

export interface RealtimeNotification {
  /** The ACS user id this notification goes to. */
  recipient: string;
  event: RealtimeEventName;
  /** The JSON body of the Trouter request (its `eventId` names the event). */
  payload: Record<string, unknown>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const jsonString = (value: Record<string, string> | undefined): string => (value && Object.keys(value).length ? JSON.stringify(value) : "");
/** `escape()`d JSON, as the client runs `JSON.parse(unescape(...))` on these fields. */
const escapedJson = (value: unknown): string => escape(JSON.stringify(value));

interface ParticipantPayload {
  participantId: string;
  displayName: string;
  shareHistoryTime?: string;
  memberMetaData?: string;
}

function participantPayload(rawId: string, participant: ParticipantRecord | undefined): ParticipantPayload {
  return {
    participantId: rawId,
    displayName: participant?.displayName ?? "",
    ...(participant?.shareHistoryTime ? { shareHistoryTime: iso(participant.shareHistoryTime) } : {}),
    ...(participant?.metadata ? { memberMetaData: JSON.stringify(participant.metadata) } : {}),
  };
}

function threadProperties(thread: ThreadRecord) {
  const policy = thread.retentionPolicy;
  return {
    topic: thread.topic,
    ...(thread.metadata && Object.keys(thread.metadata).length ? { acsChatThreadMetadata: JSON.stringify(thread.metadata) } : {}),
    // .NET TimeSpan: `d.hh:mm:ss`.
    ...(policy?.kind === "threadCreationDate"
      ? { retentionPolicy: JSON.stringify({ retentionPolicyType: "DeleteAfterCreationTime", executeAfter: `${policy.deleteThreadAfterDays}.00:00:00` }) }
      : {}),
  };
}

/** The notifications one change makes, recipient by recipient. */
export function toNotifications(change: ChatChange): RealtimeNotification[] {
  const { thread } = change;
  const members = [...thread.participants.keys()];
  const to = (recipients: string[], event: RealtimeEventName, payload: (recipient: string) => Record<string, unknown>) =>
    recipients.map((recipient) => ({ recipient, event, payload: { eventId: REALTIME_EVENT_IDS[event], ...payload(recipient) } }));
  const participant = (rawId: string) => participantPayload(rawId, thread.participants.get(rawId));
  const version = String(change.at);
  /** Thread events carry no recipient: the same payload goes to each. */
  const threadEvent = (recipients: string[], event: RealtimeEventName, fields: Record<string, unknown>) =>
    to(recipients, event, () => ({ threadId: thread.id, version, ...fields }));
  const by = (rawId: string) => escapedJson(participant(rawId));

  switch (change.kind) {
    case "messageSent":
    case "messageEdited":
    case "messageDeleted": {
      const { message } = change;
      const base = (recipient: string) => ({
        senderId: message.senderRawId ?? "",
        recipientMri: recipient,
        groupId: thread.id,
        messageId: message.id,
        clientMessageId: "",
        senderDisplayName: message.senderDisplayName ?? "",
        messageType: eventMessageType(message),
        version: message.version,
        originalArrivalTime: iso(message.createdOn),
      });
      if (change.kind === "messageDeleted") {
        return to(members, "chatMessageDeleted", (r) => ({ ...base(r), deletetime: iso(message.deletedOn!) }));
      }
      const body = { messageBody: message.message ?? "", acsChatMessageMetadata: jsonString(message.metadata), attachments: "" };
      if (change.kind === "messageEdited") {
        return to(members, "chatMessageEdited", (r) => ({ ...base(r), ...body, edittime: iso(message.editedOn!) }));
      }
      return to(members, "chatMessageReceived", (r) => ({ ...base(r), ...body }));
    }
    case "typing":
      return to(members, "typingIndicatorReceived", (r) => ({
        senderId: change.byRawId,
        recipientMri: r,
        groupId: thread.id,
        version,
        senderDisplayName: change.senderDisplayName,
        originalArrivalTime: iso(change.at),
      }));
    case "readReceipt":
      return to(members, "readReceiptReceived", (r) => ({
        senderId: change.byRawId,
        recipientMri: r,
        groupId: thread.id,
        messageId: change.chatMessageId,
        clientMessageId: "",
        // Skype's consumption horizon: `<last read message id>;<read time, epoch ms>;<client message id>`.
        messageBody: JSON.stringify({
          user: change.byRawId,
          consumptionhorizon: `${change.chatMessageId};${change.at};${change.chatMessageId}`,
          messageVisibilityTime: Number(change.chatMessageId),
          version,
        }),
      }));
    case "threadCreated":
      return threadEvent(members, "chatThreadCreated", {
        createTime: iso(thread.createdOn),
        createdBy: escapedJson(participant(thread.createdByRawId)),
        members: escapedJson(members.map(participant)),
        properties: escapedJson(threadProperties(thread)),
      });
    case "propertiesUpdated":
      return threadEvent(members, "chatThreadPropertiesUpdated", { editTime: iso(change.at), editedBy: by(change.byRawId), properties: escapedJson(threadProperties(thread)) });
    case "threadDeleted":
      return threadEvent(change.recipients, "chatThreadDeleted", { deleteTime: iso(change.at), deletedBy: by(change.byRawId), reason: "deletedByUser" });
    case "participantsAdded":
      return threadEvent(members, "participantsAdded", {
        time: iso(change.at),
        addedBy: by(change.byRawId),
        participantsAdded: escapedJson(change.participants.map((p) => participantPayload(p.rawId, p))),
      });
    case "participantRemoved":
      return threadEvent(change.recipients, "participantsRemoved", {
        time: iso(change.at),
        removedBy: by(change.byRawId),
        participantsRemoved: escapedJson([participantPayload(change.participant.rawId, change.participant)]),
      });
  }
}
