/**
 * The type names `@twilio/conversations` 3.x exports, with the same shapes, plus the options
 * this library adds for ACS. Types that name classes import them as types only.
 */
import type { AttributePolicy } from "./attribute-policy.js";
import type { ChatClientOptions } from "@azure/communication-chat";
import type { ExternalEventSource } from "../events/nudges.js";
import type { PollingOptions } from "../events/polling-source.js";
import type { RealtimeSignals } from "../events/realtime-source.js";
import type { IdentityResolver } from "../identity/identity-resolver.js";
import type { MediaStore } from "../media/media-store.js";
import type { SendMediaOptions } from "../media/media-payload.js";
import type { MediaCategory } from "../mapping/media-metadata.js";

// Defined beside the code that reads them (lower layers), published here with Twilio's other types.
export type { MediaCategory, SendMediaOptions };
import type { JSONValue } from "../mapping/json.js";
import type { Conversation } from "./conversation.js";
import type { Message } from "./message.js";
import type { Participant } from "./participant.js";
import type { User } from "./user.js";

export type { JSONArray, JSONObject, JSONValue } from "../mapping/json.js";

// ---- client ----

/** Twilio's connection states. ACS has no socket for the REST client: see MIGRATION.md. */
export type ConnectionState = "unknown" | "disconnecting" | "disconnected" | "retrying" | "connecting" | "connected" | "denied" | "error";
export type State = "failed" | "initialized";
export type NotificationsChannelType = "fcm" | "apn";
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";
export type ConnectionError = { terminal: boolean; message: string; httpStatusCode?: number; errorCode?: string };

/**
 * Twilio's client options (its internal wiring knobs are accepted and ignored) and this library's
 * own. A token from the server kit carries the endpoint and identity; the explicit form passes an
 * ACS user token with `endpoint` and `identity`.
 */
export interface ClientOptions {
  logLevel?: LogLevel;
  channelMetadataCacheCapacity?: number;
  messageRecipientsCacheCapacity?: number;
  region?: string;
  productId?: string;
  typingIndicatorTimeoutOverride?: number;
  consumptionReportIntervalOverride?: string;
  httpCacheIntervalOverride?: string;
  userInfosToSubscribeOverride?: number;
  retryWhenThrottledOverride?: boolean;
  backoffConfigOverride?: Record<string, unknown>;
  Chat?: ClientOptions;
  IPMessaging?: ClientOptions;
  Sync?: Record<string, unknown>;
  Notification?: Record<string, unknown>;
  Twilsock?: Record<string, unknown>;
  clientMetadata?: Record<string, unknown>;
  disableDeepClone?: boolean;
  typingUri?: string;
  apiUri?: string;
  /** Make calls reject after a failed initialization instead of waiting for it (Twilio's flag). */
  throwErrorsAlways?: boolean;

  /** ACS resource endpoint, when the token is a plain ACS user token. */
  endpoint?: string;
  /** The user's Twilio identity, when the token is a plain ACS user token. */
  identity?: string;
  /** Resolves Twilio identities to ACS user ids and back; see {@link IdentityResolver}. */
  identityResolver?: IdentityResolver;
  /**
   * Who may change whose message and participant attributes (Twilio's roles). Default:
   * {@link twilioDefaultAttributePolicy}. Give every client of the app the same policy.
   */
  attributePolicy?: AttributePolicy;
  /** Options for the underlying `ChatClient` (retry policy, `tlsOptions` for the emulator, ...). */
  chatClientOptions?: ChatClientOptions;
  /**
   * The rate budget every request passes (default: ACS's documented limits). `{ scale }` multiplies
   * them, for an ACS resource whose limits Microsoft raised on request; `false` sends every request
   * at once (for an emulator without limits; on ACS, expect 429s and the SDK's retries).
   */
  rateLimits?: { scale: number } | false;
  /**
   * Where events about others' changes come from. `auto` (default): ACS realtime notifications
   * where the ACS SDK has them (browsers, React Native), else polling; `polling`; `realtime`
   * (falls back to polling where unavailable); `none` (events only for this client's own
   * actions); or a push source such as the server kit's Event Grid source. Polling always runs
   * beside a push source as its safety net, at its idle pace. `{ realtimeSignals }` supplies the
   * realtime transport yourself (the ChatClient's `startRealtimeNotifications`/`on`/`off` surface),
   * e.g. to relay ACS notifications from elsewhere, or to feed ACS's payloads in tests.
   */
  eventSource?: "auto" | "polling" | "realtime" | "none" | ExternalEventSource | { realtimeSignals: RealtimeSignals };
  /** The polling source's pace. */
  polling?: PollingOptions;
  /**
   * Where attachments go (ACS Chat stores no files): a MediaStore, or `{ url }` of a media endpoint
   * (the server kit's, or the emulator's endpoint) reached with this client's token.
   */
  mediaStore?: MediaStore | { url: string; fetch?: typeof fetch };
  /** A fetch for calls to the server kit (the global one by default). */
  fetch?: typeof fetch;
  /** Rules for attachments, checked before anything is uploaded. */
  media?: {
    /** Files per message (default 10: their descriptions must fit ACS's 28 KB message). */
    maxCount?: number;
    /** Largest file, MB (default 25). */
    maxSizeInMb?: number;
    /** Allowed content types, e.g. `["image/*", "application/pdf"]`; all when omitted. */
    allowedContentTypes?: string[];
    /**
     * Origins (e.g. `https://contoso.blob.core.windows.net`) whose URLs in others' file
     * descriptions `Media.getContentTemporaryUrl()` may return, besides the media store's own.
     * Any other URL another participant names reads as none (null), with a logged warning.
     */
    allowedUrlOrigins?: string[];
  };
  /**
   * Where problems with data others wrote into ACS are reported (malformed attributes or file
   * descriptions, refused links); such data is delivered as plain values, never thrown. Default:
   * `console.warn`, once per kind of problem, so developers learn of it and a hostile participant
   * cannot flood every client's console.
   */
  logger?: { warn(message: string, details?: unknown): void };
}

export interface CreateConversationOptions {
  attributes?: JSONValue;
  friendlyName?: string;
  uniqueName?: string;
  access?: string;
}

export interface ConversationLimits {
  mediaAttachmentsCountLimit: number;
  mediaAttachmentSizeLimitInMb: number;
  mediaAttachmentsTotalSizeLimitInMb: number;
  emailHistoriesAllowedContentTypes: string[];
  emailBodiesAllowedContentTypes: string[];
}

// ---- paging ----

export interface Paginator<T> {
  hasNextPage: boolean;
  hasPrevPage: boolean;
  items: T[];
  nextPage(): Promise<Paginator<T>>;
  prevPage(): Promise<Paginator<T>>;
}

export interface PaginatorOptions {
  pageSize?: number;
}

// ---- conversations ----

export type ConversationUpdateReason =
  | "attributes"
  | "createdBy"
  | "dateCreated"
  | "dateUpdated"
  | "friendlyName"
  | "lastReadMessageIndex"
  | "state"
  | "status"
  | "uniqueName"
  | "lastMessage"
  | "notificationLevel"
  | "bindings";
export type ConversationStatus = "notParticipating" | "joined";
export type NotificationLevel = "default" | "muted";
export interface ConversationState {
  current: "active" | "inactive" | "closed";
  dateUpdated: Date;
}
export interface ConversationUpdatedEventArgs {
  conversation: Conversation;
  updateReasons: ConversationUpdateReason[];
}
export interface ConversationBindings {
  email?: ConversationEmailBinding;
  sms?: ConversationSmsBinding;
}
export interface ConversationEmailBinding {
  name?: string;
  projected_address: string;
}
export interface ConversationSmsBinding {
  address?: string;
}
export interface SendEmailOptions {
  subject?: string;
}
export interface LastMessage {
  index?: number;
  dateCreated?: Date;
}

// ---- participants ----

export type ParticipantUpdateReason = "attributes" | "dateCreated" | "dateUpdated" | "roleSid" | "lastReadMessageIndex" | "lastReadTimestamp" | "bindings";
export type ParticipantType = "chat" | "sms" | "whatsapp" | "email" | string;
export interface ParticipantUpdatedEventArgs {
  participant: Participant;
  updateReasons: ParticipantUpdateReason[];
}
export interface ParticipantBindings {
  email?: ParticipantEmailBinding;
}
export type ParticipantEmailLevel = "to" | "cc";
export interface ParticipantEmailBinding {
  name: string;
  address: string;
  level: ParticipantEmailLevel;
}
export interface ParticipantBindingOptions {
  email?: ParticipantEmailBinding;
}
/** What `Conversation.add` resolves to: Twilio's REST JSON of the new participant. */
export interface ParticipantResponse {
  account_sid: string;
  chat_service_sid: string;
  conversation_sid: string;
  role_sid: string;
  sid: string;
  attributes: string;
  date_created: string;
  date_updated: string;
  identity: string;
  messaging_binding: { type: "chat" | "sms" | "whatsapp" | "email"; address: string; proxy_address: string } | null;
  url: string;
  links: { conversation: string };
}

// ---- messages ----

export type MessageUpdateReason = "body" | "lastUpdatedBy" | "dateCreated" | "dateUpdated" | "attributes" | "author" | "deliveryReceipt" | "subject" | "media";
export type MessageType = "text" | "media";
export interface MessageUpdatedEventArgs {
  message: Message;
  updateReasons: MessageUpdateReason[];
}

// ---- users ----

export type UserUpdateReason = "friendlyName" | "attributes" | "reachabilityOnline" | "reachabilityNotifiable";
export interface UserUpdatedEventArgs {
  user: User;
  updateReasons: UserUpdateReason[];
}
