/**
 * A local stand-in for the part of Twilio's REST API the importer reads: the Conversations API v1
 * (both path families: `/v1/...` for the default Conversation Service and `/v1/Services/{IS}/...`),
 * the Media Content Service's Media resource, and the short-lived content URLs it hands out, each
 * on its own loopback port as each is its own host at Twilio.
 *
 * Written from Twilio's documented shapes (https://github.com/twilio/twilio-oai,
 * spec/json/twilio_conversations_v1.json: paths, parameters, `meta` envelope, examples) and
 * error bodies `{code, message, more_info, status}`. Where Twilio documents nothing (what a bad
 * PageSize answers, the codes of 5xx bodies), it answers plausibly and says so in a comment.
 * Test code only: never shipped.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A Twilio-shaped SID: the prefix and 32 hex digits from `n`. */
export const standInSid = (prefix: string, n: number): string => `${prefix}${n.toString(16).padStart(32, "0")}`;

type DateInput = Date | string;
/** Merged over the JSON the stand-in would send; a key set to undefined is left out. For malformed-data tests. */
type Raw = Record<string, unknown>;

export interface StandInMedia {
  sid?: string;
  filename?: string | null;
  contentType: string;
  bytes: Uint8Array;
  category?: string;
  /** Over the item in the message's `media` array (e.g. a `size` that does not match the bytes). */
  raw?: Raw;
}

export interface StandInMessage {
  sid?: string;
  /** Default: one more than the previous message's (from 0). */
  index?: number;
  author?: string | null;
  body?: string | null;
  attributes?: string;
  media?: StandInMedia[];
  participantSid?: string | null;
  dateCreated?: DateInput;
  /** Default null, as Twilio sends for a message never edited. */
  dateUpdated?: DateInput | null;
  raw?: Raw;
}

export interface StandInParticipant {
  sid?: string;
  identity?: string | null;
  attributes?: string;
  lastReadMessageIndex?: number | null;
  messagingBinding?: Record<string, unknown> | null;
  dateCreated?: DateInput;
  raw?: Raw;
}

export interface StandInConversation {
  sid?: string;
  uniqueName?: string | null;
  friendlyName?: string | null;
  attributes?: string;
  state?: "initializing" | "active" | "inactive" | "closed";
  dateCreated?: DateInput;
  dateUpdated?: DateInput;
  participants?: StandInParticipant[];
  messages?: StandInMessage[];
  raw?: Raw;
}

export interface StandInUser {
  sid?: string;
  identity: string;
  friendlyName?: string | null;
  attributes?: string;
  raw?: Raw;
}

export interface StandInData {
  conversations?: StandInConversation[];
  users?: StandInUser[];
}

export type StandInFault =
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503 }
  /** Closes the connection without an answer. */
  | { drop: true };

export interface StandInFaultRule {
  /** The Nth request (from 1, across all three hosts), or every request the predicate picks. */
  when: number | ((request: StandInRequest) => boolean);
  fault: StandInFault;
  /** How many times a predicate rule fires (default: every time). */
  times?: number;
}

export interface StandInRequest {
  /** From 1, across the three hosts. */
  n: number;
  host: "api" | "mcs" | "content";
  method: string;
  path: string;
  query: URLSearchParams;
  /** Which credentials came: the account's, an API key's, none, or wrong ones. */
  auth: "account" | "api-key" | "none" | "wrong";
  /** Answer status, or "dropped". Set once answered. */
  status?: number | "dropped";
}

export interface StandInOptions {
  accountSid: string;
  authToken: string;
  apiKeys?: { sid: string; secret: string }[];
  /** The Conversation Service holding the data, also the account's default one (default: a generated IS sid). */
  serviceSid?: string;
  data: StandInData;
  faults?: StandInFaultRule[];
  /** Answer 503 from this request on (see `failFrom`). */
  failFrom?: number;
  /** Lifetime of content_direct_temporary URLs (default 300 000). */
  temporaryUrlTtlMs?: number;
}

export interface TwilioStandIn {
  /** In place of https://conversations.twilio.com */
  url: string;
  /** In place of https://mcs.us1.twilio.com */
  mcsUrl: string;
  /** The host of the temporary content URLs. */
  contentUrl: string;
  accountSid: string;
  serviceSid: string;
  /** Every request, in order of arrival. */
  requests: StandInRequest[];
  count(filter?: (request: StandInRequest) => boolean): number;
  addFault(rule: StandInFaultRule): void;
  /** Answer 503 from request `n` on ("now": from the next one): a crash or outage mid-import. */
  failFrom(n: number | "now"): void;
  /** Stop failing (after failFrom). */
  heal(): void;
  close(): Promise<void>;
}

/** Twilio's list maxima (OpenAPI PageSize maximum); default 50 for all. */
const MAX_PAGE_SIZE: Record<string, number> = { conversations: 100, participants: 100, messages: 100, users: 50 };
const DEFAULT_PAGE_SIZE = 50;

interface Conversation {
  sid: string;
  uniqueName: string | null;
  friendlyName: string | null;
  attributes: string;
  state: string;
  dateCreated: Date;
  dateUpdated: Date;
  participants: Participant[];
  messages: Message[];
  raw: Raw;
}
interface Participant extends Required<Omit<StandInParticipant, "dateCreated" | "raw">> {
  dateCreated: Date;
  raw: Raw;
}
interface Media {
  sid: string;
  filename: string | null;
  contentType: string;
  bytes: Uint8Array;
  category: string;
  raw: Raw;
  messageSid: string;
  conversationSid: string;
  dateCreated: Date;
}
interface Message {
  sid: string;
  index: number;
  author: string | null;
  body: string | null;
  attributes: string;
  media: Media[] | null;
  participantSid: string | null;
  dateCreated: Date;
  dateUpdated: Date | null;
  raw: Raw;
}
interface User {
  sid: string;
  identity: string;
  friendlyName: string | null;
  attributes: string;
  raw: Raw;
}

class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Twilio's error body (e.g. https://www.twilio.com/docs/errors/20003: `{code, message, more_info, status}`). */
const twilioError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  new Answer(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);

export async function startTwilioStandIn(options: StandInOptions): Promise<TwilioStandIn> {
  let sidCounter = 0x5000;
  const nextSid = (prefix: string) => standInSid(prefix, ++sidCounter);
  const serviceSid = options.serviceSid ?? nextSid("IS");
  const ttl = options.temporaryUrlTtlMs ?? 300_000;
  const signingKey = randomBytes(32);
  const epoch = Date.parse("2024-01-01T00:00:00Z");
  let clock = 0;
  const date = (input: DateInput | undefined): Date => (input === undefined ? new Date(epoch + 1000 * ++clock) : new Date(input));

  const conversations: Conversation[] = (options.data.conversations ?? []).map((c) => {
    const sid = c.sid ?? nextSid("CH");
    const dateCreated = date(c.dateCreated);
    let nextIndex = 0;
    return {
      sid,
      uniqueName: c.uniqueName ?? null,
      friendlyName: c.friendlyName ?? null,
      attributes: c.attributes ?? "{}",
      state: c.state ?? "active",
      dateCreated,
      dateUpdated: c.dateUpdated === undefined ? dateCreated : date(c.dateUpdated),
      raw: c.raw ?? {},
      participants: (c.participants ?? []).map((p) => ({
        sid: p.sid ?? nextSid("MB"),
        identity: p.identity === undefined ? null : p.identity,
        attributes: p.attributes ?? "{}",
        lastReadMessageIndex: p.lastReadMessageIndex ?? null,
        messagingBinding: p.messagingBinding ?? null,
        dateCreated: date(p.dateCreated),
        raw: p.raw ?? {},
      })),
      messages: (c.messages ?? []).map((m) => {
        const messageSid = m.sid ?? nextSid("IM");
        const created = date(m.dateCreated);
        const index = m.index ?? nextIndex;
        nextIndex = index + 1;
        return {
          sid: messageSid,
          index,
          author: m.author === undefined ? "system" : m.author,
          body: m.body === undefined ? null : m.body,
          attributes: m.attributes ?? "{}",
          media:
            m.media === undefined || m.media.length === 0
              ? null
              : m.media.map((item) => ({
                  sid: item.sid ?? nextSid("ME"),
                  filename: item.filename ?? null,
                  contentType: item.contentType,
                  bytes: item.bytes,
                  category: item.category ?? "media",
                  raw: item.raw ?? {},
                  messageSid,
                  conversationSid: sid,
                  dateCreated: created,
                })),
          participantSid: m.participantSid ?? null,
          dateCreated: created,
          dateUpdated: m.dateUpdated === undefined || m.dateUpdated === null ? null : date(m.dateUpdated),
          raw: m.raw ?? {},
        };
      }),
    };
  });
  const users: User[] = (options.data.users ?? []).map((u) => ({
    sid: u.sid ?? nextSid("US"),
    identity: u.identity,
    friendlyName: u.friendlyName ?? null,
    attributes: u.attributes ?? "{}",
    raw: u.raw ?? {},
  }));
  const media = new Map<string, Media>();
  for (const c of conversations) for (const m of c.messages) for (const item of m.media ?? []) media.set(item.sid, item);

  const requests: StandInRequest[] = [];
  const faults: (StandInFaultRule & { fired: number })[] = (options.faults ?? []).map((rule) => ({ ...rule, fired: 0 }));
  let failFrom = options.failFrom ?? Number.POSITIVE_INFINITY;
  let apiUrl = "";
  let mcsUrl = "";
  let contentUrl = "";

  const authOf = (req: IncomingMessage): StandInRequest["auth"] => {
    const header = req.headers.authorization;
    if (header === undefined) return "none";
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (match === null) return "wrong";
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (colon > 0 && user === options.accountSid && password === options.authToken) return "account";
    if (colon > 0 && (options.apiKeys ?? []).some((key) => key.sid === user && key.secret === password)) return "api-key";
    return "wrong";
  };

  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  const withRaw = (json: Raw, raw: Raw): Raw => ({ ...json, ...raw });

  // --- JSON as Twilio shapes it (OpenAPI schemas and examples) -------------------------------
  const conversationJson = (c: Conversation, base: string): Raw =>
    withRaw(
      {
        sid: c.sid,
        account_sid: options.accountSid,
        chat_service_sid: serviceSid,
        messaging_service_sid: null,
        friendly_name: c.friendlyName,
        unique_name: c.uniqueName,
        attributes: c.attributes,
        date_created: iso(c.dateCreated),
        date_updated: iso(c.dateUpdated),
        state: c.state,
        timers: {},
        bindings: null,
        url: `${base}/Conversations/${c.sid}`,
        links: { participants: `${base}/Conversations/${c.sid}/Participants`, messages: `${base}/Conversations/${c.sid}/Messages`, webhooks: `${base}/Conversations/${c.sid}/Webhooks` },
      },
      c.raw,
    );
  const participantJson = (c: Conversation, p: Participant, base: string): Raw =>
    withRaw(
      {
        account_sid: options.accountSid,
        conversation_sid: c.sid,
        sid: p.sid,
        identity: p.identity,
        attributes: p.attributes,
        messaging_binding: p.messagingBinding,
        role_sid: null,
        date_created: iso(p.dateCreated),
        date_updated: iso(p.dateCreated),
        url: `${base}/Conversations/${c.sid}/Participants/${p.sid}`,
        last_read_message_index: p.lastReadMessageIndex,
        last_read_timestamp: null,
      },
      p.raw,
    );
  const messageJson = (c: Conversation, m: Message, base: string): Raw =>
    withRaw(
      {
        sid: m.sid,
        account_sid: options.accountSid,
        conversation_sid: c.sid,
        body: m.body,
        media: m.media === null ? null : m.media.map((item) => withRaw({ sid: item.sid, size: item.bytes.byteLength, content_type: item.contentType, filename: item.filename, category: item.category }, item.raw)),
        author: m.author,
        participant_sid: m.participantSid,
        attributes: m.attributes,
        date_created: iso(m.dateCreated),
        date_updated: m.dateUpdated === null ? null : iso(m.dateUpdated),
        index: m.index,
        delivery: null,
        content_sid: null,
        url: `${base}/Conversations/${c.sid}/Messages/${m.sid}`,
        links: { delivery_receipts: `${base}/Conversations/${c.sid}/Messages/${m.sid}/Receipts` },
      },
      m.raw,
    );
  const userJson = (u: User, base: string): Raw =>
    withRaw(
      {
        sid: u.sid,
        account_sid: options.accountSid,
        chat_service_sid: serviceSid,
        role_sid: null,
        identity: u.identity,
        friendly_name: u.friendlyName,
        attributes: u.attributes,
        is_online: null,
        is_notifiable: null,
        date_created: iso(new Date(epoch)),
        date_updated: iso(new Date(epoch)),
        url: `${base}/Users/${u.sid}`,
        links: { user_conversations: `${base}/Users/${u.sid}/Conversations` },
      },
      u.raw,
    );

  const notFound = (path: string) => twilioError(404, 20404, `The requested resource ${path} was not found`);

  /** One page of a list, with Twilio's `meta` envelope; PageToken carries the offset. */
  const page = (base: string, listPath: string, key: string, query: URLSearchParams, items: Raw[]): Answer => {
    const max = MAX_PAGE_SIZE[key] ?? DEFAULT_PAGE_SIZE;
    const sizeParam = query.get("PageSize");
    const size = sizeParam === null ? DEFAULT_PAGE_SIZE : Number(sizeParam);
    // Twilio documents the range (1..max), not what it answers outside it: a 400 makes the source's mistake visible.
    if (!Number.isInteger(size) || size < 1 || size > max) return twilioError(400, 20001, `Invalid PageSize: must be between 1 and ${max}`);
    const token = query.get("PageToken");
    const offset = token === null ? 0 : /^PT\d+$/.test(token) ? Number(token.slice(2)) : Number.NaN;
    // 21481: "Invalid PageToken" (https://www.twilio.com/docs/api/errors/21481).
    if (!Number.isSafeInteger(offset) || offset < 0) return twilioError(400, 21481, "Invalid PageToken");
    // Page "is simply for client state" (OpenAPI): echoed, never used to position.
    const pageNumber = Number(query.get("Page") ?? "0") || 0;
    const rest = new URLSearchParams([...query].filter(([name]) => !["PageSize", "Page", "PageToken"].includes(name)));
    const link = (p: number, at: number | null) => {
      const params = new URLSearchParams(rest);
      params.set("PageSize", String(size));
      params.set("Page", String(p));
      if (at !== null) params.set("PageToken", `PT${at}`);
      return `${base}${listPath}?${params}`;
    };
    const slice = items.slice(offset, offset + size);
    return new Answer(200, {
      [key]: slice,
      meta: {
        page: pageNumber,
        page_size: size,
        first_page_url: link(0, null),
        previous_page_url: offset > 0 ? link(Math.max(0, pageNumber - 1), Math.max(0, offset - size)) : null,
        url: link(pageNumber, token === null ? null : offset),
        next_page_url: offset + size < items.length ? link(pageNumber + 1, offset + size) : null,
        key,
      },
    });
  };

  const findConversation = (sidOrName: string) => conversations.find((c) => c.sid === sidOrName || (c.uniqueName !== null && c.uniqueName === sidOrName));

  const api = (path: string, query: URLSearchParams): Answer => {
    const segments = path.split("/").slice(1).map(decodeURIComponent);
    if (segments[0] !== "v1") return notFound(path);
    let rest = segments.slice(1);
    let base = `${apiUrl}/v1`;
    if (rest[0] === "Services") {
      if (rest[1] !== serviceSid) return notFound(path);
      if (rest.length === 2) {
        return new Answer(200, { sid: serviceSid, account_sid: options.accountSid, friendly_name: "stand-in", date_created: iso(new Date(epoch)), date_updated: iso(new Date(epoch)), url: `${base}/Services/${serviceSid}`, links: {} });
      }
      base = `${base}/Services/${serviceSid}`;
      rest = rest.slice(2);
    }
    const [resource, id, sub, ...more] = rest;
    if (more.length > 0) return notFound(path);
    if (resource === "Conversations") {
      if (id === undefined) {
        let list = conversations;
        // StartDate/EndDate filter on creation date and sort newest first; State on state (OpenAPI ListConversation).
        const state = query.get("State");
        if (state !== null) list = list.filter((c) => c.state === state);
        const start = query.get("StartDate");
        const end = query.get("EndDate");
        if (start !== null) list = list.filter((c) => c.dateCreated.getTime() >= Date.parse(start));
        if (end !== null) list = list.filter((c) => c.dateCreated.getTime() <= Date.parse(end));
        if (start !== null || end !== null) list = [...list].sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
        return page(base, "/Conversations", "conversations", query, list.map((c) => conversationJson(c, base)));
      }
      const c = findConversation(id);
      if (c === undefined) return notFound(path);
      if (sub === undefined) return new Answer(200, conversationJson(c, base));
      if (sub === "Participants") return page(base, `/Conversations/${c.sid}/Participants`, "participants", query, c.participants.map((p) => participantJson(c, p, base)));
      if (sub === "Messages") {
        const order = query.get("Order") ?? "asc";
        if (order !== "asc" && order !== "desc") return twilioError(400, 20001, "Invalid Order: must be asc or desc");
        const messages = order === "asc" ? c.messages : [...c.messages].reverse();
        return page(base, `/Conversations/${c.sid}/Messages`, "messages", query, messages.map((m) => messageJson(c, m, base)));
      }
      return notFound(path);
    }
    if (resource === "Users" && sub === undefined) {
      if (id === undefined) return page(base, "/Users", "users", query, users.map((u) => userJson(u, base)));
      // Fetch User: "either the sid or the identity" (OpenAPI FetchUser).
      const u = users.find((candidate) => candidate.sid === id || candidate.identity === id);
      return u === undefined ? notFound(path) : new Answer(200, userJson(u, base));
    }
    return notFound(path);
  };

  const sign = (sid: string, expires: number) => createHmac("sha256", signingKey).update(`${sid}:${expires}`).digest("hex");

  /** The Media resource as the SDK's mcs-client reads it: `links.content` and `links.content_direct_temporary`. */
  const mcs = (path: string): Answer | { bytes: Uint8Array; contentType: string } => {
    const match = /^\/v1\/Services\/([^/]+)\/Media\/([^/]+)(\/Content)?$/.exec(path);
    if (match === null || match[1] !== serviceSid) return notFound(path);
    const item = media.get(match[2]!);
    if (item === undefined) return notFound(path);
    if (match[3] !== undefined) return { bytes: item.bytes, contentType: item.contentType };
    const expires = Math.floor((Date.now() + ttl) / 1000);
    return new Answer(200, {
      sid: item.sid,
      account_sid: options.accountSid,
      service_sid: serviceSid,
      channel_sid: item.conversationSid,
      message_sid: item.messageSid,
      date_created: iso(item.dateCreated),
      date_upload_updated: iso(item.dateCreated),
      date_updated: iso(item.dateCreated),
      size: item.bytes.byteLength,
      content_type: item.contentType,
      filename: item.filename,
      author: null,
      category: item.category,
      is_multipart_upstream: false,
      url: `/v1/Services/${serviceSid}/Media/${item.sid}`,
      links: {
        content: `/v1/Services/${serviceSid}/Media/${item.sid}/Content`,
        content_direct_temporary: `${contentUrl}/${item.sid}?Expires=${expires}&Signature=${sign(item.sid, expires)}`,
      },
    });
  };

  /** Pre-signed, no credentials; an expired or forged link answers 403 as a storage host would. */
  const content = (path: string, query: URLSearchParams): Answer | { bytes: Uint8Array; contentType: string } => {
    const item = media.get(path.slice(1));
    const expires = Number(query.get("Expires"));
    if (item === undefined) return new Answer(404, "Not Found", { "content-type": "text/plain" });
    if (query.get("Signature") !== sign(item.sid, expires) || expires * 1000 < Date.now()) return new Answer(403, "Request has expired", { "content-type": "text/plain" });
    return { bytes: item.bytes, contentType: item.contentType };
  };

  const handler = (host: StandInRequest["host"]) => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const entry: StandInRequest = { n: requests.length + 1, host, method: req.method ?? "GET", path: url.pathname, query: url.searchParams, auth: authOf(req) };
    requests.push(entry);
    req.resume();

    const fault = pickFault(entry);
    if (fault !== undefined && "drop" in fault) {
      entry.status = "dropped";
      req.socket.destroy();
      return;
    }
    let answer: Answer | { bytes: Uint8Array; contentType: string };
    if (fault !== undefined) {
      // 20429 is Twilio's "Too many requests" (https://www.twilio.com/docs/api/errors/20429); the 5xx codes are not documented per API.
      answer =
        fault.status === 429
          ? twilioError(429, 20429, "Too Many Requests", fault.retryAfter === undefined ? {} : { "Retry-After": String(fault.retryAfter) })
          : twilioError(fault.status, 20000 + fault.status, fault.status === 503 ? "Service Unavailable" : "Internal Server Error");
    } else if (entry.n >= failFrom) {
      answer = twilioError(503, 20503, "Service Unavailable");
    } else if (entry.method !== "GET") {
      answer = twilioError(405, 20004, "Method not allowed");
    } else if (host === "content") {
      answer = content(url.pathname, url.searchParams);
    } else if (entry.auth === "none" || entry.auth === "wrong") {
      // 20003, "Authenticate", 401: Twilio's answer to missing or wrong credentials.
      answer = twilioError(401, 20003, "Authenticate", { "WWW-Authenticate": 'Basic realm="Twilio API"' });
    } else {
      answer = host === "api" ? api(url.pathname, url.searchParams) : mcs(url.pathname);
    }
    if (answer instanceof Answer) {
      entry.status = answer.status;
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(text);
    } else {
      entry.status = 200;
      res.writeHead(200, { "content-type": answer.contentType, "content-length": String(answer.bytes.byteLength) });
      res.end(Buffer.from(answer.bytes));
    }
  };

  const pickFault = (entry: StandInRequest): StandInFault | undefined => {
    for (const rule of faults) {
      const hit = typeof rule.when === "number" ? rule.when === entry.n : rule.when(entry) && rule.fired < (rule.times ?? Number.POSITIVE_INFINITY);
      if (hit) {
        rule.fired++;
        return rule.fault;
      }
    }
    return undefined;
  };

  const listen = async (host: StandInRequest["host"]): Promise<{ server: Server; url: string }> => {
    const server = createServer(handler(host));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const servers = await Promise.all([listen("api"), listen("mcs"), listen("content")]);
  [apiUrl, mcsUrl, contentUrl] = servers.map((s) => s.url) as [string, string, string];

  return {
    url: apiUrl,
    mcsUrl,
    contentUrl,
    accountSid: options.accountSid,
    serviceSid,
    requests,
    count: (filter) => (filter === undefined ? requests.length : requests.filter(filter).length),
    addFault: (rule) => faults.push({ ...rule, fired: 0 }),
    failFrom: (n) => {
      failFrom = n === "now" ? requests.length + 1 : n;
    },
    heal: () => {
      failFrom = Number.POSITIVE_INFINITY;
    },
    close: async () => {
      await Promise.all(
        servers.map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
