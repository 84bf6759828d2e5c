/**
 * One conversation's participants as this client knows them: who is there (from ACS's participant
 * list and the participantAdded/Removed system messages of the change feed), and their attributes.
 * ACS cannot update participant metadata, so attribute updates travel in snapshot control messages
 * that the thread metadata points at; each entry of a snapshot counts only where whoever set it had
 * the right to (the attribute policy), and an older setting never replaces a newer one.
 */
import type { ChatMessage, ChatParticipant, ChatThreadClient } from "@azure/communication-chat";
import { acsCall } from "../acs/acs-errors.js";
import { ACS_LIMITS } from "../acs/limits.js";
import { isGone } from "../errors.js";
import type { KnownIdentities } from "../identity/identity-resolver.js";
import { decodeAttributes } from "../mapping/attributes.js";
import { decodeControlMessage, type ControlMessage } from "../mapping/control-message.js";
import type { ReportProblem } from "../mapping/foreign-data.js";
import type { JSONValue } from "../mapping/json.js";
import { indexFromSequenceId } from "../mapping/message-index.js";
import { toParticipantData, type ParticipantData } from "../mapping/participant.js";
import { sameJson } from "./attribute-policy.js";
import type { Participant } from "./participant.js";
import type { ParticipantUpdateReason } from "./types.js";
import { userIdOf } from "../mapping/identifier.js";

/** What the roster needs from its conversation. */
export interface RosterHost {
  readonly thread: ChatThreadClient;
  readonly identities: KnownIdentities;
  /** The server kit's own user: in the thread, hidden from the app. */
  readonly serviceUserId: string | undefined;
  readonly report: ReportProblem;
  /** Re-reads the thread's properties; resolves to the participant-attributes pointer they hold. */
  readPointer(): Promise<string | undefined>;
  /** Whether a sender may change an owner's participant attributes (the attribute policy). */
  allowed(senderUserId: string, ownerUserId: string, previous: JSONValue, next: JSONValue): boolean;
  /** A new Participant object; the roster sets its read horizon and announces it. */
  create(raw: ChatParticipant, data: ParticipantData, joinedOn: Date | null): Participant;
  joined(participant: Participant): void;
  left(participant: Participant): void;
  updated(participant: Participant, updateReasons: ParticipantUpdateReason[]): void;
}

/** A participant-attributes snapshot with only the entries their setters had the right to set. */
interface VettedSnapshot {
  attributes: Record<string, JSONValue>;
  /** For each entry, the control message that set it, and that message's index. */
  setBy: Record<string, { messageId: string; index: number }>;
}

const EMPTY: VettedSnapshot = { attributes: {}, setBy: {} };

export class ParticipantRoster {
  readonly #bySid = new Map<string, Participant>();
  #loaded = false;
  #serviceUserInThread = false;
  /** Attribute updates from snapshots, as far as their setters had the right. */
  readonly #attributes = new Map<string, JSONValue>();
  /** The control message that set each entry of `#attributes`, and its index. */
  readonly #setBy = new Map<string, { messageId: string; index: number }>();
  /** Snapshots are checked (which may read the messages that set their entries) and applied one at a time, in order. */
  #snapshotQueue: Promise<void> = Promise.resolve();
  /** Control messages read to check who set a snapshot entry, by id (null: gone). */
  readonly #carriers = new Map<string, Promise<ChatMessage | null>>();

  readonly #host: RosterHost;

  constructor(host: RosterHost) {
    this.#host = host;
  }

  /** Whether the participant list was read at least once. */
  get loaded(): boolean {
    return this.#loaded;
  }

  get(userId: string): Participant | undefined {
    return this.#bySid.get(userId);
  }

  list(): Participant[] {
    return [...this.#bySid.values()];
  }

  byIdentity(identity: string | null | undefined): Participant | undefined {
    return this.list().find((participant) => participant.identity === identity);
  }

  /** What ACS counts against its 20-participant limit for receipts and typing: the hidden server-kit user too. */
  acsCount(): number {
    return this.#bySid.size + (this.#serviceUserInThread ? 1 : 0);
  }

  /** Loads the roster once; callers that come while the first load runs share it. */
  async ensureLoaded(): Promise<void> {
    if (this.#loaded) return;
    this.#firstLoad ??= this.load().finally(() => {
      this.#firstLoad = undefined;
    });
    await this.#firstLoad;
  }

  #firstLoad: Promise<void> | undefined;

  /** Reads the participants and the snapshot the thread points at; after the first read, differences are joins and departures. */
  async load(): Promise<void> {
    const participants: ChatParticipant[] = [];
    const [pointer] = await Promise.all([
      this.#host.readPointer(),
      acsCall("listParticipants", async () => {
        for await (const participant of this.#host.thread.listParticipants({ maxPageSize: ACS_LIMITS.participantsPerRequest })) participants.push(participant);
      }),
    ]);
    await this.#host.identities.resolveAll(participants.map((p) => toParticipantData(p)?.sid));
    this.#merge(await this.#readSnapshot(pointer));
    const seen = new Set<string>();
    this.#serviceUserInThread = participants.some((p) => toParticipantData(p)?.sid === this.#host.serviceUserId);
    for (const participant of participants) {
      const sid = toParticipantData(participant)?.sid;
      if (!sid) continue;
      seen.add(sid);
      this.upsert(participant, null);
    }
    if (this.#loaded) {
      for (const sid of [...this.#bySid.keys()]) if (!seen.has(sid)) this.drop(sid);
    }
    this.#loaded = true;
  }

  /** A participant added (`joinedOn` known) or read from the list; updates one already known. */
  upsert(raw: ChatParticipant, joinedOn: Date | null): void {
    const data = toParticipantData(raw);
    // The server kit's own user is plumbing, not a participant the app should see.
    if (!data || data.sid === this.#host.serviceUserId) return;
    const attributes = this.#attributes.get(data.sid) ?? data.attributes;
    const existing = this.#bySid.get(data.sid);
    if (existing) {
      const reasons = existing._update(raw, attributes);
      if (reasons.length > 0) this.#host.updated(existing, reasons);
      return;
    }
    const participant = this.#host.create(raw, { ...data, attributes }, joinedOn);
    this.#bySid.set(data.sid, participant);
    // The first read only learns who is there; later arrivals are joins.
    if (this.#loaded || joinedOn) this.#host.joined(participant);
  }

  drop(userId: string): void {
    const participant = this.#bySid.get(userId);
    if (!participant) return;
    this.#bySid.delete(userId);
    this.#host.left(participant);
  }

  /** A participant-attributes snapshot seen in the change feed. */
  applySnapshotMessage(carrier: ChatMessage): void {
    if (!this.#loaded) return;
    // Checking who set each entry may read messages: in order, after what the feed applies now.
    void this.#queue(async () => this.#take(await this.#vet(carrier)));
  }

  /** The thread's pointer moved: read and apply the snapshot it points at. */
  async refreshSnapshot(pointer: string | undefined): Promise<void> {
    await this.#queue(async () => this.#take(await this.#readSnapshot(pointer)));
  }

  /**
   * The snapshot control message that sets one participant's attributes: every entry this client
   * knows, each copied one naming the message that set it. Reads the current snapshot first.
   */
  async snapshotWith(userId: string, attributes: JSONValue, pointer: string | undefined): Promise<ControlMessage> {
    await this.refreshSnapshot(pointer);
    const snapshot: Record<string, JSONValue> = Object.fromEntries(this.#attributes);
    snapshot[userId] = attributes;
    const origins: Record<string, string> = {};
    for (const [owner, setBy] of this.#setBy) if (owner !== userId) origins[owner] = setBy.messageId;
    return { kind: "participantAttributes", attributesByUserId: snapshot, origins };
  }

  /** The snapshot this client just sent: applied as every reader will apply it. */
  async confirmSnapshot(messageId: string): Promise<void> {
    await this.#queue(async () => {
      const carrier = await this.#carrier(messageId);
      if (carrier) this.#take(await this.#vet(carrier));
    });
  }

  #queue(step: () => Promise<void>): Promise<void> {
    const next = this.#snapshotQueue.then(step);
    this.#snapshotQueue = next.catch(() => undefined);
    return next;
  }

  /** Merges a checked snapshot and tells of the participants whose attributes changed. */
  #take(snapshot: VettedSnapshot): void {
    if (!this.#merge(snapshot)) return;
    for (const participant of this.#bySid.values()) {
      const attributes = this.#attributes.get(participant.sid) ?? decodeAttributes(participant.acs.participant.metadata, this.#host.report);
      const reasons = participant._update(participant.acs.participant, attributes);
      if (reasons.length > 0) this.#host.updated(participant, reasons);
    }
  }

  /** Takes the entries newer than what this client has: a snapshot that leaves one out (or copies an older one) changes nothing. */
  #merge(snapshot: VettedSnapshot): boolean {
    let changed = false;
    for (const [userId, value] of Object.entries(snapshot.attributes)) {
      const setBy = snapshot.setBy[userId]!;
      if (setBy.index <= (this.#setBy.get(userId)?.index ?? 0)) continue;
      this.#setBy.set(userId, setBy);
      this.#attributes.set(userId, value);
      changed = true;
    }
    return changed;
  }

  /** A control message by id, read once; null when it is gone or hidden. */
  #carrier(messageId: string): Promise<ChatMessage | null> {
    let carrier = this.#carriers.get(messageId);
    if (!carrier) {
      carrier = acsCall("getMessage", () => this.#host.thread.getMessage(messageId)).catch((error: unknown) => {
        if (isGone(error)) return null;
        this.#carriers.delete(messageId);
        throw error;
      });
      this.#carriers.set(messageId, carrier);
    }
    return carrier;
  }

  /** The checked snapshot a pointer names; empty when there is none. */
  async #readSnapshot(pointer: string | undefined): Promise<VettedSnapshot> {
    // A native client may delete the snapshot (to it, an ordinary message): no attributes, not a lost thread.
    const carrier = pointer ? await this.#carrier(pointer) : null;
    return carrier ? this.#vet(carrier) : EMPTY;
  }

  /**
   * The entries of a snapshot that whoever set them had the right to set. An entry copied from an
   * earlier snapshot names the message that set it: that message must carry the same value as
   * its own change, and its sender must have had the right.
   */
  async #vet(carrier: ChatMessage): Promise<VettedSnapshot> {
    const vetted: VettedSnapshot = { attributes: {}, setBy: {} };
    const control = carrier.deletedOn ? undefined : decodeControlMessage(carrier.metadata, this.#host.report);
    if (control?.kind !== "participantAttributes") return vetted;
    for (const [userId, value] of Object.entries(control.attributesByUserId)) {
      const originId = control.origins[userId] ?? carrier.id;
      const setter = originId === carrier.id ? carrier : await this.#carrier(originId);
      const setterControl = setter && !setter.deletedOn ? decodeControlMessage(setter.metadata) : undefined;
      if (!setter || setterControl?.kind !== "participantAttributes") continue;
      // The origin must have set the entry itself, to this value.
      if (setter !== carrier && (setterControl.origins[userId] !== undefined || !sameJson(setterControl.attributesByUserId[userId], value))) continue;
      const senderUserId = userIdOf(setter.sender);
      const previous = this.#bySid.get(userId)?.attributes ?? {};
      if (!senderUserId || !this.#host.allowed(senderUserId, userId, previous, value)) continue;
      vetted.attributes[userId] = value;
      vetted.setBy[userId] = { messageId: originId, index: indexFromSequenceId(setter.sequenceId) };
    }
    return vetted;
  }
}
