/**
 * TwilioRestSource against the local stand-in of Twilio's REST API: paging as Twilio documents
 * it, both credential kinds and both path families, typed errors for wrong credentials, unknown
 * services and malformed records, retries on 429 (after Retry-After), 5xx and dropped
 * connections, and media bytes through the Media Content Service's temporary URLs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { TwilioRestSource, TwilioSourceError, type TwilioRestSourceOptions, type TwilioRetryEvent } from "../../src/migrate/import/twilio-source.js";
import { serveFetch } from "../helpers/fetch-server.js";
import { standInSid, startTwilioStandIn, type StandInConversation, type TwilioStandIn } from "../helpers/twilio-stand-in.js";

const ACCOUNT = standInSid("AC", 1);
const TOKEN = "stand-in-auth-token";
const KEY = { sid: standInSid("SK", 1), secret: "stand-in-key-secret" };
const SERVICE = standInSid("IS", 1);
const BIG = standInSid("CH", 0xb16);
const MEDIA_CONVERSATION = standInSid("CH", 0x3ed1a);
const PHOTO = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) % 256);

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

const rejection = async (promise: Promise<unknown>): Promise<TwilioSourceError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TwilioSourceError);
    return error as TwilioSourceError;
  }
  throw new Error("expected a rejection");
};

const at = (minute: number) => new Date(Date.parse("2024-03-01T00:00:00Z") + minute * 60_000);

/** 250 conversations (3 pages of 100), one with 230 participants and 250 messages, one with media; 120 users (3 pages of 50). */
function seed(): { conversations: StandInConversation[]; users: { identity: string; friendlyName: string }[] } {
  const conversations: StandInConversation[] = Array.from({ length: 250 }, (_, i) => ({
    sid: standInSid("CH", i + 1),
    friendlyName: `Conversation ${i}`,
    dateCreated: at(i),
    dateUpdated: at(1000 + i),
  }));
  conversations[7] = { ...conversations[7], uniqueName: "support/ticket 7", attributes: '{"topic":"billing"}', state: "closed" };
  conversations.push({
    sid: BIG,
    friendlyName: "Big",
    dateCreated: at(5000),
    dateUpdated: at(5000),
    participants: [
      ...Array.from({ length: 229 }, (_, i) => ({ identity: `user${i}`, lastReadMessageIndex: i % 3 === 0 ? null : i, dateCreated: at(5000 + i) })),
      { identity: null, messagingBinding: { type: "sms", address: "+15558675310", proxy_address: "+15017122661" }, dateCreated: at(6000) },
    ],
    // Indices skip numbers, as Twilio's may.
    messages: Array.from({ length: 250 }, (_, i) => ({ index: i * 2 + (i > 100 ? 1 : 0), author: `user${i % 5}`, body: `message ${i}`, dateCreated: at(6000 + i), ...(i === 3 ? { dateUpdated: at(9000) } : {}) })),
  });
  conversations.push({
    sid: MEDIA_CONVERSATION,
    dateCreated: at(7000),
    dateUpdated: at(7000),
    messages: [{ author: "alice", body: null, media: [{ sid: standInSid("ME", 1), filename: "car.jpg", contentType: "image/jpeg", bytes: PHOTO }] }],
  });
  const users = Array.from({ length: 120 }, (_, i) => ({ identity: i === 0 ? "alice@example.com/a b" : `user${i}`, friendlyName: `User ${i}` }));
  return { conversations, users };
}

let standIn: TwilioStandIn;
const source = (options: Partial<TwilioRestSourceOptions> = {}) =>
  new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: standIn.url, mcsUrl: standIn.mcsUrl, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...options });
const since = (n: number) => standIn.requests.slice(n);

beforeAll(async () => {
  standIn = await startTwilioStandIn({ accountSid: ACCOUNT, authToken: TOKEN, apiKeys: [KEY], serviceSid: SERVICE, data: seed() });
});
afterAll(() => standIn.close());

describe("paging", () => {
  it("reads every conversation across pages of 100, following next_page_url, on the default service's paths", async () => {
    const before = standIn.requests.length;
    const all = await collect(source().conversations());
    expect(all).toHaveLength(252);
    expect(all.slice(0, 250).map((c) => c.sid)).toEqual(Array.from({ length: 250 }, (_, i) => standInSid("CH", i + 1)));
    const requests = since(before);
    expect(requests.map((r) => r.path)).toEqual(["/v1/Conversations", "/v1/Conversations", "/v1/Conversations"]);
    expect(requests.map((r) => r.query.get("PageSize"))).toEqual(["100", "100", "100"]);
    expect(requests.map((r) => r.query.get("PageToken"))).toEqual([null, "PT100", "PT200"]);
    expect(requests.every((r) => r.auth === "account")).toBe(true);

    const seventh = all[7]!;
    expect(seventh).toEqual({
      sid: standInSid("CH", 8),
      chatServiceSid: SERVICE,
      friendlyName: "Conversation 7",
      uniqueName: "support/ticket 7",
      attributes: '{"topic":"billing"}',
      state: "closed",
      dateCreated: at(7),
      dateUpdated: at(1007),
    });
  });

  it("reads participants across pages, chat and SMS alike", async () => {
    const all = await collect(source().participants(BIG));
    expect(all).toHaveLength(230);
    expect(all.slice(0, 229).map((p) => p.identity)).toEqual(Array.from({ length: 229 }, (_, i) => `user${i}`));
    expect(all[1]).toMatchObject({ identity: "user1", lastReadMessageIndex: 1, messagingBinding: null, attributes: "{}", dateCreated: at(5001) });
    expect(all[0]!.lastReadMessageIndex).toBeNull();
    expect(all[229]).toMatchObject({ identity: null, messagingBinding: { type: "sms", address: "+15558675310", proxy_address: "+15017122661" } });
  });

  it("reads messages ascending by index (Order=asc) across pages", async () => {
    const before = standIn.requests.length;
    const all = await collect(source().messages(BIG));
    expect(all).toHaveLength(250);
    const indices = all.map((m) => m.index);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    expect(new Set(indices).size).toBe(250);
    expect(since(before).map((r) => r.query.get("Order"))).toEqual(["asc", "asc", "asc"]);
    // Never edited: Twilio's null date_updated reads as the creation date.
    expect(all[0]).toMatchObject({ index: 0, author: "user0", body: "message 0", media: null, participantSid: null, dateCreated: at(6000), dateUpdated: at(6000) });
    expect(all[3]!.dateUpdated).toEqual(at(9000));
  });

  it("reads the newest message's index in one request (Order=desc, PageSize=1); undefined without messages", async () => {
    const all = await collect(source().messages(BIG));
    const before = standIn.requests.length;
    expect(await source().newestMessageIndex(BIG)).toBe(all.at(-1)!.index);
    expect(since(before).map((r) => [r.query.get("Order"), r.query.get("PageSize")])).toEqual([["desc", "1"]]);
    expect(await source().newestMessageIndex(standInSid("CH", 241))).toBeUndefined();
  });

  it("reads users across pages of 50, Twilio's maximum for Users", async () => {
    const before = standIn.requests.length;
    const all = await collect(source().users());
    expect(all).toHaveLength(120);
    expect(all[5]).toMatchObject({ identity: "user5", friendlyName: "User 5", attributes: "{}" });
    expect(since(before).map((r) => r.query.get("PageSize"))).toEqual(["50", "50", "50"]);
  });

  it("filters conversations on date_updated with since (Twilio's StartDate filters on creation)", async () => {
    const recent = await collect(source().conversations({ since: at(1240) }));
    expect(recent.map((c) => c.sid)).toEqual([...Array.from({ length: 10 }, (_, i) => standInSid("CH", 241 + i)), BIG, MEDIA_CONVERSATION]);
    expect(await collect(source().conversations({ since: at(99_999) }))).toEqual([]);
  });
});

describe("credentials and services", () => {
  it("reads with an API key and its secret, and through the service's own paths", async () => {
    const before = standIn.requests.length;
    const keyed = source({ authToken: undefined, apiKeySid: KEY.sid, apiKeySecret: KEY.secret, serviceSid: SERVICE });
    expect((await collect(keyed.participants(BIG))).length).toBe(230);
    expect((await keyed.conversation("support/ticket 7")).sid).toBe(standInSid("CH", 8));
    expect((await keyed.user("user3"))?.friendlyName).toBe("User 3");
    const requests = since(before);
    expect(requests.every((r) => r.auth === "api-key")).toBe(true);
    expect(requests.every((r) => r.path.startsWith(`/v1/Services/${SERVICE}/`))).toBe(true);
  });

  it("names the account and auth token when Twilio refuses them", async () => {
    const error = await rejection(collect(source({ authToken: "wrong" }).conversations()));
    expect(error).toMatchObject({ kind: "auth", status: 401, code: 20003, moreInfo: "https://www.twilio.com/docs/errors/20003", twilioMessage: "Authenticate" });
    expect(error.message).toContain(`Wrong credentials: Twilio refused the auth token of account ${ACCOUNT}`);
  });

  it("names the API key when Twilio refuses it", async () => {
    const error = await rejection(source({ authToken: undefined, apiKeySid: standInSid("SK", 2), apiKeySecret: KEY.secret }).user("user1"));
    expect(error).toMatchObject({ kind: "auth", status: 401, code: 20003 });
    expect(error.message).toContain(`API key ${standInSid("SK", 2)} (account ${ACCOUNT})`);
  });

  it("tells an unknown Conversation Service from an unknown resource in it", async () => {
    const other = standInSid("IS", 2);
    const list = await rejection(collect(source({ serviceSid: other }).conversations()));
    expect(list).toMatchObject({ kind: "unknown-service", status: 404, code: 20404 });
    expect(list.message).toContain(`Unknown Conversation Service ${other}`);
    expect((await rejection(source({ serviceSid: other }).user("user1"))).kind).toBe("unknown-service");

    // In the real service, a missing user is undefined and a missing conversation not-found.
    const scoped = source({ serviceSid: SERVICE });
    expect(await scoped.user("nobody")).toBeUndefined();
    expect(await rejection(scoped.conversation("no such name"))).toMatchObject({ kind: "not-found", status: 404 });
  });

  it("refuses bad options before any request, naming the field", () => {
    const base = { accountSid: ACCOUNT, authToken: TOKEN };
    const field = (options: unknown) => {
      try {
        new TwilioRestSource(options as TwilioRestSourceOptions);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as InvalidArgumentError).field;
      }
      return "accepted";
    };
    expect(field({ ...base, accountSid: "AC123" })).toBe("options.accountSid");
    expect(field({ accountSid: ACCOUNT })).toBe("options.authToken");
    expect(field({ ...base, apiKeySid: KEY.sid, apiKeySecret: KEY.secret })).toBe("options.authToken");
    expect(field({ accountSid: ACCOUNT, apiKeySid: KEY.sid })).toBe("options.apiKeySecret");
    expect(field({ accountSid: ACCOUNT, apiKeySid: "SK1", apiKeySecret: "x" })).toBe("options.apiKeySid");
    expect(field({ ...base, serviceSid: "MG" + "0".repeat(32) })).toBe("options.serviceSid");
    expect(field({ ...base, conversationsUrl: "ftp://example.com" })).toBe("options.conversationsUrl");
    expect(field({ ...base, retry: { maxRetries: -1 } })).toBe("options.retry.maxRetries");
    expect(field({ ...base, authTokn: TOKEN })).toBe("options");
    expect(field(base)).toBe("accepted");
  });
});

describe("single reads", () => {
  it("fetches a conversation by unique name or sid; a missing one is a 404 TwilioSourceError", async () => {
    const byName = await source().conversation("support/ticket 7");
    expect(byName.sid).toBe(standInSid("CH", 8));
    expect(standIn.requests.at(-1)!.path).toBe("/v1/Conversations/support%2Fticket%207");
    expect(await source().conversation(standInSid("CH", 8))).toEqual(byName);
    const missing = await rejection(source().conversation("nope"));
    expect(missing).toMatchObject({ kind: "not-found", status: 404, code: 20404 });
  });

  it("fetches a user by identity (URL-encoded); an unknown identity is undefined", async () => {
    expect(await source().user("alice@example.com/a b")).toMatchObject({ identity: "alice@example.com/a b", friendlyName: "User 0" });
    expect(standIn.requests.at(-1)!.path).toBe("/v1/Users/alice%40example.com%2Fa%20b");
    expect(await source().user("nobody")).toBeUndefined();
  });
});

describe("media", () => {
  it("fetches the bytes through the Media Content Service's temporary URL, without credentials there", async () => {
    const [message] = await collect(source().messages(MEDIA_CONVERSATION));
    expect(message!.media).toEqual([{ sid: standInSid("ME", 1), filename: "car.jpg", contentType: "image/jpeg", size: 5000, category: "media" }]);
    const before = standIn.requests.length;
    const content = await source().mediaContent(SERVICE, message!.media![0]!);
    expect(content.contentType).toBe("image/jpeg");
    expect(Buffer.from(content.bytes).equals(Buffer.from(PHOTO))).toBe(true);
    expect(since(before).map((r) => [r.host, r.path, r.auth])).toEqual([
      ["mcs", `/v1/Services/${SERVICE}/Media/${standInSid("ME", 1)}`, "account"],
      ["content", `/${standInSid("ME", 1)}`, "none"],
    ]);
  });

  it("refuses bytes that do not match the record's size, and an unknown media sid", async () => {
    const [message] = await collect(source().messages(MEDIA_CONVERSATION));
    const media = message!.media![0]!;
    const wrongSize = await rejection(source().mediaContent(SERVICE, { ...media, size: 4999 }));
    expect(wrongSize).toMatchObject({ kind: "media", record: `media ${media.sid}` });
    expect(wrongSize.message).toContain("says 4999 bytes, the content has 5000");
    expect(await rejection(source().mediaContent(SERVICE, { ...media, sid: standInSid("ME", 9) }))).toMatchObject({ kind: "not-found", status: 404 });
  });

  it("asks for a fresh temporary URL once when one has expired, then gives up", async () => {
    const photo = { sid: standInSid("ME", 1), filename: null, contentType: "image/png", bytes: PHOTO };
    const expiring = await startTwilioStandIn({ accountSid: ACCOUNT, authToken: TOKEN, temporaryUrlTtlMs: -60_000, data: { conversations: [{ messages: [{ media: [photo] }] }] } });
    try {
      const reader = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: expiring.url, mcsUrl: expiring.mcsUrl });
      const error = await rejection(reader.mediaContent(expiring.serviceSid, { sid: photo.sid, filename: null, contentType: "image/png", size: PHOTO.byteLength, category: "media" }));
      expect(error).toMatchObject({ kind: "media", status: 403, url: `${expiring.contentUrl}/${photo.sid}` });
      expect(expiring.requests.map((r) => `${r.host} ${r.status}`)).toEqual(["mcs 200", "content 403", "mcs 200", "content 403"]);
    } finally {
      await expiring.close();
    }
  });
});

describe("retries", () => {
  afterEach(() => standIn.heal());

  it("waits as long as a 429's Retry-After says, and counts it", async () => {
    const next = standIn.requests.length + 1;
    standIn.addFault({ when: next, fault: { status: 429, retryAfter: 1 } });
    const events: TwilioRetryEvent[] = [];
    const reader = source({ onRetry: (event) => events.push(event) });
    const started = Date.now();
    expect(await reader.user("user1")).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(reader.stats).toEqual({ requests: 2, retries: 1, rateLimited: 1, waitedMs: 1000 });
    expect(events).toEqual([{ url: `${standIn.url}/v1/Users/user1`, status: 429, attempt: 1, delayMs: 1000, retryAfter: true }]);
  });

  it("backs off without Retry-After; retries 500s and dropped connections", async () => {
    const next = standIn.requests.length + 1;
    standIn.addFault({ when: next, fault: { status: 429 } });
    standIn.addFault({ when: next + 1, fault: { status: 500 } });
    standIn.addFault({ when: next + 2, fault: { drop: true } });
    const reader = source();
    expect((await collect(reader.participants(BIG))).length).toBe(230);
    expect(reader.stats).toMatchObject({ retries: 3, rateLimited: 1, requests: 3 + 3 });
    expect(since(next - 1).map((r) => r.status).slice(0, 4)).toEqual([429, 500, "dropped", 200]);
  });

  it("gives up after the retries with Twilio's status, code and message", async () => {
    standIn.failFrom("now");
    const reader = source({ retry: { maxRetries: 2, baseDelayMs: 1 } });
    const error = await rejection(collect(reader.conversations()));
    expect(error).toMatchObject({ kind: "server", status: 503, code: 20503, twilioMessage: "Service Unavailable" });
    expect(reader.stats.requests).toBe(3);
    standIn.heal();
    expect((await collect(reader.conversations())).length).toBe(252);
  });

  it("fails at once when Retry-After is longer than the import will wait", async () => {
    standIn.addFault({ when: standIn.requests.length + 1, fault: { status: 429, retryAfter: 3600 } });
    const error = await rejection(source().user("user1"));
    expect(error).toMatchObject({ kind: "rate-limited", status: 429, code: 20429 });
  });
});

describe("malformed answers", () => {
  let broken: TwilioStandIn;
  const brokenSource = () => new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: broken.url, mcsUrl: broken.mcsUrl });
  beforeAll(async () => {
    broken = await startTwilioStandIn({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      data: {
        conversations: [
          { sid: standInSid("CH", 1), messages: [{ sid: standInSid("IM", 1) }, { sid: standInSid("IM", 2), raw: { index: "1" } }] },
          { sid: standInSid("CH", 2), messages: [{ sid: standInSid("IM", 3), media: [{ contentType: "image/png", bytes: new Uint8Array(3), raw: { size: "3" } }] }] },
          { sid: standInSid("CH", 3), participants: [{ sid: standInSid("MB", 1), raw: { last_read_message_index: -1 } }], messages: [{ index: 5 }, { index: 4 }] },
          { sid: standInSid("CH", 4), raw: { date_updated: "yesterday" } },
          { sid: standInSid("CH", 5), raw: { attributes: "{not json" } },
        ],
        users: [{ identity: "u", raw: { identity: 42 } }],
      },
    });
  });
  afterAll(() => broken.close());

  it("names the field and the record, never crashing deep inside", async () => {
    const index = await rejection(collect(brokenSource().messages(standInSid("CH", 1))));
    expect(index).toMatchObject({ kind: "malformed", field: "index", record: `message ${standInSid("IM", 2)} of conversation ${standInSid("CH", 1)}` });
    expect(index.message).toBe(`Twilio sent a malformed message ${standInSid("IM", 2)} of conversation ${standInSid("CH", 1)}: "index" must be a non-negative integer, got "1"`);

    expect(await rejection(collect(brokenSource().messages(standInSid("CH", 2))))).toMatchObject({ kind: "malformed", field: "media[0].size" });
    expect(await rejection(collect(brokenSource().participants(standInSid("CH", 3))))).toMatchObject({ kind: "malformed", field: "last_read_message_index", record: `participant ${standInSid("MB", 1)} of conversation ${standInSid("CH", 3)}` });
    expect(await rejection(collect(brokenSource().messages(standInSid("CH", 3))))).toMatchObject({ kind: "malformed", field: "index" });
    expect(await rejection(brokenSource().conversation(standInSid("CH", 4)))).toMatchObject({ kind: "malformed", field: "date_updated" });
    expect(await rejection(brokenSource().conversation(standInSid("CH", 5)))).toMatchObject({ kind: "malformed", field: "attributes" });
    expect(await rejection(brokenSource().user("u"))).toMatchObject({ kind: "malformed", field: "identity" });
  });

  it("refuses a page that is not Twilio's envelope, or whose next page leaves Twilio's host", async () => {
    const pages: Record<string, unknown> = {
      "/v1/Conversations": { conversations: [], meta: { key: "conversations", next_page_url: "https://elsewhere.example/v1/Conversations?PageToken=PT1" } },
      "/v1/Users": { users: "nope", meta: {} },
      "/v1/Conversations/CH00000000000000000000000000000001/Participants": "<html>",
    };
    const server = await serveFetch(async (request) => {
      const body = pages[new URL(request.url).pathname];
      return new Response(typeof body === "string" ? body : JSON.stringify(body), { status: 200 });
    });
    try {
      const odd = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: server.url });
      expect(await rejection(collect(odd.conversations()))).toMatchObject({ kind: "malformed", field: "meta.next_page_url" });
      expect(await rejection(collect(odd.users()))).toMatchObject({ kind: "malformed", field: "users" });
      expect((await rejection(collect(odd.participants(standInSid("CH", 1))))).kind).toBe("malformed");
    } finally {
      await server.close();
    }
  });
});
