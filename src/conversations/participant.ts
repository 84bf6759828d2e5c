import type { ChatParticipant } from "@azure/communication-chat";
import type { JSONValue } from "../mapping/json.js";
import { toParticipantData, type ParticipantData } from "../mapping/participant.js";
import type { Conversation } from "./conversation.js";
import { ReplayEventEmitter } from "./replay-event-emitter.js";
import type { ParticipantBindings, ParticipantType, ParticipantUpdateReason } from "./types.js";
import type { User } from "./user.js";

export type ParticipantEvents = {
  typingEnded: (participant: Participant) => void;
  typingStarted: (participant: Participant) => void;
  updated: (data: { participant: Participant; updateReasons: ParticipantUpdateReason[] }) => void;
};

/** What a conversation gives each of its participants. */
export interface ParticipantHost {
  removeParticipant(participant: Participant): Promise<void>;
  updateParticipantAttributes(participant: Participant, attributes: JSONValue): Promise<void>;
  userOf(participant: Participant): Promise<User>;
  /** The participant's Twilio identity, from the identity resolver (the ACS user id when unknown). */
  identityOf(userId: string): string;
}

/**
 * A member of a conversation: an ACS chat participant. `sid` is the ACS user id; the Twilio
 * identity comes from the identity resolver; attributes live in participant metadata, attribute
 * updates in a control message.
 */
export class Participant extends ReplayEventEmitter<ParticipantEvents> {
  static readonly typingEnded = "typingEnded";
  static readonly typingStarted = "typingStarted";
  static readonly updated = "updated";

  #data: ParticipantData;
  #raw: ChatParticipant;
  #typing = false;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #lastRead: { index: number; timestamp: Date } | null = null;

  readonly #host: ParticipantHost;
  readonly #joinedOn: Date | null;

  /** Built by its Conversation (public, as in Twilio's typings). */
  constructor(
    readonly conversation: Conversation,
    raw: ChatParticipant,
    data: ParticipantData,
    host: ParticipantHost,
    /** When the participant joined, if known (ACS participants carry no dates). */
    joinedOn: Date | null = null,
  ) {
    super();
    this.#host = host;
    this.#joinedOn = joinedOn;
    this.#raw = raw;
    this.#data = data;
  }

  /** Escape hatch: the ACS participant this Participant shows. */
  get acs(): { readonly participant: ChatParticipant } {
    return { participant: this.#raw };
  }

  get sid(): string {
    return this.#data.sid;
  }
  get identity(): string | null {
    return this.#host.identityOf(this.#data.sid);
  }
  get attributes(): JSONValue {
    return this.#data.attributes;
  }
  get dateCreated(): Date | null {
    return this.#joinedOn;
  }
  get dateUpdated(): Date | null {
    return this.#joinedOn;
  }
  get isTyping(): boolean {
    return this.#typing;
  }
  get lastReadMessageIndex(): number | null {
    return this.#lastRead?.index ?? null;
  }
  get lastReadTimestamp(): Date | null {
    return this.#lastRead?.timestamp ?? null;
  }
  /** ACS has no roles. */
  get roleSid(): string {
    return "";
  }
  /** ACS threads hold chat participants only. */
  get type(): ParticipantType {
    return "chat";
  }
  get bindings(): ParticipantBindings {
    return {};
  }

  getUser(): Promise<User> {
    return this.#host.userOf(this);
  }

  remove(): Promise<void> {
    return this.#host.removeParticipant(this);
  }

  updateAttributes(attributes: JSONValue): Promise<Participant> {
    return this.#host.updateParticipantAttributes(this, attributes).then(() => this);
  }

  /**
   * @internal Sets typing; `typingStarted`/`typingEnded` on the participant when it changes.
   * Typing lapses after `timeoutInMs` unless renewed (ACS has no typing-ended event). Returns
   * whether it changed, for the conversation to emit its own events.
   */
  _setTyping(typing: boolean, timeoutInMs = 0, lapsed?: () => void): boolean {
    if (this.#typingTimer) clearTimeout(this.#typingTimer);
    this.#typingTimer = undefined;
    if (typing) {
      this.#typingTimer = setTimeout(() => {
        if (this._setTyping(false)) lapsed?.();
      }, timeoutInMs);
      (this.#typingTimer as { unref?: () => void }).unref?.();
    }
    if (typing === this.#typing) return false;
    this.#typing = typing;
    this.emit(typing ? "typingStarted" : "typingEnded", this);
    return true;
  }

  /** @internal A new read horizon from ACS read receipts; emits `updated` and returns the reasons. */
  _setLastRead(index: number, timestamp: Date): ParticipantUpdateReason[] {
    const reasons: ParticipantUpdateReason[] = [];
    if (this.#lastRead?.index !== index) reasons.push("lastReadMessageIndex");
    if (this.#lastRead?.timestamp.getTime() !== timestamp.getTime()) reasons.push("lastReadTimestamp");
    this.#lastRead = { index, timestamp };
    if (reasons.length > 0) this.emit("updated", { participant: this, updateReasons: reasons });
    return reasons;
  }

  /** @internal Takes newer data; emits `updated` with the reasons when something changed. */
  _update(raw: ChatParticipant, attributes: JSONValue): ParticipantUpdateReason[] {
    const next = toParticipantData(raw);
    this.#raw = raw;
    const reasons: ParticipantUpdateReason[] = [];
    if (next && JSON.stringify(attributes) !== JSON.stringify(this.#data.attributes)) reasons.push("attributes");
    if (next) this.#data = { ...next, attributes };
    if (reasons.length > 0) this.emit("updated", { participant: this, updateReasons: reasons });
    return reasons;
  }
}
