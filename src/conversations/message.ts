import type { ChatMessage } from "@azure/communication-chat";
import type { JSONValue } from "../mapping/json.js";
import { changeStamp, toMessageData, type MessageData } from "../mapping/message.js";
import { CancellablePromise } from "./cancellable-promise.js";
import type { ChannelMetadata } from "./channel-metadata.js";
import type { ContentData } from "./content-template.js";
import type { Conversation } from "./conversation.js";
import type { AggregatedDeliveryReceipt, DetailedDeliveryReceipt } from "./delivery-receipts.js";
import { temporaryUrls, type Media } from "./media.js";
import type { Participant } from "./participant.js";
import type { RecipientDescriptor } from "./recipients.js";
import { ReplayEventEmitter } from "./replay-event-emitter.js";
import type { MediaCategory, MessageType, MessageUpdateReason } from "./types.js";

export type MessageEvents = {
  updated: (data: { message: Message; updateReasons: MessageUpdateReason[] }) => void;
};

/** What a conversation gives each of its messages: who sent it and how to change it. */
export interface MessageHost {
  /** The sender's Twilio identity, from the identity resolver (the ACS user id when unknown). */
  identityOf(userId: string): string;
  /** Media objects for the attachments an ACS message's metadata describes. */
  mediaOf(raw: ChatMessage): Media[];
  updateMessageBody(message: Message, body: string): Promise<void>;
  updateMessageAttributes(message: Message, attributes: JSONValue): Promise<void>;
  removeMessage(message: Message): Promise<void>;
  participantOf(message: Message): Promise<Participant>;
}

/**
 * A message of a conversation: an ACS user message. `index` is the ACS `sequenceId`; attributes
 * live in the message metadata, with updates by other users folded in from control messages.
 */
export class Message extends ReplayEventEmitter<MessageEvents> {
  static readonly updated = "updated";

  #data: MessageData;
  #raw: ChatMessage;
  #attachments: Media[];

  readonly #host: MessageHost;

  /** Built by its Conversation; apps receive Messages, never construct them (public, as in Twilio's typings). */
  constructor(
    readonly conversation: Conversation,
    raw: ChatMessage,
    attributes: JSONValue,
    host: MessageHost,
  ) {
    super();
    this.#host = host;
    this.#raw = raw;
    this.#data = { ...toMessageData(raw), attributes };
    this.#attachments = host.mediaOf(raw);
  }

  /** Escape hatch: the ACS message this Message shows. */
  get acs(): { readonly message: ChatMessage } {
    return { message: this.#raw };
  }

  get sid(): string {
    return this.#data.sid;
  }
  get index(): number {
    return this.#data.index;
  }
  get body(): string | null {
    return this.#data.body;
  }
  /**
   * The sender's Twilio identity, from the identity resolver; the sender's ACS user id when the
   * resolver does not know it. Never the sender's display name, which any sender can set.
   */
  get author(): string | null {
    return this.#data.senderUserId ? this.#host.identityOf(this.#data.senderUserId) : null;
  }
  get attributes(): JSONValue {
    return this.#data.attributes;
  }
  get dateCreated(): Date | null {
    return this.#data.dateCreated;
  }
  get dateUpdated(): Date | null {
    return this.#data.dateUpdated;
  }
  /** ACS lets only the sender edit: the last editor is the author once the message was edited. */
  get lastUpdatedBy(): string | null {
    return this.#data.edited ? this.author : null;
  }
  /** The ACS user id of the sender: the sid of the Participant who sent it. */
  get participantSid(): string | null {
    return this.#data.senderUserId;
  }
  /** `media` when files are attached (in the message metadata), as Twilio. */
  get type(): MessageType {
    return this.#attachments.length > 0 ? "media" : "text";
  }
  get subject(): string | null {
    return null;
  }
  get contentSid(): string | null {
    return null;
  }
  /** @deprecated Twilio's single-media accessor. */
  get media(): Media | null {
    return this.#attachments[0] ?? null;
  }
  /** The attached files; null for a text message, as Twilio. */
  get attachedMedia(): Array<Media> | null {
    return this.#attachments.length > 0 ? [...this.#attachments] : null;
  }
  /**
   * Null, as Twilio answers for chat messages: its delivery receipts come only from SMS and
   * WhatsApp channels. Who read a message is told by the participants' `lastReadMessageIndex`.
   */
  get aggregatedDeliveryReceipt(): AggregatedDeliveryReceipt | null {
    return null;
  }

  updateBody(body: string): Promise<Message> {
    return this.#host.updateMessageBody(this, body).then(() => this);
  }

  /** Works on anyone's message: ACS lets only the sender edit, so others' updates go as control messages. */
  updateAttributes(attributes: JSONValue): Promise<Message> {
    return this.#host.updateMessageAttributes(this, attributes).then(() => this);
  }

  remove(): Promise<Message> {
    return this.#host.removeMessage(this).then(() => this);
  }

  getParticipant(): Promise<Participant> {
    return this.#host.participantOf(this);
  }

  getMediaByCategories(categories: MediaCategory[]): Array<Media> | null {
    return this.attachedMedia?.filter((media) => categories.includes(media.category)) ?? null;
  }

  /** @deprecated Use getMediaByCategories. */
  getMediaByCategory(categories: Array<MediaCategory>): Array<Media> | null {
    return this.getMediaByCategories(categories);
  }

  getEmailBody(type?: string): Media | null {
    void type;
    return null;
  }

  getEmailHistory(type?: string): Media | null {
    void type;
    return null;
  }

  /** @deprecated Twilio's: fetched URLs for the media; here Media always fetch fresh URLs on demand. */
  attachTemporaryUrlsFor(contentSet: Media[] | null): CancellablePromise<Media[] | null> {
    return new CancellablePromise((resolve) => resolve(contentSet));
  }

  getTemporaryContentUrlsForMedia(contentSet: Media[]): CancellablePromise<Map<string, string>> {
    return temporaryUrls(contentSet);
  }

  getTemporaryContentUrlsForMediaSids(mediaSids: string[] | null): CancellablePromise<Map<string, string>> {
    const media = (this.attachedMedia ?? []).filter((m) => (mediaSids ?? []).includes(m.sid));
    return temporaryUrls(media);
  }

  getTemporaryContentUrlsForAttachedMedia(): CancellablePromise<Map<string, string>> {
    return temporaryUrls(this.attachedMedia ?? []);
  }

  /**
   * None, as Twilio answers for chat messages (its receipts come from SMS and WhatsApp channels),
   * without a request: apps ask on every render, and ACS allows 5 receipt reads per 10 s.
   */
  getDetailedDeliveryReceipts(): Promise<DetailedDeliveryReceipt[]> {
    return Promise.resolve([]);
  }

  /** Content templates are Twilio's; an ACS message has none, as a Twilio message without `contentSid`. */
  getContentData(): CancellablePromise<ContentData | null> {
    return new CancellablePromise((resolve) => resolve(null));
  }

  /** Channel metadata describes SMS/WhatsApp channels: none for chat, as in Twilio. */
  async getChannelMetadata(): Promise<ChannelMetadata | null> {
    return null;
  }

  /** Recipients are email recipients: none for chat, as in Twilio. */
  async getMessageRecipients(): Promise<RecipientDescriptor[]> {
    return [];
  }

  /**
   * @internal Takes a newer reading of the ACS message; emits `updated` with Twilio's reasons
   * when anything a Twilio app sees changed. Returns the reasons.
   */
  _update(raw: ChatMessage, attributes: JSONValue): MessageUpdateReason[] {
    if (changeStamp(raw) < changeStamp(this.#raw)) return []; // an older copy, read before the latest change
    const before = this.#data;
    const after = { ...toMessageData(raw), attributes };
    this.#raw = raw;
    this.#data = after;
    const mediaBefore = this.#attachments.map((m) => m.sid).join();
    this.#attachments = this.#host.mediaOf(raw);
    const reasons: MessageUpdateReason[] = [];
    if (mediaBefore !== this.#attachments.map((m) => m.sid).join()) reasons.push("media");
    if (before.body !== after.body) reasons.push("body");
    if (JSON.stringify(before.attributes) !== JSON.stringify(after.attributes)) reasons.push("attributes");
    if (before.dateUpdated.getTime() !== after.dateUpdated.getTime()) reasons.push("dateUpdated");
    if (before.edited !== after.edited) reasons.push("lastUpdatedBy");
    if (reasons.length > 0) this.emit("updated", { message: this, updateReasons: reasons });
    return reasons;
  }
}

