/**
 * The server kit with the emulator: tokens for app identities, the identity and conversation
 * directories, joining through the server, and every endpoint with bad input and missing or
 * forged tokens. The same suite runs with the in-memory store and the Azure Table store (on
 * Azurite, started here).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../src/emulator/index.js";
import { ConflictError, NotFoundError } from "../../src/index.js";
import { decodeClientToken } from "../../src/mapping/client-token.js";
import { createServerKit, EventGridSource, MemoryDirectoryStore, type DirectoryStore, type ServerKit } from "../../src/server/index.js";
import { TableDirectoryStore } from "../../src/server/table-directory-store.js";
import { rejection } from "../helpers/acs.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { kitClients } from "../helpers/kit-clients.js";
import { startTableStorage, storageAvailable, type TableStorage } from "../helpers/storage.js";
import { emulatorOnly, startTarget, type Target } from "../helpers/target.js";

const SECRET = "a-signing-secret-of-at-least-32-bytes!!";
let emulator: Target;
let azurite: TableStorage | undefined;

beforeAll(async () => {
  // A live run without a storage account runs the in-memory store only.
  [emulator, azurite] = await Promise.all([startTarget(), storageAvailable ? startTableStorage() : undefined]);
});
afterAll(async () => {
  await emulator?.close();
  await azurite?.stop();
});

const stores: Array<[string, (name: string) => DirectoryStore]> = [
  ["in-memory store", () => new MemoryDirectoryStore()],
  ["Azure Table store", (name) => TableDirectoryStore.fromConnectionString(azurite!.connectionString, name, { createTable: true })],
];

// Skipped visibly, not silently dropped, on a live run without a storage account.
if (!storageAvailable) it.skip("server kit with the Azure Table store [no AZURE_STORAGE_CONNECTION_STRING]", () => {});

describe.each(stores.filter(([name]) => storageAvailable || !name.startsWith("Azure")))("server kit with the %s", (storeName, makeStore) => {
  const tableName = `kit${storeName.startsWith("Azure") ? "table" : "memory"}${Date.now() % 100000}`;
  let kit: ServerKit;
  /** The kit the HTTP server forwards to (the restart test swaps it). */
  let current: ServerKit | undefined;
  let server: FetchServer;
  let store: DirectoryStore;
  const joinable = new Set<string>();
  /** Holds unique-name claims back, as a slow directory would. */
  let slowClaims = false;

  /** The app's own login, standing in for a session cookie. */
  const login = (identity: string) => ({ "x-test-user": identity });

  const { tokenFor, clientFor, shutdownAll } = kitClients(() => server, () => emulator);

  function startKit(): ServerKit {
    return createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: SECRET,
      publicUrl: server.url,
      store,
      authenticate: (request) => request.headers.get("x-test-user") ?? undefined,
      authorizeJoin: ({ conversationSid }) => joinable.has(conversationSid),
      // Reachable only from this test: the handshake below is posted without a secret.
      eventGrid: new EventGridSource({ insecureNoSecret: true }),
      acsClientOptions: emulator.clientOptions,
    });
  }

  beforeAll(async () => {
    store = makeStore(tableName);
    server = await serveFetch(async (request) => {
      if (slowClaims && request.method === "PUT" && new URL(request.url).pathname.startsWith("/directory/conversations/")) await new Promise((resolve) => setTimeout(resolve, 600));
      return current!.handle(request);
    });
    kit = current = startKit();
  });
  afterAll(async () => {
    await shutdownAll();
    await server?.close();
  });

  it("issues tokens only for identities the app's authentication proves, carrying no secret", async () => {
    const response = await fetch(`${server.url}/token`, { method: "POST", headers: login("alice") });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(emulator.accessKey);
    expect(text).not.toContain("accesskey");
    const { token, identity } = JSON.parse(text) as { token: string; identity: string };
    const fields = decodeClientToken(token);
    expect([identity, fields.identity, fields.endpoint, fields.serverUrl]).toEqual(["alice", "alice", emulator.endpoint, server.url]);
    expect(fields.acsUserId).toMatch(/^8:acs:/);
    expect(fields.serviceUserId).toMatch(/^8:acs:/);
    expect((await fetch(`${server.url}/token`, { method: "POST" })).status).toBe(401);
  });

  emulatorOnly("counts requests")("creates one ACS user per identity, however many concurrent first requests", async () => {
    const created: RequestLogEntry[] = [];
    const count = (entry: RequestLogEntry) => entry.operation === "POST /identities" && created.push(entry);
    emulator.requests.on("request", count);
    const ids = await Promise.all(Array.from({ length: 12 }, () => kit.userIdOf("concurrent-user")));
    emulator.requests.off("request", count);
    expect(new Set(ids).size).toBe(1);
    expect(created).toHaveLength(1);
    expect(await store.userIdOf("concurrent-user")).toBe(ids[0]);
  });

  it("runs the Twilio flow: alice names a conversation and adds bob by identity; bob finds it by unique name", async () => {
    const alice = await clientFor("alice");
    const conversation = await alice.createConversation({ friendlyName: "Support", uniqueName: "support-1" });
    await conversation.join();
    // bob has never signed in: the directory creates his ACS user.
    const added = await conversation.add("bob", { role: "customer" });
    expect(added.identity).toBe("bob");
    await conversation.sendMessage("Welcome, bob");
    expect((await conversation.getParticipants()).map((p) => p.identity).sort()).toEqual(["alice", "bob"]);

    const bob = await clientFor("bob");
    const found = await bob.getConversationByUniqueName("support-1");
    expect(found.sid).toBe(conversation.sid);
    expect(found.status).toBe("joined");
    const [message] = (await found.getMessages()).items;
    expect([message!.author, message!.body]).toEqual(["alice", "Welcome, bob"]);
    expect(await rejection(bob.getConversationByUniqueName("no-such-name"))).toBeInstanceOf(NotFoundError);
  });

  it("lets carol join a conversation she is not in when authorizeJoin says yes, and refuses when it says no", async () => {
    const alice = await clientFor("alice");
    const open = await alice.createConversation({ friendlyName: "Open house", uniqueName: "open-house" });
    await open.sendMessage("anyone may join");
    const closed = await alice.createConversation({ friendlyName: "Private", uniqueName: "private-room" });
    joinable.add(open.sid);

    const carol = await clientFor("carol");
    const joinedEvents: string[] = [];
    carol.on("conversationJoined", (c) => joinedEvents.push(c.sid));
    const openForCarol = await carol.getConversationByUniqueName("open-house");
    expect(openForCarol.status).toBe("notParticipating");
    await openForCarol.join();
    expect(openForCarol.status).toBe("joined");
    expect(openForCarol.friendlyName).toBe("Open house");
    expect(joinedEvents).toContain(open.sid);
    expect((await openForCarol.getMessages()).items.map((m) => m.body)).toEqual(["anyone may join"]);
    // The server's own user is in the conversation, but no Twilio-shaped read shows it.
    expect((await openForCarol.getParticipants()).map((p) => p.identity).sort()).toEqual(["alice", "carol"]);

    const closedForCarol = await carol.getConversationByUniqueName("private-room");
    const refused = await rejection(closedForCarol.join());
    expect((refused as { statusCode?: number }).statusCode).toBe(403);
    expect(closedForCarol.status).toBe("notParticipating");
    void closed;
  });

  it("gives a unique name to one of two conversations created with it at once; the other gets Twilio's 50353", async () => {
    const [dan, eve] = await Promise.all([clientFor("dan"), clientFor("eve")]);
    const results = await Promise.allSettled([dan.createConversation({ uniqueName: "race" }), eve.createConversation({ uniqueName: "race" })]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    expect((lost[0]!.reason as ConflictError).code).toBe(50353);
    const winner = (won[0] as PromiseFulfilledResult<{ sid: string }>).value.sid;
    expect(await store.threadIdOf("race")).toBe(winner);
  });

  it("renames through the directory: the old name is released, a taken one refused", async () => {
    const alice = await clientFor("alice");
    const first = await alice.createConversation({ uniqueName: "name-a" });
    await alice.createConversation({ uniqueName: "name-b" });
    await first.updateUniqueName("name-c");
    expect(await store.threadIdOf("name-c")).toBe(first.sid);
    expect(await store.threadIdOf("name-a")).toBeUndefined();
    expect(await rejection(first.updateUniqueName("name-b"))).toBeInstanceOf(ConflictError);
    expect(first.uniqueName).toBe("name-c");
  });

  it("keeps profiles in the directory: set by the user, read by others", async () => {
    const frank = await clientFor("frank");
    await frank.user.updateFriendlyName("Frank F.");
    await frank.user.updateAttributes({ team: "red" });
    const grace = await clientFor("grace");
    const seen = await grace.getUser("frank");
    expect([seen.friendlyName, seen.attributes]).toEqual(["Frank F.", { team: "red" }]);
  });

  describe("endpoints: bad input, missing and forged tokens", () => {
    let token: string;
    beforeAll(async () => {
      token = await tokenFor("mallory");
    });
    const call = (method: string, path: string, auth?: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
    const forge = (original: string) => {
      const [prefix, fields, signature] = original.split(".");
      const decoded = JSON.parse(Buffer.from(fields!, "base64url").toString()) as Record<string, string>;
      return `${prefix}.${Buffer.from(JSON.stringify({ ...decoded, identity: "alice" })).toString("base64url")}.${signature}`;
    };

    it("refuses directory calls without a token, with a forged one, or with one it did not sign (401)", async () => {
      for (const path of ["/directory/users/alice", "/directory/user-ids/8:acs:x", "/directory/conversations/support-1", "/directory/users/alice/profile"]) {
        expect((await call("GET", path)).status, path).toBe(401);
        expect((await call("GET", path, forge(token))).status, path).toBe(401);
        expect((await call("GET", path, token.split(".").slice(0, 2).join("."))).status, path).toBe(401);
        expect((await call("GET", path, `${token.slice(0, -2)}xx`)).status, path).toBe(401);
      }
      expect((await call("POST", "/conversations/19:abc@thread.v2/join", forge(token))).status).toBe(401);
    });

    it("answers bad input with 400 naming the field, and unknown paths with 404", async () => {
      const bad = async (response: Response, field: string) => {
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { message: string } }).error.message).toContain(field);
      };
      await bad(await call("PUT", "/directory/conversations/some-name", token, { conversationSid: "not-a-thread" }), "conversationSid");
      await bad(await call("PUT", "/directory/conversations/some-name", token, "{not json"), "JSON");
      await bad(await call("PUT", "/directory/users/mallory/profile", token, { friendlyName: 42 }), "friendlyName");
      await bad(await call("PUT", "/directory/users/mallory/profile", token, { nickname: "x" }), "nickname");
      await bad(await call("POST", "/conversations/not-a-thread/join", token), "conversationSid");
      await bad(await call("GET", `/directory/users/${"x".repeat(300)}`, token), "identity");
      expect((await call("GET", "/nowhere", token)).status).toBe(404);
      expect((await call("GET", "/directory/conversations/never-named", token)).status).toBe(404);
    });

    it("lets users change only their own profile, name only conversations they are in, join only where allowed (403)", async () => {
      expect((await call("PUT", "/directory/users/alice/profile", token, { friendlyName: "Not Alice" })).status).toBe(403);
      const alice = await clientFor("alice");
      const theirs = await alice.createConversation({ friendlyName: "not mallory's" });
      expect((await call("PUT", "/directory/conversations/hijack", token, { conversationSid: theirs.sid })).status).toBe(403);
      expect((await call("POST", `/conversations/${encodeURIComponent(theirs.sid)}/join`, token)).status).toBe(403);
    });

    it("rate-limits token issuance per identity (429 with Retry-After)", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await fetch(`${server.url}/token`, { method: "POST", headers: login("greedy") })).status);
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    });

    it("serves the Event Grid webhook, validation handshake included", async () => {
      const response = await fetch(`${server.url}/events`, {
        method: "POST",
        body: JSON.stringify([{ id: "1", topic: "t", subject: "", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", eventTime: new Date().toISOString(), dataVersion: "2", metadataVersion: "1", data: { validationCode: "abc" } }]),
      });
      expect(await response.json()).toEqual({ validationResponse: "abc" });
    });
  });

  it("announces a conversation created with a slow unique-name claim once, as not yet joined", async () => {
    const alice = await clientFor("alice", { eventSource: "polling", polling: { minIntervalInMs: 20, maxIntervalInMs: 50 } });
    const events: string[] = [];
    alice.on("conversationAdded", (c) => c.friendlyName === "slow claim" && events.push(`added ${c.status}`));
    alice.on("conversationJoined", (c) => c.friendlyName === "slow claim" && events.push("joined"));
    slowClaims = true;
    try {
      const conversation = await alice.createConversation({ friendlyName: "slow claim", uniqueName: `slow-${storeName}-${Date.now()}` });
      await new Promise((resolve) => setTimeout(resolve, 200)); // polling had every chance to announce it again
      expect(conversation.status).toBe("notParticipating");
      expect(events).toEqual(["added notParticipating"]);
    } finally {
      slowClaims = false;
    }
  });

  it("bounds how many ACS users one caller creates by looking up new identities (429 past the limit)", async () => {
    const limited = createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: SECRET,
      publicUrl: "https://kit.example",
      store: makeStore(`${tableName}limit`),
      authenticate: () => undefined,
      usersCreatedPerMinute: 2,
      acsClientOptions: emulator.clientOptions,
    });
    const { token } = await limited.issueToken("looker");
    const lookUp = (identity: string) =>
      limited.handle(new Request(`https://kit.example/directory/users/${identity}`, { headers: { authorization: `Bearer ${token}` } }));
    const stamp = Date.now();
    expect((await lookUp(`new-a-${stamp}`)).status).toBe(200);
    expect((await lookUp(`new-b-${stamp}`)).status).toBe(200);
    const refused = await lookUp(`new-c-${stamp}`);
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "60"]);
    // Known identities still resolve.
    expect((await lookUp(`new-a-${stamp}`)).status).toBe(200);
  });

  it("keeps the directory across a restart of the server", async () => {
    const before = await store.userIdOf("alice");
    // A new kit, with a new store object on the same storage (what a restarted server has).
    const restartedStore = storeName.startsWith("Azure") ? makeStore(tableName) : store;
    const restarted = createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: SECRET,
      publicUrl: server.url,
      store: restartedStore,
      authenticate: (request) => request.headers.get("x-test-user") ?? undefined,
      acsClientOptions: emulator.clientOptions,
    });
    current = restarted;
    expect(await restarted.userIdOf("alice")).toBe(before);
    expect(await restartedStore.threadIdOf("support-1")).toBeDefined();
    const bob = await clientFor("bob");
    expect((await bob.getConversationByUniqueName("support-1")).friendlyName).toBe("Support");
  });
});

describe("server kit CORS, for browser apps on other origins", () => {
  const app = "https://app.example";
  const kitWith = (cors?: { origins: readonly string[] | "*"; allowHeaders?: readonly string[] }) =>
    createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: SECRET,
      publicUrl: "https://kit.example",
      authenticate: (request) => request.headers.get("x-app-user") ?? undefined,
      acsClientOptions: emulator.clientOptions,
      ...(cors ? { cors } : {}),
    });

  it("answers preflights from allowed origins with the app's own auth header, and marks every answer", async () => {
    const kit = kitWith({ origins: [app], allowHeaders: ["x-app-user"] });
    const preflight = await kit.handle(new Request("https://kit.example/token", { method: "OPTIONS", headers: { origin: app, "access-control-request-method": "POST" } }));
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(app);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("authorization, content-type, x-file-name, x-app-user");
    const refused = await kit.handle(new Request("https://kit.example/token", { method: "POST", headers: { origin: app } }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(app);
    expect(refused.headers.get("access-control-expose-headers")).toBe("retry-after");
    const issued = await kit.handle(new Request("https://kit.example/token", { method: "POST", headers: { origin: app, "x-app-user": "browser-user" } }));
    expect(issued.status).toBe(200);
    expect(issued.headers.get("access-control-allow-origin")).toBe(app);
  });

  it("adds nothing for other origins, or without the option", async () => {
    const other = await kitWith({ origins: [app] }).handle(new Request("https://kit.example/token", { method: "OPTIONS", headers: { origin: "https://evil.example" } }));
    expect(other.status).toBe(404);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const none = await kitWith().handle(new Request("https://kit.example/token", { method: "POST", headers: { origin: app } }));
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("server kit mounting and options", () => {
  const base = { connectionString: "endpoint=https://127.0.0.1:1/;accesskey=a2V5", signingSecret: SECRET, authenticate: () => undefined };

  it("routes with or without the public URL's path in front, as frameworks mount it", async () => {
    const kit = createServerKit({ ...base, publicUrl: "https://h.example/d" });
    for (const url of ["https://h.example/d/directory/users/a", "https://h.example/directory/users/a"]) {
      const response = await kit.handle(new Request(url));
      expect(response.status, url).toBe(401); // routed: the directory wants a token
    }
    expect((await kit.handle(new Request("https://h.example/d/nowhere"))).status).toBe(404);
  });

  it("refuses token lifetimes ACS refuses, naming the range", () => {
    expect(() => createServerKit({ ...base, publicUrl: "https://h.example", tokenTtlMinutes: 30 })).toThrow(/tokenTtlMinutes must be a whole number from 60 to 1440/);
  });

  it("reports unexpected errors to onError and answers a bare 500", async () => {
    const errors: unknown[] = [];
    const kit = createServerKit({ ...base, publicUrl: "https://h.example", authenticate: () => { throw new Error("session store down"); }, onError: (error) => errors.push(error) });
    const response = await kit.handle(new Request("https://h.example/token", { method: "POST" }));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("session store down");
    expect(errors).toEqual([new Error("session store down")]);
  });
});
