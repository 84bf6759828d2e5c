import type { ChatMessage, ChatThreadClient, ChatThreadProperties } from "@azure/communication-chat";
import { acsCall } from "../acs/acs-errors.js";
import { ACS_LIMITS } from "../acs/limits.js";
import { assertMetadataFits, decodeAttributes, encodeAttributes, withAttributes } from "../mapping/attributes.js";
import { decodeControlMessage, encodeControlMessage } from "../mapping/control-message.js";
import { toConversationData, type ConversationData } from "../mapping/conversation.js";
import { shownThreadTimes } from "../mapping/imported-message.js";
import type { JSONValue } from "../mapping/json.js";
import { METADATA_KEYS } from "../mapping/metadata-keys.js";
import { toAcsParticipant, toParticipantData } from "../mapping/participant.js";
import { messageKind } from "../mapping/message.js";
import { anyString, checkArgument, jsonValue, messagesDirection, nonEmptyString, nonNegativeInteger, notificationLevel } from "./arguments.js";
import type { ClientContext } from "./client-context.js";
import {
  AcsRequestError,
  isGone,
  NotFoundError,
  PermissionDeniedError,
  UnsupportedFeatureError,
  uniqueNameTaken,
} from "../errors.js";
import { MessageBuilder } from "./message-builder.js";
import { MessageWindow, type AttributesChangeCheck } from "./message-window.js";
import { isAcsUserId } from "../identity/identity-resolver.js";
import type { AttributeChange } from "./attribute-policy.js";
import { ThreadFeed, type FeedEntry } from "../events/thread-feed.js";
import { ReadHorizon, type Horizon } from "./read-horizon.js";
import { decodeMediaMetadata, type MediaDescriptor } from "../mapping/media-metadata.js";
import { Media } from "./media.js";
import { Message, type MessageHost } from "./message.js";
import { Participant, type ParticipantHost } from "./participant.js";
import { ParticipantRoster } from "./participant-roster.js";
import { MessageSender } from "./message-sender.js";
import { ReplayEventEmitter } from "./replay-event-emitter.js";
import { RestPaginator } from "./rest-paginator.js";
import type {
  ConversationBindings,
  ConversationLimits,
  ConversationState,
  ConversationStatus,
  ConversationUpdateReason,
  LastMessage,
  MessageUpdateReason,
  NotificationLevel,
  Paginator,
  PaginatorOptions,
  ParticipantBindingOptions,
  ParticipantResponse,
  ParticipantUpdateReason,
  SendEmailOptions,
  SendMediaOptions,
} from "./types.js";
import type { RecipientDescriptor } from "./recipients.js";
import type { User } from "./user.js";
import { userIdOf } from "../mapping/identifier.js";

/** What happens inside a conversation: its own listeners hear it, and the Client's too (for every conversation). */
export type ConversationActivityEvents = {
  participantJoined: (participant: Participant) => void;
  participantLeft: (participant: Participant) => void;
  participantUpdated: (data: { participant: Participant; updateReasons: ParticipantUpdateReason[] }) => void;
  messageAdded: (message: Message) => void;
  messageRemoved: (message: Message) => void;
  messageUpdated: (data: { message: Message; updateReasons: MessageUpdateReason[] }) => void;
  typingEnded: (participant: Participant) => void;
  typingStarted: (participant: Participant) => void;
};

export type ConversationEvents = ConversationActivityEvents & {
  updated: (data: { conversation: Conversation; updateReasons: ConversationUpdateReason[] }) => void;
  removed: (conversation: Conversation) => void;
};

/** How long a conversation whose messages were paged stays watched for edits and deletes. */
const WATCH_AFTER_PAGING_MS = 5 * 60_000;
/** Twilio's default page size for `getMessages`. */
const DEFAULT_PAGE_SIZE = 30;
const READ_HORIZON = "Read horizon and unread counts";

/**
 * A conversation: an ACS chat thread. `sid` is the thread id, `friendlyName` its topic;
 * `attributes` and `uniqueName` live in thread metadata.
 */
export class Conversation extends ReplayEventEmitter<ConversationEvents> {
  static readonly participantJoined = "participantJoined";
  static readonly participantLeft = "participantLeft";
  static readonly participantUpdated = "participantUpdated";
  static readonly messageAdded = "messageAdded";
  static readonly messageRemoved = "messageRemoved";
  static readonly messageUpdated = "messageUpdated";
  static readonly typingEnded = "typingEnded";
  static readonly typingStarted = "typingStarted";
  static readonly updated = "updated";
  static readonly removed = "removed";

  readonly sid: string;
  readonly #context: ClientContext;
  #data: ConversationData;
  #currentStatus: ConversationStatus;
  #updatedOn: Date;
  #newestMessage: LastMessage | undefined;
  readonly #thread: ChatThreadClient;
  readonly #window: MessageWindow;
  readonly #feed: ThreadFeed;
  readonly #horizon: ReadHorizon;
  /** Indexes of messages outside the window, read once for receipts. */
  readonly #indexById = new Map<string, number>();
  readonly #messagesBySid = new Map<string, Message>();
  readonly #mediaBySid = new Map<string, Media>();
  readonly #roster: ParticipantRoster;
  readonly #sender: MessageSender;
  #lastPagedAt = Number.NEGATIVE_INFINITY;
  readonly #messageHost: MessageHost;
  readonly #participantHost: ParticipantHost;

  /** Built by the Client (public, as in Twilio's typings). */
  constructor(
    context: ClientContext,
    properties: ChatThreadProperties,
    status: ConversationStatus,
    /** Server time before which the thread's messages are history to this client, not news. */
    historyBefore: number,
    lastMessageReceivedOn?: Date,
    /** What tells history from news where times tie (ACS's have whole seconds): see ThreadFeed. */
    history: {
      throughIndex?: number;
      fromJoin?: boolean;
      /** Server time the client began following the thread: receipts the first read finds from before it are state, not news (default `historyBefore`). */
      followingSince?: number;
    } = {},
  ) {
    super();
    this.#context = context;
    this.sid = properties.id;
    this.#data = toConversationData(properties, context.report);
    this.#currentStatus = status;
    // An imported conversation's last message is its Twilio time until something newer comes.
    const lastActivity = shownThreadTimes(properties.createdOn, lastMessageReceivedOn, this.#data.imported).lastActivity;
    this.#updatedOn = lastActivity ?? this.#data.dateCreated;
    this.#newestMessage = lastActivity ? { dateCreated: lastActivity } : undefined;
    this.#thread = context.chatClient.getChatThreadClient(this.sid);
    this.#window = new MessageWindow(async ({ maxPageSize, continuationToken }) => {
      // The SDK writes the next page's link into the settings object it was given.
      const settings: { continuationToken?: string } = continuationToken ? { continuationToken } : {};
      const page = await acsCall("listMessages", () => this.#thread.listMessages({ maxPageSize }).byPage(settings).next());
      const items = page.done ? [] : page.value;
      await context.identities.resolveAll(usersNamedIn(items));
      return { items, ...(settings.continuationToken ? { continuationToken: settings.continuationToken } : {}) };
    }, () => context.followsEvents());
    this.#feed = new ThreadFeed(
      async (since) => {
        const changed: ChatMessage[] = [];
        await acsCall("listMessages", async () => {
          for await (const message of this.#thread.listMessages({ startTime: since, maxPageSize: ACS_LIMITS.maxPageSize })) changed.push(message);
        });
        await context.identities.resolveAll(usersNamedIn(changed));
        return changed;
      },
      historyBefore,
      (entry) => this.#applyFeed(entry),
      context.report,
      { ...(history.throughIndex !== undefined ? { throughIndex: history.throughIndex } : {}), ...(history.fromJoin ? { selfUserId: context.self.userId } : {}) },
    );
    this.#horizon = new ReadHorizon({
      thread: this.#thread,
      selfUserId: context.self.userId,
      indexOf: (messageId) => this.#indexOfMessage(messageId),
      userMessageAtOrBelow: async (index) => {
        const raw = await this.#window.newestUserAtOrBelow(index, ACS_LIMITS.maxPageSize);
        return raw && { id: raw.id, index: Number(raw.sequenceId) };
      },
      participantCount: async () => (await this.#ensureRoster(), this.#roster.acsCount()),
      changed: (userId, horizon, initial) => this.#horizonChanged(userId, horizon, initial),
      followingSince: Math.max(historyBefore, history.followingSince ?? historyBefore),
    });
    this.#messageHost = {
      identityOf: (userId) => context.identities.identityOf(userId),
      mediaOf: (raw) => decodeMediaMetadata(raw.metadata, context.report).map((descriptor) => this.#mediaFor(descriptor)),
      updateMessageBody: (message, body) => this.#updateMessageBody(message, body),
      updateMessageAttributes: (message, attributes) => this.#updateMessageAttributes(message, attributes),
      removeMessage: (message) => this.#removeMessage(message),
      participantOf: (message) => this.#participantOf(message),
    };
    this.#participantHost = {
      removeParticipant: (participant) => this.removeParticipant(participant),
      updateParticipantAttributes: (participant, attributes) => this.#updateParticipantAttributes(participant, attributes),
      userOf: (participant) => this.#userOf(participant),
      identityOf: (userId) => context.identities.identityOf(userId),
    };
    this.#sender = new MessageSender({
      thread: this.#thread,
      context,
      catchUp: () => this.#feed.catchUp(),
      takeSent: async (raw) => (await context.identities.resolveAll(usersNamedIn([raw])), this.#feed.takeSent(raw)),
    });
    this.#roster = new ParticipantRoster({
      thread: this.#thread,
      identities: context.identities,
      serviceUserId: context.serviceUserId,
      report: context.report,
      readPointer: async () => (await this.#refreshProperties(), this.#snapshotPointer()),
      allowed: (sender, owner, previous, next) => this.#allowed("participant", sender, owner, previous, next),
      create: (raw, data, joinedOn) => {
        const participant = new Participant(this, raw, data, this.#participantHost, joinedOn);
        const horizon = this.#horizon.of(data.sid);
        if (horizon) participant._setLastRead(horizon.index, horizon.readOn);
        return participant;
      },
      joined: (participant) => this.#tell("participantJoined", participant),
      left: (participant) => this.#tell("participantLeft", participant),
      updated: (participant, updateReasons) => this.#tell("participantUpdated", { participant, updateReasons }),
    });
  }

  /** Escape hatch: the ACS thread client behind this conversation. */
  get acs(): { readonly threadClient: ChatThreadClient } {
    return { threadClient: this.#thread };
  }

  get uniqueName(): string | null {
    return this.#data.uniqueName;
  }
  get status(): ConversationStatus {
    return this.#currentStatus;
  }
  get friendlyName(): string | null {
    return this.#data.friendlyName;
  }
  get dateUpdated(): Date | null {
    return this.#updatedOn;
  }
  get dateCreated(): Date | null {
    return this.#data.dateCreated;
  }
  get createdBy(): string {
    const userId = this.#data.createdByUserId;
    return userId ? this.#context.identities.identityOf(userId) : "";
  }
  get attributes(): JSONValue {
    return this.#data.attributes;
  }
  /** This user's read horizon, from their ACS read receipt; null before any (or before it was read). */
  get lastReadMessageIndex(): number | null {
    return this.#horizon.own?.index ?? null;
  }
  get lastMessage(): LastMessage | undefined {
    return this.#newestMessage;
  }
  /** This user's level for this conversation, kept by the server kit's directory ("default" without it). */
  get notificationLevel(): NotificationLevel {
    return this.#context.notificationLevelOf(this.sid);
  }
  get bindings(): ConversationBindings {
    return {};
  }
  get limits(): ConversationLimits {
    const { maxCount, maxBytes } = this.#context.media;
    return {
      mediaAttachmentsCountLimit: maxCount,
      mediaAttachmentSizeLimitInMb: maxBytes / (1024 * 1024),
      mediaAttachmentsTotalSizeLimitInMb: (maxBytes * maxCount) / (1024 * 1024),
      emailHistoriesAllowedContentTypes: [],
      emailBodiesAllowedContentTypes: [],
    };
  }
  /** Conversation states (active, inactive, closed) are Twilio's; ACS threads have none. */
  get state(): ConversationState | undefined {
    return undefined;
  }

  // ---- participants ----

  /** Adds a user by Twilio identity, resolved to an ACS user through the client's identity resolver. */
  async add(identity: string, attributes?: JSONValue): Promise<ParticipantResponse> {
    checkArgument(nonEmptyString, identity, "identity");
    if (attributes !== undefined) checkArgument(jsonValue, attributes, "attributes");
    await this.#context.ensureReady();
    const userId = await this.#context.identities.userIdOf(identity);
    if (!userId) {
      throw new NotFoundError(
        `User '${identity}' has no known ACS user id: give the client an identityResolver (e.g. the server kit's directory).`,
      );
    }
    const acsParticipant = toAcsParticipant(userId, identity, attributes);
    assertMetadataFits(acsParticipant.metadata ?? {}, `Attributes of participant '${identity}'`);
    const result = await acsCall("addParticipants", () => this.#thread.addParticipants({ participants: [acsParticipant] }));
    const refused = result.invalidParticipants?.[0];
    if (refused) {
      throw new AcsRequestError(`ACS refused participant '${identity}': ${refused.message}`, Number(refused.code) || undefined, refused.code);
    }
    this.#context.identities.remember(identity, userId);
    const now = new Date();
    this.#roster.upsert(acsParticipant, now);
    return {
      account_sid: "",
      chat_service_sid: "",
      conversation_sid: this.sid,
      role_sid: "",
      sid: userId,
      attributes: encodeAttributes(attributes ?? {}),
      date_created: now.toISOString(),
      date_updated: now.toISOString(),
      identity,
      messaging_binding: null,
      url: "",
      links: { conversation: "" },
    };
  }

  /** SMS, WhatsApp and email participants need Twilio's channels. */
  async addNonChatParticipant(proxyAddress: string, address: string, attributes?: JSONValue, bindingOptions?: ParticipantBindingOptions): Promise<ParticipantResponse> {
    void [proxyAddress, address, attributes, bindingOptions];
    throw new UnsupportedFeatureError("Conversation.addNonChatParticipant", "SMS, WhatsApp and email participants", "ACS chat threads hold chat users only.");
  }

  /**
   * Twilio answers from the roster its subscription keeps: so does this client once it has read
   * the participants, as long as an event source follows the conversation (system messages in the
   * change feed tell joins and departures). After leaving, the roster as it was, without a request.
   */
  async getParticipants(): Promise<Participant[]> {
    await this.#context.ensureReady();
    if (!this.#participating()) return this.#roster.list();
    // Without an event source nothing keeps the roster current: each call reads it, as before.
    const read = this.#context.followsEvents() ? this.#roster.ensureLoaded() : this.#roster.load();
    await Promise.all([read, this.#loadHorizonsForParticipants()]);
    return this.#roster.list();
  }

  async getParticipantsCount(): Promise<number> {
    return (await this.getParticipants()).length;
  }

  async getParticipantBySid(participantSid: string): Promise<Participant | null> {
    checkArgument(nonEmptyString, participantSid, "participantSid");
    await Promise.all([this.#ensureRoster(), this.#loadHorizonsForParticipants()]);
    const participant = this.#roster.get(participantSid);
    if (!participant) throw new NotFoundError(`Participant with SID ${participantSid} was not found`);
    return participant;
  }

  async getParticipantByIdentity(identity?: string | null): Promise<Participant | null> {
    checkArgument(nonEmptyString, identity, "identity");
    await Promise.all([this.#ensureRoster(), this.#loadHorizonsForParticipants()]);
    const participant = this.#roster.byIdentity(identity);
    if (!participant) throw new NotFoundError(`Participant with identity ${identity} was not found`);
    return participant;
  }

  /** Removes a participant given by identity, sid or object. */
  async removeParticipant(participant: string | Participant): Promise<void> {
    const key = participant instanceof Participant ? participant.sid : checkArgument(nonEmptyString, participant, "participant");
    await this.#ensureRoster();
    const target = this.#roster.get(key) ?? this.#roster.byIdentity(key);
    // Only a participant can be removed: asking the resolver could create a user for a name that is nobody.
    const userId = target?.sid ?? (isAcsUserId(key) ? key : undefined);
    if (!userId) throw new NotFoundError(`Participant ${key} was not found`);
    await acsCall("removeParticipant", () => this.#thread.removeParticipant({ communicationUserId: userId }));
    this.#roster.drop(userId);
  }

  // ---- membership ----

  /**
   * ACS makes the creator a participant at creation; Twilio reports `notParticipating` until
   * `join()`. Joining a conversation you are in resolves at once; a non-participant cannot add
   * itself in ACS (the server kit's join endpoint does it).
   */
  async join(): Promise<Conversation> {
    await this.#context.ensureReady();
    if (this.#currentStatus === "joined") return this;
    try {
      await acsCall("getProperties", () => this.#thread.getProperties());
    } catch (error) {
      const server = this.#context.server;
      if (!isGone(error) || !server) throw error;
      // Not a participant: only participants add people in ACS, so the server kit's user adds this one.
      const release = this.#context.claim(this.sid);
      try {
        await server.join(this.sid);
        await this.#refreshProperties();
      } finally {
        release();
      }
      this.#departed = false;
      this.#setStatus("joined");
      this.#context.joinedThroughServer(this);
      return this;
    }
    this.#departed = false;
    this.#setStatus("joined");
    this.#context.conversationJoined(this);
    return this;
  }

  async leave(): Promise<Conversation> {
    await this.#context.ensureReady();
    if (this.#currentStatus !== "joined") return this;
    await acsCall("removeParticipant", () => this.#thread.removeParticipant({ communicationUserId: this.#context.self.userId }));
    this.#departed = true;
    this.#roster.drop(this.#context.self.userId);
    this.#setStatus("notParticipating");
    this.#context.conversationLeft(this);
    return this;
  }

  async delete(): Promise<Conversation> {
    await this.#context.ensureReady();
    await acsCall("deleteChatThread", () => this.#context.chatClient.deleteChatThread(this.sid));
    this.#context.conversationRemoved(this);
    return this;
  }

  // ---- properties ----

  async getAttributes(): Promise<JSONValue> {
    await this.#refreshProperties();
    return this.#data.attributes;
  }

  async updateAttributes(attributes: JSONValue): Promise<Conversation> {
    checkArgument(jsonValue, attributes, "attributes");
    await this.#context.ensureReady();
    await this.#writeMetadata(withAttributes(undefined, attributes), ["attributes"]);
    await this.#signalPropertiesChanged();
    return this;
  }

  async updateFriendlyName(friendlyName: string): Promise<Conversation> {
    checkArgument(nonEmptyString, friendlyName, "friendlyName");
    await this.#context.ensureReady();
    if (friendlyName === this.#data.friendlyName) return this;
    await acsCall("updateTopic", () => this.#thread.updateTopic(friendlyName));
    this.#data = { ...this.#data, friendlyName };
    this.#touch(["friendlyName"]);
    return this;
  }

  /** Unique names live in thread metadata; the client checks they are unique among the conversations it sees. */
  async updateUniqueName(uniqueName: string | null): Promise<Conversation> {
    if (uniqueName !== null) checkArgument(nonEmptyString, uniqueName, "uniqueName");
    await this.#context.ensureReady();
    if (uniqueName === this.#data.uniqueName) return this;
    const server = this.#context.server;
    const previous = this.#data.uniqueName;
    if (uniqueName !== null && server) {
      if (!(await server.claimUniqueName(uniqueName, this.sid))) {
        throw uniqueNameTaken(uniqueName);
      }
    } else if (uniqueName !== null) {
      await this.#context.assertUniqueNameFree(uniqueName, this.sid);
    }
    // ACS metadata holds strings and has no way to delete a key through the SDK: empty means none.
    await this.#writeMetadata({ [METADATA_KEYS.uniqueName]: uniqueName ?? "" }, ["uniqueName"]);
    await this.#signalPropertiesChanged();
    if (server && previous) await server.releaseUniqueName(previous, this.sid);
    return this;
  }

  // ---- messages ----

  /**
   * Twilio's paging: `items` ascending by index; `prevPage()` goes to older messages and
   * `nextPage()` to newer, whatever the direction; `anchor` (an index) is inclusive.
   */
  async getMessages(pageSize: number = DEFAULT_PAGE_SIZE, anchor?: number, direction: "backwards" | "forward" = "backwards"): Promise<Paginator<Message>> {
    checkArgument(nonNegativeInteger, pageSize, "pageSize");
    if (anchor !== undefined) checkArgument(nonNegativeInteger, anchor, "anchor");
    checkArgument(messagesDirection, direction, "direction");
    await this.#context.ensureReady();
    // One more than the page tells whether older messages exist; as the raw SDK would read.
    const firstReadSize = Math.min(ACS_LIMITS.maxPageSize, pageSize + 1);
    this.#lastPagedAt = Date.now();
    const page = await this.#window.page(pageSize, anchor, direction, firstReadSize);
    // A page read during a burst may hold messages the stream has not announced yet: announce them
    // (in index order, with any before them) before the page resolves, so no message is both a
    // page item and a later messageAdded.
    if (page.messages.some((raw) => messageKind(raw) === "user" && this.#feed.isUnannounced(raw))) await this.#feed.catchUp();
    const items = page.messages.map((raw) => this.#materialize(raw));
    const oldest = items[0]?.index ?? anchor ?? 0;
    const newest = items[items.length - 1]?.index ?? anchor ?? 0;
    const token = (anchorIndex: number, dir: "backwards" | "forward") => JSON.stringify([anchorIndex, dir]);
    return new RestPaginator<Message>(
      items,
      (pageToken) => {
        const [nextAnchor, nextDirection] = JSON.parse(pageToken) as [number, "backwards" | "forward"];
        return this.getMessages(pageSize, nextAnchor, nextDirection);
      },
      page.hasOlder ? token(Math.max(oldest - 1, 0), "backwards") : null,
      page.hasNewer ? token(newest + 1, "forward") : null,
    );
  }

  /** Counts the user messages, reading the whole thread (ACS keeps no count). */
  async getMessagesCount(): Promise<number> {
    await this.#context.ensureReady();
    if (this.#participating()) return (await this.#window.all()).length;
    // ACS refuses a former participant's reads: answer from what was read while participating.
    const known = this.#window.allKnown();
    if (known) return known.length;
    throw new NotFoundError(`This user is no longer a participant of conversation ${this.sid}, whose messages were not all read before`);
  }

  prepareMessage(): MessageBuilder {
    return new MessageBuilder(this.limits, {
      sendUnsent: (unsent, abortSignal) => this.#sender.sendUnsent(unsent, abortSignal),
      checkMedia: (payload) => this.#sender.checkMedia(payload),
    });
  }

  /** Sends text, or one file (SendMediaOptions or FormData) through the media store; resolves to the new index. */
  async sendMessage(message: null | string | FormData | SendMediaOptions, messageAttributes?: JSONValue, emailOptions?: SendEmailOptions): Promise<number> {
    if (emailOptions?.subject !== undefined) {
      throw new UnsupportedFeatureError("Conversation.sendMessage emailOptions.subject", "Email", "ACS Chat has no email channel.");
    }
    if (messageAttributes !== undefined) checkArgument(jsonValue, messageAttributes, "messageAttributes");
    if (message !== null && typeof message !== "string") return this.#sender.sendWithMedia("", [message], messageAttributes);
    return this.#sender.sendText(message ?? "", messageAttributes);
  }

  /**
   * Tells the others this user is typing. ACS's SDK sends at most one notification per 8 s (later
   * calls resolve without a request), and ACS has no typing on threads over 20 participants, where
   * this resolves without a request too.
   */
  async typing(): Promise<void> {
    await this.#context.ensureReady();
    if (this.#roster.loaded && this.#roster.acsCount() > ACS_LIMITS.receiptsAndTypingMaxParticipants) return;
    await acsCall("sendTypingNotification", () => this.#thread.sendTypingNotification({ senderDisplayName: this.#context.self.identity }));
  }

  // ---- read horizon, from ACS read receipts ----

  /** Moves this user's horizon up to `index` (never down); resolves to the unread count. Coalesced: see MIGRATION.md. */
  async advanceLastReadMessageIndex(index: number): Promise<number> {
    checkArgument(nonNegativeInteger, index, "index");
    await this.#context.ensureReady();
    await this.#horizon.ensureLoaded();
    await this.#horizon.advance(index);
    return (await this.getUnreadMessagesCount()) ?? 0;
  }

  /**
   * Sets this user's horizon to `index`, also backwards. `null` (Twilio's "nothing read") is
   * unsupported: an ACS read receipt cannot be withdrawn.
   */
  async updateLastReadMessageIndex(index: number | null): Promise<number> {
    if (index === null) throw noUnread("Conversation.updateLastReadMessageIndex(null)");
    checkArgument(nonNegativeInteger, index, "index");
    await this.#context.ensureReady();
    await this.#horizon.ensureLoaded();
    await this.#horizon.set(index);
    return (await this.getUnreadMessagesCount()) ?? 0;
  }

  /** Marks everything read; resolves to the unread count (0). */
  async setAllMessagesRead(): Promise<number> {
    await this.#context.ensureReady();
    await this.#horizon.ensureLoaded();
    const newest = await this.#window.newestUserAtOrBelow(Number.MAX_SAFE_INTEGER, ACS_LIMITS.maxPageSize);
    if (newest) await this.#horizon.advance(Number(newest.sequenceId));
    return (await this.getUnreadMessagesCount()) ?? 0;
  }

  /** An ACS read receipt cannot be withdrawn: there is no un-read. */
  async setAllMessagesUnread(): Promise<number> {
    throw noUnread("Conversation.setAllMessagesUnread");
  }

  /**
   * How many user messages are after this user's horizon (a count, not an index difference: ACS
   * indexes have gaps); null until this user has a read receipt in the conversation, as Twilio.
   */
  async getUnreadMessagesCount(): Promise<number | null> {
    await this.#context.ensureReady();
    if (!this.#participating()) return null;
    await this.#horizon.ensureLoaded();
    const own = this.#horizon.own;
    if (!own) return null;
    return this.#window.countUserAbove(own.index, ACS_LIMITS.maxPageSize);
  }

  /**
   * Stored per user and conversation by the server kit's directory, the same on all the user's
   * clients (`conversationUpdated` with "notificationLevel" on each); without the kit,
   * `UnsupportedFeatureError`. ACS's web SDK sends no push notifications to mute.
   */
  async setUserNotificationLevel(level: NotificationLevel): Promise<void> {
    checkArgument(notificationLevel, level, "notificationLevel");
    await this.#context.ensureReady();
    await this.#context.setNotificationLevel(this, level);
  }

  /** @internal This user's notification level changed (here or on another of their clients). */
  _notificationLevelChanged(): void {
    this.#touch(["notificationLevel"]);
  }

  /** Recipients are email recipients: none for chat, as Twilio answers for chat conversations. */
  async getMessageRecipients(options?: PaginatorOptions): Promise<Paginator<RecipientDescriptor>> {
    void options;
    return new RestPaginator<RecipientDescriptor>([], () => Promise.reject(new Error("No next page")), null, null);
  }

  // ---- internals shared with Message, Participant and the client ----

  /** @internal The conversation was found gone (deleted, or this user removed). */
  _markRemoved(): void {
    this.#departed = true;
    if (this.#currentStatus === "joined") this.#setStatus("notParticipating");
    this.emit("removed", this);
  }

  /** @internal Reads what changed in the thread since the last read, and emits the events for it. */
  async _catchUp(): Promise<void> {
    await this.#feed.catchUp();
  }

  /**
   * @internal Whether the app has this conversation open: it, its participants or its messages
   * have listeners, or its messages were paged in the last few minutes. The event engine reads
   * such conversations every cycle (every other one is followed too, less often).
   */
  _isWatched(now: number): boolean {
    const listened = (emitter: { eventNames(): Array<string | symbol>; listenerCount(event: never): number }) =>
      emitter.eventNames().some((name) => emitter.listenerCount(name as never) > 0);
    return listened(this) || now - this.#lastPagedAt < WATCH_AFTER_PAGING_MS || this.#roster.list().some(listened) || [...this.#messagesBySid.values()].some(listened);
  }

  /** @internal Someone typing, from realtime notifications: `typingStarted` now, `typingEnded` when it lapses. */
  _typing(userId: string): void {
    const participant = this.#roster.get(userId);
    if (!participant) {
      // Typing of someone not yet in the roster: learn the roster, then report it.
      void this.#ensureRoster().then(() => this.#roster.get(userId) && this._typing(userId), () => undefined);
      return;
    }
    if (participant._setTyping(true, this.#context.typingTimeoutInMs, () => this.#typingChanged(participant, false))) {
      this.#typingChanged(participant, true);
    }
  }

  #typingChanged(participant: Participant, typing: boolean): void {
    this.#tell(typing ? "typingStarted" : "typingEnded", participant);
  }

  /**
   * One Media per attachment; fresh URLs from the store for files in it, the stated URL for
   * native clients' files only where it is at an allowed origin (else none): anyone can write it.
   */
  #mediaFor(descriptor: MediaDescriptor): Media {
    const store = this.#context.media.store;
    const fromStore = descriptor.inStore && store !== undefined;
    // Keyed with the URL too: another message reusing a sid must not swap its link into this one.
    const key = fromStore ? descriptor.sid : `${descriptor.sid} ${descriptor.url}`;
    const known = this.#mediaBySid.get(key);
    if (known) return known;
    const statedUrl = fromStore ? null : this.#context.media.checkedUrl(descriptor.url);
    const source = fromStore ? () => store.temporaryUrl(descriptor.sid) : async () => statedUrl;
    const media = new Media(descriptor.sid, descriptor.filename, descriptor.contentType, descriptor.size, descriptor.category, source);
    this.#mediaBySid.set(key, media);
    return media;
  }

  /**
   * @internal Re-reads the read receipts (with the roster, so that a horizon that moves is a
   * participantUpdated). Best effort: threads over 20 participants have none, and a failed read
   * is tried at the next turn; only a thread that is gone fails.
   */
  async _refreshReceipts(): Promise<void> {
    try {
      await this.#ensureRoster();
      if (this.#roster.acsCount() > ACS_LIMITS.receiptsAndTypingMaxParticipants) return;
      await this.#horizon.refresh();
    } catch (error) {
      if (isGone(error)) throw error;
    }
  }

  /** The first read of the receipts is state, not news: it updates quietly. */
  #horizonChanged(userId: string, horizon: Horizon, initial: boolean): void {
    if (userId === this.#context.self.userId && !initial) this.#touch(["lastReadMessageIndex"]);
    const participant = this.#roster.get(userId);
    if (!participant) return;
    const reasons = participant._setLastRead(horizon.index, horizon.readOn);
    if (reasons.length > 0 && !initial) this.#tell("participantUpdated", { participant, updateReasons: reasons });
  }

  async #indexOfMessage(messageId: string): Promise<number | undefined> {
    const known = this.#window.indexOfId(messageId) ?? this.#indexById.get(messageId);
    if (known !== undefined) return known;
    try {
      const raw = await acsCall("getMessage", () => this.#thread.getMessage(messageId));
      const index = Number(raw.sequenceId);
      this.#indexById.set(messageId, index);
      return index;
    } catch {
      return undefined;
    }
  }

  /** @internal Re-reads the thread's properties (attributes, unique name, participant attributes). */
  async _refreshProperties(): Promise<void> {
    const pointer = this.#snapshotPointer();
    await this.#refreshProperties();
    if (this.#roster.loaded && this.#snapshotPointer() !== pointer) await this.#roster.refreshSnapshot(this.#snapshotPointer());
  }

  /** Applies one entry of the change feed (the feed applies them ascending by index, and stops at one that throws). */
  #applyFeed({ message, isNew }: FeedEntry): void {
    this.#window.absorb([message]);
    switch (messageKind(message)) {
      case "deleted": {
        const known = this.#messagesBySid.get(message.id);
        if (known) {
          this.#messagesBySid.delete(message.id);
          this.#tell("messageRemoved", known);
        }
        break;
      }
      case "system":
        if (isNew) this.#applySystemMessage(message);
        break;
      case "control":
        this.#applyControlMessage(message, isNew);
        break;
      case "user":
        if (isNew) this.#announce(message);
        else if (this.#messagesBySid.has(message.id)) this.#materialize(message);
        break;
    }
  }

  /** A new message: `messageAdded`, and the conversation's `lastMessage` moves. */
  #announce(raw: ChatMessage): void {
    const message = this.#materialize(raw);
    // Twilio ends a participant's typing when their message arrives.
    const sender = message.participantSid ? this.#roster.get(message.participantSid) : undefined;
    if (sender?.isTyping && sender._setTyping(false)) this.#typingChanged(sender, false);
    this.#newestMessage = { index: message.index, dateCreated: message.dateCreated ?? new Date() };
    this.#tell("messageAdded", message);
    this.#touch(["lastMessage"]);
  }

  /** ACS's system messages: participants added or removed, topic changed. */
  #applySystemMessage(message: ChatMessage): void {
    const content = message.content;
    if (message.type === "topicUpdated") {
      const friendlyName = content?.topic || null;
      if (friendlyName !== this.#data.friendlyName) {
        this.#data = { ...this.#data, friendlyName };
        this.#touch(["friendlyName"]);
      }
      return;
    }
    for (const participant of content?.participants ?? []) {
      const data = toParticipantData(participant);
      if (!data) continue;
      if (message.type === "participantAdded") {
        this.#roster.upsert(participant, message.createdOn);
      } else if (data.sid === this.#context.self.userId) {
        this.#departed = true;
        this.#roster.drop(data.sid);
        this.#setStatus("notParticipating");
        this.#context.conversationLeft(this);
      } else {
        this.#roster.drop(data.sid);
      }
    }
  }

  #applyControlMessage(carrier: ChatMessage, isNew: boolean): void {
    const control = decodeControlMessage(carrier.metadata, this.#context.report);
    if (control?.kind === "propertiesChanged") {
      if (isNew && userIdOf(carrier.sender) !== this.#context.self.userId) this.#context.propertiesSignalled(this);
    } else if (control?.kind === "messageAttributes") {
      const target = this.#messagesBySid.get(control.targetMessageId);
      if (target) this.#materialize(target.acs.message);
    } else if (control?.kind === "participantAttributes") {
      this.#roster.applySnapshotMessage(carrier);
    }
  }

  /** Whether a control message's change of a message's attributes is within its sender's rights. */
  #messageChangeAllowed: AttributesChangeCheck = ({ target, senderUserId, previous, next }) => {
    const owner = userIdOf(target.sender);
    return senderUserId !== null && owner !== null && this.#allowed("message", senderUserId, owner, previous, next);
  };

  #allowed(kind: AttributeChange["kind"], senderUserId: string, ownerUserId: string, previous: JSONValue, next: JSONValue): boolean {
    const { identities, attributePolicy } = this.#context;
    const person = (userId: string) => ({ userId, identity: identities.identityOf(userId) });
    try {
      return attributePolicy({ kind, sender: person(senderUserId), owner: person(ownerUserId), previous, next }) === true;
    } catch {
      // A policy that throws grants nothing.
      return false;
    }
  }

  /** The one Message instance for an ACS message, updated (and `updated` emitted) when it changed. */
  #materialize(raw: ChatMessage): Message {
    const attributes = this.#window.foldedAttributes(raw, decodeAttributes(raw.metadata, this.#context.report), this.#messageChangeAllowed);
    const existing = this.#messagesBySid.get(raw.id);
    if (!existing) {
      const message = new Message(this, raw, attributes, this.#messageHost);
      this.#messagesBySid.set(raw.id, message);
      return message;
    }
    const reasons = existing._update(raw, attributes);
    if (reasons.length > 0) {
      this.#tell("messageUpdated", { message: existing, updateReasons: reasons });
    }
    return existing;
  }

  async #updateMessageBody(message: Message, body: string): Promise<void> {
    checkArgument(anyString, body, "body");
    await this.#context.ensureReady();
    // Keep the attributes others folded in: an edit of the sender's own message supersedes them otherwise.
    const metadata = withAttributes(message.acs.message.metadata, message.attributes);
    this.#sender.assertFits(body, metadata, "Message body and attributes");
    await acsCall("updateMessage", () => this.#thread.updateMessage(message.sid, { content: body, metadata }));
    await this.#rereadMessage(message.sid);
  }

  /** Own messages are edited in place; others' (reactions) get a control message, since ACS lets only the sender edit. */
  async #updateMessageAttributes(message: Message, attributes: JSONValue): Promise<void> {
    checkArgument(jsonValue, attributes, "attributes");
    await this.#context.ensureReady();
    if (message.participantSid === this.#context.self.userId) {
      const metadata = withAttributes(message.acs.message.metadata, attributes);
      this.#sender.assertFits(message.body ?? "", metadata, "Message body and attributes");
      await acsCall("updateMessage", () => this.#thread.updateMessage(message.sid, { metadata }));
      await this.#rereadMessage(message.sid);
      return;
    }
    if (!message.participantSid || !this.#allowed("message", this.#context.self.userId, message.participantSid, message.attributes, attributes)) {
      throw new PermissionDeniedError(`${this.#context.self.identity} may not change the attributes of a message by ${message.author} (attribute policy; see MIGRATION.md, "Attributes of others").`);
    }
    const control = encodeControlMessage({ kind: "messageAttributes", targetMessageId: message.sid, attributes });
    this.#sender.assertFits(control.content, control.metadata, "Message attributes");
    const sentId = await this.#sender.sendRaw(control.content, control.metadata);
    const carrier = await acsCall("getMessage", () => this.#thread.getMessage(sentId));
    this.#window.absorb([carrier]);
    this.#materialize(message.acs.message);
  }

  async #removeMessage(message: Message): Promise<void> {
    await this.#context.ensureReady();
    await acsCall("deleteMessage", () => this.#thread.deleteMessage(message.sid));
    // Keep the window's copy in step, so cached pages do not bring the message back.
    this.#window.absorb([{ ...message.acs.message, deletedOn: new Date() }]);
    this.#messagesBySid.delete(message.sid);
    this.#tell("messageRemoved", message);
  }

  async #rereadMessage(messageId: string): Promise<void> {
    const raw = await acsCall("getMessage", () => this.#thread.getMessage(messageId));
    this.#window.absorb([raw]);
    this.#materialize(raw);
  }

  async #participantOf(message: Message): Promise<Participant> {
    // Twilio's one error for both: not in the roster, or the roster could not be read.
    const failure = await this.#ensureRoster().then(() => undefined, (error: unknown) => error);
    const bySid = message.participantSid ? this.#roster.get(message.participantSid) : undefined;
    const participant = failure === undefined ? (bySid ?? this.#roster.byIdentity(message.author)) : undefined;
    if (!participant) throw new NotFoundError(`Participant with SID '${message.participantSid}' or identity '${message.author}' was not found`, { cause: failure });
    return participant;
  }

  async #userOf(participant: Participant): Promise<User> {
    if (!participant.identity) throw new NotFoundError(`Participant ${participant.sid} has no identity`);
    return this.#context.getUser(participant.identity);
  }

  /**
   * ACS cannot update a participant's metadata. The attributes of every participant whose
   * attributes changed go into one snapshot control message, and the thread metadata points at
   * the latest snapshot: reading them costs one request, and the pointer's change is an ACS
   * thread event other clients see.
   */
  async #updateParticipantAttributes(participant: Participant, attributes: JSONValue): Promise<void> {
    checkArgument(jsonValue, attributes, "attributes");
    await this.#context.ensureReady();
    if (!this.#allowed("participant", this.#context.self.userId, participant.sid, participant.attributes, attributes)) {
      throw new PermissionDeniedError(`${this.#context.self.identity} may not change the attributes of participant ${participant.identity} (attribute policy; see MIGRATION.md, "Attributes of others").`);
    }
    await this.#refreshProperties();
    const control = encodeControlMessage(await this.#roster.snapshotWith(participant.sid, attributes, this.#snapshotPointer()));
    this.#sender.assertFits(control.content, control.metadata, "Participant attributes of this conversation");
    const sentId = await this.#sender.sendRaw(control.content, control.metadata);
    await this.#writeMetadata({ [METADATA_KEYS.participantAttributes]: sentId }, []);
    await this.#roster.confirmSnapshot(sentId);
  }

  /**
   * ACS lists a thread as changed only for messages, not for a change of its metadata: a control
   * message in the feed tells other clients to read the properties now (`conversationUpdated`
   * within a poll interval) instead of at their next periodic read. The change is made already:
   * a signal that fails only delays others, so it is reported, not thrown.
   */
  async #signalPropertiesChanged(): Promise<void> {
    const signal = encodeControlMessage({ kind: "propertiesChanged" });
    await this.#sender.sendRaw(signal.content, signal.metadata).catch((error: unknown) =>
      this.#context.report({ kind: "controlMessage", message: `Others will see this conversation's new properties at their next periodic read: the signal failed (${(error as Error).message})` }),
    );
  }

  /** The id of the participant-attributes snapshot the thread metadata points at. */
  #snapshotPointer(): string | undefined {
    return this.#data.metadata[METADATA_KEYS.participantAttributes] || undefined;
  }

  /**
   * Twilio's participants come with their read horizons: read the receipts once, beside the roster.
   * A failure (for example on threads over 20 participants, which have no receipts) leaves them null.
   */
  async #loadHorizonsForParticipants(): Promise<void> {
    await this.#context.ensureReady();
    if (this.#participating()) await this.#horizon.ensureLoaded().catch(() => undefined);
  }

  /** After leaving or removal ACS refuses this user's reads: local state is all there is. */
  #participating(): boolean {
    return !this.#departed;
  }

  /** This user left or was removed (a conversation created but not joined yet is still readable). */
  #departed = false;

  async #ensureRoster(): Promise<void> {
    await this.#context.ensureReady();
    // Not a participant (any more): ACS would refuse the read; what is known is all there is.
    if (this.#roster.loaded || this.#participating()) await this.#roster.ensureLoaded();
  }

  async #refreshProperties(): Promise<void> {
    await this.#context.ensureReady();
    const properties = await this.#context.vetProperties(await acsCall("getProperties", () => this.#thread.getProperties()));
    const next = toConversationData(properties, this.#context.report);
    const reasons: ConversationUpdateReason[] = [];
    if (next.friendlyName !== this.#data.friendlyName) reasons.push("friendlyName");
    if (next.uniqueName !== this.#data.uniqueName) reasons.push("uniqueName");
    if (JSON.stringify(next.attributes) !== JSON.stringify(this.#data.attributes)) reasons.push("attributes");
    this.#data = next;
    if (reasons.length > 0) this.#touch(reasons);
  }

  /**
   * Writes only the keys that change: ACS merges thread metadata key by key, so another client's
   * concurrent change to another key (attributes, unique name, snapshot pointer) survives.
   */
  async #writeMetadata(changes: Record<string, string>, reasons: ConversationUpdateReason[]): Promise<void> {
    const metadata = { ...this.#data.metadata, ...changes };
    assertMetadataFits(metadata, "Conversation attributes, unique name and participant-attributes pointer");
    await acsCall("updateProperties", () => this.#thread.updateProperties({ metadata: changes }));
    this.#data = { ...toConversationData({ id: this.sid, topic: this.#data.friendlyName ?? "", createdOn: this.#data.dateCreated, metadata }), createdByUserId: this.#data.createdByUserId };
    if (reasons.length > 0) this.#touch(reasons);
  }

  #setStatus(status: ConversationStatus): void {
    if (status === this.#currentStatus) return;
    this.#currentStatus = status;
    this.#touch(["status"]);
  }

  #touch(reasons: ConversationUpdateReason[]): void {
    this.#updatedOn = new Date();
    const args = { conversation: this, updateReasons: [...reasons, ...(reasons.includes("lastMessage") ? [] : (["dateUpdated"] as const))] };
    this.emit("updated", args);
    this.#context.bubble("conversationUpdated", args);
  }

  /** An event of this conversation, heard by its listeners and then by the client's, as in Twilio. */
  #tell<E extends keyof ConversationActivityEvents>(event: E, ...args: Parameters<ConversationActivityEvents[E]>): void {
    (this.emit as (name: E, ...values: Parameters<ConversationActivityEvents[E]>) => boolean)(event, ...args);
    this.#context.bubble(event, ...args);
  }
}

function noUnread(feature: string): UnsupportedFeatureError {
  return new UnsupportedFeatureError(feature, READ_HORIZON, "an ACS read receipt cannot be withdrawn: there is no un-read.");
}

/** The ACS users a batch of messages names (senders, participants added or removed), to resolve before showing them. */
function usersNamedIn(messages: ChatMessage[]): string[] {
  const userIds: string[] = [];
  for (const message of messages) {
    const sender = userIdOf(message.sender);
    if (sender) userIds.push(sender);
    for (const participant of message.content?.participants ?? []) {
      const sid = toParticipantData(participant)?.sid;
      if (sid) userIds.push(sid);
    }
  }
  return userIds;
}

