/**
 * The server side a Twilio app needs on ACS, in place of its token server: tokens that carry
 * everything `new Client(token)` needs, the identity directory (Twilio identity <-> ACS user,
 * created on first use), the conversation directory (unique names, unique under concurrency)
 * and joining conversations one is not in, through the server's own ACS user. One Fetch-API
 * handler serves it all, so it mounts in node:http, Express, Fastify, Hono or Azure Functions.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { ChatClient, type ChatClientOptions } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential, parseConnectionString } from "@azure/communication-common";
import { CommunicationIdentityClient, type CommunicationIdentityClientOptions } from "@azure/communication-identity";
import { z } from "zod";
import type { EventGridSource } from "../events/event-grid-source.js";
import type { MediaStore } from "../media/media-store.js";
import type { UserProfile } from "../identity/identity-resolver.js";
import { decodeClientToken, encodeClientToken, readAcsTokenClaims, splitClientToken, type ClientTokenFields } from "../mapping/client-token.js";
import { findNonJson } from "../mapping/json.js";
import { METADATA_KEYS } from "../mapping/metadata-keys.js";
import { MemoryDirectoryStore, type DirectoryStore } from "./directory-store.js";

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
  /** Largest upload `POST /media` accepts, bytes (default 25 MB, the client's default limit); larger ones get 413 unread. */
  maxUploadBytes?: number;
  /** Called with every unexpected error (answered as a bare 500); default `console.error`. */
  onError?(error: unknown, request: Request): void;
  /** Options for the ACS clients the kit uses (e.g. `tlsOptions` for the emulator). */
  acsClientOptions?: ChatClientOptions & CommunicationIdentityClientOptions;
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
}

const SERVICE_IDENTITY = "\u0000twilio-conversations-acs service";
const identitySchema = z.string().min(1, "expected a non-empty identity").max(256, "identities are at most 256 characters");
const uniqueNameSchema = z.string().min(1, "expected a non-empty unique name").max(256, "unique names are at most 256 characters");
const threadIdSchema = z.string().regex(/^19:.+@thread\.v2$/, "expected an ACS thread id (19:...@thread.v2)");
const claimSchema = z.object({ conversationSid: threadIdSchema });
const profileSchema = z
  .object({
    friendlyName: z.string().max(256).nullable().optional(),
    attributes: z.custom((value) => value !== undefined && findNonJson(value) === undefined, { message: "expected JSON attributes" }).optional(),
  })
  .strict();

export function createServerKit(options: ServerKitOptions): ServerKit {
  if (Buffer.byteLength(options.signingSecret) < 32) throw new RangeError("signingSecret must be at least 32 bytes");
  const ttlMinutes = options.tokenTtlMinutes ?? 60;
  if (!Number.isInteger(ttlMinutes) || ttlMinutes < 60 || ttlMinutes > 1440) throw new RangeError(`tokenTtlMinutes must be a whole number from 60 to 1440 (ACS's range), got ${ttlMinutes}`);
  const maxUploadBytes = options.maxUploadBytes ?? 25 * 1024 * 1024;
  const store = options.store ?? new MemoryDirectoryStore();
  const { endpoint } = parseConnectionString(options.connectionString);
  const acsEndpoint = endpoint.replace(/\/+$/, "");
  const identityClient = new CommunicationIdentityClient(options.connectionString, options.acsClientOptions ?? {});
  const publicUrl = options.publicUrl.replace(/\/+$/, "");
  const issued = new Map<string, number[]>();
  let lastSweep = 0;
  const creating = new Map<string, Promise<string>>();

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
    const userId = await userIdOf(identity);
    const serviceUserId = (await serviceChat()).userId;
    const { token: acsToken, expiresOn } = await identityClient.getToken({ communicationUserId: userId }, ["chat"], {
      tokenExpiresInMinutes: issueOptions.ttlMinutes ?? ttlMinutes,
    });
    const mediaUrl = options.mediaStore ? publicUrl : options.mediaUrl;
    const fields: ClientTokenFields = { endpoint: acsEndpoint, acsToken, acsUserId: userId, identity, serverUrl: publicUrl, serviceUserId, ...(mediaUrl ? { mediaUrl } : {}) };
    const unsigned = encodeClientToken(fields);
    return { token: `${unsigned}.${sign(unsigned)}`, identity, expiresOn };
  }

  const sign = (text: string) => createHmac("sha256", options.signingSecret).update(text).digest("base64url");
  const mediaOwnerSignature = (storeId: string, userId: string) => sign(`media\u0000${storeId}\u0000${userId}`);

  /** The caller of a directory endpoint: only tokens this kit signed, not expired. */
  function caller(request: Request): ClientTokenFields & { exp: number } {
    const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
    if (!token) throw new HttpError(401, "Unauthorized", "The request carries no token.");
    const { signed, signature } = splitClientToken(token);
    if (!sameSignature(signature ?? "", sign(signed))) throw new HttpError(401, "Unauthorized", "The token was not issued by this server.");
    const fields = decodeClientToken(signed);
    const exp = readAcsTokenClaims(fields.acsToken).exp ?? 0;
    if (exp * 1000 <= Date.now()) throw new HttpError(401, "Unauthorized", "The token has expired.");
    return { ...fields, exp };
  }

  /** At most `max` per key in any minute, else 429. */
  function admit(key: string, max: number, refusal: string): void {
    const now = Date.now();
    // Once a minute, drop keys with nothing recent, so the map holds only recent callers.
    if (now - lastSweep >= 60_000) {
      lastSweep = now;
      for (const [known, times] of issued) if (times.every((at) => now - at >= 60_000)) issued.delete(known);
    }
    const recent = (issued.get(key) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= max) throw new HttpError(429, "TooManyRequests", refusal, { "retry-after": "60" });
    recent.push(now);
    issued.set(key, recent);
  }

  const admitTokenRequest = (identity: string) =>
    admit(`token\u0000${identity}`, options.tokensPerMinute ?? 10, "Too many tokens for this identity; try again in a minute.");

  /** Whether the caller is in the thread: ACS answers their own token only for participants. */
  async function callerIsParticipant(who: ClientTokenFields, threadId: string): Promise<boolean> {
    const chat = new ChatClient(who.endpoint, new AzureCommunicationTokenCredential(who.acsToken), options.acsClientOptions);
    try {
      await chat.getChatThreadClient(threadId).getProperties();
      return true;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 403 || status === 404) return false;
      throw error;
    }
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
        const who = caller(request);
        const parsed = parse(identitySchema, identity!, "identity");
        if (parsed === SERVICE_IDENTITY) throw new HttpError(404, "NotFound", "No such user.");
        // Looking up a new identity creates its ACS user: each caller creates a bounded number a minute.
        if (!(await store.userIdOf(parsed))) {
          admit(`create\u0000${who.identity}`, options.usersCreatedPerMinute ?? 30, "Too many new users from this caller; try again in a minute.");
        }
        return json(200, { identity: parsed, userId: await userIdOf(parsed) });
      },
    },
    {
      method: "GET",
      pattern: /^\/directory\/user-ids\/([^/]+)$/,
      run: async (request, [userId]) => {
        caller(request);
        const identity = await store.identityOf(userId!);
        if (!identity || identity === SERVICE_IDENTITY) throw new HttpError(404, "NotFound", "No identity is known for this user id.");
        return json(200, { identity, userId });
      },
    },
    {
      method: "GET",
      pattern: /^\/directory\/users\/([^/]+)\/profile$/,
      run: async (request, [identity]) => {
        caller(request);
        const profile = await store.profileOf(parse(identitySchema, identity!, "identity"));
        return json(200, profile ?? { friendlyName: null, attributes: {} });
      },
    },
    {
      method: "PUT",
      pattern: /^\/directory\/users\/([^/]+)\/profile$/,
      run: async (request, [identity]) => {
        const who = caller(request);
        if (who.identity !== identity) throw new HttpError(403, "Forbidden", "Users update their own profile only.");
        const changes = parse(profileSchema, await body(request), "body");
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
      method: "GET",
      pattern: /^\/directory\/conversations\/([^/]+)$/,
      run: async (request, [name]) => {
        caller(request);
        const threadId = await store.threadIdOf(parse(uniqueNameSchema, name!, "uniqueName"));
        if (!threadId) throw new HttpError(404, "NotFound", "No conversation has this unique name.");
        return json(200, { uniqueName: name, conversationSid: threadId });
      },
    },
    {
      method: "PUT",
      pattern: /^\/directory\/conversations\/([^/]+)$/,
      run: async (request, [name]) => {
        const who = caller(request);
        const uniqueName = parse(uniqueNameSchema, name!, "uniqueName");
        const { conversationSid } = parse(claimSchema, await body(request), "body");
        if (!(await callerIsParticipant(who, conversationSid))) throw new HttpError(403, "Forbidden", "Only participants name a conversation.");
        if (!(await store.claimUniqueName(uniqueName, conversationSid))) {
          throw new HttpError(409, "Conflict", "Conversation with provided unique name already exists", undefined, 50353);
        }
        return json(200, { uniqueName, conversationSid });
      },
    },
    {
      method: "DELETE",
      pattern: /^\/directory\/conversations\/([^/]+)$/,
      run: async (request, [name]) => {
        const who = caller(request);
        const uniqueName = parse(uniqueNameSchema, name!, "uniqueName");
        const { conversationSid } = parse(claimSchema, await body(request), "body");
        if (!(await callerIsParticipant(who, conversationSid))) throw new HttpError(403, "Forbidden", "Only participants rename a conversation.");
        await store.releaseUniqueName(uniqueName, conversationSid);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      pattern: /^\/conversations\/([^/]+)\/join$/,
      run: async (request, [sid]) => {
        const who = caller(request);
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
          const status = (error as { statusCode?: number }).statusCode;
          if (status === 403 || status === 404) {
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
          const who = caller(request);
          const contentType = request.headers.get("content-type");
          if (!contentType) throw new HttpError(400, "BadRequest", "content-type: the upload needs a content type.");
          const tooLarge = () => new HttpError(413, "PayloadTooLarge", `body: uploads are at most ${maxUploadBytes} bytes.`);
          if (Number(request.headers.get("content-length") ?? 0) > maxUploadBytes) throw tooLarge();
          const data = new Uint8Array(await request.arrayBuffer());
          if (data.byteLength > maxUploadBytes) throw tooLarge();
          if (data.byteLength === 0) throw new HttpError(400, "BadRequest", "body: the upload is empty.");
          const encodedName = request.headers.get("x-file-name");
          let filename: string | null = null;
          try {
            filename = encodedName === null ? null : decodeURIComponent(encodedName);
          } catch {
            throw new HttpError(400, "BadRequest", "x-file-name: not valid percent-encoding.");
          }
          const stored = await media.upload({ filename, contentType, data });
          // The id names its uploader (signed), so that only they can delete the file, with no state kept here.
          return json(201, { ...stored, id: `${stored.id}.${mediaOwnerSignature(stored.id, who.acsUserId)}` });
        },
      },
      {
        method: "GET",
        pattern: /^\/media\/([^/]+)\/temporary-url$/,
        run: async (request, [id]) => {
          caller(request);
          return json(200, { url: await media.temporaryUrl(splitMediaId(id!).storeId) });
        },
      },
      {
        method: "DELETE",
        pattern: /^\/media\/([^/]+)$/,
        run: async (request, [id]) => {
          const who = caller(request);
          const { storeId, signature } = splitMediaId(id!);
          if (!sameSignature(signature, mediaOwnerSignature(storeId, who.acsUserId))) throw new HttpError(403, "Forbidden", "Only the uploader deletes a file.");
          await media.delete(storeId);
          return new Response(null, { status: 204 });
        },
      },
    );
  }
  if (options.eventGrid) {
    const source = options.eventGrid;
    routes.push({ method: "POST", pattern: /^\/events$/, run: (request) => source.handle(request) });
  }

  const mountPath = new URL(publicUrl).pathname.replace(/\/+$/, "");
  const onError = options.onError ?? ((error: unknown) => console.error("twilio-conversations-acs server kit:", error));

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

  return { handle: handleWithCors, issueToken, userIdOf, serviceUserId: async () => (await serviceChat()).userId };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
    readonly twilioCode?: number,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? `${field}.${issue.path.join(".")}` : field;
  throw new HttpError(400, "BadRequest", `${path}: ${issue.message}`);
}

async function body(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new HttpError(400, "BadRequest", "The body is not JSON.");
  }
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/** `<store id>.<owner signature>`, as `POST /media` answers; anything else names no file of this kit's (404). */
function splitMediaId(id: string): { storeId: string; signature: string } {
  const dot = id.lastIndexOf(".");
  const storeId = id.slice(0, dot);
  if (dot <= 0 || !/^[\w-]{1,128}$/.test(storeId)) throw new HttpError(404, "NotFound", "No such file.");
  return { storeId, signature: id.slice(dot + 1) };
}

/** Whether a signature someone sent is ours, compared in constant time. */
function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
