/**
 * The server side a Twilio app needs on ACS, in place of its token server: tokens that carry
 * everything `new Client(token)` needs, the identity directory (Twilio identity <-> ACS user,
 * created on first use), the conversation directory (unique names, unique under concurrency)
 * and joining conversations one is not in, through the server's own ACS user. One Fetch-API
 * handler serves it all, so it mounts in node:http, Express, Fastify, Hono or Azure Functions.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ChatClient, type ChatClientOptions } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential, getIdentifierRawId, parseConnectionString } from "@azure/communication-common";
import { CommunicationIdentityClient, type CommunicationIdentityClientOptions } from "@azure/communication-identity";
import { z } from "zod";
import type { EventGridSource } from "../events/event-grid-source.js";
import type { MediaStore } from "../media/media-store.js";
import type { UserProfile } from "../identity/identity-resolver.js";
import { decodeClientToken, encodeClientToken, readAcsTokenClaims, splitClientToken, type ClientTokenFields } from "../mapping/client-token.js";
import { findNonJson } from "../mapping/json.js";
import { decodeMediaMetadata } from "../mapping/media-metadata.js";
import { METADATA_KEYS } from "../mapping/metadata-keys.js";
import { MemoryDirectoryStore, type DirectoryStore, type PendingUpload } from "./directory-store.js";
import { isGone, statusOf } from "../errors.js";
import { HttpError, json, readBody, readJson } from "./http.js";
import { QuotaTable } from "./quota.js";

export interface ServerKitOptions {
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
  authorizeJoin?(request: { identity: string; conversationSid: string }): Promise<boolean> | boolean;
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
  cors?: { origins: readonly string[] | "*"; allowHeaders?: readonly string[] };
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
export interface UniqueNameRequest {
  /** Who asks. */
  identity: string;
  uniqueName: string;
  conversationSid: string;
  action: "claim" | "release";
  /** Who claimed the name (release) or the conversation's current name (claim), if recorded. */
  claimedBy: string | undefined;
}

export interface UploadSweepResult {
  /** Uploads found in a message of their uploader's: kept, no longer tracked. */
  attached: number;
  /** Uploads in no message after the grace period: deleted from the media store. */
  deleted: number;
}

export interface IssuedToken {
  token: string;
  identity: string;
  expiresOn: Date;
}

export interface ServerKit {
  /** The Fetch-API handler: `POST /token`, the `/directory/...` endpoints, `POST /conversations/{sid}/join`, `POST /events`. */
  handle(request: Request): Promise<Response>;
  /** A token for an identity your server already authenticated (the handler's `POST /token` uses this). */
  issueToken(identity: string, options?: { ttlMinutes?: number }): Promise<IssuedToken>;
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

const SERVICE_IDENTITY = "\u0000twilio-conversations-acs service";
const identitySchema = z.string().min(1, "expected a non-empty identity").max(256, "identities are at most 256 characters");
const uniqueNameSchema = z.string().min(1, "expected a non-empty unique name").max(256, "unique names are at most 256 characters");
const threadIdSchema = z.string().regex(/^19:.+@thread\.v2$/, "expected an ACS thread id (19:...@thread.v2)");
const claimSchema = z.object({ conversationSid: threadIdSchema });
/** A page of ACS messages names at most 200 senders (ACS's page size). */
const userIdsLookupSchema = z.object({ userIds: z.array(z.string().min(1).max(256)).max(200, "at most 200 user ids per lookup") }).strict();
const notificationLevelSchema = z.object({ level: z.enum(["default", "muted"]) }).strict();
/** The most conversations one identity may mute: their ids fit one directory entry. */
export const MAX_MUTED_CONVERSATIONS = 500;
/** Twilio's limits on a User: friendlyName 256 characters, attributes 16 KiB of JSON. */
export const MAX_FRIENDLY_NAME_LENGTH = 256;
export const MAX_USER_ATTRIBUTES_BYTES = 16 * 1024;
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "");
const profileSchema = z
  .object({
    friendlyName: z.string().max(MAX_FRIENDLY_NAME_LENGTH, `at most ${MAX_FRIENDLY_NAME_LENGTH} characters`).nullable().optional(),
    attributes: z
      .custom((value) => value !== undefined && findNonJson(value) === undefined, { message: "expected JSON attributes" })
      .refine((value) => jsonBytes(value) <= MAX_USER_ATTRIBUTES_BYTES, { message: `at most ${MAX_USER_ATTRIBUTES_BYTES} bytes of JSON (Twilio's User attributes limit)` })
      .optional(),
  })
  .strict();

const MINUTE_MS = 60_000;
/** How long a lookup trusts that a named thread still exists before asking ACS again. */
const THREAD_ALIVE_TTL_MS = MINUTE_MS;
/** The upload sweep reads messages from this long before an upload, for clocks that disagree with ACS's. */
const CLOCK_SKEW_MS = 5 * MINUTE_MS;
/** Pending uploads one sweep looks at (the next sweep takes the rest). */
const SWEEP_BATCH = 500;

export function createServerKit(options: ServerKitOptions): ServerKit {
  if (Buffer.byteLength(options.signingSecret) < 32) throw new RangeError("signingSecret must be at least 32 bytes");
  const ttlMinutes = options.tokenTtlMinutes ?? 60;
  if (!Number.isInteger(ttlMinutes) || ttlMinutes < 60 || ttlMinutes > 1440) throw new RangeError(`tokenTtlMinutes must be a whole number from 60 to 1440 (ACS's range), got ${ttlMinutes}`);
  const positive = (name: keyof ServerKitOptions, fallback: number, allowZero = false): number => {
    const value = options[name] ?? fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
      throw new RangeError(`${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${String(value)}`);
    }
    return value;
  };
  const maxUploadBytes = positive("maxUploadBytes", 25 * 1024 * 1024);
  const maxJsonBodyBytes = positive("maxJsonBodyBytes", 64 * 1024);
  const maxEventBodyBytes = positive("maxEventBodyBytes", 1024 * 1024);
  const uploadsPerMinute = positive("uploadsPerMinute", 30);
  const uploadBytesPerMinute = positive("uploadBytesPerMinute", 100 * 1024 * 1024);
  const directoryWritesPerMinute = positive("directoryWritesPerMinute", 30);
  const maxUniqueNamesPerConversation = positive("maxUniqueNamesPerConversation", 2);
  const unattachedUploadGraceMs = positive("unattachedUploadGraceMs", 24 * 60 * MINUTE_MS);
  const uploadSweepIntervalMs = positive("uploadSweepIntervalMs", 60 * MINUTE_MS, true);
  const now = options.now ?? Date.now;
  const store = options.store ?? new MemoryDirectoryStore();
  const { endpoint } = parseConnectionString(options.connectionString);
  const acsEndpoint = endpoint.replace(/\/+$/, "");
  const identityClient = new CommunicationIdentityClient(options.connectionString, options.acsClientOptions ?? {});
  const publicUrl = options.publicUrl.replace(/\/+$/, "");
  const quotas = new QuotaTable(now);
  const creating = new Map<string, Promise<string>>();
  const onError = options.onError ?? ((error: unknown) => console.error("twilio-conversations-acs server kit:", error));

  /** One ACS user per identity: concurrent first calls share one creation, and across processes the store picks one. */
  function userIdOf(identity: string): Promise<string> {
    const pending = creating.get(identity);
    if (pending) return pending;
    const work = (async () => {
      const known = await store.userIdOf(identity);
      if (known) return known;
      const { communicationUserId } = await identityClient.createUser();
      const winner = await store.putUserIfAbsent(identity, communicationUserId).catch(async (error: unknown) => {
        // Not recorded, so never found again: the ACS user would be an orphan.
        await identityClient.deleteUser({ communicationUserId }).catch(() => undefined);
        throw error;
      });
      // Another process won the race: the user we made is not needed.
      if (winner !== communicationUserId) await identityClient.deleteUser({ communicationUserId }).catch(() => undefined);
      return winner;
    })().finally(() => creating.delete(identity));
    creating.set(identity, work);
    return work;
  }

  let service: { userId: string; chat: ChatClient; expiresOn: number } | undefined;
  async function serviceChat(): Promise<{ userId: string; chat: ChatClient }> {
    if (service && service.expiresOn - Date.now() > 5 * 60_000) return service;
    const userId = await userIdOf(SERVICE_IDENTITY);
    const { token, expiresOn } = await identityClient.getToken({ communicationUserId: userId }, ["chat"]);
    service = { userId, chat: new ChatClient(acsEndpoint, new AzureCommunicationTokenCredential(token), options.acsClientOptions), expiresOn: expiresOn.getTime() };
    return service;
  }

  async function issueToken(identity: string, issueOptions: { ttlMinutes?: number } = {}): Promise<IssuedToken> {
    identitySchema.parse(identity);
    if (identity === SERVICE_IDENTITY) throw new RangeError("reserved identity");
    // Taken before the ACS token is: a revocation from now on covers this token.
    const issuedAt = now();
    const userId = await userIdOf(identity);
    const serviceUserId = (await serviceChat()).userId;
    const { token: acsToken, expiresOn } = await identityClient
      .getToken({ communicationUserId: userId }, ["chat"], { tokenExpiresInMinutes: issueOptions.ttlMinutes ?? ttlMinutes })
      .catch((error: unknown) => {
        // Identity's 401 for a user of another resource is the kit's own misconfiguration, not the caller's token: a 500.
        if ((error as { code?: string }).code === "IdentityNotOwned") {
          throw new Error(
            `The directory maps '${identity}' to ACS user ${userId}, which belongs to another ACS resource (IdentityNotOwned): the directory store was made for another resource than connectionString names.`,
            { cause: error },
          );
        }
        throw error;
      });
    const mediaUrl = options.mediaStore ? publicUrl : options.mediaUrl;
    const fields: ClientTokenFields = { endpoint: acsEndpoint, acsToken, acsUserId: userId, identity, serverUrl: publicUrl, serviceUserId, ...(mediaUrl ? { mediaUrl } : {}) };
    // `<fields>.<issued at, base 36>.<signature of both>`: clients read the fields only.
    const stamped = `${encodeClientToken(fields)}.${issuedAt.toString(36)}`;
    return { token: `${stamped}.${sign(stamped)}`, identity, expiresOn };
  }

  const sign = (text: string) => createHmac("sha256", options.signingSecret).update(text).digest("base64url");
  const mediaOwnerSignature = (storeId: string, userId: string) => sign(`media\u0000${storeId}\u0000${userId}`);

  /** The caller of a directory endpoint: only tokens this kit signed, not expired, not revoked. */
  async function caller(request: Request): Promise<ClientTokenFields & { exp: number }> {
    const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
    if (!token) throw new HttpError(401, "Unauthorized", "The request carries no token.");
    const { signed, signature = "" } = splitClientToken(token);
    const dot = signature.lastIndexOf(".");
    // Tokens from before issue times were signed carry none: they count as issued at the epoch.
    const [stamp, mac, issuedAt] = dot < 0 ? ["", signature, 0] : [signature.slice(0, dot), signature.slice(dot + 1), parseInt(signature.slice(0, dot), 36)];
    const stamped = dot < 0 ? signed : `${signed}.${stamp}`;
    if (!sameSignature(mac, sign(stamped)) || !Number.isSafeInteger(issuedAt)) throw new HttpError(401, "Unauthorized", "The token was not issued by this server.");
    const fields = decodeClientToken(signed);
    const exp = readAcsTokenClaims(fields.acsToken).exp ?? 0;
    if (exp * 1000 <= now()) throw new HttpError(401, "Unauthorized", "The token has expired.");
    const revokedBefore = await store.tokensRevokedBefore(fields.identity);
    // Ties go to the revocation: a token stamped in the same millisecond may predate it.
    if (revokedBefore !== undefined && issuedAt <= revokedBefore) throw new HttpError(401, "Unauthorized", "The token was revoked.");
    return { ...fields, exp };
  }

  async function revokeUser(identity: string): Promise<void> {
    identitySchema.parse(identity);
    const revokedAt = now();
    const userId = await store.userIdOf(identity);
    if (userId) await identityClient.revokeTokens({ communicationUserId: userId });
    await store.revokeTokensBefore(identity, revokedAt);
  }

  const admitTokenRequest = (identity: string) =>
    quotas.take(`token\u0000${identity}`, options.tokensPerMinute ?? 10, "Too many tokens for this identity; try again in a minute.");
  const admitDirectoryWrite = (identity: string) =>
    quotas.take(`write\u0000${identity}`, directoryWritesPerMinute, `Too many directory writes for this identity (at most ${directoryWritesPerMinute} a minute, directoryWritesPerMinute).`);

  /** Whether the caller is in the thread: ACS answers their own token only for participants. */
  async function callerIsParticipant(who: ClientTokenFields, threadId: string): Promise<boolean> {
    const chat = new ChatClient(who.endpoint, new AzureCommunicationTokenCredential(who.acsToken), options.acsClientOptions);
    try {
      await chat.getChatThreadClient(threadId).getProperties();
      return true;
    } catch (error) {
      if (isGone(error)) return false;
      throw error;
    }
  }

  /** Threads lookups found alive, and when: a lookup asks ACS about a thread at most once a minute. */
  const aliveThreads = new Map<string, number>();
  /**
   * Whether a named thread is gone: ACS answers 404 to the kit's user (404 comes before 403, so
   * this holds even where the kit's user is not a participant). 403 and success: it exists.
   */
  async function threadIsGone(threadId: string, useCache: boolean): Promise<boolean> {
    const checkedAt = aliveThreads.get(threadId);
    if (useCache && checkedAt !== undefined && now() - checkedAt < THREAD_ALIVE_TTL_MS) return false;
    try {
      await (await serviceChat()).chat.getChatThreadClient(threadId).getProperties();
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) {
        aliveThreads.delete(threadId);
        return true;
      }
      if (status !== 403) throw error;
    }
    if (aliveThreads.size >= 10_000) aliveThreads.clear();
    aliveThreads.set(threadId, now());
    return false;
  }

  /** The thread a unique name names, freeing the name first if its thread is gone. */
  async function liveClaim(uniqueName: string, useCache: boolean) {
    const claim = await store.uniqueNameClaim(uniqueName);
    if (!claim || !(await threadIsGone(claim.threadId, useCache))) return claim;
    await store.releaseUniqueName(uniqueName, claim.threadId);
    return undefined;
  }

  const mayOverride = async (request: UniqueNameRequest) => (await options.authorizeUniqueName?.(request)) ?? false;

  async function claimUniqueName(who: ClientTokenFields, uniqueName: string, conversationSid: string): Promise<void> {
    if (!(await callerIsParticipant(who, conversationSid))) throw new HttpError(403, "Forbidden", "Only participants name a conversation.");
    const held = await liveClaim(uniqueName, false);
    if (held?.threadId === conversationSid) return;
    if (held) throw new HttpError(409, "Conflict", "Conversation with provided unique name already exists", undefined, 50353);
    const current = await store.uniqueNameClaimsOf(conversationSid);
    const othersName = current.find((claim) => claim.claimedBy !== undefined && claim.claimedBy !== who.identity);
    if (othersName && !(await mayOverride({ identity: who.identity, uniqueName, conversationSid, action: "claim", claimedBy: othersName.claimedBy }))) {
      throw new HttpError(403, "Forbidden", "conversationSid: another user named this conversation; only they rename it.");
    }
    if (current.length >= maxUniqueNamesPerConversation) {
      throw new HttpError(403, "UniqueNameLimit", `conversationSid: a conversation holds at most ${maxUniqueNamesPerConversation} unique names (maxUniqueNamesPerConversation); release one first.`);
    }
    if (!(await store.claimUniqueName(uniqueName, conversationSid, who.identity))) {
      throw new HttpError(409, "Conflict", "Conversation with provided unique name already exists", undefined, 50353);
    }
  }

  async function releaseUniqueName(who: ClientTokenFields, uniqueName: string, conversationSid: string): Promise<void> {
    if (!(await callerIsParticipant(who, conversationSid))) throw new HttpError(403, "Forbidden", "Only participants rename a conversation.");
    const held = await store.uniqueNameClaim(uniqueName);
    if (held?.threadId !== conversationSid) return;
    // Claims stored before claimers were recorded stay releasable by participants, as they were.
    const allowed =
      held.claimedBy === undefined ||
      held.claimedBy === who.identity ||
      (await mayOverride({ identity: who.identity, uniqueName, conversationSid, action: "release", claimedBy: held.claimedBy }));
    if (!allowed) throw new HttpError(403, "Forbidden", "uniqueName: only the user who claimed this name releases it.");
    await store.releaseUniqueName(uniqueName, conversationSid);
  }

  /**
   * Media ids that messages sent by `senders` since `since` reference, as `chat`'s user sees them
   * (threads changed since then, then their messages since then).
   */
  async function referencedMedia(chat: ChatClient, since: Date, senders: ReadonlySet<string>, into: Set<string>): Promise<void> {
    for await (const thread of chat.listChatThreads({ startTime: since })) {
      if (thread.deletedOn) continue;
      try {
        for await (const message of chat.getChatThreadClient(thread.id).listMessages({ startTime: since })) {
          if (message.deletedOn || !message.sender || !senders.has(getIdentifierRawId(message.sender))) continue;
          for (const media of decodeMediaMetadata(message.metadata)) into.add(storeIdOf(media.sid));
        }
      } catch (error) {
        // Left or deleted between the two reads: nothing of it to count.
        if (!isGone(error)) throw error;
      }
    }
  }

  /**
   * An upload counts as attached when a message its uploader sent references it. Each uploader's
   * own view finds those in any conversation they are still in; the kit's user (in every kit
   * conversation) finds the rest, such as those of uploaders who left since.
   */
  async function sweepUploads(): Promise<UploadSweepResult> {
    const media = options.mediaStore;
    const result: UploadSweepResult = { attached: 0, deleted: 0 };
    if (!media) return result;
    const due = await store.pendingUploads(now() - unattachedUploadGraceMs, SWEEP_BATCH);
    if (due.length === 0) return result;
    const sinceOf = (uploads: PendingUpload[]) => new Date(Math.min(...uploads.map((upload) => upload.uploadedAt)) - CLOCK_SKEW_MS);
    const referenced = new Set<string>();
    const undecided = new Set<string>();
    const byUploader = new Map<string, PendingUpload[]>();
    for (const upload of due) byUploader.set(upload.uploaderUserId, [...(byUploader.get(upload.uploaderUserId) ?? []), upload]);
    for (const [uploaderUserId, uploads] of byUploader) {
      try {
        const { token } = await identityClient.getToken({ communicationUserId: uploaderUserId }, ["chat"]);
        const chat = new ChatClient(acsEndpoint, new AzureCommunicationTokenCredential(token), options.acsClientOptions);
        await referencedMedia(chat, sinceOf(uploads), new Set([uploaderUserId]), referenced);
      } catch (error) {
        // A deleted user has no view of their own: the kit's view decides. Anything else: next sweep.
        if (statusOf(error) !== 404) {
          onError(error, undefined);
          for (const upload of uploads) undecided.add(upload.id);
        }
      }
    }
    const unseen = due.filter((upload) => !referenced.has(upload.id) && !undecided.has(upload.id));
    if (unseen.length > 0) {
      await referencedMedia((await serviceChat()).chat, sinceOf(unseen), new Set(unseen.map((upload) => upload.uploaderUserId)), referenced);
    }
    for (const upload of due) {
      if (undecided.has(upload.id)) continue;
      if (referenced.has(upload.id)) {
        result.attached++;
      } else {
        await media.delete(upload.id).catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error;
        });
        result.deleted++;
      }
      await store.untrackUpload(upload.id);
    }
    return result;
  }

  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  /** Started by the first upload, so kits without uploads run no timer; unref'd, so it never keeps a process alive. */
  function ensureSweeping(): void {
    if (sweepTimer || uploadSweepIntervalMs === 0) return;
    sweepTimer = setInterval(() => void sweepUploads().catch((error: unknown) => onError(error, undefined)), uploadSweepIntervalMs);
    sweepTimer.unref?.();
  }

  const routes: Array<{ method: string; pattern: RegExp; run: (request: Request, params: string[]) => Promise<Response> }> = [
    {
      method: "POST",
      pattern: /^\/token$/,
      run: async (request) => {
        const identity = await options.authenticate(request);
        if (!identity) throw new HttpError(401, "Unauthorized", "The request does not prove who is asking.");
        admitTokenRequest(identity);
        const result = await issueToken(identity);
        return json(200, { token: result.token, identity: result.identity, expiresOn: result.expiresOn.toISOString() });
      },
    },
    {
      method: "GET",
      pattern: /^\/directory\/users\/([^/]+)$/,
      run: async (request, [identity]) => {
        const who = await caller(request);
        const parsed = parse(identitySchema, identity!, "identity");
        if (parsed === SERVICE_IDENTITY) throw new HttpError(404, "NotFound", "No such user.");
        // Looking up a new identity creates its ACS user: each caller creates a bounded number a minute.
        if (!(await store.userIdOf(parsed))) {
          quotas.take(`create\u0000${who.identity}`, options.usersCreatedPerMinute ?? 30, "Too many new users from this caller; try again in a minute.");
        }
        return json(200, { identity: parsed, userId: await userIdOf(parsed) });
      },
    },
    {
      method: "GET",
      pattern: /^\/directory\/user-ids\/([^/]+)$/,
      run: async (request, [userId]) => {
        await caller(request);
        const identity = await store.identityOf(userId!);
        if (!identity || identity === SERVICE_IDENTITY) throw new HttpError(404, "NotFound", "No identity is known for this user id.");
        return json(200, { identity, userId });
      },
    },
    {
      // Many user ids at once: a client resolves the senders of a whole page in one request.
      method: "POST",
      pattern: /^\/directory\/user-ids$/,
      run: async (request) => {
        await caller(request);
        const { userIds } = parse(userIdsLookupSchema, await readJson(request, maxJsonBodyBytes, "maxJsonBodyBytes"), "body");
        const identities: Record<string, string> = {};
        await Promise.all(
          [...new Set(userIds)].map(async (userId) => {
            const identity = await store.identityOf(userId);
            if (identity && identity !== SERVICE_IDENTITY) identities[userId] = identity;
          }),
        );
        return json(200, { identities });
      },
    },
    {
      method: "GET",
      pattern: /^\/directory\/users\/([^/]+)\/profile$/,
      run: async (request, [identity]) => {
        await caller(request);
        const profile = await store.profileOf(parse(identitySchema, identity!, "identity"));
        return json(200, profile ?? { friendlyName: null, attributes: {} });
      },
    },
    {
      method: "PUT",
      pattern: /^\/directory\/users\/([^/]+)\/profile$/,
      run: async (request, [identity]) => {
        const who = await caller(request);
        if (who.identity !== identity) throw new HttpError(403, "Forbidden", "Users update their own profile only.");
        admitDirectoryWrite(who.identity);
        const changes = parse(profileSchema, await readJson(request, maxJsonBodyBytes, "maxJsonBodyBytes"), "body");
        const current: UserProfile = (await store.profileOf(who.identity)) ?? { friendlyName: null, attributes: {} };
        const next: UserProfile = {
          friendlyName: changes.friendlyName !== undefined ? changes.friendlyName : current.friendlyName,
          attributes: changes.attributes !== undefined ? (changes.attributes as UserProfile["attributes"]) : current.attributes,
        };
        await store.putProfile(who.identity, next);
        return json(200, next);
      },
    },
    {
      // The caller's notification levels: the conversations they muted (every other one is "default").
      method: "GET",
      pattern: /^\/directory\/notification-levels$/,
      run: async (request) => {
        const who = await caller(request);
        if (!store.mutedThreadsOf) throw new HttpError(501, "NotImplemented", "This directory store keeps no notification levels.");
        const muted = (await store.mutedThreadsOf(who.identity)).sort();
        const etag = `"${createHash("sha256").update(JSON.stringify(muted)).digest("base64url").slice(0, 22)}"`;
        // Clients ask every poll cycle: an unchanged answer is a 304 without a body.
        if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag } });
        return json(200, { muted }, { etag });
      },
    },
    {
      method: "PUT",
      pattern: /^\/directory\/notification-levels\/([^/]+)$/,
      run: async (request, [sid]) => {
        const who = await caller(request);
        const threadId = parse(threadIdSchema, sid!, "conversationSid");
        if (!store.mutedThreadsOf || !store.putNotificationLevel) throw new HttpError(501, "NotImplemented", "This directory store keeps no notification levels.");
        admitDirectoryWrite(who.identity);
        const { level } = parse(notificationLevelSchema, await readJson(request, maxJsonBodyBytes, "maxJsonBodyBytes"), "body");
        if (level === "muted") {
          const muted = await store.mutedThreadsOf(who.identity);
          if (!muted.includes(threadId) && muted.length >= MAX_MUTED_CONVERSATIONS) {
            throw new HttpError(400, "LimitExceeded", `level: at most ${MAX_MUTED_CONVERSATIONS} muted conversations per identity.`);
          }
        }
        await store.putNotificationLevel(who.identity, threadId, level);
        return json(200, { conversationSid: threadId, level });
      },
    },
    {
      method: "GET",
      pattern: /^\/directory\/conversations\/([^/]+)$/,
      run: async (request, [name]) => {
        await caller(request);
        const claim = await liveClaim(parse(uniqueNameSchema, name!, "uniqueName"), true);
        if (!claim) throw new HttpError(404, "NotFound", "No conversation has this unique name.");
        return json(200, { uniqueName: name, conversationSid: claim.threadId });
      },
    },
    {
      method: "PUT",
      pattern: /^\/directory\/conversations\/([^/]+)$/,
      run: async (request, [name]) => {
        const who = await caller(request);
        const uniqueName = parse(uniqueNameSchema, name!, "uniqueName");
        admitDirectoryWrite(who.identity);
        const { conversationSid } = parse(claimSchema, await readJson(request, maxJsonBodyBytes, "maxJsonBodyBytes"), "body");
        await claimUniqueName(who, uniqueName, conversationSid);
        return json(200, { uniqueName, conversationSid });
      },
    },
    {
      method: "DELETE",
      pattern: /^\/directory\/conversations\/([^/]+)$/,
      run: async (request, [name]) => {
        const who = await caller(request);
        const uniqueName = parse(uniqueNameSchema, name!, "uniqueName");
        admitDirectoryWrite(who.identity);
        const { conversationSid } = parse(claimSchema, await readJson(request, maxJsonBodyBytes, "maxJsonBodyBytes"), "body");
        await releaseUniqueName(who, uniqueName, conversationSid);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      pattern: /^\/conversations\/([^/]+)\/join$/,
      run: async (request, [sid]) => {
        const who = await caller(request);
        const conversationSid = parse(threadIdSchema, sid!, "conversationSid");
        const allowed = (await options.authorizeJoin?.({ identity: who.identity, conversationSid })) ?? false;
        if (!allowed) throw new HttpError(403, "Forbidden", "Joining this conversation is not allowed.");
        const { chat } = await serviceChat();
        try {
          const result = await chat.getChatThreadClient(conversationSid).addParticipants({
            participants: [{ id: { communicationUserId: who.acsUserId }, displayName: who.identity, metadata: { [METADATA_KEYS.identity]: who.identity } }],
          });
          if (result.invalidParticipants?.length) throw new HttpError(403, "Forbidden", `ACS refused the participant: ${result.invalidParticipants[0]!.message}`);
        } catch (error) {
          if (error instanceof HttpError) throw error;
          if (isGone(error)) {
            throw new HttpError(409, "ServiceNotInConversation", "The server is not in this conversation, so it cannot add anyone (conversations created by this library include it).");
          }
          throw error;
        }
        return json(200, { conversationSid, identity: who.identity });
      },
    },
  ];
  if (options.mediaStore) {
    const media = options.mediaStore;
    routes.push(
      {
        method: "POST",
        pattern: /^\/media$/,
        run: async (request) => {
          const who = await caller(request);
          quotas.take(`upload\u0000${who.identity}`, uploadsPerMinute, `Too many uploads for this identity (at most ${uploadsPerMinute} a minute, uploadsPerMinute).`);
          const contentType = request.headers.get("content-type");
          if (!contentType) throw new HttpError(400, "BadRequest", "content-type: the upload needs a content type.");
          const data = await readBody(request, maxUploadBytes, "maxUploadBytes");
          if (data.byteLength === 0) throw new HttpError(400, "BadRequest", "body: the upload is empty.");
          quotas.take(
            `uploadBytes\u0000${who.identity}`,
            uploadBytesPerMinute,
            `Too many bytes uploaded by this identity (at most ${uploadBytesPerMinute} a minute, uploadBytesPerMinute).`,
            data.byteLength,
          );
          const encodedName = request.headers.get("x-file-name");
          let filename: string | null = null;
          try {
            filename = encodedName === null ? null : decodeURIComponent(encodedName);
          } catch {
            throw new HttpError(400, "BadRequest", "x-file-name: not valid percent-encoding.");
          }
          const stored = await media.upload({ filename, contentType, data });
          // Tracked until a message is seen to carry it; untracked, it would be kept forever.
          await store.trackUpload({ id: stored.id, uploaderUserId: who.acsUserId, uploadedAt: now() }).catch(async (error: unknown) => {
            await media.delete(stored.id).catch(() => undefined);
            throw error;
          });
          ensureSweeping();
          // The id names its uploader (signed), so that only they can delete the file, with no state kept here.
          return json(201, { ...stored, id: `${stored.id}.${mediaOwnerSignature(stored.id, who.acsUserId)}` });
        },
      },
      {
        method: "GET",
        pattern: /^\/media\/([^/]+)\/temporary-url$/,
        run: async (request, [id]) => {
          await caller(request);
          return json(200, { url: await media.temporaryUrl(splitMediaId(id!).storeId) });
        },
      },
      {
        method: "DELETE",
        pattern: /^\/media\/([^/]+)$/,
        run: async (request, [id]) => {
          const who = await caller(request);
          const { storeId, signature } = splitMediaId(id!);
          if (!sameSignature(signature, mediaOwnerSignature(storeId, who.acsUserId))) throw new HttpError(403, "Forbidden", "Only the uploader deletes a file.");
          await media.delete(storeId);
          await store.untrackUpload(storeId);
          return new Response(null, { status: 204 });
        },
      },
    );
  }
  if (options.eventGrid) {
    const source = options.eventGrid;
    routes.push({
      method: "POST",
      pattern: /^\/events$/,
      run: async (request) => {
        // Anyone can reach the webhook: read at most one delivery's worth before the source checks anything.
        const delivery = await readBody(request, maxEventBodyBytes, "maxEventBodyBytes");
        const contentType = request.headers.get("content-type");
        return source.handle(new Request(request.url, { method: "POST", body: delivery, headers: contentType ? { "content-type": contentType } : {} }));
      },
    });
  }

  const mountPath = new URL(publicUrl).pathname.replace(/\/+$/, "");
  async function handle(request: Request): Promise<Response> {
    // Frameworks mount the handler with or without the public URL's path: strip it only as a prefix.
    const pathname = new URL(request.url).pathname;
    const path = mountPath && (pathname === mountPath || pathname.startsWith(`${mountPath}/`)) ? pathname.slice(mountPath.length) || "/" : pathname;
    try {
      for (const route of routes) {
        const match = path.match(route.pattern);
        if (!match) continue;
        if (request.method !== route.method) continue;
        const params = match.slice(1).map((part) => {
          try {
            return decodeURIComponent(part);
          } catch {
            throw new HttpError(400, "BadRequest", "The path is not valid percent-encoding.");
          }
        });
        return await route.run(request, params);
      }
      throw new HttpError(404, "NotFound", `No endpoint at ${request.method} ${path}.`);
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: { code: error.code, message: error.message, ...(error.twilioCode ? { twilioCode: error.twilioCode } : {}) } }, error.headers);
      if (error instanceof z.ZodError) return json(400, { error: { code: "BadRequest", message: error.issues[0]?.message ?? "Bad request" } });
      // Never echo tokens or keys: a generic message; the detail goes to the server's own log.
      onError(error, request);
      return json(500, { error: { code: "InternalServerError", message: "The server could not complete the request." } });
    }
  }

  async function handleWithCors(request: Request): Promise<Response> {
    const origin = request.headers.get("origin");
    const cors = options.cors;
    if (!origin || !cors || (cors.origins !== "*" && !cors.origins.includes(origin))) return handle(request);
    const headers: Record<string, string> = { "access-control-allow-origin": origin, "access-control-expose-headers": "retry-after", vary: "Origin" };
    if (request.method === "OPTIONS") {
      const allowHeaders = ["authorization", "content-type", "x-file-name", ...(cors.allowHeaders ?? [])].join(", ");
      return new Response(null, { status: 204, headers: { ...headers, "access-control-allow-methods": "GET, POST, PUT, DELETE", "access-control-allow-headers": allowHeaders, "access-control-max-age": "600" } });
    }
    const response = await handle(request);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  }

  const kit: ServerKit = { handle: handleWithCors, issueToken, userIdOf, serviceUserId: async () => (await serviceChat()).userId, revokeUser, sweepUploads };
  kitPieces.set(kit, {
    store,
    endpoint: acsEndpoint,
    acsClientOptions: options.acsClientOptions,
    mediaStore: options.mediaStore,
    userIdOf,
    serviceUserId: kit.serviceUserId,
    acsTokenFor: async (userId) => {
      const { token, expiresOn } = await identityClient.getToken({ communicationUserId: userId }, ["chat"], { tokenExpiresInMinutes: ttlMinutes });
      return { token, expiresOn };
    },
    mediaIdFor: (storeId, uploaderUserId) => `${storeId}.${mediaOwnerSignature(storeId, uploaderUserId)}`,
  });
  return kit;
}

/**
 * What the history importer uses of a kit, so that what it writes is what the kit's own clients
 * would have: its directory (users created on first use, unique names, profiles), its service
 * user, its media store and media ids. Internal: not exported from the package.
 */
export interface KitPieces {
  readonly store: DirectoryStore;
  readonly endpoint: string;
  readonly acsClientOptions: (ChatClientOptions & CommunicationIdentityClientOptions) | undefined;
  readonly mediaStore: MediaStore | undefined;
  userIdOf(identity: string): Promise<string>;
  serviceUserId(): Promise<string>;
  /** A chat token for one ACS user of the kit's resource. */
  acsTokenFor(userId: string): Promise<{ token: string; expiresOn: Date }>;
  /** The media id the kit gives a stored file uploaded by this user (only they may delete it). */
  mediaIdFor(storeId: string, uploaderUserId: string): string;
}

const kitPieces = new WeakMap<ServerKit, KitPieces>();

export function kitPiecesOf(kit: ServerKit): KitPieces {
  const pieces = kitPieces.get(kit);
  if (!pieces) throw new TypeError("kit: expected a server kit made by createServerKit()");
  return pieces;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? `${field}.${issue.path.join(".")}` : field;
  throw new HttpError(400, "BadRequest", `${path}: ${issue.message}`);
}

/** `<store id>.<owner signature>`, as `POST /media` answers; anything else names no file of this kit's (404). */
function splitMediaId(id: string): { storeId: string; signature: string } {
  const dot = id.lastIndexOf(".");
  const storeId = id.slice(0, dot);
  if (dot <= 0 || !/^[\w-]{1,128}$/.test(storeId)) throw new HttpError(404, "NotFound", "No such file.");
  return { storeId, signature: id.slice(dot + 1) };
}

/** The media store's id inside a kit media id (`<store id>.<owner signature>`); ids of other stores as they are. */
function storeIdOf(mediaId: string): string {
  const dot = mediaId.lastIndexOf(".");
  return dot > 0 ? mediaId.slice(0, dot) : mediaId;
}


/** Whether a signature someone sent is ours, compared in constant time. */
function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
