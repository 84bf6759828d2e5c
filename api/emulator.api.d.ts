// The published declarations of this entry, written by `npm run api:report`: do not edit.
import { EventEmitter } from 'node:events';

/** Identifiers in Event Grid payloads carry `rawId` and `communicationUser`, without `kind`. */
interface EventIdentifier {
    rawId: string;
    communicationUser: {
        id: string;
    };
}
interface EventGridEvent<TType extends string = string, TData = unknown> {
    id: string;
    topic: string;
    subject: string;
    data: TData;
    eventType: TType;
    dataVersion: string;
    metadataVersion: "1";
    eventTime: string;
}
interface EventThreadParticipant {
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
interface AcsChatEventDataMap {
    "Microsoft.Communication.ChatMessageReceived": UserLevel & MessageBase & {
        version: number;
        messageBody: string;
        metadata: Record<string, string>;
    };
    "Microsoft.Communication.ChatMessageEdited": UserLevel & MessageBase & {
        version: number;
        messageBody: string;
        metadata: Record<string, string>;
        editTime: string;
    };
    "Microsoft.Communication.ChatMessageDeleted": UserLevel & MessageBase & {
        version: number;
        deleteTime: string;
    };
    "Microsoft.Communication.ChatMessageReceivedInThread": ThreadLevel & MessageBase & {
        version: string;
        messageBody: string;
        metadata: Record<string, string>;
    };
    "Microsoft.Communication.ChatMessageEditedInThread": ThreadLevel & MessageBase & {
        version: string;
        messageBody: string;
        metadata: Record<string, string>;
        editTime: string;
    };
    "Microsoft.Communication.ChatMessageDeletedInThread": ThreadLevel & MessageBase & {
        version: string;
        deleteTime: string;
    };
    "Microsoft.Communication.ChatThreadCreatedWithUser": UserLevel & ThreadBase & {
        createdByCommunicationIdentifier: EventIdentifier;
        properties: {
            topic: string;
        };
        metadata: Record<string, string>;
        participants: EventThreadParticipant[];
    };
    "Microsoft.Communication.ChatThreadCreated": ThreadLevel & ThreadBase & {
        createdByCommunicationIdentifier: EventIdentifier;
        properties: {
            topic: string;
        };
        metadata: Record<string, string>;
        participants: EventThreadParticipant[];
    };
    "Microsoft.Communication.ChatThreadWithUserDeleted": UserLevel & ThreadBase & {
        deletedByCommunicationIdentifier: EventIdentifier;
        deleteTime: string;
    };
    "Microsoft.Communication.ChatThreadDeleted": ThreadLevel & ThreadBase & {
        deletedByCommunicationIdentifier: EventIdentifier;
        deleteTime: string;
    };
    "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser": UserLevel & ThreadBase & {
        editedByCommunicationIdentifier: EventIdentifier;
        editTime: string;
        properties: {
            topic: string;
        };
        metadata: Record<string, string>;
    };
    "Microsoft.Communication.ChatThreadPropertiesUpdated": ThreadLevel & ThreadBase & {
        editedByCommunicationIdentifier: EventIdentifier;
        editTime: string;
        properties: {
            topic: string;
        };
        metadata: Record<string, string>;
    };
    "Microsoft.Communication.ChatParticipantAddedToThreadWithUser": UserLevel & ThreadBase & {
        time: string;
        addedByCommunicationIdentifier: EventIdentifier;
        participantAdded: EventThreadParticipant;
    };
    "Microsoft.Communication.ChatThreadParticipantAdded": ThreadLevel & ThreadBase & {
        time: string;
        addedByCommunicationIdentifier: EventIdentifier;
        participantAdded: EventThreadParticipant;
    };
    "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser": UserLevel & ThreadBase & {
        time: string;
        removedByCommunicationIdentifier: EventIdentifier;
        participantRemoved: EventThreadParticipant;
    };
    "Microsoft.Communication.ChatThreadParticipantRemoved": ThreadLevel & ThreadBase & {
        time: string;
        removedByCommunicationIdentifier: EventIdentifier;
        participantRemoved: EventThreadParticipant;
    };
}
type AcsChatEventType = keyof AcsChatEventDataMap;
type AcsChatEvent = {
    [K in AcsChatEventType]: EventGridEvent<K, AcsChatEventDataMap[K]>;
}[AcsChatEventType];

type Listener<T> = (event: T) => void;
type EventOf<K extends AcsChatEventType> = Extract<AcsChatEvent, {
    eventType: K;
}>;
/**
 * The emulator's in-process event feed: every change, as the Event Grid events ACS would
 * publish for it, in the order the changes happened. Subscribe to one event type or to "*".
 */
declare class EmulatorEventFeed {
    private readonly emitter;
    on<K extends AcsChatEventType>(eventType: K, listener: Listener<EventOf<K>>): this;
    on(eventType: "*", listener: Listener<AcsChatEvent>): this;
    off<K extends AcsChatEventType>(eventType: K, listener: Listener<EventOf<K>>): this;
    off(eventType: "*", listener: Listener<AcsChatEvent>): this;
    /** Resolves with the first event published from now on that matches; rejects after the timeout. */
    waitFor(predicate: (event: AcsChatEvent) => boolean, timeoutInMs?: number): Promise<AcsChatEvent>;
}
interface WebhookOptions {
    /** Where Event Grid POSTs events (http or https). */
    url: string;
    /** Only these event types are delivered; all chat events when omitted. */
    eventTypes?: AcsChatEventType[];
    /** Attempts per event before it is dropped, as Event Grid's retry policy (default 5). */
    maxDeliveryAttempts?: number;
}
interface WebhookStatus {
    url: string;
    delivered: number;
    failed: number;
    pending: number;
}
/**
 * Delivers events to one webhook the way Event Grid does: a subscription validation handshake
 * first, then one event per POST (an array of one, with `aeg-event-type: Notification`), in
 * order, retried with back-off on failures and 5xx answers.
 */
declare class WebhookSubscription {
    private readonly options;
    private readonly topic;
    private readonly name;
    private readonly queue;
    private draining;
    private closed;
    private delivered;
    private failed;
    private idle;
    constructor(options: WebhookOptions, topic: string, name?: string);
    /** Sends `Microsoft.EventGrid.SubscriptionValidationEvent`; rejects unless the code is echoed. */
    validate(): Promise<void>;
    enqueue(events: AcsChatEvent[]): void;
    status(): WebhookStatus;
    /** Resolves once every event queued so far has been delivered or dropped. */
    settled(): Promise<void>;
    close(): void;
    private drain;
    private post;
}

/** Faults a test can ask the emulator to inject into its next matching requests. */
type Fault =
/** Answer this status (429 and 503 are the ones the SDK retries) with ACS's error body. */
{
    kind: "status";
    status: number;
    retryAfterSeconds?: number;
}
/** Wait, then handle the request normally. */
 | {
    kind: "delay";
    delayInMs: number;
}
/** Close the connection without answering; a realtime notification is not delivered. */
 | {
    kind: "drop";
}
/** Handle the request, then close the connection without answering: the change is made, the answer lost. */
 | {
    kind: "dropAnswer";
}
/**
 * Realtime notifications: cut the recipient's realtime sockets instead of delivering (the
 * notification is lost, the SDK reconnects). Requests: as `drop`.
 */
 | {
    kind: "disconnect";
};
/**
 * Requests are matched by method and path. Realtime notifications are matched as method `NOTIFY`
 * and path `/realtime/<event name>/<recipient's ACS user id>` (`/realtime/chatMessageReceived/8:acs:...`):
 * `drop` loses the notification, `delay` holds it back, `disconnect` cuts the recipient's sockets.
 */
interface FaultRule {
    /** HTTP method to match (`NOTIFY` for realtime notifications); any when omitted. */
    method?: string;
    /**
     * Path to match, after percent-decoding and without the query: a string matches that path and
     * everything below it; a RegExp is tested against the path. Any path when omitted.
     */
    path?: string | RegExp;
    /** How many matching requests get the fault (default 1). */
    count?: number;
    fault: Fault;
}
interface FaultHandle {
    /** Matching requests still to be faulted. */
    readonly remaining: number;
    /** Requests this rule has faulted so far. */
    readonly triggered: number;
    cancel(): void;
}
declare class FaultController {
    private readonly rules;
    inject(rule: FaultRule): FaultHandle;
    /** Shorthand: the next `count` matching requests answer 429 with `Retry-After`. */
    throttle(rule: Omit<FaultRule, "fault"> & {
        retryAfterSeconds?: number;
    }): FaultHandle;
    clear(): void;
}

/**
 * "second": every date the Chat API answers is cut (not rounded) to the whole second, as the
 * real service does (message 1697712385894 came back with createdOn 10:46:25Z). Ids and
 * versions keep their milliseconds. "millisecond" writes the stored times as they are.
 */
type TimestampPrecision = "second" | "millisecond";

interface MediaServiceOptions {
    /** Largest file accepted (default 25 MB). */
    maxBytes?: number;
    temporaryUrlTtlInMs?: number;
    referenceUrlTtlInMs?: number;
}

/**
 * ACS Chat service limits (the service-limits page of the ACS docs). The client checks data
 * against them before sending; the emulator enforces them. Browser-safe: no Node built-ins.
 */
declare const ACS_LIMITS: {
    readonly participantsPerThread: 250;
    readonly participantsPerRequest: 200;
    /** "Approximately 28 KB": counted as the UTF-8 bytes of content, display name and metadata. */
    readonly messageSizeBytes: number;
    /** Thread and participant metadata: "the total size of all metadata pairs can be up to 1KB". */
    readonly metadataBytes: 1024;
    readonly maxPageSize: 200;
    /** Read receipts and typing indicators are not supported on larger threads. */
    readonly receiptsAndTypingMaxParticipants: 20;
    readonly retentionDays: {
        readonly min: 30;
        readonly max: 90;
    };
    readonly tokenMinutes: {
        readonly min: 60;
        readonly max: 1440;
    };
};
type RateLimitScope = "user" | "thread" | "userThread";
interface RateLimit {
    scope: RateLimitScope;
    max: number;
    windowInMs: number;
}
/**
 * ACS Chat's documented rate limits (service-limits page; a request over one gets 429), keyed by
 * operation (`METHOD /route/{template}`); operations of one group share their counts.
 */
declare const ACS_RATE_LIMITS: Record<string, {
    group: string;
    limits: RateLimit[];
}>;

/** One request as the emulator saw it, for logs and for counting requests in tests and demos. */
interface RequestLogEntry {
    method: string;
    /** Percent-decoded path, without the query. */
    path: string;
    /** The route, with ids replaced: `POST /chat/threads/{threadId}/messages`. */
    operation: string;
    status: number;
    durationInMs: number;
    /** The ACS user whose token the request carried, for chat requests that authenticated. */
    userId?: string;
    /** Set when an injected fault answered or delayed the request. */
    fault?: string;
}

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

/** The chat SDK's realtime event names, with the Trouter event ids their payloads carry. */
declare const REALTIME_EVENT_IDS: {
    readonly chatMessageReceived: 200;
    readonly typingIndicatorReceived: 245;
    readonly readReceiptReceived: 246;
    readonly chatMessageEdited: 247;
    readonly chatMessageDeleted: 248;
    readonly chatThreadCreated: 257;
    readonly chatThreadPropertiesUpdated: 258;
    readonly chatThreadDeleted: 259;
    readonly participantsAdded: 260;
    readonly participantsRemoved: 261;
};
type RealtimeEventName = keyof typeof REALTIME_EVENT_IDS;

/** One delivered notification, as the emulator saw it go out (for tests and the bench). */
interface DeliveredNotification {
    event: RealtimeEventName;
    recipient: string;
    /** How many sockets it went to. */
    sockets: number;
}

interface RealtimeOptions {
    /** Port to listen on; 0 (the default) picks a free one. */
    port?: number;
    /** How often heartbeats go out and tokens are checked on open sockets (default 25 s). */
    heartbeatIntervalInMs?: number;
}
/** The realtime side of the emulator, on `Emulator.realtime`. */
interface RealtimeNotifications {
    /** `https://127.0.0.1:PORT`: the `trouterServiceUrl` (and registrar) the SDK is told of. */
    readonly url: string;
    /** Open sockets, with whether each is registered (only registered ones receive notifications). */
    connections(userId?: string): Array<{
        userId: string;
        registered: boolean;
    }>;
    /** Resolves once the user has `count` registered sockets; rejects after the timeout. */
    waitForConnections(userId: string, count?: number, timeoutInMs?: number): Promise<void>;
    /** Cuts open sockets, of one user or all, as a network failure would (no goodbye); returns how many. */
    drop(userId?: string): number;
    /** Calls back for each notification published (with how many sockets it reached); returns an unsubscribe. */
    onNotification(listener: (delivered: DeliveredNotification) => void): () => void;
}

interface EmulatorOptions {
    /** Port to listen on; 0 (the default) picks a free one. */
    port?: number;
    /** Address to listen on (default 127.0.0.1). */
    host?: string;
    /**
     * Keep the state in this JSON file: loaded at start, rewritten atomically after changes and
     * at close. Users, tokens, threads, the access key and the certificate survive a restart.
     */
    dataFile?: string;
    /** Base64 access key of the connection string; random unless given. A `dataFile` that exists keeps its own key, which wins. */
    accessKey?: string;
    /** Name of the emulated resource, used in the Event Grid `topic`. */
    resourceName?: string;
    /** Webhooks to deliver Event Grid events to; each must pass the validation handshake. */
    webhooks?: Array<string | WebhookOptions>;
    /**
     * Enforce ACS Chat's documented rate limits (429 with Retry-After). Off by default so that
     * tests sending many messages stay fast.
     */
    rateLimits?: boolean;
    /** The emulator's media endpoint (an in-memory file store for `HttpMediaStore`; not persisted). */
    media?: MediaServiceOptions;
    /** The emulator's clock (epoch ms), for tests of token expiry and request-date skew. */
    now?: () => number;
    /**
     * How the Chat API writes dates. "second" (the default) cuts every date to the whole second,
     * as ACS does; "millisecond" keeps the stored milliseconds. Message ids and versions keep
     * their milliseconds either way.
     */
    timestampPrecision?: TimestampPrecision;
    /**
     * How `listMessages`/`listChatThreads` compare `startTime` (default "second": the change
     * time and startTime, both cut to the second, with >=, so a change in startTime's second is
     * always returned). "millisecond" compares the stored milliseconds with startTime as given.
     */
    startTimeComparison?: TimestampPrecision;
    /**
     * Whether editing a message moves its thread's `lastMessageReceivedOn` (default false). ACS
     * does not document it; a client that finds changed threads by this mark must work either way.
     */
    lastMessageReceivedOnMovesOnEdit?: boolean;
    /** Whether deleting a message moves its thread's `lastMessageReceivedOn` (default false; undocumented too). */
    lastMessageReceivedOnMovesOnDelete?: boolean;
    /** The realtime notification server (its own HTTPS port, the same certificate): port and heartbeat pace. */
    realtime?: RealtimeOptions;
}
interface Emulator {
    /** `https://127.0.0.1:PORT`: the endpoint for `ChatClient`. */
    readonly endpoint: string;
    /** `endpoint=https://127.0.0.1:PORT/;accesskey=...`: for `CommunicationIdentityClient`. */
    readonly connectionString: string;
    /** PEM of the self-signed certificate: pass it as `tlsOptions: { ca }` to the SDK clients. */
    readonly caPem: string;
    readonly accessKey: string;
    /** The GUID in every user id this emulator issues (`8:acs:<resourceId>_<guid>`). */
    readonly resourceId: string;
    readonly host: string;
    readonly port: number;
    /**
     * ACS realtime notifications, as the browser SDK's `startRealtimeNotifications()` reaches them:
     * `realtime.url` is the Trouter and registrar the emulator's `/chat/config/realTimeNotifications` names.
     */
    readonly realtime: RealtimeNotifications;
    /** Every change, as the Event Grid events ACS publishes for it. */
    readonly events: EmulatorEventFeed;
    /** Inject 429s, 503s, delays and dropped connections into the next matching requests. */
    readonly faults: FaultController;
    /** How many files the media endpoint holds (to check that failed sends leave none behind). */
    readonly mediaCount: () => number;
    /** Emits `request` after each request is answered (or dropped). */
    readonly requests: EventEmitter<{
        request: [RequestLogEntry];
    }>;
    /** Subscribes a webhook; resolves once it passed Event Grid's validation handshake. */
    addWebhook(options: string | WebhookOptions): Promise<WebhookSubscription>;
    /** Writes pending changes to the data file now (no-op without one). */
    flush(): Promise<void>;
    /** Stops listening, drops open connections, and writes the data file. */
    close(): Promise<void>;
}
declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>;

export { ACS_LIMITS, ACS_RATE_LIMITS, type AcsChatEvent, type AcsChatEventDataMap, type AcsChatEventType, type DeliveredNotification, type Emulator, EmulatorEventFeed, type EmulatorOptions, type EventGridEvent, type EventIdentifier, type EventThreadParticipant, type Fault, FaultController, type FaultHandle, type FaultRule, type MediaServiceOptions, REALTIME_EVENT_IDS, type RealtimeEventName, type RealtimeNotifications, type RealtimeOptions, type RequestLogEntry, type TimestampPrecision, type WebhookOptions, type WebhookStatus, WebhookSubscription, startEmulator };
