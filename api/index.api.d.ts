// The published declarations of this entry, written by `npm run api:report`: do not edit.
import { ChatParticipant, ChatMessage, ChatClientOptions, ChatClient, ChatThreadProperties, ChatThreadClient } from '@azure/communication-chat';
import { EventEmitter } from 'events';

/**
 * A promise with a {@link CancellablePromise.cancel | cancel()} method. `then`, `catch` and
 * `finally` return plain `Promise`s: cancelling applies to this promise only.
 */
declare class CancellablePromise<T> extends Promise<T> {
    #private;
    /** Derived promises (`then`, `catch`, `finally`, `await`) are plain promises. */
    static get [Symbol.species](): PromiseConstructor;
    /**
     * @param executor Called at once with `resolve`, `reject` and `onCancel`; `onCancel(handler)`
     * registers the function {@link cancel} calls (the last registration wins).
     */
    constructor(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: string | Error) => void, onCancel: (cancellationFunction: () => void) => void) => void);
    /**
     * Cancels the promise: runs the registered cancellation handler, then rejects with
     * `Error("Promise was cancelled")`. Does nothing once the promise is resolved, rejected or
     * cancelled. The rejection of this promise itself is marked handled, so a cancelled promise
     * nobody awaits does not raise an unhandled rejection.
     */
    cancel(): this;
}

/**
 * Twilio's rich content templates (Twilio Content API). ACS Chat has no content templates, so
 * `Client.getContentTemplates()` rejects with UnsupportedFeatureError and `Message.getContentData()`
 * resolves to `null`. The
 * types and classes exist so that apps keep their annotations, `instanceof` checks and
 * `switch (data.type)` code; {@link ContentTemplate} can still be built from a Content API
 * response an app fetched itself.
 */
type ContentDataActionResponse = Readonly<{
    type: string;
    title: string;
    id?: string;
    url?: string;
    phone?: string;
    index?: number;
}>;
type ContentDataTextResponse = Readonly<{
    body: string;
}>;
type ContentDataMediaResponse = Readonly<{
    body?: string;
    media: string[];
}>;
type ContentDataLocationResponse = Readonly<{
    longitude: number;
    latitude: number;
    label?: string;
}>;
type ContentDataQuickReplyResponse = Readonly<{
    body: string;
    actions: Readonly<{
        title: string;
        id?: string;
    }>[];
}>;
type ContentDataCallToActionResponse = Readonly<{
    body: string;
    actions: ContentDataActionResponse[];
}>;
type ContentDataListPickerResponse = Readonly<{
    body: string;
    button: string;
    items: Readonly<{
        id: string;
        item: string;
        description?: string;
    }>[];
}>;
type ContentDataCardResponse = Readonly<{
    title: string;
    subtitle?: string;
    media?: string[];
    actions?: ContentDataActionResponse[];
}>;
type ContentDataResponse = Readonly<{
    "twilio/text"?: ContentDataTextResponse;
    "twilio/media"?: ContentDataMediaResponse;
    "twilio/location"?: ContentDataLocationResponse;
    "twilio/quick-reply"?: ContentDataQuickReplyResponse;
    "twilio/call-to-action"?: ContentDataCallToActionResponse;
    "twilio/list-picker"?: ContentDataListPickerResponse;
    "twilio/card"?: ContentDataCardResponse;
}>;
/** One template as the Content API returns it; `variables` is a JSON object of name to value. */
type ContentTemplateResponse = Readonly<{
    sid: string;
    account_sid: string;
    friendly_name: string;
    variables: string;
    variants: ContentDataResponse;
    date_created: string;
    date_updated: string;
}>;
/** A button of {@link ContentDataQuickReply} that sends back a predefined text. */
type ContentDataReply = {
    /** Display value; also the text sent back when the user taps the button. */
    readonly title: string;
    /** Postback payload, not visible to the end user. */
    readonly id?: string;
};
/** A button that opens a URL. */
type ContentDataActionUrl = {
    readonly type: "url";
    readonly title: string;
    readonly url: string;
    /** The whole action as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A button that calls a phone number. */
type ContentDataActionPhone = {
    readonly type: "phone";
    readonly title: string;
    readonly phone: string;
    /** The whole action as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A button that sends back a predefined text. */
type ContentDataActionReply = {
    readonly type: "reply";
    readonly title: string;
    readonly id?: string;
    readonly index: number;
    /** The whole action as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** An action type this SDK does not know. */
type ContentDataActionOther = {
    readonly type: "other";
    /** The whole action as JSON text. */
    readonly rawData: string;
};
/** The actions of {@link ContentDataCallToAction} and {@link ContentDataCard}. */
type ContentDataAction = ContentDataActionUrl | ContentDataActionPhone | ContentDataActionReply | ContentDataActionOther;
/** An item of {@link ContentDataListPicker}. */
type ContentDataListItem = {
    /** Item identifier, not visible to the recipient. */
    readonly id: string;
    /** Display value. */
    readonly item: string;
    readonly description?: string;
};
/** Plain text (`twilio/text`). */
type ContentDataText = {
    readonly type: "text";
    readonly body: string;
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** File attachments, with an optional text (`twilio/media`). */
type ContentDataMedia = {
    readonly type: "media";
    readonly body?: string;
    /** URLs of the media. */
    readonly media: string[];
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A location pin with an optional label (`twilio/location`). */
type ContentDataLocation = {
    readonly type: "location";
    readonly longitude: number;
    readonly latitude: number;
    readonly label?: string;
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A text with up to 3 reply buttons (`twilio/quick-reply`). */
type ContentDataQuickReply = {
    readonly type: "quickReply";
    readonly body: string;
    readonly replies: ContentDataReply[];
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A text with action buttons such as a URL or a phone call (`twilio/call-to-action`). */
type ContentDataCallToAction = {
    readonly type: "callToAction";
    readonly body: string;
    readonly actions: ContentDataAction[];
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A menu of up to 10 items (`twilio/list-picker`). */
type ContentDataListPicker = {
    readonly type: "listPicker";
    readonly body: string;
    /** Display value of the primary button. */
    readonly button: string;
    readonly items: ContentDataListItem[];
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A card with title, media and actions (`twilio/card`). */
type ContentDataCard = {
    readonly type: "card";
    readonly title: string;
    readonly subtitle?: string;
    readonly media: string[];
    readonly actions: ContentDataAction[];
    /** The whole variant as JSON text, for fields this SDK does not model. */
    readonly rawData: string;
};
/** A content type this SDK does not know. */
type ContentDataOther = {
    readonly type: "other";
    /** The whole variant as JSON text. */
    readonly rawData: string;
};
/** The data of one content template variant, discriminated by `type`. */
type ContentData = ContentDataText | ContentDataMedia | ContentDataLocation | ContentDataQuickReply | ContentDataCallToAction | ContentDataListPicker | ContentDataCard | ContentDataOther;
/** A variable of a {@link ContentTemplate}. */
declare class ContentTemplateVariable {
    /** Name of the variable. */
    readonly name: string;
    /** Value of the variable. */
    readonly value: string;
    constructor(
    /** Name of the variable. */
    name: string,
    /** Value of the variable. */
    value: string);
    /** A copy of this variable with another value. */
    copyWithValue(value: string): ContentTemplateVariable;
}
/** A rich content template. */
declare class ContentTemplate {
    /** Server-assigned unique identifier of the template. */
    readonly sid: string;
    /** Name describing the content, not visible to the recipient. */
    readonly friendlyName: string;
    /** Variables of the template. */
    readonly variables: ContentTemplateVariable[];
    /** Variants of the content by content type (e.g. `"twilio/text"`). */
    readonly variants: Map<string, ContentData>;
    readonly dateCreated: Date;
    readonly dateUpdated: Date;
    constructor(contentTemplateResponse: ContentTemplateResponse);
}

/** Twilio's JSON types: attributes are any JSON value. */
type JSONValue = null | string | number | boolean | JSONObject | JSONArray;
type JSONObject = {
    [x: string]: JSONValue;
};
type JSONArray = JSONValue[];

/** What was wrong with a piece of foreign data, for the client's logger. */
interface ForeignDataProblem {
    /** A stable name per kind of problem (loggers may report each kind once). */
    kind: "attributes" | "media" | "mediaUrl" | "controlMessage" | "message" | "feed";
    message: string;
    details?: unknown;
}
type ReportProblem = (problem: ForeignDataProblem) => void;

/**
 * Who may change whose attributes. ACS lets only a message's sender edit it and has no
 * participant update, so changes to others' attributes travel as control messages that every
 * client folds in; any participant (or a native ACS client) can send one. Each client therefore
 * applies a control message only within its sender's rights, decided here, the same way on every
 * client, so that all of them show the same attributes.
 */

interface AttributeChange {
    /** A message's attributes, or a participant's. */
    kind: "message" | "participant";
    /** Who sends the change: ACS user id and Twilio identity (the user id when the resolver does not know it). */
    sender: {
        userId: string;
        identity: string;
    };
    /** Whose message or participant entry it changes. */
    owner: {
        userId: string;
        identity: string;
    };
    /**
     * The attributes before the change. For messages: the message's own, with the changes accepted
     * before this one (the same on every client). For participants: what this client shows now.
     */
    previous: JSONValue;
    next: JSONValue;
}
/** Whether a change may take effect. Must be pure and the same on every client of the app. */
type AttributePolicy = (change: AttributeChange) => boolean;
/**
 * The default: Twilio's default conversation role for participants. A participant edits its own
 * message attributes (`editOwnMessageAttributes`) and its own participant attributes
 * (`editOwnParticipantAttributes`), not others' (`editAny...`, admin permissions). One exception
 * keeps reactions working as apps built on Twilio's demo write them: on another's message, a
 * participant may change the top-level `reactions` key, and nothing else.
 */
declare const twilioDefaultAttributePolicy: AttributePolicy;

/**
 * Twilio apps name users by identity ("alice"); ACS names them `8:acs:...`. One resolver maps
 * between them: the client knows its own pair and asks the app's resolver (the server kit's
 * directory) for the rest. What participants write into ACS (display names, metadata) is never
 * taken for an identity: any participant can write anything there.
 */

interface UserProfile {
    friendlyName: string | null;
    attributes: JSONValue;
}
interface IdentityResolver {
    /** The ACS user id of a Twilio identity, creating the ACS user if the directory does that; undefined when unknown. */
    userIdOf(identity: string): Promise<string | undefined>;
    /** The Twilio identity of an ACS user id; undefined when unknown. */
    identityOf(userId: string): Promise<string | undefined>;
    /** The identities of many ACS user ids in one call, where the resolver can batch; unknown ids are left out. */
    identitiesOf?(userIds: string[]): Promise<Map<string, string>>;
    /** The user's profile (friendlyName, attributes), where the directory keeps profiles. */
    getProfile?(identity: string): Promise<UserProfile | undefined>;
    /** Stores profile changes, where the directory keeps profiles. */
    updateProfile?(identity: string, changes: Partial<UserProfile>): Promise<UserProfile>;
}
/**
 * The pairs this client knows, in memory, in front of the app's resolver. Synchronous getters
 * (`Message.author`, `Participant.identity`) read it; the data paths call `resolveAll` with the
 * user ids they are about to show, so each id costs at most one lookup (shared by concurrent
 * callers, batched where the resolver can). Without a resolver, and for ids the resolver does not
 * know, a user's identity is its ACS user id: an id cannot be forged, a display name can.
 */
declare class KnownIdentities {
    #private;
    readonly resolver?: IdentityResolver | undefined;
    constructor(resolver?: IdentityResolver | undefined, now?: () => number);
    /** A pair from a trusted source: this client's session, the app's resolver, or the user id it resolved to add. */
    remember(identity: string, userId: string): void;
    /** The identity of a user id: the trusted one when known, else the ACS user id itself. */
    identityOf(userId: string): string;
    /** The identity, if this client knows it from a trusted source. */
    knownIdentityOf(userId: string): string | undefined;
    /**
     * Learns the identities of these user ids from the resolver, once each. Never rejects: an id
     * that cannot be resolved shows as itself.
     */
    resolveAll(userIds: Iterable<string | null | undefined>): Promise<void>;
    /**
     * The ACS user id of an identity. An identity that is an ACS user id (`8:...`, how unknown users
     * show) addresses that user: it is never sent to the resolver, which could create a user by that name.
     */
    userIdOf(identity: string): Promise<string | undefined>;
}

declare class ServerDirectory implements IdentityResolver {
    #private;
    constructor(baseUrl: string, token: () => string, send?: typeof fetch);
    userIdOf(identity: string): Promise<string | undefined>;
    identityOf(userId: string): Promise<string | undefined>;
    /** One request for many user ids (ACS pages hold up to 200 messages). */
    identitiesOf(userIds: string[]): Promise<Map<string, string>>;
    getProfile(identity: string): Promise<UserProfile | undefined>;
    updateProfile(identity: string, changes: Partial<UserProfile>): Promise<UserProfile>;
    /** The conversation a unique name names, if any. */
    conversationSidOf(uniqueName: string): Promise<string | undefined>;
    /** Claims a unique name for a conversation; false when another conversation has it. */
    claimUniqueName(uniqueName: string, conversationSid: string): Promise<boolean>;
    releaseUniqueName(uniqueName: string, conversationSid: string): Promise<void>;
    /**
     * The conversations this user muted; `unchanged` when they are as at `etag` (the kit answers 304),
     * `unsupported` when the kit's directory keeps no notification levels (501).
     */
    mutedConversations(etag: string | undefined): Promise<{
        muted: string[];
        etag: string | undefined;
    } | "unchanged" | "unsupported">;
    setNotificationLevel(conversationSid: string, level: "default" | "muted"): Promise<void>;
    /** Asks the server to add this user to a conversation they are not in (its `authorizeJoin` decides). */
    join(conversationSid: string): Promise<void>;
}

/**
 * Where message attachments live. ACS Chat stores no files: a MediaStore keeps the bytes and
 * hands out short-lived URLs to them. Implementations: `HttpMediaStore` (browsers and Node: talks
 * to an HTTP media endpoint, such as the emulator's or the server kit's) and `BlobMediaStore`
 * (Node: Azure Blob Storage, from `twilio-conversations-acs/server`).
 */
/** One file to store. */
interface MediaUpload {
    /** The file name, as the app gave it (Twilio's `filename`). */
    filename: string | null;
    contentType: string;
    data: Blob | Uint8Array;
}
interface StoredMedia {
    /** The store's id of the file: the Media `sid`. */
    id: string;
    /**
     * A URL that stays valid long enough for native ACS clients, which read it from the message
     * metadata (`fileSharingMetadata`, `attachmentUrl`). This library's own clients never use it:
     * they ask `temporaryUrl()` for a fresh one.
     */
    url: string;
    /** Bytes stored. */
    size: number;
}
interface MediaStore {
    /** Stores the bytes; rejects on failure (nothing is then stored). */
    upload(media: MediaUpload, options?: {
        abortSignal?: AbortSignal;
    }): Promise<StoredMedia>;
    /** A fresh, short-lived URL to read the file: a new one each call. */
    temporaryUrl(id: string): Promise<string>;
    /** Deletes the file (used when sending the message that carries it failed). */
    delete(id: string): Promise<void>;
    /**
     * Where this store's files are served (URLs whose origins count, e.g. the Blob account's):
     * clients return such https URLs from others' file descriptions, no others unless the app allows them.
     */
    readonly urlOrigins?: readonly string[];
}

/** An event map in Twilio's style: event name -> listener signature. */
type ListenerMap = {
    [event: string]: (...args: any[]) => void;
};
/**
 * Twilio's replaying emitter: Node's EventEmitter (the `events` package in browsers, which the
 * ACS SDK already bundles) typed with the class's events, plus `onWithReplay` and
 * `onceWithReplay`, which first hand the listener the last emission of that event (if any), so
 * a listener added after `initialized` still learns that the client is initialized.
 */
declare class ReplayEventEmitter<Events extends ListenerMap> extends EventEmitter {
    #private;
    on<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    addListener<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    once<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    off<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    removeListener<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    /**
     * Calls every listener even when one throws: a bug in an app's listener must not cut a batch
     * of events short inside this library. The error is rethrown on its own, as uncaught.
     */
    emit<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): boolean;
    /** Calls the listener with the last emission of the event, if any, then subscribes it. */
    onWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    /** Alias of {@link onWithReplay}. */
    addListenerWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this;
    /** Calls the listener once: with the last emission if there was one, else with the next. */
    onceWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this;
}

/**
 * What an event source tells the client: that something changed, and where. The client then
 * reads the change itself from ACS (the thread's change feed, its properties, the thread list),
 * so every source yields the same complete, ordered, de-duplicated events: a push that arrives
 * twice, late or not at all changes when the client learns of a change, never what it learns.
 */
type Nudge = (
/** Something may have changed anywhere: check the thread list. */
{
    kind: "threads";
}
/** Messages or participants of one thread changed. */
 | {
    kind: "thread";
    threadId: string;
}
/** Someone sent a read receipt in a thread. */
 | {
    kind: "receipts";
    threadId: string;
}
/** A thread's topic or metadata changed. */
 | {
    kind: "properties";
    threadId: string;
}
/** A thread was deleted, or this user was removed from it. */
 | {
    kind: "threadGone";
    threadId: string;
}
/** Someone left a thread: this client's user (the thread is gone for it) or another. */
 | {
    kind: "participantRemoved";
    threadId: string;
    userId: string;
}
/** A user is typing in a thread (realtime only: ACS keeps no typing state to read back). */
 | {
    kind: "typing";
    threadId: string;
    userId: string;
}) & {
    /** For per-user pushes (Event Grid's `...WithUser` and `ChatMessageReceived`): whose they are. Other users' clients ignore them. */
    recipient?: string;
};
/** Where sources deliver nudges and report their health. */
interface NudgeSink {
    nudge(nudge: Nudge): void;
    /**
     * A source whose nudges anyone may forge or repeat (a public webhook) hands the sink a limiter:
     * the sink then asks it before each read a nudge causes.
     */
    limitReads?(limiter: ReadLimiter): void;
}
/** Merges and spaces out the reads that nudges cause (PushReadLimiter, in the server entry). */
interface ReadLimiter {
    /** Runs `read` soon, once for all requests under the same key not yet served. */
    request(key: string, read: () => void): void;
}
/**
 * A push source of changes the client can be given (`eventSource` option), such as the Event
 * Grid source of `twilio-conversations-acs/server`. Polling runs beside it as a safety net.
 */
interface ExternalEventSource {
    /** Starts delivering nudges to the sink; returns how to stop. */
    attach(sink: NudgeSink): () => void;
}

interface PollingOptions {
    /** Interval right after a cycle that found changes. */
    minIntervalInMs?: number;
    /** Interval reached after idle cycles. */
    maxIntervalInMs?: number;
    /** Longest wait after repeated errors. */
    maxBackoffInMs?: number;
    /** How often active conversations' properties (attributes, unique name) are re-read. */
    watchIntervalInMs?: number;
    /** How long a conversation stays active after a change in it: its messages are read every cycle meanwhile (default 5 min). */
    activeForMs?: number;
    /** How often active conversations' read receipts are re-read (default 3 s; ACS allows 5 reads per 10 s per thread). */
    receiptsIntervalInMs?: number;
    /**
     * How often a sweep visits each conversation without activity (default 30 s); the sweep makes at
     * most 3 visits a second, so with many conversations it takes longer.
     */
    sweepIntervalInMs?: number;
    /** The most conversations read every cycle: those the app has open, then the most recently active (default 10). */
    maxActive?: number;
    /** How often the whole thread list is read to notice conversations this user was removed from. */
    removalCheckIntervalInMs?: number;
}

/**
 * ACS realtime notifications (browsers and React Native: `ChatClient.startRealtimeNotifications`)
 * as nudges. The payloads are only hints (they carry no sequenceId and may repeat or go missing
 * across reconnects): the client reads the change itself, and polling covers any gap.
 */

/** The part of ChatClient this source uses: a narrow seam that tests feed with ACS's documented payloads. */
interface RealtimeSignals {
    startRealtimeNotifications(): Promise<void>;
    stopRealtimeNotifications(): Promise<void>;
    on(event: string, listener: (payload: RealtimePayload) => void): void;
    off(event: string, listener: (payload: RealtimePayload) => void): void;
}
/** The fields of ACS's realtime event payloads this source reads. */
interface RealtimePayload {
    threadId?: string;
    sender?: {
        kind?: string;
        communicationUserId?: string;
    };
    participantsAdded?: Array<{
        id?: {
            kind?: string;
            communicationUserId?: string;
        };
    }>;
    participantsRemoved?: Array<{
        id?: {
            kind?: string;
            communicationUserId?: string;
        };
    }>;
}

/** Reads a payload into an upload and checks it; throws InvalidArgumentError or LimitExceededError naming `field`. */
/** Twilio's media payload for a send. */
interface SendMediaOptions {
    contentType: null | string;
    filename?: string;
    /** Twilio names Node's Buffer; any Uint8Array (Buffer is one) or ArrayBuffer works here. */
    media: null | string | Uint8Array | ArrayBuffer | Blob;
}

/** Twilio's media categories: attachments, or an email's body or history. */
type MediaCategory = "media" | "body" | "history";

/**
 * Twilio's channel metadata (SMS/WhatsApp/email channel data of a message). ACS Chat has no
 * such channels, so `Message.getChannelMetadata()` resolves to `null`. The class exists so that
 * apps keep their annotations and `instanceof` checks.
 */
/** Metadata of the communication channel a message came through. */
declare class ChannelMetadata {
    /** Communication channel type. */
    readonly type: string;
    /** The metadata itself (frozen, shallowly, as Twilio does). */
    readonly data: unknown;
    constructor(type: string, data: unknown);
}

/**
 * Twilio's delivery receipts for SMS/WhatsApp messages. ACS Chat has no channel delivery
 * statuses, only read receipts: `Message.aggregatedDeliveryReceipt` and
 * `getDetailedDeliveryReceipts()` build these classes from them (sent and delivered always
 * "all", statuses always "read"); see their rows in src/capabilities.ts.
 */
/** How many of the participants have a delivery status for a message. */
type DeliveryAmount = "none" | "some" | "all";
/** The delivery status of a message for one participant. */
type DeliveryStatus = "sent" | "delivered" | "failed" | "read" | "undelivered" | "queued";
/** Input of {@link AggregatedDeliveryReceipt}: one {@link DeliveryAmount} per status. */
interface AggregatedDeliveryDescriptor {
    total: number;
    delivered: DeliveryAmount;
    failed: DeliveryAmount;
    read: DeliveryAmount;
    sent: DeliveryAmount;
    undelivered: DeliveryAmount;
}
/** Delivery statuses of a message aggregated over all participants of its conversation. */
declare class AggregatedDeliveryReceipt {
    #private;
    constructor(data: AggregatedDeliveryDescriptor);
    /** Maximum number of delivery events expected for the message. */
    get total(): number;
    /** Participants for which the nearest upstream carrier accepted the message. */
    get sent(): DeliveryAmount;
    /** Participants for which the carrier (and, where available, the handset) confirmed delivery. */
    get delivered(): DeliveryAmount;
    /** Participants that opened the message (with read receipts enabled). */
    get read(): DeliveryAmount;
    /** Participants for which a receipt said the message was not delivered. */
    get undelivered(): DeliveryAmount;
    /** Participants to which the message could not be sent. */
    get failed(): DeliveryAmount;
}
/** Input of {@link DetailedDeliveryReceipt}, in Twilio's REST (snake_case) shape. */
interface DetailedDeliveryReceiptDescriptor {
    sid: string;
    message_sid: string;
    conversation_sid: string;
    channel_message_sid: string;
    participant_sid: string;
    status: DeliveryStatus;
    error_code: string | null;
    date_created: string;
    date_updated: string;
}
/** The delivery receipt of a message for one participant. */
declare class DetailedDeliveryReceipt {
    /** Unique identifier of the delivery receipt. */
    sid: string;
    /** Unique identifier of the message in the conversation. */
    messageSid: string;
    /** Unique identifier of the conversation. */
    conversationSid: string;
    /** Unique identifier of the channel message (`SM...` for SMS, `WA...` for WhatsApp). */
    channelMessageSid: string;
    /** Unique identifier of the participant. */
    participantSid: string;
    /** Status of the delivery; `"queued"` when the descriptor has none. */
    status: DeliveryStatus;
    /** Error code of the delivery, `0` when there is none. */
    errorCode: string | 0;
    /** Creation date, as Twilio's REST API sent it. */
    dateCreated: string;
    /** Last update date, as Twilio's REST API sent it. */
    dateUpdated: string;
    constructor(descriptor: DetailedDeliveryReceiptDescriptor);
}

/** Where a Media gets fresh temporary URLs from (the media store of the media milestone). */
type TemporaryUrlSource = (media: Media) => Promise<string | null>;
/**
 * A file attached to a message. Its bytes live in a media store; `getContentTemporaryUrl()`
 * asks the store for a fresh, short-lived URL each time, as Twilio's does.
 */
declare class Media {
    #private;
    readonly sid: string;
    readonly filename: string | null;
    readonly contentType: string;
    readonly size: number;
    readonly category: MediaCategory;
    constructor(sid: string, filename: string | null, contentType: string, size: number, category: MediaCategory, temporaryUrlSource?: TemporaryUrlSource);
    getContentTemporaryUrl(): CancellablePromise<string | null>;
}

/** ACS chat participants <-> the data of a Twilio Participant. */

interface ParticipantData {
    /** The ACS user id: the participant's `sid`. */
    sid: string;
    attributes: JSONValue;
    /**
     * What whoever added the participant wrote as its name. Display only: anyone adding a
     * participant writes it, so it never stands for an identity (the identity resolver decides).
     */
    displayName: string | null;
}

type ParticipantEvents = {
    typingEnded: (participant: Participant) => void;
    typingStarted: (participant: Participant) => void;
    updated: (data: {
        participant: Participant;
        updateReasons: ParticipantUpdateReason[];
    }) => void;
};
/** What a conversation gives each of its participants. */
interface ParticipantHost {
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
declare class Participant extends ReplayEventEmitter<ParticipantEvents> {
    #private;
    readonly conversation: Conversation;
    static readonly typingEnded = "typingEnded";
    static readonly typingStarted = "typingStarted";
    static readonly updated = "updated";
    /** Built by its Conversation (public, as in Twilio's typings). */
    constructor(conversation: Conversation, raw: ChatParticipant, data: ParticipantData, host: ParticipantHost,
    /** When the participant joined, if known (ACS participants carry no dates). */
    joinedOn?: Date | null);
    /** Escape hatch: the ACS participant this Participant shows. */
    get acs(): {
        readonly participant: ChatParticipant;
    };
    get sid(): string;
    get identity(): string | null;
    get attributes(): JSONValue;
    get dateCreated(): Date | null;
    get dateUpdated(): Date | null;
    get isTyping(): boolean;
    get lastReadMessageIndex(): number | null;
    get lastReadTimestamp(): Date | null;
    /** ACS has no roles. */
    get roleSid(): string;
    /** ACS threads hold chat participants only. */
    get type(): ParticipantType;
    get bindings(): ParticipantBindings;
    getUser(): Promise<User>;
    remove(): Promise<void>;
    updateAttributes(attributes: JSONValue): Promise<Participant>;
}

/**
 * Twilio's message recipients (email channel). ACS Chat has no email or SMS channels, so
 * `Message.getMessageRecipients()` and `Conversation.getMessageRecipients()` return no
 * recipients. The classes exist so that apps keep their annotations and `instanceof` checks.
 */
/** Level of an email recipient. */
type EmailRecipientLevel = "to" | "from" | "cc";
/** An email recipient as Twilio's REST API returns it (input of {@link EmailRecipientDescriptor}). */
type MessageRecipient = {
    message_sid: string;
    type: "email";
    level: EmailRecipientLevel;
    name: string;
    address: string;
};
/**
 * A recipient of any type as Twilio's REST API returns it (input of
 * {@link UnknownRecipientDescriptor}).
 */
type RawMessageRecipient = {
    message_sid: string;
    type: string;
    [field: string]: unknown;
};
/** An email recipient of a message. */
declare class EmailRecipientDescriptor {
    /** Type of recipient. */
    readonly type = "email";
    /** Sid of the message the recipient belongs to. */
    readonly messageSid: string;
    /** Level of the recipient (to, from, cc). */
    readonly level: EmailRecipientLevel;
    /** Name of the recipient. */
    readonly name: string;
    /** Email address of the recipient. */
    readonly address: string;
    constructor(recipient: MessageRecipient);
}
/** A recipient of a type this SDK does not know; `rawData` holds it as JSON text. */
declare class UnknownRecipientDescriptor {
    /** Type of recipient. */
    readonly type: string;
    /** Sid of the message the recipient belongs to. */
    readonly messageSid: string;
    /** The whole recipient as JSON text. */
    readonly rawData: string;
    constructor(recipient: MessageRecipient | RawMessageRecipient);
}
/** A recipient of a message. */
type RecipientDescriptor = EmailRecipientDescriptor | UnknownRecipientDescriptor;

type MessageEvents = {
    updated: (data: {
        message: Message;
        updateReasons: MessageUpdateReason[];
    }) => void;
};
/** What a conversation gives each of its messages: who sent it and how to change it. */
interface MessageHost {
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
declare class Message extends ReplayEventEmitter<MessageEvents> {
    #private;
    readonly conversation: Conversation;
    static readonly updated = "updated";
    /** Built by its Conversation; apps receive Messages, never construct them (public, as in Twilio's typings). */
    constructor(conversation: Conversation, raw: ChatMessage, attributes: JSONValue, host: MessageHost);
    /** Escape hatch: the ACS message this Message shows. */
    get acs(): {
        readonly message: ChatMessage;
    };
    get sid(): string;
    get index(): number;
    get body(): string | null;
    /**
     * The sender's Twilio identity, from the identity resolver; the sender's ACS user id when the
     * resolver does not know it. Never the sender's display name, which any sender can set.
     */
    get author(): string | null;
    get attributes(): JSONValue;
    get dateCreated(): Date | null;
    get dateUpdated(): Date | null;
    /** ACS lets only the sender edit: the last editor is the author once the message was edited. */
    get lastUpdatedBy(): string | null;
    /** The ACS user id of the sender: the sid of the Participant who sent it. */
    get participantSid(): string | null;
    /** `media` when files are attached (in the message metadata), as Twilio. */
    get type(): MessageType;
    get subject(): string | null;
    get contentSid(): string | null;
    /** @deprecated Twilio's single-media accessor. */
    get media(): Media | null;
    /** The attached files; null for a text message, as Twilio. */
    get attachedMedia(): Array<Media> | null;
    /**
     * Null, as Twilio answers for chat messages: its delivery receipts come only from SMS and
     * WhatsApp channels. Who read a message is told by the participants' `lastReadMessageIndex`.
     */
    get aggregatedDeliveryReceipt(): AggregatedDeliveryReceipt | null;
    updateBody(body: string): Promise<Message>;
    /** Works on anyone's message: ACS lets only the sender edit, so others' updates go as control messages. */
    updateAttributes(attributes: JSONValue): Promise<Message>;
    remove(): Promise<Message>;
    getParticipant(): Promise<Participant>;
    getMediaByCategories(categories: MediaCategory[]): Array<Media> | null;
    /** @deprecated Use getMediaByCategories. */
    getMediaByCategory(categories: Array<MediaCategory>): Array<Media> | null;
    getEmailBody(type?: string): Media | null;
    getEmailHistory(type?: string): Media | null;
    /** @deprecated Twilio's: fetched URLs for the media; here Media always fetch fresh URLs on demand. */
    attachTemporaryUrlsFor(contentSet: Media[] | null): CancellablePromise<Media[] | null>;
    getTemporaryContentUrlsForMedia(contentSet: Media[]): CancellablePromise<Map<string, string>>;
    getTemporaryContentUrlsForMediaSids(mediaSids: string[] | null): CancellablePromise<Map<string, string>>;
    getTemporaryContentUrlsForAttachedMedia(): CancellablePromise<Map<string, string>>;
    /**
     * None, as Twilio answers for chat messages (its receipts come from SMS and WhatsApp channels),
     * without a request: apps ask on every render, and ACS allows 5 receipt reads per 10 s.
     */
    getDetailedDeliveryReceipts(): Promise<DetailedDeliveryReceipt[]>;
    /** Content templates are Twilio's; an ACS message has none, as a Twilio message without `contentSid`. */
    getContentData(): CancellablePromise<ContentData | null>;
    /** Channel metadata describes SMS/WhatsApp channels: none for chat, as in Twilio. */
    getChannelMetadata(): Promise<ChannelMetadata | null>;
    /** Recipients are email recipients: none for chat, as in Twilio. */
    getMessageRecipients(): Promise<RecipientDescriptor[]>;
}

/**
 * The type names `@twilio/conversations` 3.x exports, with the same shapes, plus the options
 * this library adds for ACS. Types that name classes import them as types only.
 */

/** Twilio's connection states. ACS has no socket for the REST client: see MIGRATION.md. */
type ConnectionState = "unknown" | "disconnecting" | "disconnected" | "retrying" | "connecting" | "connected" | "denied" | "error";
type State = "failed" | "initialized";
type NotificationsChannelType = "fcm" | "apn";
type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";
type ConnectionError = {
    terminal: boolean;
    message: string;
    httpStatusCode?: number;
    errorCode?: string;
};
/**
 * Twilio's client options (its internal wiring knobs are accepted and ignored) and this library's
 * own. A token from the server kit carries the endpoint and identity; the explicit form passes an
 * ACS user token with `endpoint` and `identity`.
 */
interface ClientOptions {
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
    rateLimits?: {
        scale: number;
    } | false;
    /**
     * Where events about others' changes come from. `auto` (default): ACS realtime notifications
     * where the ACS SDK has them (browsers, React Native), else polling; `polling`; `realtime`
     * (falls back to polling where unavailable); `none` (events only for this client's own
     * actions); or a push source such as the server kit's Event Grid source. Polling always runs
     * beside a push source as its safety net, at its idle pace. `{ realtimeSignals }` supplies the
     * realtime transport yourself (the ChatClient's `startRealtimeNotifications`/`on`/`off` surface),
     * e.g. to relay ACS notifications from elsewhere, or to feed ACS's payloads in tests.
     */
    eventSource?: "auto" | "polling" | "realtime" | "none" | ExternalEventSource | {
        realtimeSignals: RealtimeSignals;
    };
    /** The polling source's pace. */
    polling?: PollingOptions;
    /**
     * Where attachments go (ACS Chat stores no files): a MediaStore, or `{ url }` of a media endpoint
     * (the server kit's, or the emulator's endpoint) reached with this client's token.
     */
    mediaStore?: MediaStore | {
        url: string;
        fetch?: typeof fetch;
    };
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
    logger?: {
        warn(message: string, details?: unknown): void;
    };
}
interface CreateConversationOptions {
    attributes?: JSONValue;
    friendlyName?: string;
    uniqueName?: string;
    access?: string;
}
interface ConversationLimits {
    mediaAttachmentsCountLimit: number;
    mediaAttachmentSizeLimitInMb: number;
    mediaAttachmentsTotalSizeLimitInMb: number;
    emailHistoriesAllowedContentTypes: string[];
    emailBodiesAllowedContentTypes: string[];
}
interface Paginator<T> {
    hasNextPage: boolean;
    hasPrevPage: boolean;
    items: T[];
    nextPage(): Promise<Paginator<T>>;
    prevPage(): Promise<Paginator<T>>;
}
interface PaginatorOptions {
    pageSize?: number;
}
type ConversationUpdateReason = "attributes" | "createdBy" | "dateCreated" | "dateUpdated" | "friendlyName" | "lastReadMessageIndex" | "state" | "status" | "uniqueName" | "lastMessage" | "notificationLevel" | "bindings";
type ConversationStatus = "notParticipating" | "joined";
type NotificationLevel = "default" | "muted";
interface ConversationState {
    current: "active" | "inactive" | "closed";
    dateUpdated: Date;
}
interface ConversationUpdatedEventArgs {
    conversation: Conversation;
    updateReasons: ConversationUpdateReason[];
}
interface ConversationBindings {
    email?: ConversationEmailBinding;
    sms?: ConversationSmsBinding;
}
interface ConversationEmailBinding {
    name?: string;
    projected_address: string;
}
interface ConversationSmsBinding {
    address?: string;
}
interface SendEmailOptions {
    subject?: string;
}
interface LastMessage {
    index?: number;
    dateCreated?: Date;
}
type ParticipantUpdateReason = "attributes" | "dateCreated" | "dateUpdated" | "roleSid" | "lastReadMessageIndex" | "lastReadTimestamp" | "bindings";
type ParticipantType = "chat" | "sms" | "whatsapp" | "email" | string;
interface ParticipantUpdatedEventArgs {
    participant: Participant;
    updateReasons: ParticipantUpdateReason[];
}
interface ParticipantBindings {
    email?: ParticipantEmailBinding;
}
type ParticipantEmailLevel = "to" | "cc";
interface ParticipantEmailBinding {
    name: string;
    address: string;
    level: ParticipantEmailLevel;
}
interface ParticipantBindingOptions {
    email?: ParticipantEmailBinding;
}
/** What `Conversation.add` resolves to: Twilio's REST JSON of the new participant. */
interface ParticipantResponse {
    account_sid: string;
    chat_service_sid: string;
    conversation_sid: string;
    role_sid: string;
    sid: string;
    attributes: string;
    date_created: string;
    date_updated: string;
    identity: string;
    messaging_binding: {
        type: "chat" | "sms" | "whatsapp" | "email";
        address: string;
        proxy_address: string;
    } | null;
    url: string;
    links: {
        conversation: string;
    };
}
type MessageUpdateReason = "body" | "lastUpdatedBy" | "dateCreated" | "dateUpdated" | "attributes" | "author" | "deliveryReceipt" | "subject" | "media";
type MessageType = "text" | "media";
interface MessageUpdatedEventArgs {
    message: Message;
    updateReasons: MessageUpdateReason[];
}
type UserUpdateReason = "friendlyName" | "attributes" | "reachabilityOnline" | "reachabilityNotifiable";
interface UserUpdatedEventArgs {
    user: User;
    updateReasons: UserUpdateReason[];
}

type UserEvents = {
    updated: (data: {
        user: User;
        updateReasons: UserUpdateReason[];
    }) => void;
    userSubscribed: (user: User) => void;
    userUnsubscribed: (user: User) => void;
};
/** Where a user's profile is kept: ACS has no user profiles, the app's directory may. */
interface UserHost {
    updateProfile(user: User, changes: Partial<UserProfile>): Promise<UserProfile>;
    unsubscribe(user: User): void;
}
/**
 * A user known by Twilio identity. ACS has no profiles or presence: `friendlyName` and
 * `attributes` come from the identity directory when it keeps profiles; `isOnline` and
 * `isNotifiable` are null, as Twilio reports them when reachability is off.
 */
declare class User extends ReplayEventEmitter<UserEvents> {
    #private;
    /** The ACS user id, when known. */
    readonly acsUserId: string | undefined;
    readonly updated = "updated";
    readonly userSubscribed = "userSubscribed";
    readonly userUnsubscribed = "userUnsubscribed";
    /** Built by the Client (public, as in Twilio's typings). */
    constructor(userIdentity: string,
    /** The ACS user id, when known. */
    acsUserId: string | undefined, profile: UserProfile | undefined, host: UserHost);
    get identity(): string;
    set identity(_identity: string);
    /** Twilio's internal naming hook, public in its typings; nothing to name here. */
    set entityName(_name: string);
    get friendlyName(): string | null;
    get attributes(): JSONValue;
    get isOnline(): boolean | null;
    get isNotifiable(): boolean | null;
    get isSubscribed(): boolean;
    updateAttributes(attributes: JSONValue): Promise<User>;
    updateFriendlyName(friendlyName: string): Promise<User>;
    unsubscribe(): Promise<void>;
}

/** What the Client shares with its conversations: ACS access, who we are, and its events. */
interface ClientContext {
    readonly chatClient: ChatClient;
    readonly self: {
        readonly identity: string;
        readonly userId: string;
    };
    readonly identities: KnownIdentities;
    /** Who may change whose attributes. */
    readonly attributePolicy: AttributePolicy;
    /** Thread properties as they may be shown: creator resolved, unique name only where the server kit's directory confirms it. */
    vetProperties(properties: ChatThreadProperties): Promise<ChatThreadProperties>;
    /** Resolves once the client initialized; rejects with the reason when initialization failed. */
    ensureReady(): Promise<void>;
    /** Re-emits a conversation-level event on the client, as Twilio's client does for every conversation. */
    bubble<E extends "messageAdded" | "messageRemoved" | "messageUpdated" | "participantJoined" | "participantLeft" | "participantUpdated" | "conversationUpdated" | "typingStarted" | "typingEnded">(event: E, ...args: Parameters<ClientEvents[E]>): void;
    conversationJoined(conversation: Conversation): void;
    conversationLeft(conversation: Conversation): void;
    conversationRemoved(conversation: Conversation): void;
    /**
     * Whether an event source follows this client's conversations (every `eventSource` but "none"):
     * then their rosters, message windows and horizons are kept current from the change feed, and
     * reads answer from them, as Twilio's do from its subscription.
     */
    followsEvents(): boolean;
    /** This user's notification level for a conversation ("default" unless the server kit keeps it "muted"). */
    notificationLevelOf(conversationSid: string): "default" | "muted";
    /** Stores it through the server kit; rejects `UnsupportedFeatureError` without one that keeps levels. */
    setNotificationLevel(conversation: Conversation, level: "default" | "muted"): Promise<void>;
    /** Another participant said the thread's properties changed: the event engine reads them soon. */
    propertiesSignalled(conversation: Conversation): void;
    /** Rejects with Twilio's conflict error when another conversation has the unique name. */
    assertUniqueNameFree(uniqueName: string, exceptSid?: string): Promise<void>;
    getUser(identity: string): Promise<User>;
    /** How long a typing indicator lasts without renewal. */
    readonly typingTimeoutInMs: number;
    /** The server kit's directories, when the token names a server. */
    readonly server: ServerDirectory | undefined;
    /** The server kit's own ACS user: in every conversation it can add joiners to, hidden from participant lists. */
    readonly serviceUserId: string | undefined;
    /** A conversation this user joined through the server: announce it as Twilio does. */
    joinedThroughServer(conversation: Conversation): void;
    /**
     * Marks a thread this client is bringing in itself (creating it, or joining it through the
     * server), so that event discovery does not add a second Conversation for it meanwhile.
     * Returns the release.
     */
    claim(threadId: string): () => void;
    /** Where attachments go, and the rules they must meet. */
    readonly media: {
        store: MediaStore | undefined;
        maxCount: number;
        maxBytes: number;
        allowedContentTypes?: string[];
        /** A URL from a file description as the app may get it, or null (reported) when it is not at an allowed origin. */
        checkedUrl(url: string): string | null;
    };
    /** Reports malformed or refused data that others wrote (the app's logger). */
    readonly report: ReportProblem;
}

/** Sends built messages; implemented by the Conversation. */
interface UnsentMessageSender {
    /** `abortSignal` fires when the app cancels the send (its CancellablePromise): uploads stop. */
    sendUnsent(message: UnsentMessage, abortSignal: AbortSignal): Promise<number>;
    /** Checks a media payload as it is added (throws the typed errors at once, as Twilio's builder does). */
    checkMedia(payload: FormData | SendMediaOptions): void;
}
/** A message built by MessageBuilder, ready to `send()`. */
declare class UnsentMessage {
    #private;
    text?: string;
    attributes: JSONValue;
    mediaContent: [MediaCategory, FormData | SendMediaOptions][];
    emailOptions: SendEmailOptions;
    contentSid?: string;
    contentVariables?: ContentTemplateVariable[];
    /** Built by MessageBuilder (public, as in Twilio's typings). */
    constructor(sender: UnsentMessageSender);
    /** Sends the message; resolves to its index. */
    send(): CancellablePromise<number | null>;
}
/** Twilio's message builder: `prepareMessage().setBody(...).setAttributes(...).build().send()`. */
declare class MessageBuilder {
    #private;
    /** Built by `Conversation.prepareMessage()` (public, as in Twilio's typings). */
    constructor(limits: ConversationLimits, sender: UnsentMessageSender);
    setBody(text: string): MessageBuilder;
    /** Email subjects belong to email conversations, which ACS Chat does not have. */
    setSubject(subject: string): MessageBuilder;
    setAttributes(attributes: JSONValue): MessageBuilder;
    setEmailBody(contentType: string, body: FormData | SendMediaOptions): MessageBuilder;
    setEmailHistory(contentType: string, history: FormData | SendMediaOptions): MessageBuilder;
    setContentTemplate(contentSid: string, contentVariables?: ContentTemplateVariable[]): MessageBuilder;
    /** Adds a file (SendMediaOptions or browser FormData); its type, size and the store are checked now. */
    addMedia(payload: FormData | SendMediaOptions): MessageBuilder;
    /** Throws, as Twilio's, when more files were added than the conversation's limit. */
    build(): UnsentMessage;
    buildAndSend(): CancellablePromise<number | null>;
}

/** What happens inside a conversation: its own listeners hear it, and the Client's too (for every conversation). */
type ConversationActivityEvents = {
    participantJoined: (participant: Participant) => void;
    participantLeft: (participant: Participant) => void;
    participantUpdated: (data: {
        participant: Participant;
        updateReasons: ParticipantUpdateReason[];
    }) => void;
    messageAdded: (message: Message) => void;
    messageRemoved: (message: Message) => void;
    messageUpdated: (data: {
        message: Message;
        updateReasons: MessageUpdateReason[];
    }) => void;
    typingEnded: (participant: Participant) => void;
    typingStarted: (participant: Participant) => void;
};
type ConversationEvents = ConversationActivityEvents & {
    updated: (data: {
        conversation: Conversation;
        updateReasons: ConversationUpdateReason[];
    }) => void;
    removed: (conversation: Conversation) => void;
};
/**
 * A conversation: an ACS chat thread. `sid` is the thread id, `friendlyName` its topic;
 * `attributes` and `uniqueName` live in thread metadata.
 */
declare class Conversation extends ReplayEventEmitter<ConversationEvents> {
    #private;
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
    /** Built by the Client (public, as in Twilio's typings). */
    constructor(context: ClientContext, properties: ChatThreadProperties, status: ConversationStatus,
    /** Server time before which the thread's messages are history to this client, not news. */
    historyBefore: number, lastMessageReceivedOn?: Date,
    /** What tells history from news where times tie (ACS's have whole seconds): see ThreadFeed. */
    history?: {
        throughIndex?: number;
        fromJoin?: boolean;
        /** Server time the client began following the thread: receipts the first read finds from before it are state, not news (default `historyBefore`). */
        followingSince?: number;
    });
    /** Escape hatch: the ACS thread client behind this conversation. */
    get acs(): {
        readonly threadClient: ChatThreadClient;
    };
    get uniqueName(): string | null;
    get status(): ConversationStatus;
    get friendlyName(): string | null;
    get dateUpdated(): Date | null;
    get dateCreated(): Date | null;
    get createdBy(): string;
    get attributes(): JSONValue;
    /** This user's read horizon, from their ACS read receipt; null before any (or before it was read). */
    get lastReadMessageIndex(): number | null;
    get lastMessage(): LastMessage | undefined;
    /** This user's level for this conversation, kept by the server kit's directory ("default" without it). */
    get notificationLevel(): NotificationLevel;
    get bindings(): ConversationBindings;
    get limits(): ConversationLimits;
    /** Conversation states (active, inactive, closed) are Twilio's; ACS threads have none. */
    get state(): ConversationState | undefined;
    /** Adds a user by Twilio identity, resolved to an ACS user through the client's identity resolver. */
    add(identity: string, attributes?: JSONValue): Promise<ParticipantResponse>;
    /** SMS, WhatsApp and email participants need Twilio's channels. */
    addNonChatParticipant(proxyAddress: string, address: string, attributes?: JSONValue, bindingOptions?: ParticipantBindingOptions): Promise<ParticipantResponse>;
    /**
     * Twilio answers from the roster its subscription keeps: so does this client once it has read
     * the participants, as long as an event source follows the conversation (system messages in the
     * change feed tell joins and departures). After leaving, the roster as it was, without a request.
     */
    getParticipants(): Promise<Participant[]>;
    getParticipantsCount(): Promise<number>;
    getParticipantBySid(participantSid: string): Promise<Participant | null>;
    getParticipantByIdentity(identity?: string | null): Promise<Participant | null>;
    /** Removes a participant given by identity, sid or object. */
    removeParticipant(participant: string | Participant): Promise<void>;
    /**
     * ACS makes the creator a participant at creation; Twilio reports `notParticipating` until
     * `join()`. Joining a conversation you are in resolves at once; a non-participant cannot add
     * itself in ACS (the server kit's join endpoint does it).
     */
    join(): Promise<Conversation>;
    leave(): Promise<Conversation>;
    delete(): Promise<Conversation>;
    getAttributes(): Promise<JSONValue>;
    updateAttributes(attributes: JSONValue): Promise<Conversation>;
    updateFriendlyName(friendlyName: string): Promise<Conversation>;
    /** Unique names live in thread metadata; the client checks they are unique among the conversations it sees. */
    updateUniqueName(uniqueName: string | null): Promise<Conversation>;
    /**
     * Twilio's paging: `items` ascending by index; `prevPage()` goes to older messages and
     * `nextPage()` to newer, whatever the direction; `anchor` (an index) is inclusive.
     */
    getMessages(pageSize?: number, anchor?: number, direction?: "backwards" | "forward"): Promise<Paginator<Message>>;
    /** Counts the user messages, reading the whole thread (ACS keeps no count). */
    getMessagesCount(): Promise<number>;
    prepareMessage(): MessageBuilder;
    /** Sends text, or one file (SendMediaOptions or FormData) through the media store; resolves to the new index. */
    sendMessage(message: null | string | FormData | SendMediaOptions, messageAttributes?: JSONValue, emailOptions?: SendEmailOptions): Promise<number>;
    /**
     * Tells the others this user is typing. ACS's SDK sends at most one notification per 8 s (later
     * calls resolve without a request), and ACS has no typing on threads over 20 participants, where
     * this resolves without a request too.
     */
    typing(): Promise<void>;
    /** Moves this user's horizon up to `index` (never down); resolves to the unread count. Coalesced: see MIGRATION.md. */
    advanceLastReadMessageIndex(index: number): Promise<number>;
    /**
     * Sets this user's horizon to `index`, also backwards. `null` (Twilio's "nothing read") is
     * unsupported: an ACS read receipt cannot be withdrawn.
     */
    updateLastReadMessageIndex(index: number | null): Promise<number>;
    /** Marks everything read; resolves to the unread count (0). */
    setAllMessagesRead(): Promise<number>;
    /** An ACS read receipt cannot be withdrawn: there is no un-read. */
    setAllMessagesUnread(): Promise<number>;
    /**
     * How many user messages are after this user's horizon (a count, not an index difference: ACS
     * indexes have gaps); null until this user has a read receipt in the conversation, as Twilio.
     */
    getUnreadMessagesCount(): Promise<number | null>;
    /**
     * Stored per user and conversation by the server kit's directory, the same on all the user's
     * clients (`conversationUpdated` with "notificationLevel" on each); without the kit,
     * `UnsupportedFeatureError`. ACS's web SDK sends no push notifications to mute.
     */
    setUserNotificationLevel(level: NotificationLevel): Promise<void>;
    /** Recipients are email recipients: none for chat, as Twilio answers for chat conversations. */
    getMessageRecipients(options?: PaginatorOptions): Promise<Paginator<RecipientDescriptor>>;
}

/**
 * Twilio's push notification model. ACS Chat's JS SDK has no push delivery, so nothing in this
 * library produces these (`Client.parsePushNotification` throws UnsupportedFeatureError); the
 * classes exist so that apps keep their type annotations and `instanceof` checks.
 */

/** The kinds of Conversations push notifications. */
type PushNotificationType = "twilio.conversations.new_message" | "twilio.conversations.added_to_conversation" | "twilio.conversations.removed_from_conversation";
/** Input of {@link PushNotification}. `data` holds the {@link PushNotificationData} fields. */
interface PushNotificationDescriptor {
    title: string | null;
    body: string | null;
    sound: string | null;
    badge: number | null;
    action: string | null;
    type: PushNotificationType;
    data: Record<string, unknown>;
}
/** Additional data of a push notification. */
interface PushNotificationData {
    /** SID of the conversation. */
    conversationSid?: string;
    /** Title of the conversation. */
    conversationTitle?: string;
    /** Index of the message in the conversation. */
    messageIndex?: number;
    /** SID of the message in the conversation. */
    messageSid?: string;
    /** Media of the notification (the first attachment of the message). */
    media?: Media;
    /** Count of the media attached to the message. */
    mediaCount?: number;
}
/** A push notification for a Conversations client. */
declare class PushNotification {
    /** Title of the notification. */
    readonly title: string | null;
    /** Text of the notification. */
    readonly body: string | null;
    /** Sound of the notification. */
    readonly sound: string | null;
    /** Number of the badge. */
    readonly badge: number | null;
    /** Notification action (`click_action` in FCM terms, `category` in APNs terms). */
    readonly action: string | null;
    /** Type of the notification. */
    readonly type: PushNotificationType;
    /** Additional data of the notification. */
    readonly data: PushNotificationData;
    constructor(descriptor: PushNotificationDescriptor);
}
/** The notification type strings Twilio's services use. */
declare class NotificationTypes {
    static readonly TYPING_INDICATOR = "twilio.ipmsg.typing_indicator";
    static readonly NEW_MESSAGE = "twilio.conversations.new_message";
    static readonly ADDED_TO_CONVERSATION = "twilio.conversations.added_to_conversation";
    static readonly REMOVED_FROM_CONVERSATION = "twilio.conversations.removed_from_conversation";
    static readonly CONSUMPTION_UPDATE = "twilio.channel.consumption_update";
}

type ClientEvents = ConversationActivityEvents & {
    conversationAdded: (conversation: Conversation) => void;
    conversationJoined: (conversation: Conversation) => void;
    conversationLeft: (conversation: Conversation) => void;
    conversationRemoved: (conversation: Conversation) => void;
    conversationUpdated: (data: {
        conversation: Conversation;
        updateReasons: ConversationUpdateReason[];
    }) => void;
    tokenAboutToExpire: () => void;
    tokenExpired: () => void;
    pushNotification: (pushNotification: PushNotification) => void;
    userSubscribed: (user: User) => void;
    userUnsubscribed: (user: User) => void;
    userUpdated: (data: {
        user: User;
        updateReasons: UserUpdateReason[];
    }) => void;
    stateChanged: (state: State) => void;
    initialized: () => void;
    initFailed: ({ error }: {
        error?: ConnectionError;
    }) => void;
    connectionStateChanged: (state: ConnectionState) => void;
    connectionError: (data: ConnectionError) => void;
};
/**
 * The entry point, as in Twilio: `new Client(token)` starts initializing at once; listen for
 * `initialized` (or `onWithReplay`), then each conversation the user is in arrives as
 * `conversationAdded` and `conversationJoined`.
 */
declare class Client extends ReplayEventEmitter<ClientEvents> {
    #private;
    static readonly conversationAdded = "conversationAdded";
    static readonly conversationJoined = "conversationJoined";
    static readonly conversationLeft = "conversationLeft";
    static readonly conversationRemoved = "conversationRemoved";
    static readonly conversationUpdated = "conversationUpdated";
    static readonly participantJoined = "participantJoined";
    static readonly participantLeft = "participantLeft";
    static readonly participantUpdated = "participantUpdated";
    static readonly messageAdded = "messageAdded";
    static readonly messageRemoved = "messageRemoved";
    static readonly messageUpdated = "messageUpdated";
    static readonly tokenAboutToExpire = "tokenAboutToExpire";
    static readonly tokenExpired = "tokenExpired";
    static readonly typingEnded = "typingEnded";
    static readonly typingStarted = "typingStarted";
    static readonly pushNotification = "pushNotification";
    static readonly userSubscribed = "userSubscribed";
    static readonly userUnsubscribed = "userUnsubscribed";
    static readonly userUpdated = "userUpdated";
    static readonly stateChanged = "stateChanged";
    static readonly initialized = "initialized";
    static readonly initFailed = "initFailed";
    static readonly connectionStateChanged = "connectionStateChanged";
    static readonly connectionError = "connectionError";
    /** This library's version. */
    static readonly version: string;
    readonly version: string;
    connectionState: ConnectionState;
    /** Twilio push payloads: ACS's web SDK has no push notifications, so none arrive to parse. */
    static parsePushNotification(notificationPayload: unknown): PushNotification;
    parsePushNotification: typeof Client.parsePushNotification;
    /** Twilio's push registration plumbing: ACS's web SDK has no push notifications. */
    static populateInitRegistrations(reg: unknown): void;
    /**
     * @param token a token from this library's server kit, or an ACS user access token with
     *   `options.endpoint` and `options.identity`.
     */
    constructor(token: string, options?: ClientOptions | null);
    /** Escape hatch: the ACS ChatClient this client drives. */
    get acs(): {
        readonly chatClient: ChatClient;
        readonly userId: string;
    };
    get user(): User;
    /** ACS has no presence: reachability is always off. */
    get reachabilityEnabled(): boolean;
    /** The token the client was last given, as given. */
    get token(): string;
    /** @deprecated Twilio's: use `new Client()` and the `initialized` event. Resolves once initialized. */
    static create(token: string, options?: ClientOptions | null): Promise<Client>;
    shutdown(): Promise<void>;
    /**
     * Swaps the token used from the next request on; subscriptions and objects stay. A token for
     * another user or endpoint is refused.
     */
    updateToken(token: string): Promise<Client>;
    getConversationBySid(conversationSid: string): Promise<Conversation>;
    /** ACS shows a thread only to its participants: the same as getConversationBySid. */
    peekConversationBySid(conversationSid: string): Promise<Conversation>;
    /**
     * Through the server kit's conversation directory when the token names one (a conversation the
     * user is not in comes back `notParticipating`, ready to `join()`), else among the conversations
     * the user is in.
     */
    getConversationByUniqueName(uniqueName: string): Promise<Conversation>;
    getSubscribedConversations(): Promise<Paginator<Conversation>>;
    /**
     * Creates an ACS thread with the friendly name as topic and attributes and unique name in its
     * metadata. ACS makes the creator a participant; the conversation reports `notParticipating`
     * until `join()`, as Twilio's does.
     */
    createConversation(options?: CreateConversationOptions): Promise<Conversation>;
    setPushRegistrationId(channelType: NotificationsChannelType, registrationId: string): Promise<void>;
    unsetPushRegistrationId(channelType: NotificationsChannelType): Promise<void>;
    removePushRegistrations(channelType: NotificationsChannelType, registrationId: string): Promise<void>;
    /** Twilio push payloads: ACS's web SDK has no push notifications. */
    handlePushNotification(notificationPayload: unknown): Promise<void>;
    /** A user by Twilio identity, through the identity resolver (which also keeps profiles, if any). */
    getUser(identity: string): Promise<User>;
    getSubscribedUsers(): Promise<Array<User>>;
    /** Fresh temporary URLs from the media store, by media sid. */
    getTemporaryContentUrlsForMediaSids(mediaSids: string[]): CancellablePromise<Map<string, string>>;
    getTemporaryContentUrlsForMedia(contentSet: Media[]): CancellablePromise<Map<string, string>>;
    /** Content templates belong to Twilio's Content API. */
    getContentTemplates(): Promise<Readonly<ContentTemplate[]>>;
}

/**
 * Twilio's paginator: `items` of one page; `nextPage()` and `prevPage()` resolve to new
 * paginators (this one never changes) and reject when there is no such page.
 */
declare class RestPaginator<T> implements Paginator<T> {
    #private;
    readonly items: T[];
    constructor(items: T[], source: (pageToken: string) => Promise<Paginator<T>>, prevToken: string | null, nextToken: string | null);
    get hasNextPage(): boolean;
    get hasPrevPage(): boolean;
    nextPage(): Promise<Paginator<T>>;
    prevPage(): Promise<Paginator<T>>;
}

/**
 * The errors this library throws. Few, each one something a caller can act on; check
 * `error.name` rather than `instanceof` across bundles.
 */
/** The MIGRATION.md sections that errors and the capability table point to: a typo does not compile. */
type MigrationSection = "Push notifications" | "Media" | "Content templates" | "Email" | "SMS, WhatsApp and email participants" | "Read horizon and unread counts" | "Users and profiles" | "Identities" | "Attributes of others";
/** A Twilio feature with no ACS Chat equivalent (SMS/WhatsApp participants, push, content templates, email). */
declare class UnsupportedFeatureError extends Error {
    /** The Twilio member, e.g. `Conversation.addNonChatParticipant`. */
    readonly feature: string;
    /** The MIGRATION.md section that explains the gap and what to do instead. */
    readonly migrationSection: MigrationSection;
    readonly name = "UnsupportedFeatureError";
    constructor(
    /** The Twilio member, e.g. `Conversation.addNonChatParticipant`. */
    feature: string,
    /** The MIGRATION.md section that explains the gap and what to do instead. */
    migrationSection: MigrationSection, reason: string);
}
/** An argument of the wrong type or shape, named by its field, caught before any request. */
declare class InvalidArgumentError extends TypeError {
    /** The parameter or option path, e.g. `options.friendlyName`. */
    readonly field: string;
    readonly name = "InvalidArgumentError";
    constructor(
    /** The parameter or option path, e.g. `options.friendlyName`. */
    field: string, message: string);
}
/** Data too large for ACS (metadata, message size, participant counts), caught before any request. */
declare class LimitExceededError extends RangeError {
    /** What was too large, e.g. `Conversation attributes`. */
    readonly subject: string;
    readonly size: number;
    readonly limit: number;
    readonly unit: string;
    readonly name = "LimitExceededError";
    constructor(
    /** What was too large, e.g. `Conversation attributes`. */
    subject: string, size: number, limit: number, unit: string);
}
/** A conversation, participant, message or user that does not exist or is not visible to this user. */
declare class NotFoundError extends Error {
    readonly name = "NotFoundError";
}
/** A unique name already taken. `code` is Twilio's (50353), so apps that check it keep working. */
declare class ConflictError extends Error {
    readonly code: number;
    readonly name = "ConflictError";
    constructor(message: string, code: number);
}
/**
 * The change is outside this user's rights (the client's attribute policy: by default Twilio's
 * default conversation role). `code` is Twilio's "User unauthorized for command" (50107).
 */
declare class PermissionDeniedError extends Error {
    readonly name = "PermissionDeniedError";
    readonly code = 50107;
    readonly statusCode = 403;
}
/** ACS answered an error. `statusCode` and `code` are ACS's; `cause` is the SDK's RestError. */
declare class AcsRequestError extends Error {
    readonly statusCode: number | undefined;
    readonly code: string | undefined;
    readonly name = "AcsRequestError";
    constructor(message: string, statusCode: number | undefined, code: string | undefined, options?: {
        cause?: unknown;
    });
}
/**
 * The message was sent, but its index could not be read back. Do not send it again: it is in the
 * conversation (`messageSid`), and arrives as `messageAdded` once ACS answers reads again.
 */
declare class MessageSentError extends Error {
    readonly messageSid: string;
    readonly name = "MessageSentError";
    constructor(messageSid: string, cause: unknown);
}
/**
 * A service this library talks to over HTTP (the server kit, a media endpoint) answered an error.
 * `statusCode` is the HTTP status.
 */
declare class HttpStatusError extends Error {
    readonly statusCode: number;
    readonly name = "HttpStatusError";
    constructor(message: string, statusCode: number);
}
/** The client could not start (Twilio's `initFailed`); `cause` is what failed. */
declare class InitializationError extends Error {
    readonly name = "InitializationError";
}
/** The operation was cancelled (`CancellablePromise.cancel()`, an AbortSignal): nothing was sent. */
declare class AbortError extends Error {
    readonly name = "AbortError";
}
/** The client was shut down (`client.shutdown()`): it makes no more requests. */
declare class ClientShutDownError extends Error {
    readonly name = "ClientShutDownError";
    constructor();
}
/**
 * Whether an error says the thing is gone for this user: ACS answers 404 for what does not exist
 * and 403 for what this user may not see (a thread they are not in).
 */
declare function isGone(error: unknown): boolean;

interface HttpMediaStoreOptions {
    /** Where the media endpoint lives (the emulator's endpoint, or the server kit's URL). */
    baseUrl: string;
    /** The bearer token to send: the client passes its current ACS token. */
    token: () => string | Promise<string>;
    /** A fetch to use instead of the global one (for custom TLS trust in Node, say). */
    fetch?: typeof fetch;
}
declare class HttpMediaStore implements MediaStore {
    #private;
    constructor(options: HttpMediaStoreOptions);
    /** The media endpoint's origin, where the files it stores are served (the emulator's, say). */
    get urlOrigins(): readonly string[];
    upload(media: MediaUpload, options?: {
        abortSignal?: AbortSignal;
    }): Promise<StoredMedia>;
    temporaryUrl(id: string): Promise<string>;
    delete(id: string): Promise<void>;
}

interface ClientTokenFields {
    /** ACS resource endpoint, e.g. `https://contoso.communication.azure.com`. */
    endpoint: string;
    /** The ACS user access token (a JWT). */
    acsToken: string;
    /** The ACS user id, `8:acs:...`. */
    acsUserId: string;
    /** The app's own name for the user: Twilio's identity. */
    identity: string;
    /** Base URL of the server kit (directory, join, token refresh), when there is one. */
    serverUrl?: string;
    /** The server kit's own ACS user, which conversations include so that the server can add joiners. */
    serviceUserId?: string;
    /** Where the media endpoint is (the server kit's, or in demos the emulator's): the client's default media store. */
    mediaUrl?: string;
}
/** Throws InvalidArgumentError naming the bad field. */
declare function encodeClientToken(fields: ClientTokenFields): string;

/** This package's version, reported as `Client.version`. Kept equal to package.json's by a test. */
declare const VERSION = "0.1.0";

export { AbortError, AcsRequestError, AggregatedDeliveryReceipt, type AttributeChange, type AttributePolicy, CancellablePromise, ChannelMetadata, Client, type ClientEvents, type ClientOptions, ClientShutDownError, type ClientTokenFields, ConflictError, type ConnectionState, type ContentData, type ContentDataAction, type ContentDataActionOther, type ContentDataActionPhone, type ContentDataActionReply, type ContentDataActionUrl, type ContentDataCallToAction, type ContentDataCard, type ContentDataListItem, type ContentDataListPicker, type ContentDataLocation, type ContentDataMedia, type ContentDataOther, type ContentDataQuickReply, type ContentDataReply, type ContentDataText, ContentTemplate, ContentTemplateVariable, Conversation, type ConversationActivityEvents, type ConversationBindings, type ConversationEmailBinding, type ConversationEvents, type ConversationLimits, type ConversationState, type ConversationStatus, type ConversationUpdateReason, type ConversationUpdatedEventArgs, type CreateConversationOptions, type DeliveryAmount, type DeliveryStatus, DetailedDeliveryReceipt, EmailRecipientDescriptor, type EmailRecipientLevel, type ExternalEventSource, HttpMediaStore, type HttpMediaStoreOptions, HttpStatusError, type IdentityResolver, InitializationError, InvalidArgumentError, type JSONArray, type JSONObject, type JSONValue, type LastMessage, LimitExceededError, Media, type MediaCategory, type MediaStore, type MediaUpload, Message, MessageBuilder, type MessageEvents, MessageSentError, type MessageType, type MessageUpdateReason, type MessageUpdatedEventArgs, type MigrationSection, NotFoundError, type NotificationLevel, NotificationTypes, type NotificationsChannelType, type Nudge, type NudgeSink, type Paginator, Participant, type ParticipantBindingOptions, type ParticipantBindings, type ParticipantEmailBinding, type ParticipantEmailLevel, type ParticipantEvents, type ParticipantType, type ParticipantUpdateReason, type ParticipantUpdatedEventArgs, PermissionDeniedError, type PollingOptions, PushNotification, type PushNotificationData, type PushNotificationDescriptor, type PushNotificationType, type RawMessageRecipient, type ReadLimiter, type RealtimePayload, type RealtimeSignals, type RecipientDescriptor, RestPaginator, type SendEmailOptions, type SendMediaOptions, type State, type StoredMedia, type TemporaryUrlSource, UnknownRecipientDescriptor, UnsentMessage, UnsupportedFeatureError, User, type UserEvents, type UserProfile, type UserUpdateReason, type UserUpdatedEventArgs, encodeClientToken as createClientToken, isGone, twilioDefaultAttributePolicy, VERSION as version };
