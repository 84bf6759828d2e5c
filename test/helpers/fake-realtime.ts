/**
 * ACS's realtime signaling (Trouter) cannot run in Node: the events tests give a client
 * `eventSource: { realtimeSignals: fake }` and play ACS's push channel themselves, turning the
 * emulator's real changes into the payloads ACS's ChatClient would emit (shapes of acs-rest.md
 * §4.3: identifiers are `CommunicationIdentifierKind`, dates are `Date`).
 */
import type { AcsChatEvent, EventThreadParticipant } from "../../src/emulator/index.js";
import type { RealtimePayload, RealtimeSignals } from "../../src/index.js";

type Listener = (payload: RealtimePayload) => void;

/** The ChatClient's realtime surface, with the test in charge of what it emits. */
export class FakeSignals implements RealtimeSignals {
  readonly listeners = new Map<string, Set<Listener>>();
  started = 0;
  stopped = 0;
  /** `startFailure`: what startRealtimeNotifications rejects with (as in Node), if anything. */
  constructor(private readonly startFailure?: Error) {}
  async startRealtimeNotifications(): Promise<void> {
    if (this.startFailure) throw this.startFailure;
    this.started++;
  }
  async stopRealtimeNotifications(): Promise<void> {
    this.stopped++;
  }
  on(event: string, listener: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
  }
  off(event: string, listener: Listener): void {
    this.listeners.get(event)?.delete(listener);
  }
  emit(event: string, payload?: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload as RealtimePayload);
  }
  /** Whether the realtime source has subscribed (it does once the client has loaded its conversations). */
  listening(): boolean {
    return (this.listeners.get("chatMessageReceived")?.size ?? 0) > 0;
  }
}

/** A user as ACS's realtime payloads name one. */
export const who = (rawId: string) => ({ kind: "communicationUser" as const, communicationUserId: rawId });
const member = (p: EventThreadParticipant) => ({
  id: who(p.participantCommunicationIdentifier.rawId),
  displayName: p.displayName ?? "",
  metadata: p.metadata ?? {},
});
const someone = (rawId: string) => ({ id: who(rawId), displayName: "", metadata: {} });

/** ACS's realtime event for one of the emulator's user-level Event Grid events (what Trouter pushes to that user). */
export function realtimeOf(event: AcsChatEvent): [string, Record<string, unknown>] | undefined {
  const d = event.data as unknown as Record<string, any>;
  const base = { threadId: d.threadId as string, version: String(d.version) };
  const message = () => ({
    ...base,
    sender: who(d.senderCommunicationIdentifier.rawId),
    senderDisplayName: d.senderDisplayName ?? "",
    recipient: who(d.recipientCommunicationIdentifier.rawId),
    id: d.messageId,
    createdOn: new Date(d.composeTime),
    type: d.type,
  });
  switch (event.eventType) {
    case "Microsoft.Communication.ChatMessageReceived":
      return ["chatMessageReceived", { ...message(), message: d.messageBody, metadata: d.metadata }];
    case "Microsoft.Communication.ChatMessageEdited":
      return ["chatMessageEdited", { ...message(), message: d.messageBody, metadata: d.metadata, editedOn: new Date(d.editTime) }];
    case "Microsoft.Communication.ChatMessageDeleted":
      return ["chatMessageDeleted", { ...message(), deletedOn: new Date(d.deleteTime) }];
    case "Microsoft.Communication.ChatThreadCreatedWithUser": {
      const participants = (d.participants as EventThreadParticipant[]).map(member);
      const createdBy = participants.find((p) => p.id.communicationUserId === d.createdByCommunicationIdentifier.rawId) ?? someone(d.createdByCommunicationIdentifier.rawId);
      return ["chatThreadCreated", { ...base, createdOn: new Date(d.createTime), properties: { topic: d.properties.topic, metadata: d.metadata }, participants, createdBy }];
    }
    case "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser":
      return [
        "chatThreadPropertiesUpdated",
        { ...base, properties: { topic: d.properties.topic, metadata: d.metadata }, updatedOn: new Date(d.editTime), updatedBy: someone(d.editedByCommunicationIdentifier.rawId) },
      ];
    case "Microsoft.Communication.ChatThreadWithUserDeleted":
      return ["chatThreadDeleted", { ...base, deletedOn: new Date(d.deleteTime), deletedBy: someone(d.deletedByCommunicationIdentifier.rawId), reason: "deletedByUser" }];
    case "Microsoft.Communication.ChatParticipantAddedToThreadWithUser":
      return ["participantsAdded", { ...base, addedOn: new Date(d.time), participantsAdded: [member(d.participantAdded)], addedBy: someone(d.addedByCommunicationIdentifier.rawId) }];
    case "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser":
      return [
        "participantsRemoved",
        { ...base, removedOn: new Date(d.time), participantsRemoved: [member(d.participantRemoved)], removedBy: someone(d.removedByCommunicationIdentifier.rawId) },
      ];
    default:
      return undefined; // thread-level events go to Event Grid, not to a user's endpoints
  }
}
