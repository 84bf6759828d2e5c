/**
 * Reads a Twilio account's conversation history through the Conversations REST API v1 and the
 * Media Content Service, with plain `fetch`. Twilio's answers are untrusted input: every record is
 * checked field by field, and anything off becomes a `TwilioSourceError` naming the field.
 *
 * Shapes and parameters: Twilio's OpenAPI description of the Conversations API
 * (https://github.com/twilio/twilio-oai/blob/main/spec/json/twilio_conversations_v1.json).
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../errors.js";
import type {
  TwilioConversationRecord,
  TwilioMediaContent,
  TwilioMediaRecord,
  TwilioMessageRecord,
  TwilioParticipantRecord,
  TwilioSource,
  TwilioUserRecord,
} from "./twilio-records.js";

export const DEFAULT_CONVERSATIONS_URL = "https://conversations.twilio.com";
/** https://www.twilio.com/docs/conversations/api/media-resource ("The base URL for Media ... is https://mcs.us1.twilio.com/v1"). */
export const DEFAULT_MCS_URL = "https://mcs.us1.twilio.com";

export interface TwilioRestSourceOptions {
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

export interface TwilioRetryEvent {
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

export interface TwilioSourceStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Total time spent waiting before retries. */
  waitedMs: number;
}

export type TwilioSourceErrorKind =
  /** 401: the credentials are wrong. */
  | "auth"
  /** 403: the credentials may not read this. */
  | "forbidden"
  | "not-found"
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
export class TwilioSourceError extends Error {
  override readonly name = "TwilioSourceError";
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

  constructor(
    kind: TwilioSourceErrorKind,
    message: string,
    details: { status?: number | null; code?: number | null; moreInfo?: string | null; url?: string | null; field?: string | null; record?: string | null; twilioMessage?: string | null; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status ?? null;
    this.code = details.code ?? null;
    this.moreInfo = details.moreInfo ?? null;
    this.url = details.url ?? null;
    this.field = details.field ?? null;
    this.record = details.record ?? null;
    this.twilioMessage = details.twilioMessage ?? null;
  }
}

// SID patterns as Twilio's OpenAPI description gives them.
const SID = {
  account: /^AC[0-9a-fA-F]{32}$/,
  apiKey: /^SK[0-9a-fA-F]{32}$/,
  service: /^IS[0-9a-fA-F]{32}$/,
  conversation: /^CH[0-9a-fA-F]{32}$/,
  participant: /^MB[0-9a-fA-F]{32}$/,
  message: /^IM[0-9a-fA-F]{32}$/,
  media: /^ME[0-9a-fA-F]{32}$/,
  user: /^US[0-9a-fA-F]{32}$/,
} as const;

const httpUrl = z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "expected an http(s) URL");
const count = (max: number) => z.number().int().min(0).max(max);
const optionsSchema = z
  .object({
    accountSid: z.string().regex(SID.account, "expected an Account SID (AC followed by 32 hex digits)"),
    authToken: z.string().min(1, "expected a non-empty auth token").optional(),
    apiKeySid: z.string().regex(SID.apiKey, "expected an API key SID (SK followed by 32 hex digits)").optional(),
    apiKeySecret: z.string().min(1, "expected a non-empty API key secret").optional(),
    serviceSid: z.string().regex(SID.service, "expected a Conversation Service SID (IS followed by 32 hex digits)").optional(),
    conversationsUrl: httpUrl.optional(),
    mcsUrl: httpUrl.optional(),
    retry: z
      .object({
        maxRetries: count(100).optional(),
        baseDelayMs: count(600_000).optional(),
        maxDelayMs: count(3_600_000).optional(),
        maxRetryAfterMs: count(3_600_000).optional(),
      })
      .strict()
      .optional(),
    timeoutMs: z.number().int().min(1).optional(),
    onRetry: z.custom<(event: TwilioRetryEvent) => void>((value) => typeof value === "function", "expected a function").optional(),
  })
  .strict();

/** Twilio's page-size maxima per list (OpenAPI `PageSize` maximum): 100, but 50 for Users. */
const MAX_PAGE_SIZE = { conversations: 100, participants: 100, messages: 100, users: 50 } as const;
type ListKey = keyof typeof MAX_PAGE_SIZE;

type Json = Record<string, unknown>;

export class TwilioRestSource implements TwilioSource {
  readonly stats: TwilioSourceStats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
  private readonly accountSid: string;
  private readonly serviceSid: string | undefined;
  private readonly authorization: string;
  private readonly credentials: string;
  private readonly conversationsUrl: URL;
  private readonly mcsUrl: URL;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly onRetry: ((event: TwilioRetryEvent) => void) | undefined;
  /** Set once a service-scoped request succeeded: later 404s are about the resource, not the service. */
  private serviceKnown = false;

  constructor(options: TwilioRestSourceOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidArgumentError(["options", ...issue.path.map(String)].join("."), issue.message);
    }
    const o = parsed.data;
    const withToken = o.authToken !== undefined;
    const withKey = o.apiKeySid !== undefined || o.apiKeySecret !== undefined;
    if (withToken && withKey) throw new InvalidArgumentError("options.authToken", "give either authToken or apiKeySid and apiKeySecret, not both");
    if (!withToken && !withKey) throw new InvalidArgumentError("options.authToken", "expected authToken, or apiKeySid and apiKeySecret");
    if (withKey && o.apiKeySid === undefined) throw new InvalidArgumentError("options.apiKeySid", "expected the API key SID that goes with apiKeySecret");
    if (withKey && o.apiKeySecret === undefined) throw new InvalidArgumentError("options.apiKeySecret", "expected the secret that goes with apiKeySid");

    this.accountSid = o.accountSid;
    this.serviceSid = o.serviceSid;
    const [user, password] = withToken ? [o.accountSid, o.authToken!] : [o.apiKeySid!, o.apiKeySecret!];
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    this.credentials = withToken ? `the auth token of account ${o.accountSid}` : `API key ${o.apiKeySid} (account ${o.accountSid}) and its secret`;
    this.conversationsUrl = new URL(o.conversationsUrl ?? DEFAULT_CONVERSATIONS_URL);
    this.mcsUrl = new URL(o.mcsUrl ?? DEFAULT_MCS_URL);
    this.maxRetries = o.retry?.maxRetries ?? 6;
    this.baseDelayMs = o.retry?.baseDelayMs ?? 1000;
    this.maxDelayMs = o.retry?.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = o.retry?.maxRetryAfterMs ?? 300_000;
    this.timeoutMs = o.timeoutMs ?? 120_000;
    this.onRetry = o.onRetry;
  }

  async *conversations(options: { since?: Date } = {}): AsyncIterable<TwilioConversationRecord> {
    const since = options.since;
    if (since !== undefined && !(since instanceof Date && Number.isFinite(since.getTime()))) throw new InvalidArgumentError("options.since", "expected a valid Date");
    // List Conversations has StartDate/EndDate, but they filter on the creation date (and reorder
    // the list newest first): "updated since" is only possible here, on date_updated.
    for await (const raw of this.list("/Conversations", "conversations", {})) {
      const record = parseConversation(raw);
      if (since === undefined || record.dateUpdated.getTime() >= since.getTime()) yield record;
    }
  }

  async conversation(sidOrUniqueName: string): Promise<TwilioConversationRecord> {
    if (typeof sidOrUniqueName !== "string" || sidOrUniqueName.length === 0) throw new InvalidArgumentError("sidOrUniqueName", "expected a conversation SID or unique name");
    // Fetch Conversation takes the unique_name in place of the sid (OpenAPI, FetchConversation `Sid`).
    const body = await this.getJson(this.apiUrl(`/Conversations/${encodeURIComponent(sidOrUniqueName)}`), `conversation ${sidOrUniqueName}`);
    return parseConversation(body);
  }

  async *participants(conversationSid: string): AsyncIterable<TwilioParticipantRecord> {
    checkSid(conversationSid, SID.conversation, "conversationSid", "a Conversation SID (CH...)");
    for await (const raw of this.list(`/Conversations/${conversationSid}/Participants`, "participants", {})) yield parseParticipant(raw, conversationSid);
  }

  async *messages(conversationSid: string): AsyncIterable<TwilioMessageRecord> {
    checkSid(conversationSid, SID.conversation, "conversationSid", "a Conversation SID (CH...)");
    let previous = -1;
    for await (const raw of this.list(`/Conversations/${conversationSid}/Messages`, "messages", { Order: "asc" })) {
      const record = parseMessage(raw, conversationSid);
      // The importer relies on the order; indices "may skip numbers" but never go back.
      if (record.index <= previous) throw malformed(`message ${record.sid} of conversation ${conversationSid}`, "index", `came after index ${previous} in an ascending list`, record.index);
      previous = record.index;
      yield record;
    }
  }

  async newestMessageIndex(conversationSid: string): Promise<number | undefined> {
    checkSid(conversationSid, SID.conversation, "conversationSid", "a Conversation SID (CH...)");
    const what = `newest message of conversation ${conversationSid}`;
    // One page of one, newest first: whether anything came since, for the price of one request.
    const body = await this.getJson(this.apiUrl(`/Conversations/${conversationSid}/Messages`, { Order: "desc", PageSize: "1" }), what);
    const items = body["messages"];
    if (!Array.isArray(items)) throw malformed(what, "messages", "must be an array", items);
    return items.length > 0 ? parseMessage(items[0], conversationSid).index : undefined;
  }

  async *users(): AsyncIterable<TwilioUserRecord> {
    for await (const raw of this.list("/Users", "users", {})) yield parseUser(raw);
  }

  async user(identity: string): Promise<TwilioUserRecord | undefined> {
    if (typeof identity !== "string" || identity.length === 0) throw new InvalidArgumentError("identity", "expected a non-empty identity");
    // Fetch User takes the identity in place of the sid (OpenAPI, FetchUser `Sid`).
    try {
      return parseUser(await this.getJson(this.apiUrl(`/Users/${encodeURIComponent(identity)}`), `user ${identity}`));
    } catch (error) {
      if (error instanceof TwilioSourceError && error.kind === "not-found") return undefined;
      throw error;
    }
  }

  async mediaContent(chatServiceSid: string, media: TwilioMediaRecord): Promise<TwilioMediaContent> {
    checkSid(chatServiceSid, SID.service, "chatServiceSid", "a Conversation Service SID (IS...)");
    checkSid(media?.sid, SID.media, "media.sid", "a Media SID (ME...)");
    const record = `media ${media.sid}`;
    // The Media resource of the Media Content Service, as the JS SDK's mcs-client reads it
    // (@twilio/mcs-client: GET {mcs}/v1/Services/{IS}/Media/{ME}, then links.content_direct_temporary).
    const metaUrl = new URL(`/v1/Services/${chatServiceSid}/Media/${media.sid}`, this.mcsUrl);
    // A temporary URL can expire between reading it and using it: one fresh one, then give up.
    for (let round = 0; ; round++) {
      const body = await this.getJson(metaUrl, record);
      const links = body["links"];
      if (typeof links !== "object" || links === null || Array.isArray(links)) throw malformed(record, "links", "must be an object", links);
      const direct = (links as Json)["content_direct_temporary"];
      const content = (links as Json)["content"];
      let target: URL;
      let authed: boolean;
      if (typeof direct === "string" && URL.canParse(direct)) {
        // Pre-signed: fetched without credentials, which must not leave for another host.
        target = new URL(direct);
        authed = false;
      } else if (typeof content === "string" && URL.canParse(content, this.mcsUrl)) {
        target = new URL(content, this.mcsUrl);
        authed = target.origin === this.mcsUrl.origin;
      } else {
        throw new TwilioSourceError("media", `Twilio's Media Content Service gave no content link for ${record}`, { url: metaUrl.href, record });
      }
      if (!/^https?:$/.test(target.protocol)) throw malformed(record, "links.content_direct_temporary", "must be an http(s) URL", target.protocol);
      const response = await this.send(target, authed, record, authed ? [] : [403, 404]);
      if (!response.ok) {
        await response.body?.cancel();
        if (round === 0) continue;
        throw new TwilioSourceError("media", `The temporary content URL of ${record} answered ${response.status}, also when fresh`, { status: response.status, url: `${target.origin}${target.pathname}`, record });
      }
      const bytes = new Uint8Array(await this.body(response, target, record));
      if (bytes.byteLength !== media.size) {
        throw new TwilioSourceError("media", `${record}: Twilio's record says ${media.size} bytes, the content has ${bytes.byteLength}`, { url: `${target.origin}${target.pathname}`, record });
      }
      return { bytes, contentType: media.contentType };
    }
  }

  // --- HTTP --------------------------------------------------------------------------------

  /** Default service: /v1/...; a given service: /v1/Services/{IS}/... (OpenAPI paths). */
  private apiUrl(path: string, params: Record<string, string> = {}): URL {
    const scoped = this.serviceSid === undefined ? `/v1${path}` : `/v1/Services/${this.serviceSid}${path}`;
    const url = new URL(scoped, this.conversationsUrl);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url;
  }

  /**
   * One list, page by page: `PageSize` at Twilio's maximum, then `meta.next_page_url` until null
   * (the envelope of every Conversations list: OpenAPI `List...Response`, `meta` and `{key}`).
   */
  private async *list(path: string, key: ListKey, params: Record<string, string>): AsyncGenerator<unknown> {
    let url: URL | null = this.apiUrl(path, { ...params, PageSize: String(MAX_PAGE_SIZE[key]) });
    const seen = new Set<string>();
    for (let page = 0; url !== null; page++) {
      seen.add(url.href);
      const what = `page ${page} of ${key}`;
      const body = await this.getJson(url, what);
      const items = body[key];
      if (!Array.isArray(items)) throw malformed(what, key, "must be an array", items);
      const meta = body["meta"];
      if (typeof meta !== "object" || meta === null || Array.isArray(meta)) throw malformed(what, "meta", "must be an object", meta);
      const metaKey = (meta as Json)["key"];
      if (metaKey !== undefined && metaKey !== key) throw malformed(what, "meta.key", `must be "${key}"`, metaKey);
      const next = (meta as Json)["next_page_url"];
      for (const item of items) yield item;
      if (next === null || next === undefined) break;
      if (typeof next !== "string" || !URL.canParse(next)) throw malformed(what, "meta.next_page_url", "must be a URL or null", next);
      const nextUrl = new URL(next);
      // The credentials go with it: only to the host they are for.
      if (nextUrl.origin !== this.conversationsUrl.origin) throw malformed(what, "meta.next_page_url", `must stay on ${this.conversationsUrl.origin}`, next);
      if (seen.has(nextUrl.href)) throw malformed(what, "meta.next_page_url", "repeats a page already read", next);
      url = nextUrl;
    }
  }

  private async getJson(url: URL, what: string): Promise<Json> {
    const response = await this.send(url, true, what, []);
    const text = new TextDecoder().decode(await this.body(response, url, what));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TwilioSourceError("malformed", `Twilio answered ${url.pathname} with something other than JSON (${what})`, { status: response.status, url: url.href, record: what });
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw malformed(what, "(body)", "must be a JSON object", body);
    if (url.origin === this.conversationsUrl.origin && this.serviceSid !== undefined) this.serviceKnown = true;
    return body as Json;
  }

  /**
   * One GET with retries on 429 (after Retry-After when given), 5xx and dropped connections.
   * Returns a 2xx response, or one whose status is in `passThrough`; throws a typed error otherwise.
   */
  private async send(url: URL, authed: boolean, what: string, passThrough: number[]): Promise<Response> {
    // A pre-signed URL's query is a credential of its own: kept out of errors and events.
    const shown = authed ? url.href : `${url.origin}${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      let failure: unknown;
      this.stats.requests++;
      try {
        response = await fetch(url, {
          headers: { ...(authed ? { Authorization: this.authorization } : {}), Accept: "application/json" },
          // No redirects: they could carry the credentials elsewhere, and Twilio's REST API does not use them.
          redirect: authed ? "manual" : "follow",
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        failure = error;
      }
      if (response?.ok || (response !== undefined && passThrough.includes(response.status))) return response;

      const status = response?.status ?? null;
      if (status === 429) this.stats.rateLimited++;
      const retryable = status === null || status === 429 || status >= 500;
      const error = response === undefined ? undefined : await this.errorFrom(response, url, shown, what);
      if (!retryable) throw error!;

      const retryAfterMs = response === undefined ? undefined : parseRetryAfter(response.headers.get("retry-after"));
      if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) {
        throw new TwilioSourceError("rate-limited", `Twilio asked to wait ${Math.round(retryAfterMs / 1000)} s before ${url.pathname}, longer than retry.maxRetryAfterMs; run the import again later`, errorDetails(error, shown));
      }
      if (attempt >= this.maxRetries) {
        if (error !== undefined) throw error;
        throw new TwilioSourceError("network", `No answer from Twilio for ${url.origin}${url.pathname} after ${attempt + 1} attempts: ${describe(failure)}`, { url: shown, cause: failure });
      }
      const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
      const delayMs = retryAfterMs ?? Math.round(backoff / 2 + Math.random() * (backoff / 2));
      this.stats.retries++;
      this.onRetry?.({ url: shown, status, attempt: attempt + 1, delayMs, retryAfter: retryAfterMs !== undefined });
      this.stats.waitedMs += delayMs;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  private async body(response: Response, url: URL, what: string): Promise<ArrayBuffer> {
    try {
      return await response.arrayBuffer();
    } catch (error) {
      throw new TwilioSourceError("network", `The connection broke while reading ${what} from ${url.origin}${url.pathname}: ${describe(error)}`, { status: response.status, url: `${url.origin}${url.pathname}`, cause: error });
    }
  }

  /** Twilio's JSON error body `{code, message, more_info, status}` into a typed error. */
  private async errorFrom(response: Response, url: URL, shown: string, what: string): Promise<TwilioSourceError> {
    let twilio: { code: number | null; message: string | null; moreInfo: string | null } = { code: null, message: null, moreInfo: null };
    try {
      const body: unknown = JSON.parse(await response.text());
      if (typeof body === "object" && body !== null) {
        const { code, message, more_info: moreInfo } = body as Json;
        twilio = {
          code: typeof code === "number" && Number.isInteger(code) ? code : null,
          message: typeof message === "string" ? message.slice(0, 500) : null,
          moreInfo: typeof moreInfo === "string" ? moreInfo.slice(0, 500) : null,
        };
      }
    } catch {
      // Not JSON (a proxy's page, a dropped body): the status alone will do.
    }
    const status = response.status;
    const details = { status, code: twilio.code, moreInfo: twilio.moreInfo, url: shown, twilioMessage: twilio.message };
    const said = twilio.message === null ? "" : ` (Twilio: ${twilio.code ?? status} ${twilio.message})`;
    const where = `${url.origin}${url.pathname}`;
    const onMcs = url.origin === this.mcsUrl.origin;
    const onApi = url.origin === this.conversationsUrl.origin;
    if (status === 401 && (onApi || onMcs)) return new TwilioSourceError("auth", `Wrong credentials: Twilio refused ${this.credentials}${said}`, details);
    if (status === 403 && (onApi || onMcs)) return new TwilioSourceError("forbidden", `Twilio refused ${this.credentials} access to ${where}${said}`, details);
    if (status === 404 && onApi && this.serviceSid !== undefined && !this.serviceKnown && !(await this.serviceExists())) {
      return new TwilioSourceError("unknown-service", `Unknown Conversation Service ${this.serviceSid} in account ${this.accountSid}${said}`, details);
    }
    if (status === 404) return new TwilioSourceError("not-found", `Twilio has no ${what} (${where})${said}`, details);
    if (status === 429) return new TwilioSourceError("rate-limited", `Twilio kept answering 429 Too Many Requests for ${where}${said}`, details);
    if (status >= 500) return new TwilioSourceError("server", `Twilio kept failing with ${status} for ${where}${said}`, details);
    return new TwilioSourceError("http", `Twilio answered ${status} for ${where}${said}`, details);
  }

  /** Fetch Service (`GET /v1/Services/{Sid}`): tells an unknown service from an unknown resource in it. */
  private async serviceExists(): Promise<boolean> {
    const url = new URL(`/v1/Services/${this.serviceSid}`, this.conversationsUrl);
    const response = await this.send(url, true, `Conversation Service ${this.serviceSid}`, [404]);
    await response.body?.cancel();
    this.serviceKnown = response.ok;
    return response.ok;
  }
}

// --- Records ----------------------------------------------------------------------------------

function parseConversation(raw: unknown): TwilioConversationRecord {
  const r = new Reader(raw, (sid) => `conversation ${sid}`);
  return {
    sid: r.sid("sid", SID.conversation),
    chatServiceSid: r.sid("chat_service_sid", SID.service),
    friendlyName: r.nullableString("friendly_name"),
    uniqueName: r.nullableString("unique_name"),
    attributes: r.attributes("attributes"),
    state: r.oneOf("state", ["initializing", "active", "inactive", "closed"] as const),
    dateCreated: r.date("date_created"),
    dateUpdated: r.date("date_updated"),
  };
}

function parseParticipant(raw: unknown, conversationSid: string): TwilioParticipantRecord {
  const r = new Reader(raw, (sid) => `participant ${sid} of conversation ${conversationSid}`);
  return {
    sid: r.sid("sid", SID.participant),
    identity: r.nullableString("identity"),
    attributes: r.attributes("attributes"),
    lastReadMessageIndex: r.nullableIndex("last_read_message_index"),
    messagingBinding: r.nullableObject("messaging_binding"),
    dateCreated: r.date("date_created"),
  };
}

function parseMessage(raw: unknown, conversationSid: string): TwilioMessageRecord {
  const r = new Reader(raw, (sid) => `message ${sid} of conversation ${conversationSid}`);
  const dateCreated = r.date("date_created");
  const media = r.nullableArray("media");
  return {
    sid: r.sid("sid", SID.message),
    index: r.index("index"),
    author: r.nullableString("author"),
    body: r.nullableString("body"),
    attributes: r.attributes("attributes"),
    // Items: sid, size, content_type, filename (OpenAPI `media` description); category as the SDK reads it.
    media: media === null ? null : media.map((item, i) => parseMedia(r.nested(item, `media[${i}]`))),
    participantSid: r.nullableSid("participant_sid", SID.participant),
    dateCreated,
    // "null if the message has not been edited" (OpenAPI).
    dateUpdated: r.nullableDate("date_updated") ?? dateCreated,
  };
}

function parseMedia(r: Reader): TwilioMediaRecord {
  return {
    sid: r.sid("sid", SID.media),
    filename: r.nullableString("filename"),
    contentType: r.string("content_type"),
    size: r.index("size"),
    category: r.nullableString("category") ?? "media",
  };
}

function parseUser(raw: unknown): TwilioUserRecord {
  const r = new Reader(raw, (sid) => `user ${sid}`);
  return {
    sid: r.sid("sid", SID.user),
    identity: r.string("identity"),
    friendlyName: r.nullableString("friendly_name"),
    attributes: r.attributes("attributes"),
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Reads one record's fields, each check failing with the record and field named. */
class Reader {
  readonly record: string;
  private readonly fields: Json;
  private readonly prefix: string;

  constructor(raw: unknown, describe: (sid: string) => string, prefix = "", record?: string) {
    const sid = typeof raw === "object" && raw !== null ? (raw as Json)["sid"] : undefined;
    this.record = record ?? describe(typeof sid === "string" ? sid.slice(0, 40) : "(without a sid)");
    this.prefix = prefix;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw malformed(this.record, prefix || "(record)", "must be a JSON object", raw);
    this.fields = raw as Json;
  }

  nested(raw: unknown, field: string): Reader {
    return new Reader(raw, () => this.record, `${this.prefix}${field}.`, this.record);
  }

  private fail(field: string, expected: string, value: unknown): never {
    throw malformed(this.record, `${this.prefix}${field}`, expected, value);
  }

  string(field: string): string {
    const value = this.fields[field];
    if (typeof value !== "string") this.fail(field, "must be a string", value);
    return value;
  }

  nullableString(field: string): string | null {
    const value = this.fields[field];
    if (value === null || value === undefined) return null;
    if (typeof value !== "string") this.fail(field, "must be a string or null", value);
    return value;
  }

  sid(field: string, pattern: RegExp): string {
    const value = this.fields[field];
    if (typeof value !== "string" || !pattern.test(value)) this.fail(field, `must be a SID (${pattern.source.slice(1, 3)} and 32 hex digits)`, value);
    return value;
  }

  nullableSid(field: string, pattern: RegExp): string | null {
    const value = this.fields[field];
    return value === null || value === undefined ? null : this.sid(field, pattern);
  }

  index(field: string): number {
    const value = this.fields[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) this.fail(field, "must be a non-negative integer", value);
    return value;
  }

  nullableIndex(field: string): number | null {
    const value = this.fields[field];
    return value === null || value === undefined ? null : this.index(field);
  }

  date(field: string): Date {
    const value = this.fields[field];
    const date = typeof value === "string" && ISO_DATE.test(value) ? new Date(value) : undefined;
    if (date === undefined || !Number.isFinite(date.getTime())) this.fail(field, "must be an ISO 8601 date-time", value);
    return date;
  }

  nullableDate(field: string): Date | null {
    const value = this.fields[field];
    return value === null || value === undefined ? null : this.date(field);
  }

  /** Twilio's attributes: a JSON string, "{}" when never set (so null reads as "{}"). */
  attributes(field: string): string {
    const value = this.fields[field];
    if (value === null || value === undefined) return "{}";
    if (typeof value !== "string") this.fail(field, "must be a string of JSON", value);
    try {
      JSON.parse(value);
    } catch {
      this.fail(field, "must be a string of JSON", value);
    }
    return value;
  }

  oneOf<const T extends string>(field: string, values: readonly T[]): T {
    const value = this.fields[field];
    if (typeof value !== "string" || !(values as readonly string[]).includes(value)) this.fail(field, `must be one of ${values.join(", ")}`, value);
    return value as T;
  }

  nullableObject(field: string): Record<string, unknown> | null {
    const value = this.fields[field];
    if (value === null || value === undefined) return null;
    if (typeof value !== "object" || Array.isArray(value)) this.fail(field, "must be an object or null", value);
    return value as Record<string, unknown>;
  }

  nullableArray(field: string): unknown[] | null {
    const value = this.fields[field];
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) this.fail(field, "must be an array or null", value);
    return value;
  }
}

// --- Helpers ----------------------------------------------------------------------------------

function malformed(record: string, field: string, expected: string, value: unknown): TwilioSourceError {
  return new TwilioSourceError("malformed", `Twilio sent a malformed ${record}: "${field}" ${expected}, got ${preview(value)}`, { field, record });
}

function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function checkSid(value: unknown, pattern: RegExp, field: string, expected: string): asserts value is string {
  if (typeof value !== "string" || !pattern.test(value)) throw new InvalidArgumentError(field, `expected ${expected}`);
}

/** Retry-After in seconds (Twilio's form) or as an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function errorDetails(error: TwilioSourceError | undefined, url: string) {
  return { status: error?.status ?? null, code: error?.code ?? null, moreInfo: error?.moreInfo ?? null, url, twilioMessage: error?.twilioMessage ?? null };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
