/**
 * The HTTP face of the emulator: routes ACS's REST paths to the services, authenticates
 * (bearer user tokens for chat, HMAC for identity), applies injected faults, builds absolute
 * `nextLink`s, and answers errors in ACS's `{ error: { code, message } }` shape.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, notFound } from "./api-error.js";
import { verifyHmacRequest } from "./auth.js";
import type { ChatService, Page } from "./chat-service.js";
import type { FaultController } from "./faults.js";
import type { IdentityService } from "./identity-service.js";
import type { MediaService } from "./media-service.js";
import type { RateLimiter } from "./rate-limits.js";
import {
  addParticipantsSchema,
  createIdentitySchema,
  createThreadSchema,
  identifierSchema,
  issueTokenSchema,
  parseBody,
  sendMessageSchema,
  sendReadReceiptSchema,
  typingSchema,
  updateMessageSchema,
  updateThreadSchema,
} from "./requests.js";

/** One request as the emulator saw it, for logs and for counting requests in tests and demos. */
export interface RequestLogEntry {
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

export interface HttpApiDependencies {
  endpoint: () => string;
  accessKey: string;
  chat: ChatService;
  identity: IdentityService;
  faults: FaultController;
  now: () => number;
  onRequest: (entry: RequestLogEntry) => void;
  onMutation: () => void;
  /** ACS's rate limits, when the emulator enforces them. */
  rateLimiter?: RateLimiter;
  media: MediaService;
  /** The realtime notification server's URL (Trouter and registrar). */
  realtimeUrl: () => string;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview\d*)?$/;
/**
 * `api-supported-versions` of each service, as recorded (communication-chat
 * recording_successfully_lists_messages_one_by_one_and_by_page.json; communication-identity
 * recording_successfully_gets_a_token_for_a_user_ltchatjoinvoipjoinscopesgt.json), plus the
 * Chat versions later SDKs send (1.5: 2024-03-07, 1.6: 2025-03-15).
 */
const CHAT_SUPPORTED_VERSIONS =
  "2021-03-07, 2021-04-05-preview6, 2021-09-07, 2023-04-01-preview, 2023-07-01-preview, 2023-11-07, 2023-11-15-preview, 2024-03-07, 2025-03-15";
const IDENTITY_SUPPORTED_VERSIONS =
  "2020-07-20-preview2, 2021-02-22-preview1, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01";

interface Request {
  method: string;
  rawUrl: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

interface Reply {
  status: number;
  body?: unknown;
  /** Bytes to answer instead of JSON (media content). */
  raw?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
}

type Handler = (request: Request, userId: string | undefined) => Reply;

interface Route {
  method: string;
  template: string;
  segments: string[];
  /** `none`: the handler checks what the request carries (signed media URLs). */
  auth: "user" | "hmac" | "none";
  handler: Handler;
  /** ACS routes need `api-version`; the emulator's own media routes do not. */
  needsApiVersion: boolean;
  maxBodyBytes: number;
}

export function createRequestListener(deps: HttpApiDependencies) {
  const { chat, identity } = deps;
  const routes: Route[] = [];
  const route = (method: string, template: string, auth: Route["auth"], handler: Handler, extra: Partial<Pick<Route, "needsApiVersion" | "maxBodyBytes">> = {}) =>
    routes.push({ method, template, segments: template.split("/").slice(1), auth, handler, needsApiVersion: true, maxBodyBytes: MAX_BODY_BYTES, ...extra });

  // ---- identity (HMAC) ----
  route("POST", "/identities", "hmac", (r) => ({ status: 201, body: identity.createUser(parseBody(createIdentitySchema, r.body)) }));
  route("POST", "/identities/{userId}/:issueAccessToken", "hmac", (r) => ({
    status: 200,
    body: identity.issueToken(r.params.userId!, parseBody(issueTokenSchema, r.body)),
  }));
  route("POST", "/identities/{userId}/:revokeAccessTokens", "hmac", (r) => {
    identity.revokeTokens(r.params.userId!);
    return { status: 204 };
  });
  route("DELETE", "/identities/{userId}", "hmac", (r) => {
    identity.deleteUser(r.params.userId!);
    return { status: 204 };
  });

  // ---- chat (user token) ----
  const listReply = <T>(r: Request, page: Page<T>, kind?: "messages"): Reply => ({
    status: 200,
    body: { value: page.value, ...(page.next ? { nextLink: nextLink(deps.endpoint(), r, page.next, kind) } : {}) },
  });
  route("POST", "/chat/threads", "user", (r, user) => {
    const result = chat.createThread(user!, parseBody(createThreadSchema, r.body), header(r, "repeatability-request-id"));
    return { status: 201, body: result, headers: { location: `${deps.endpoint()}/chat/threads/${locationId(result.chatThread.id)}` } };
  });
  route("GET", "/chat/threads", "user", (r, user) =>
    listReply(r, chat.listThreads(user!, { maxPageSize: intQuery(r, "maxPageSize"), startTime: timeQuery(r), cursor: cursorQuery(r) })),
  );
  // Where the browser SDK's signaling client connects (`@azure/communication-signaling` appends /v4/a and /v3/registrations).
  route("GET", "/chat/config/realTimeNotifications", "user", () => ({
    status: 200,
    body: { trouterServiceUrl: deps.realtimeUrl(), registrarServiceUrl: `${deps.realtimeUrl()}/registrar`, cloudType: "Public" },
  }));
  route("GET", "/chat/threads/{threadId}", "user", (r, user) => ({ status: 200, body: chat.getThread(user!, r.params.threadId!) }));
  route("PATCH", "/chat/threads/{threadId}", "user", (r, user) => {
    chat.updateThread(user!, r.params.threadId!, parseBody(updateThreadSchema, r.body));
    return { status: 204 };
  });
  route("DELETE", "/chat/threads/{threadId}", "user", (r, user) => {
    chat.deleteThread(user!, r.params.threadId!);
    return { status: 204 };
  });
  route("POST", "/chat/threads/{threadId}/messages", "user", (r, user) => {
    const sent = chat.sendMessage(user!, r.params.threadId!, parseBody(sendMessageSchema, r.body));
    return { status: 201, body: sent, headers: { location: `${deps.endpoint()}/chat/threads/${locationId(r.params.threadId!)}/messages/${sent.id}` } };
  });
  route("GET", "/chat/threads/{threadId}/messages", "user", (r, user) =>
    listReply(
      r,
      chat.listMessages(user!, r.params.threadId!, {
        maxPageSize: intQuery(r, "maxPageSize"),
        startTime: timeQuery(r),
        cursor: cursorQuery(r),
        apiVersion: r.url.searchParams.get("api-version") ?? "",
      }),
      "messages",
    ),
  );
  route("GET", "/chat/threads/{threadId}/messages/{messageId}", "user", (r, user) => ({
    status: 200,
    body: chat.getMessage(user!, r.params.threadId!, r.params.messageId!, r.url.searchParams.get("api-version") ?? ""),
  }));
  route("PATCH", "/chat/threads/{threadId}/messages/{messageId}", "user", (r, user) => {
    chat.updateMessage(user!, r.params.threadId!, r.params.messageId!, parseBody(updateMessageSchema, r.body));
    return { status: 204 };
  });
  route("DELETE", "/chat/threads/{threadId}/messages/{messageId}", "user", (r, user) => {
    chat.deleteMessage(user!, r.params.threadId!, r.params.messageId!);
    return { status: 204 };
  });
  route("GET", "/chat/threads/{threadId}/participants", "user", (r, user) =>
    listReply(r, chat.listParticipants(user!, r.params.threadId!, { maxPageSize: intQuery(r, "maxPageSize"), skip: intQuery(r, "skip") })),
  );
  route("POST", "/chat/threads/{threadId}/participants/:add", "user", (r, user) => ({
    status: 201,
    body: chat.addParticipants(user!, r.params.threadId!, parseBody(addParticipantsSchema, r.body)),
  }));
  route("POST", "/chat/threads/{threadId}/participants/:remove", "user", (r, user) => {
    chat.removeParticipant(user!, r.params.threadId!, parseBody(identifierSchema, r.body));
    return { status: 204 };
  });
  route("POST", "/chat/threads/{threadId}/typing", "user", (r, user) => {
    chat.sendTyping(user!, r.params.threadId!, parseBody(typingSchema, r.body).senderDisplayName);
    return { status: 200 };
  });
  route("POST", "/chat/threads/{threadId}/readReceipts", "user", (r, user) => {
    chat.sendReadReceipt(user!, r.params.threadId!, parseBody(sendReadReceiptSchema, r.body).chatMessageId);
    return { status: 200 };
  });
  route("GET", "/chat/threads/{threadId}/readReceipts", "user", (r, user) =>
    listReply(r, chat.listReadReceipts(user!, r.params.threadId!, { maxPageSize: intQuery(r, "maxPageSize"), skip: intQuery(r, "skip") })),
  );

  // ---- the emulator's media endpoint (not ACS: see media-service.ts) ----
  const { media } = deps;
  const mediaRoute = { needsApiVersion: false };
  route("POST", "/media", "user", (r, user) => ({
    status: 201,
    body: media.upload(user!, header(r, "content-type"), header(r, "x-file-name"), r.body),
  }), { ...mediaRoute, maxBodyBytes: media.maxBytes });
  route("GET", "/media/{mediaId}/temporary-url", "user", (r) => ({ status: 200, body: media.temporaryUrl(r.params.mediaId!) }), mediaRoute);
  route("DELETE", "/media/{mediaId}", "user", (r, user) => {
    media.delete(user!, r.params.mediaId!);
    return { status: 204 };
  }, mediaRoute);
  route("GET", "/media/{mediaId}/content", "none", (r) => {
    const file = media.content(r.params.mediaId!, r.url.searchParams);
    // Inline, so that <img src> and a plain link show the file, as Twilio's media URLs do.
    const disposition = file.filename ? `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}` : "inline";
    // Uploaded HTML or SVG must not run as the emulator's own origin.
    const headers = { "content-disposition": disposition, "x-content-type-options": "nosniff", "content-security-policy": "sandbox" };
    return { status: 200, raw: { bytes: file.bytes, contentType: file.contentType }, headers };
  }, mediaRoute);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const url = new URL(rawUrl, "https://emulator.invalid");
    const path = decodePath(url.pathname);
    const entry: RequestLogEntry = { method, path: path ?? url.pathname, operation: `${method} ${path}`, status: 0, durationInMs: 0 };
    const finish = (reply: Reply | undefined) => {
      entry.status = reply?.status ?? 0;
      entry.durationInMs = performance.now() - started;
      // The service's clock, as ACS's Date header is (Node's own would be the machine's, whatever `now` says).
      if (reply) send(res, req, { ...reply, headers: { date: new Date(deps.now()).toUTCString(), ...reply.headers } });
      else req.socket.destroy();
      deps.onRequest(entry);
    };

    // Browsers call ACS directly: preflights are answered before routing, auth, faults and limits, as ACS does.
    if (method === "OPTIONS" && req.headers.origin) {
      const requested = req.headers["access-control-request-headers"];
      return finish({
        status: 204,
        headers: {
          "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
          "access-control-allow-headers": typeof requested === "string" ? requested : "authorization, content-type",
          "access-control-max-age": "600",
        },
      });
    }

    // Resolve the route first: faulted requests are logged under their operation, and the route says how large a body may be.
    let matched: ReturnType<typeof matchRoute> | ApiError;
    try {
      if (path === undefined) throw badRequest("The request path is not valid percent-encoding.");
      matched = matchRoute(routes, method, path);
      entry.operation = `${method} ${matched.route.template}`;
    } catch (error) {
      matched = error as ApiError;
    }

    let body: Buffer;
    try {
      body = await readBody(req, matched instanceof ApiError ? MAX_BODY_BYTES : matched.route.maxBodyBytes);
    } catch (error) {
      finish(errorReply(error instanceof ApiError ? error : badRequest("The request body could not be read.")));
      return;
    }

    const fault = deps.faults.take(method, path ?? url.pathname);
    let loseAnswer = false;
    if (fault) {
      entry.fault = fault.kind === "status" ? String(fault.status) : fault.kind;
      if (fault.kind === "drop" || fault.kind === "disconnect") return finish(undefined);
      if (fault.kind === "dropAnswer") loseAnswer = true;
      if (fault.kind === "status") {
        const retryAfter = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : undefined;
        return finish(errorReply(new ApiError(fault.status, faultCode(fault.status), "Fault injected by the emulator.", undefined, retryAfter)));
      }
      if (fault.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.delayInMs));
    }

    try {
      if (matched instanceof ApiError) throw matched;
      const apiVersion = url.searchParams.get("api-version");
      if (matched.route.needsApiVersion && !apiVersion) throw new ApiError(400, "MissingApiVersionParameter", "The api-version query parameter is required.");
      if (matched.route.needsApiVersion && !API_VERSION.test(apiVersion!)) {
        throw new ApiError(400, "UnsupportedApiVersion", `The api-version '${apiVersion}' is not valid. Supported versions: ${path?.startsWith("/identities") ? IDENTITY_SUPPORTED_VERSIONS : CHAT_SUPPORTED_VERSIONS}.`);
      }
      const request: Request = { method, rawUrl, url, params: matched.params, headers: req.headers, body };
      let userId: string | undefined;
      if (matched.route.auth === "user") {
        userId = identity.authenticateChat(header(request, "authorization"));
        entry.userId = userId;
        const retryAfterSeconds = deps.rateLimiter?.admit(`${method} ${matched.route.template}`, userId, matched.params.threadId);
        if (retryAfterSeconds !== undefined) {
          throw new ApiError(429, "TooManyRequests", "The request exceeds an ACS Chat rate limit.", undefined, {
            "retry-after": String(retryAfterSeconds),
          });
        }
      } else if (matched.route.auth === "hmac") {
        verifyHmacRequest({ method, rawUrl, headers: req.headers, body }, deps.accessKey, deps.now());
      }
      const reply = matched.route.handler(request, userId);
      if (method !== "GET") deps.onMutation();
      finish(loseAnswer ? undefined : reply);
    } catch (error) {
      finish(errorReply(error));
    }
  };
}

function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } {
  const segments = path.split("/").slice(1);
  let pathMatched = false;
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = route.segments.every((part, i) => {
      const actual = segments[i]!;
      if (part.startsWith("{")) {
        params[part.slice(1, -1)] = actual;
        return actual.length > 0;
      }
      return part === actual;
    });
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  if (pathMatched) throw new ApiError(405, "MethodNotAllowed", `${method} is not allowed on ${path}.`);
  throw notFound(`No ACS operation at ${method} ${path}.`);
}

function decodePath(pathname: string): string | undefined {
  try {
    return pathname
      .split("/")
      .map((segment) => decodeURIComponent(segment))
      .join("/");
  } catch {
    return undefined;
  }
}

function header(request: { headers: IncomingMessage["headers"] }, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function intQuery(request: Request, name: string): number | undefined {
  const raw = request.url.searchParams.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${name} must be an integer; got '${raw}'.`, name);
  return Number(raw);
}

function timeQuery(request: Request): number | undefined {
  const raw = request.url.searchParams.get("startTime");
  if (raw === null) return undefined;
  const ms = parseDotNetDate(raw) ?? Date.parse(raw);
  if (Number.isNaN(ms)) throw badRequest(`startTime must be a date-time; got '${raw}'.`, "startTime");
  return ms;
}

/** `1/1/1970 12:00:00 AM +00:00`, .NET's general date form, which ACS writes into message nextLinks. */
function parseDotNetDate(raw: string): number | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM) ([+-])(\d{2}):(\d{2})$/.exec(raw);
  if (!m) return undefined;
  const [, month, day, year, hour, minute, second, half, sign, offsetH, offsetM] = m;
  const hours = (Number(hour) % 12) + (half === "PM" ? 12 : 0);
  const offset = (sign === "-" ? -1 : 1) * (Number(offsetH) * 60 + Number(offsetM));
  return Date.UTC(Number(year), Number(month) - 1, Number(day), hours, Number(minute), Number(second)) - offset * 60_000;
}

function dotNetDate(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${hours % 12 === 0 ? 12 : hours % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${time} +00:00`;
}

/** A thread id in a Location header: ':' percent-encoded, '@' left as is, as ACS writes it. */
const locationId = (threadId: string): string => encodeURIComponent(threadId).replace(/%40/g, "@");

function cursorQuery(request: Request): Record<string, string> | undefined {
  const raw = request.url.searchParams.get("syncState");
  if (raw === null) return undefined;
  try {
    if (!/^(?:[0-9a-f]{2})+$/i.test(raw)) throw new Error("not hex");
    const cursor = JSON.parse(Buffer.from(raw, "hex").toString("utf8")) as unknown;
    if (cursor && typeof cursor === "object" && Object.values(cursor).every((v) => typeof v === "string")) {
      return cursor as Record<string, string>;
    }
  } catch {
    // answered below
  }
  throw badRequest("The syncState continuation token is invalid.", "syncState");
}

/**
 * An absolute next-page URL, as the real service returns: the same path with the thread id
 * unencoded, an opaque hex cursor, and the query the first request carried (the SDK adds
 * nothing to it). Skip-paged lists carry `skip` instead of a cursor. A message list's link
 * always carries startTime, in .NET's form and 1/1/1970 when none was asked, as ACS's do
 * (recording_successfully_lists_messages_one_by_one_and_by_page.json).
 */
function nextLink(endpoint: string, request: Request, next: Record<string, string>, kind?: "messages"): string {
  const query = new URLSearchParams();
  if (next.skip !== undefined) query.set("skip", next.skip);
  else query.set("syncState", Buffer.from(JSON.stringify(next)).toString("hex"));
  const startTime = request.url.searchParams.get("startTime");
  if (kind === "messages") query.set("startTime", dotNetDate(startTime === null ? 0 : timeQuery(request)!));
  else if (startTime !== null) query.set("startTime", startTime);
  for (const name of ["maxPageSize", "api-version"]) {
    const value = request.url.searchParams.get(name);
    if (value !== null) query.set(name, value);
  }
  return `${endpoint}${decodePath(request.url.pathname)}?${query.toString().replace(/\+/g, "%20")}`;
}

/** The request body; rejects with a 413 ApiError past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new ApiError(413, "RequestEntityTooLarge", `The request body is over ${maxBytes} bytes.`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function faultCode(status: number): string {
  if (status === 429) return "TooManyRequests";
  if (status === 503) return "ServiceUnavailable";
  return status >= 500 ? "InternalServerError" : "BadRequest";
}

function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return { status: error.status, body: error.toBody(), headers: error.headers };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: "InternalServerError", message } } };
}

/** What browser code may read: the client reads `date` for the service's clock, the SDK the retry headers. */
const CORS_EXPOSED_HEADERS = "date, retry-after, retry-after-ms, x-ms-retry-after-ms, location, ms-cv, x-ms-client-request-id";

/** `MS-CV`: 22 base64 characters and a `.N` hop counter, as in every recording. */
const msCv = (): string => `${randomBytes(16).toString("base64").slice(0, 22)}.0`;

/** `X-Azure-Ref`: "0" and base64 of the epoch seconds (little-endian), padding, a random id and the edge's name. */
function azureRef(): string {
  const seconds = Buffer.alloc(8);
  seconds.writeUInt32LE(Math.floor(Date.now() / 1000) >>> 0, 0);
  return `0${Buffer.concat([seconds, randomBytes(16), Buffer.from("EMULATOR0000\0")]).toString("base64")}`;
}

function send(res: ServerResponse, req: IncomingMessage, reply: Reply): void {
  const path = (req.url ?? "/").split("?")[0]!;
  const service = path.startsWith("/identities") ? "identity" : path.startsWith("/chat") ? "chat" : "other";
  const headers: Record<string, string> = {
    "ms-cv": msCv(),
    "x-azure-ref": azureRef(),
    ...(service !== "other" ? { "api-supported-versions": service === "identity" ? IDENTITY_SUPPORTED_VERSIONS : CHAT_SUPPORTED_VERSIONS } : {}),
    ...reply.headers,
  };
  if (req.headers.origin) {
    headers["access-control-allow-origin"] = req.headers.origin;
    headers["access-control-expose-headers"] = CORS_EXPOSED_HEADERS;
    headers.vary = "Origin";
  }
  // Every Chat answer in the recordings exposes all headers, whether or not the request had an Origin.
  if (service === "chat") headers["access-control-expose-headers"] = "*";
  const clientRequestId = req.headers["x-ms-client-request-id"];
  if (typeof clientRequestId === "string") headers["x-ms-client-request-id"] = clientRequestId;
  if (reply.raw) {
    res.writeHead(reply.status, { ...headers, "content-type": reply.raw.contentType, "content-length": String(reply.raw.bytes.length) });
    res.end(reply.raw.bytes);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...headers, "content-length": "0" });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  // Identity's error answers name no charset (recording_throws_an_error_when_attempting_to_issue_a_token_without_any_scopes.json).
  const identityError = service === "identity" && reply.status >= 400;
  res.writeHead(reply.status, {
    ...headers,
    "content-type": identityError ? "application/json" : "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
