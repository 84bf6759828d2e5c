// The published declarations of this entry, written by `npm run api:report`: do not edit.
import { ChatClientOptions } from '@azure/communication-chat';
import { CommunicationIdentityClientOptions } from '@azure/communication-identity';
import { TableClient, TableServiceClientOptions } from '@azure/data-tables';
import { ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';

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

/**
 * Bounds the ACS reads that pushed events cause. A push is a hint that anyone may forge (an Event
 * Grid endpoint is public, and its secret may leak) or repeat by the thousand, so:
 * - merge: the read of one key (one thread and what to read of it) starts at most once per
 *   window; requests made meanwhile share one read after the window;
 * - limit: all keys share a token bucket, so the reads per second stay bounded however many
 *   keys a flood names.
 * A request is delayed, never dropped: each one is followed by a read that starts after it.
 * The Event Grid source gives each client it feeds one (`NudgeSink.limitReads`); it lives in the
 * server entry, so browser bundles, whose realtime nudges come from ACS itself, do not carry it.
 */

interface PushReadLimits {
    /** A thread is read for pushes at most once per this window (per kind of read: messages, properties, receipts), and so is the thread list; pushes meanwhile share the next read. */
    mergeWindowInMs?: number;
    /** Reads per second that pushes may cause, all threads together, sustained. */
    readsPerSecond?: number;
    /** Reads that pushes may cause at once after a quiet time (the size of the token bucket). */
    burst?: number;
}

interface CommonOptions {
    /** How many event ids to remember for dropping repeated deliveries (default 10,000). */
    rememberedEvents?: number;
    /**
     * Bounds on the ACS reads this source's events cause in each client it feeds (defaults: one
     * read per thread and kind per 500 ms window, a burst of 10, then 4 a second).
     */
    readLimits?: PushReadLimits;
}
/** Either a secret, or an explicit opt-out: anyone can reach the endpoint. */
type EventGridSourceOptions = CommonOptions & ({
    /**
     * A secret the webhook URL carries as `?secret=...` (put it in the endpoint URL of the
     * Event Grid subscription, which then also carries it in the validation handshake):
     * deliveries without it are refused with 401.
     */
    secret: string;
    insecureNoSecret?: never;
} | {
    /** Accepts deliveries from anyone. Only for endpoints nobody else can reach (local development). */
    insecureNoSecret: true;
    secret?: never;
});
declare class EventGridSource implements ExternalEventSource {
    private readonly sinks;
    private readonly seen;
    private readonly options;
    constructor(options: EventGridSourceOptions);
    attach(sink: NudgeSink): () => void;
    /** The webhook: mount it at the URL of the Event Grid subscription (node:http, Express, Hono, Functions...). */
    readonly handle: (request: Request) => Promise<Response>;
    private dispatch;
    private remember;
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

/** Twilio's JSON types: attributes are any JSON value. */
type JSONValue = null | string | number | boolean | JSONObject | JSONArray;
type JSONObject = {
    [x: string]: JSONValue;
};
type JSONArray = JSONValue[];

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

/**
 * Where the server kit keeps what ACS does not: which ACS user each Twilio identity is, users'
 * profiles, which thread each unique name names (and who claimed it), when each identity's tokens
 * were last revoked, and the uploads not yet known to be attached to a message. Writes that must be unique under
 * concurrency (a user per identity, a thread per unique name) are insert-if-absent: of two
 * concurrent writers, exactly one wins and both learn which.
 */

/** A unique name's record. */
interface UniqueNameClaim {
    uniqueName: string;
    threadId: string;
    /** The identity that claimed it; absent for claims stored before claimers were recorded. */
    claimedBy?: string;
}
/** Twilio's notification levels: "muted" conversations send their users no push notifications. */
type NotificationLevelSetting = "default" | "muted";
/** An upload the kit has not yet seen attached to a message. */
interface PendingUpload {
    /** The media store's id of the file. */
    id: string;
    /** The ACS user who uploaded it. */
    uploaderUserId: string;
    /** When, in ms since the epoch (the kit's clock). */
    uploadedAt: number;
}
/**
 * How far the import of one Twilio conversation got (`importFromTwilio`): written after each step,
 * so that a run that stops anywhere is continued, not repeated, by the next.
 */
interface ImportCheckpoint {
    /** The Twilio conversation (`CH...`). */
    conversationSid: string;
    /** The ACS thread made for it, once made. */
    threadId?: string;
    /** The Twilio index of the last message known to be in ACS; absent before the first. */
    lastIndex?: number;
    /** Messages imported so far, and passed over (reported) so far. */
    imported: number;
    skipped: number;
    /** All its messages are in: the run that wrote this finished the conversation (receipts, leavers removed). */
    done: boolean;
    /** When the run that wrote this read the conversation from Twilio (ms since the epoch): `--since` passes compare with it. */
    readAt: number;
}
interface DirectoryStore {
    /** The ACS user id of an identity, if one was stored. */
    userIdOf(identity: string): Promise<string | undefined>;
    /** The identity of an ACS user id, if one was stored. */
    identityOf(userId: string): Promise<string | undefined>;
    /**
     * Stores identity -> userId unless the identity already has a user; resolves to the user id
     * stored for the identity afterwards (the caller's, or the one that won).
     */
    putUserIfAbsent(identity: string, userId: string): Promise<string>;
    profileOf(identity: string): Promise<UserProfile | undefined>;
    putProfile(identity: string, profile: UserProfile): Promise<void>;
    /** The thread a unique name names, if any. */
    threadIdOf(uniqueName: string): Promise<string | undefined>;
    /** A unique name's record (thread and claimer), if it is claimed. */
    uniqueNameClaim(uniqueName: string): Promise<UniqueNameClaim | undefined>;
    /** Every unique name claimed for a thread. */
    uniqueNameClaimsOf(threadId: string): Promise<UniqueNameClaim[]>;
    /**
     * Claims a unique name for a thread unless it is taken, recording who claimed it; true when
     * this call claimed it (or the thread already had it).
     */
    claimUniqueName(uniqueName: string, threadId: string, claimedBy?: string): Promise<boolean>;
    /** Releases a unique name if it names this thread. */
    releaseUniqueName(uniqueName: string, threadId: string): Promise<void>;
    /** Tokens of this identity issued before this time (ms since the epoch) are revoked; undefined when never revoked. */
    tokensRevokedBefore(identity: string): Promise<number | undefined>;
    /** Revokes the identity's tokens issued before `time`; an earlier time than the one stored changes nothing. */
    revokeTokensBefore(identity: string, time: number): Promise<void>;
    /**
     * The conversations this identity muted (Twilio's notification level "muted"), by thread id.
     * Optional for stores written before notification levels: without it the kit answers 501 and
     * clients keep rejecting `setUserNotificationLevel` as unsupported.
     */
    mutedThreadsOf?(identity: string): Promise<string[]>;
    /** Mutes or unmutes one conversation for this identity; the other conversations' levels stay as they are. */
    putNotificationLevel?(identity: string, threadId: string, level: NotificationLevelSetting): Promise<void>;
    /** The checkpoint of a conversation's import from Twilio, if one was written. Optional: without it, the importer refuses to run. */
    importCheckpointOf?(conversationSid: string): Promise<ImportCheckpoint | undefined>;
    /** Replaces a conversation's import checkpoint. */
    putImportCheckpoint?(checkpoint: ImportCheckpoint): Promise<void>;
    /** Records an upload as pending (not yet seen in a message). */
    trackUpload(upload: PendingUpload): Promise<void>;
    /** Up to `limit` pending uploads made before `uploadedBefore`, in no particular order. */
    pendingUploads(uploadedBefore: number, limit: number): Promise<PendingUpload[]>;
    /** Forgets an upload (attached to a message, or deleted). */
    untrackUpload(id: string): Promise<void>;
}
/** The default store: in memory, for tests, demos and single-process servers. */
declare class MemoryDirectoryStore implements DirectoryStore {
    private readonly users;
    private readonly identities;
    private readonly profiles;
    private readonly names;
    private readonly revocations;
    private readonly uploads;
    private readonly muted;
    private readonly checkpoints;
    userIdOf(identity: string): Promise<string | undefined>;
    identityOf(userId: string): Promise<string | undefined>;
    putUserIfAbsent(identity: string, userId: string): Promise<string>;
    profileOf(identity: string): Promise<UserProfile | undefined>;
    putProfile(identity: string, profile: UserProfile): Promise<void>;
    threadIdOf(uniqueName: string): Promise<string | undefined>;
    uniqueNameClaim(uniqueName: string): Promise<UniqueNameClaim | undefined>;
    uniqueNameClaimsOf(threadId: string): Promise<UniqueNameClaim[]>;
    claimUniqueName(uniqueName: string, threadId: string, claimedBy?: string): Promise<boolean>;
    releaseUniqueName(uniqueName: string, threadId: string): Promise<void>;
    tokensRevokedBefore(identity: string): Promise<number | undefined>;
    revokeTokensBefore(identity: string, time: number): Promise<void>;
    mutedThreadsOf(identity: string): Promise<string[]>;
    putNotificationLevel(identity: string, threadId: string, level: NotificationLevelSetting): Promise<void>;
    importCheckpointOf(conversationSid: string): Promise<ImportCheckpoint | undefined>;
    putImportCheckpoint(checkpoint: ImportCheckpoint): Promise<void>;
    trackUpload(upload: PendingUpload): Promise<void>;
    pendingUploads(uploadedBefore: number, limit: number): Promise<PendingUpload[]>;
    untrackUpload(id: string): Promise<void>;
}

interface ServerKitOptions {
    /** The ACS resource's connection string. It never leaves the server. */
    connectionString: string;
    /** A secret to sign issued tokens with (32 bytes or more); the directory endpoints accept only tokens it signed. */
    signingSecret: string;
    /**
     * Who is asking for a token: your own authentication (session cookie, OAuth token...). Return
     * the Twilio identity the request proves, or undefined to refuse (401).
     */
    authenticate(request: Request): Promise<string | undefined> | string | undefined;
    /** May this user join this conversation they are not in? Without it, joining by the server is refused. */
    authorizeJoin?(request: {
        identity: string;
        conversationSid: string;
    }): Promise<boolean> | boolean;
    /** The public URL where `handler` is mounted: clients call it for directory lookups and joins. */
    publicUrl: string;
    /** Where identities and unique names are kept (default: in memory). */
    store?: DirectoryStore;
    /** Lifetime of issued ACS tokens, minutes (60 to 1440; default 60). */
    tokenTtlMinutes?: number;
    /** Token issuance per identity per minute before 429 (default 10). */
    tokensPerMinute?: number;
    /** ACS users one caller may create a minute by looking up new identities, before 429 (default 30). */
    usersCreatedPerMinute?: number;
    /** The Event Grid webhook, served at `POST /events` when given. */
    eventGrid?: EventGridSource;
    /**
     * Where clients keep attachments: the kit serves this store at `/media` (HttpMediaStore's
     * protocol, for the kit's tokens) and names itself as the clients' media endpoint.
     */
    mediaStore?: MediaStore;
    /** Another media endpoint to name in tokens instead (in demos, the emulator's). */
    mediaUrl?: string;
    /**
     * Browser apps served from other origins than the kit: those origins (or "*"), and the request
     * headers your `authenticate` reads besides `authorization`, `content-type` and `x-file-name`.
     */
    cors?: {
        origins: readonly string[] | "*";
        allowHeaders?: readonly string[];
    };
    /** Largest upload `POST /media` accepts, bytes (default 25 MB, the client's default limit); reading stops with 413 past it. */
    maxUploadBytes?: number;
    /** Largest JSON body the directory endpoints read, bytes (default 64 KiB); reading stops with 413 past it. */
    maxJsonBodyBytes?: number;
    /** Largest Event Grid delivery `POST /events` reads, bytes (default 1 MiB, Event Grid's largest batch); 413 past it. */
    maxEventBodyBytes?: number;
    /** Uploads one identity may make a minute before 429 (default 30). */
    uploadsPerMinute?: number;
    /** Bytes one identity may upload a minute before 429 (default 100 MiB). */
    uploadBytesPerMinute?: number;
    /** Directory writes (profile updates, unique-name claims and releases) one identity may make a minute before 429 (default 30). */
    directoryWritesPerMinute?: number;
    /** Unique names one conversation may hold (default 2: its name and, during a rename, the next one). */
    maxUniqueNamesPerConversation?: number;
    /**
     * Who else may claim or release a unique name. Without it, only the identity that claimed a name
     * releases it, and a conversation whose name someone else claimed gets no other name. Called only
     * when that rule refuses (the participant check for claims always applies); true allows.
     */
    authorizeUniqueName?(request: UniqueNameRequest): Promise<boolean> | boolean;
    /**
     * How long an upload may stay unattached to any message before the kit deletes it, ms
     * (default 24 h). See `sweepUploads`.
     */
    unattachedUploadGraceMs?: number;
    /** How often the kit sweeps unattached uploads by itself, ms (default 1 h; 0: never, call `sweepUploads` yourself). */
    uploadSweepIntervalMs?: number;
    /** The kit's clock, ms since the epoch (default `Date.now`): quotas, revocations and the upload sweep read it. For tests. */
    now?: () => number;
    /** Called with every unexpected error (answered as a bare 500; `request` is undefined for the background upload sweep); default `console.error`. */
    onError?(error: unknown, request?: Request): void;
    /** Options for the ACS clients the kit uses (e.g. `tlsOptions` for the emulator). */
    acsClientOptions?: ChatClientOptions & CommunicationIdentityClientOptions;
}
/** What `authorizeUniqueName` decides on. */
interface UniqueNameRequest {
    /** Who asks. */
    identity: string;
    uniqueName: string;
    conversationSid: string;
    action: "claim" | "release";
    /** Who claimed the name (release) or the conversation's current name (claim), if recorded. */
    claimedBy: string | undefined;
}
interface UploadSweepResult {
    /** Uploads found in a message of their uploader's: kept, no longer tracked. */
    attached: number;
    /** Uploads in no message after the grace period: deleted from the media store. */
    deleted: number;
}
interface IssuedToken {
    token: string;
    identity: string;
    expiresOn: Date;
}
interface ServerKit {
    /** The Fetch-API handler: `POST /token`, the `/directory/...` endpoints, `POST /conversations/{sid}/join`, `POST /events`. */
    handle(request: Request): Promise<Response>;
    /** A token for an identity your server already authenticated (the handler's `POST /token` uses this). */
    issueToken(identity: string, options?: {
        ttlMinutes?: number;
    }): Promise<IssuedToken>;
    /** The ACS user of an identity, created on first use (one user however many concurrent first calls). */
    userIdOf(identity: string): Promise<string>;
    /** The server's own ACS user, which conversations include so that it can add joiners. */
    serviceUserId(): Promise<string>;
    /**
     * Revokes every token the identity holds: its ACS tokens (through ACS) and the kit's tokens
     * issued before now (the kit's endpoints answer them 401). Tokens issued afterwards work.
     */
    revokeUser(identity: string): Promise<void>;
    /**
     * Deletes uploads older than `unattachedUploadGraceMs` that no message of their uploader's
     * references (the kit runs this every `uploadSweepIntervalMs`; serverless apps call it from a timer).
     */
    sweepUploads(): Promise<UploadSweepResult>;
}
/** The most conversations one identity may mute: their ids fit one directory entry. */
declare const MAX_MUTED_CONVERSATIONS = 500;
/** Twilio's limits on a User: friendlyName 256 characters, attributes 16 KiB of JSON. */
declare const MAX_FRIENDLY_NAME_LENGTH = 256;
declare const MAX_USER_ATTRIBUTES_BYTES: number;
declare function createServerKit(options: ServerKitOptions): ServerKit;

interface TableDirectoryStoreOptions {
    /**
     * Create the table before the first operation if it does not exist (the credential must be
     * allowed to create tables). Default false: the table must exist.
     */
    createTable?: boolean;
}
declare class TableDirectoryStore implements DirectoryStore {
    #private;
    constructor(client: TableClient, options?: TableDirectoryStoreOptions);
    /**
     * A store on table `tableName` of the account a connection string names. A connection string
     * whose `TableEndpoint` is `http://` (Azurite) gets `allowInsecureConnection` unless
     * `clientOptions` says otherwise.
     */
    static fromConnectionString(connectionString: string, tableName: string, options?: TableDirectoryStoreOptions & {
        clientOptions?: TableServiceClientOptions;
    }): TableDirectoryStore;
    /** The table the directory lives in. */
    get tableClient(): TableClient;
    userIdOf(identity: string): Promise<string | undefined>;
    identityOf(userId: string): Promise<string | undefined>;
    putUserIfAbsent(identity: string, userId: string): Promise<string>;
    profileOf(identity: string): Promise<UserProfile | undefined>;
    putProfile(identity: string, profile: UserProfile): Promise<void>;
    threadIdOf(uniqueName: string): Promise<string | undefined>;
    uniqueNameClaim(uniqueName: string): Promise<UniqueNameClaim | undefined>;
    uniqueNameClaimsOf(threadId: string): Promise<UniqueNameClaim[]>;
    claimUniqueName(uniqueName: string, threadId: string, claimedBy?: string): Promise<boolean>;
    releaseUniqueName(uniqueName: string, threadId: string): Promise<void>;
    tokensRevokedBefore(identity: string): Promise<number | undefined>;
    revokeTokensBefore(identity: string, time: number): Promise<void>;
    mutedThreadsOf(identity: string): Promise<string[]>;
    putNotificationLevel(identity: string, threadId: string, level: NotificationLevelSetting): Promise<void>;
    importCheckpointOf(conversationSid: string): Promise<ImportCheckpoint | undefined>;
    putImportCheckpoint(checkpoint: ImportCheckpoint): Promise<void>;
    trackUpload(upload: PendingUpload): Promise<void>;
    pendingUploads(uploadedBefore: number, limit: number): Promise<PendingUpload[]>;
    untrackUpload(id: string): Promise<void>;
}

interface BlobMediaStoreOptions {
    /** How long a `temporaryUrl()` URL stays valid. Default 5 minutes. */
    temporaryUrlTtlInMs?: number;
    /**
     * How long the URL `upload()` returns stays valid: native ACS clients read it from the message
     * metadata, possibly long after the message was sent. Default 7 days.
     */
    referenceUrlTtlInMs?: number;
    /** Create the container (private, no public access) before the first upload if it is missing. Default false. */
    createContainer?: boolean;
    /** Largest file accepted, in bytes; larger ones are refused before any request. Default: no limit of ours. */
    maxSizeBytes?: number;
}
declare class BlobMediaStore implements MediaStore {
    #private;
    /**
     * @param container The container the files go to. Its credential must be able to sign SAS
     *   URLs: a `StorageSharedKeyCredential` (as `BlobServiceClient.fromConnectionString` gives for
     *   a connection string with an account key).
     */
    constructor(container: ContainerClient, options?: BlobMediaStoreOptions);
    /**
     * A store on `containerName` of the account a connection string names. The connection string
     * must carry the account key (SAS URLs are signed with it).
     */
    static fromConnectionString(connectionString: string, containerName: string, options?: BlobMediaStoreOptions & {
        pipeline?: StoragePipelineOptions;
    }): BlobMediaStore;
    /** The Blob account's origin: where this store's URLs point. */
    get urlOrigins(): readonly string[];
    /** The container the files go to. */
    get containerClient(): ContainerClient;
    upload(media: MediaUpload, options?: {
        abortSignal?: AbortSignal;
    }): Promise<StoredMedia>;
    temporaryUrl(id: string): Promise<string>;
    delete(id: string): Promise<void>;
}

type ConversationOutcome =
/** All its messages are in ACS (this run wrote some or all of them). */
"imported"
/** Already imported by an earlier run, or left out on purpose (the reason says which). */
 | "skipped"
/** Stopped: the reason says why; a re-run continues where it stopped. */
 | "failed";
/** Something of a conversation that was not carried over, and why. */
interface Omission {
    /** What: "message IM... (index 4)", "participant MB...", "attributes", "unique name", "media ME...". */
    item: string;
    reason: string;
}
interface ConversationReport {
    /** Twilio's sid (`CH...`). */
    sid: string;
    friendlyName: string | null;
    uniqueName: string | null;
    /** The ACS thread, once made. */
    threadId?: string;
    outcome: ConversationOutcome;
    /** Why it was skipped or failed. */
    reason?: string;
    /** Messages this run wrote, and in all runs so far. */
    messagesImported: number;
    messagesInAcs: number;
    participantsImported: number;
    /** Read horizons written as read receipts. */
    receiptsWritten: number;
    mediaImported: number;
    omitted: Omission[];
}
interface ImportReport {
    startedAt: Date;
    finishedAt: Date;
    conversations: ConversationReport[];
    /** Profiles (friendly name, attributes) copied to the directory, of the users this run met; those it could not copy (a re-run copies them). */
    users: {
        copied: number;
        omitted: Omission[];
    };
    totals: {
        conversations: Record<ConversationOutcome, number>;
        messagesImported: number;
        mediaImported: number;
        omitted: number;
    };
}
/** The report for people: totals first, then each conversation that was not simply imported whole. */
declare function formatImportReport(report: ImportReport): string;

/**
 * What the importer reads from Twilio's Conversations REST API v1, as plain records: the fields
 * it carries over to ACS, named as our Twilio-shaped objects name them. `TwilioSource` reads them
 * (paging and 429s are its business); the importer never sees Twilio's JSON.
 */
interface TwilioConversationRecord {
    /** `CH...` */
    sid: string;
    /** The Conversation Service (`IS...`) it lives in: media are fetched through it. */
    chatServiceSid: string;
    friendlyName: string | null;
    uniqueName: string | null;
    /** Twilio's `attributes`: a JSON string, as Twilio stores it ("{}" when none). */
    attributes: string;
    /** Twilio's state enum also has "initializing" (https://github.com/twilio/twilio-oai, conversation_enum_state). */
    state: "initializing" | "active" | "inactive" | "closed";
    dateCreated: Date;
    dateUpdated: Date;
}
interface TwilioParticipantRecord {
    /** `MB...` */
    sid: string;
    /** Null for SMS/WhatsApp participants (they have a `messagingBinding` instead). */
    identity: string | null;
    attributes: string;
    lastReadMessageIndex: number | null;
    /** Non-null for non-chat participants (SMS, WhatsApp, ...): reported and skipped. */
    messagingBinding: Record<string, unknown> | null;
    dateCreated: Date;
}
interface TwilioMediaRecord {
    /** `ME...` */
    sid: string;
    filename: string | null;
    contentType: string;
    size: number;
    /** "media" for attachments; the SDK also knows "body" and "history" (email). "media" when Twilio gives none, as the SDK reads it. */
    category: string;
}
interface TwilioMessageRecord {
    /** `IM...` */
    sid: string;
    index: number;
    /** The author's identity (or a phone number for SMS authors); null when Twilio has none. */
    author: string | null;
    body: string | null;
    attributes: string;
    /** Null or [] when the message has no media. */
    media: TwilioMediaRecord[] | null;
    participantSid: string | null;
    dateCreated: Date;
    /** Twilio sends null for a message never edited; then `dateCreated`. */
    dateUpdated: Date;
}
interface TwilioUserRecord {
    /** `US...` */
    sid: string;
    identity: string;
    friendlyName: string | null;
    attributes: string;
}
interface TwilioMediaContent {
    bytes: Uint8Array;
    contentType: string;
}
/** Reads one Twilio account's (and Conversation Service's) conversations. */
interface TwilioSource {
    /** Every conversation (of the service), oldest first where Twilio orders them; `since`: only those updated at or after it. */
    conversations(options?: {
        since?: Date;
    }): AsyncIterable<TwilioConversationRecord>;
    /** One conversation by sid (`CH...`) or unique name; rejects with TwilioSourceError (status 404) when there is none. */
    conversation(sidOrUniqueName: string): Promise<TwilioConversationRecord>;
    participants(conversationSid: string): AsyncIterable<TwilioParticipantRecord>;
    /** Messages ascending by index. */
    messages(conversationSid: string): AsyncIterable<TwilioMessageRecord>;
    /** The index of the conversation's newest message; undefined when it has none. */
    newestMessageIndex(conversationSid: string): Promise<number | undefined>;
    /** Every User (of the service): people who never joined a conversation still have a friendly name. */
    users(): AsyncIterable<TwilioUserRecord>;
    /** A user by identity; undefined when Twilio has no User for it. */
    user(identity: string): Promise<TwilioUserRecord | undefined>;
    /** A media file's bytes, through Twilio's Media Content Service. */
    mediaContent(chatServiceSid: string, media: TwilioMediaRecord): Promise<TwilioMediaContent>;
}

interface ImportFromTwilioOptions {
    /** The server kit the app runs (or one made with the same options): its directory, users and media store. */
    kit: ServerKit;
    /** Where the history comes from (`TwilioRestSource` for Twilio's REST API). */
    source: TwilioSource;
    /** Only these conversations (sids or unique names); default: all of them. */
    conversations?: readonly string[];
    /**
     * The delta pass on cut-over day: conversations an earlier run finished are looked at again if
     * Twilio updated them at or after this time or they have messages after the last one imported
     * (one request each); without it, they are skipped. Conversations not finished are continued either way.
     */
    since?: Date;
    /** Conversations written at once (each in order); default 200: each uses little of ACS (30 sends a minute), and thread creations (one a second) set the pace. */
    concurrency?: number;
    /** ACS's limits, as for the client: `{ scale }` for a resource whose limits were raised, `false` for an emulator without limits. */
    rateLimits?: {
        scale: number;
    } | false;
    /** Hears of each step (for a progress bar). */
    onProgress?: (progress: ImportProgress) => void;
    /** Stops the run between steps: what is done is recorded, and the next run continues it. */
    signal?: AbortSignal;
}
interface ImportProgress {
    conversationsDone: number;
    conversationsTotal: number;
    messagesImported: number;
    /** Messages to write in the conversations read so far (grows as conversations are read). */
    messagesKnown: number;
}
interface ImportPlan {
    conversations: number;
    participants: number;
    /** Non-chat participants (SMS, WhatsApp), which ACS Chat cannot hold. */
    nonChatParticipants: number;
    messages: number;
    media: number;
    mediaBytes: number;
    /** Conversations ACS cannot hold whole (too many participants). */
    tooLarge: string[];
    /** The least time ACS's limits allow for writing it all, at the run's concurrency. */
    timeAtLimitsMs: number;
}
/** What `--plan` prints: Twilio read only, nothing written. */
declare function planImportFromTwilio(options: Pick<ImportFromTwilioOptions, "source" | "conversations" | "since" | "concurrency">): Promise<ImportPlan>;
declare function importFromTwilio(options: ImportFromTwilioOptions): Promise<ImportReport>;

interface TwilioRestSourceOptions {
    /** `AC...`: always needed, also with an API key (which belongs to it). */
    accountSid: string;
    /** The account's auth token; or give `apiKeySid` and `apiKeySecret` instead. */
    authToken?: string;
    /** `SK...` */
    apiKeySid?: string;
    apiKeySecret?: string;
    /** `IS...`: read this Conversation Service through `/v1/Services/{sid}/...`; else the account's default service. */
    serviceSid?: string;
    /** Default https://conversations.twilio.com */
    conversationsUrl?: string;
    /** Default https://mcs.us1.twilio.com (another region: https://mcs.{region}.twilio.com). */
    mcsUrl?: string;
    retry?: {
        /** Retries of one request after 429, 5xx or a dropped connection (default 6). */
        maxRetries?: number;
        /** First back-off without Retry-After, doubled each retry, with jitter (default 1000). */
        baseDelayMs?: number;
        /** Cap of one back-off (default 30 000). */
        maxDelayMs?: number;
        /** A Retry-After longer than this fails at once rather than stalling the import (default 300 000). */
        maxRetryAfterMs?: number;
    };
    /** Per request, including reading the body (default 120 000). */
    timeoutMs?: number;
    /** Told of each retry before its wait: for progress output. */
    onRetry?: (event: TwilioRetryEvent) => void;
}
interface TwilioRetryEvent {
    /** The request URL (no credentials in it). */
    url: string;
    /** HTTP status, or null for a dropped connection or a timeout. */
    status: number | null;
    /** 1 for the first retry. */
    attempt: number;
    delayMs: number;
    /** Whether the delay is Twilio's Retry-After. */
    retryAfter: boolean;
}
interface TwilioSourceStats {
    /** HTTP requests sent, retries included. */
    requests: number;
    retries: number;
    /** 429 answers received. */
    rateLimited: number;
    /** Total time spent waiting before retries. */
    waitedMs: number;
}
type TwilioSourceErrorKind =
/** 401: the credentials are wrong. */
"auth"
/** 403: the credentials may not read this. */
 | "forbidden" | "not-found"
/** 404 for the Conversation Service itself. */
 | "unknown-service"
/** Still 429 after the retries, or a Retry-After past `maxRetryAfterMs`. */
 | "rate-limited"
/** Still 5xx after the retries. */
 | "server"
/** No answer: connection dropped, refused or timed out, after the retries. */
 | "network"
/** Any other HTTP error status. */
 | "http"
/** Twilio answered, but not as documented (a record field of the wrong type, a broken page). */
 | "malformed"
/** Media bytes that do not match their record, or no way to fetch them. */
 | "media";
/** Any failure reading from Twilio; check `error.name` rather than `instanceof` across bundles. */
declare class TwilioSourceError extends Error {
    readonly name = "TwilioSourceError";
    readonly kind: TwilioSourceErrorKind;
    /** HTTP status, or null when there was no answer or the answer was malformed. */
    readonly status: number | null;
    /** Twilio's error code from its JSON error body (e.g. 20003, 20404, 20429). */
    readonly code: number | null;
    /** Twilio's `more_info` link. */
    readonly moreInfo: string | null;
    /** The request URL, or null. */
    readonly url: string | null;
    /** For `malformed`: the Twilio field (snake_case, e.g. `media[0].size`). */
    readonly field: string | null;
    /** For `malformed` and `media`: the record, e.g. `message IM... of conversation CH...`. */
    readonly record: string | null;
    /** Twilio's own message, when its error body had one. */
    readonly twilioMessage: string | null;
    constructor(kind: TwilioSourceErrorKind, message: string, details?: {
        status?: number | null;
        code?: number | null;
        moreInfo?: string | null;
        url?: string | null;
        field?: string | null;
        record?: string | null;
        twilioMessage?: string | null;
        cause?: unknown;
    });
}
declare class TwilioRestSource implements TwilioSource {
    readonly stats: TwilioSourceStats;
    private readonly accountSid;
    private readonly serviceSid;
    private readonly authorization;
    private readonly credentials;
    private readonly conversationsUrl;
    private readonly mcsUrl;
    private readonly maxRetries;
    private readonly baseDelayMs;
    private readonly maxDelayMs;
    private readonly maxRetryAfterMs;
    private readonly timeoutMs;
    private readonly onRetry;
    /** Set once a service-scoped request succeeded: later 404s are about the resource, not the service. */
    private serviceKnown;
    constructor(options: TwilioRestSourceOptions);
    conversations(options?: {
        since?: Date;
    }): AsyncIterable<TwilioConversationRecord>;
    conversation(sidOrUniqueName: string): Promise<TwilioConversationRecord>;
    participants(conversationSid: string): AsyncIterable<TwilioParticipantRecord>;
    messages(conversationSid: string): AsyncIterable<TwilioMessageRecord>;
    newestMessageIndex(conversationSid: string): Promise<number | undefined>;
    users(): AsyncIterable<TwilioUserRecord>;
    user(identity: string): Promise<TwilioUserRecord | undefined>;
    mediaContent(chatServiceSid: string, media: TwilioMediaRecord): Promise<TwilioMediaContent>;
    /** Default service: /v1/...; a given service: /v1/Services/{IS}/... (OpenAPI paths). */
    private apiUrl;
    /**
     * One list, page by page: `PageSize` at Twilio's maximum, then `meta.next_page_url` until null
     * (the envelope of every Conversations list: OpenAPI `List...Response`, `meta` and `{key}`).
     */
    private list;
    private getJson;
    /**
     * One GET with retries on 429 (after Retry-After when given), 5xx and dropped connections.
     * Returns a 2xx response, or one whose status is in `passThrough`; throws a typed error otherwise.
     */
    private send;
    private body;
    /** Twilio's JSON error body `{code, message, more_info, status}` into a typed error. */
    private errorFrom;
    /** Fetch Service (`GET /v1/Services/{Sid}`): tells an unknown service from an unknown resource in it. */
    private serviceExists;
}

export { BlobMediaStore, type BlobMediaStoreOptions, type ConversationOutcome, type ConversationReport, type DirectoryStore, EventGridSource, type EventGridSourceOptions, type ExternalEventSource, type ImportCheckpoint, type ImportFromTwilioOptions, type ImportPlan, type ImportProgress, type ImportReport, type IssuedToken, type JSONArray, type JSONObject, type JSONValue, MAX_FRIENDLY_NAME_LENGTH, MAX_MUTED_CONVERSATIONS, MAX_USER_ATTRIBUTES_BYTES, type MediaStore, type MediaUpload, MemoryDirectoryStore, type NotificationLevelSetting, type Nudge, type NudgeSink, type Omission, type PendingUpload, type PushReadLimits, type ReadLimiter, type ServerKit, type ServerKitOptions, type StoredMedia, TableDirectoryStore, type TableDirectoryStoreOptions, type TwilioConversationRecord, type TwilioMediaContent, type TwilioMediaRecord, type TwilioMessageRecord, type TwilioParticipantRecord, TwilioRestSource, type TwilioRestSourceOptions, type TwilioRetryEvent, type TwilioSource, TwilioSourceError, type TwilioSourceErrorKind, type TwilioSourceStats, type TwilioUserRecord, type UniqueNameClaim, type UniqueNameRequest, type UploadSweepResult, type UserProfile, createServerKit, formatImportReport, importFromTwilio, planImportFromTwilio };
