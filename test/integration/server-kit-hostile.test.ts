/**
 * The server kit against a hostile participant: mallory holds a valid kit token (or none, on the
 * network). Each test is one attack that worked before the kit bounded it: bodies of any size read
 * whole when chunked, 20 MB profiles, unlimited uploads and writes, uploads kept forever, unique
 * names released and taken over by any participant (or locked by deleting their thread), and kit
 * tokens that outlived a revocation. Real ACS SDKs against the emulator; the kit's clock injected.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { Client } from "../../src/index.js";
import { decodeClientToken } from "../../src/mapping/client-token.js";
import type { MediaStore, MediaUpload, StoredMedia } from "../../src/media/media-store.js";
import { createServerKit, MemoryDirectoryStore, EventGridSource, type ServerKit, type ServerKitOptions } from "../../src/server/index.js";
import { rejection } from "../helpers/acs.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { initialized } from "../helpers/twilio-clients.js";

const SECRET = "a-signing-secret-of-at-least-32-bytes!!";
const MB = 1024 * 1024;

/** Attachments in memory: what the kit's `mediaStore` option takes (our interface, not an Azure class). */
class MemoryMediaStore implements MediaStore {
  readonly files = new Map<string, Uint8Array>();
  #next = 0;
  async upload(media: MediaUpload): Promise<StoredMedia> {
    const id = `file-${++this.#next}`;
    const data = media.data instanceof Uint8Array ? media.data : new Uint8Array(await media.data.arrayBuffer());
    this.files.set(id, data);
    return { id, url: `https://media.example/${id}`, size: data.byteLength };
  }
  async temporaryUrl(id: string): Promise<string> {
    if (!this.files.has(id)) throw Object.assign(new Error("no such file"), { statusCode: 404 });
    return `https://media.example/${id}?fresh`;
  }
  async delete(id: string): Promise<void> {
    if (!this.files.delete(id)) throw Object.assign(new Error("no such file"), { statusCode: 404 });
  }
}

/** A body of `total` bytes that counts what the reader pulls, as a chunked upload arrives. */
function countedBody(total: number, chunkBytes = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const chunk = new Uint8Array(chunkBytes).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

describe("server kit under attack", () => {
  let server: FetchServer;
  let handler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  let clockOffset = 0;
  const clock = () => Date.now() + clockOffset;
  let media: MemoryMediaStore;
  let kit: ServerKit;
  const joinable = new Set<string>();
  const clients: Client[] = [];

  function makeKit(overrides: Partial<ServerKitOptions> = {}): ServerKit {
    return createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: SECRET,
      publicUrl: server.url,
      store: new MemoryDirectoryStore(),
      authenticate: (request) => request.headers.get("x-test-user") ?? undefined,
      authorizeJoin: ({ conversationSid }) => joinable.has(conversationSid),
      eventGrid: new EventGridSource({ insecureNoSecret: true }), // the body cap is the kit's, before any secret check
      mediaStore: media,
      maxUploadBytes: MB,
      tokensPerMinute: 1000,
      uploadSweepIntervalMs: 0,
      now: clock,
      acsClientOptions: { tlsOptions: { ca: emulator.caPem } },
      ...overrides,
    });
  }

  /** Calls the kit as the app mounts it, with mallory's (or anyone's) token. */
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const { token, headers, ...rest } = init;
    return kit.handle(new Request(`${server.url}${path}`, { ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers as Record<string, string>) } }));
  };
  const tokenFor = async (identity: string, on: ServerKit = kit) => (await on.issueToken(identity)).token;
  const messageOf = async (response: Response) => ((await response.json()) as { error: { message: string } }).error.message;

  async function clientFor(identity: string): Promise<Client> {
    const client = new Client(await tokenFor(identity), { eventSource: "none", chatClientOptions: { tlsOptions: { ca: emulator.caPem } } });
    clients.push(client);
    await initialized(client);
    return client;
  }

  beforeAll(async () => {
    server = await serveFetch((request) => handler(request));
    media = new MemoryMediaStore();
    kit = makeKit();
    handler = (request) => kit.handle(request);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.shutdown()));
    await server?.close();
  });

  describe("bodies are read through a byte cap, chunked or not", () => {
    it("stops a chunked 200 MB upload at the 1 MB cap with 413, having pulled about 1 MB", async () => {
      const token = await tokenFor("mallory");
      const body = countedBody(200 * MB);
      const response = await call("/media", { method: "POST", token, body: body.stream, duplex: "half", headers: { "content-type": "application/octet-stream" } } as RequestInit);
      expect(response.status).toBe(413);
      expect(await messageOf(response)).toMatch(/at most 1048576 bytes.*maxUploadBytes/);
      expect(body.pulled()).toBeLessThanOrEqual(MB + 4 * 64 * 1024);
      expect(body.cancelled()).toBe(true);
      expect(media.files.size).toBe(0);
    });

    it("accepts a chunked upload under the cap", async () => {
      const token = await tokenFor("mallory");
      const body = countedBody(320 * 1024);
      const response = await call("/media", { method: "POST", token, body: body.stream, duplex: "half", headers: { "content-type": "application/octet-stream" } } as RequestInit);
      expect(response.status).toBe(201);
      expect(((await response.json()) as { size: number }).size).toBe(320 * 1024);
    });

    it("stops a chunked JSON body at 64 KiB and an unauthenticated Event Grid delivery at 1 MiB", async () => {
      const token = await tokenFor("mallory");
      const profile = countedBody(10 * MB);
      const refused = await call("/directory/users/mallory/profile", { method: "PUT", token, body: profile.stream, duplex: "half", headers: { "content-type": "application/json" } } as RequestInit);
      expect([refused.status, await messageOf(refused)]).toEqual([413, "body: at most 65536 bytes are accepted here (maxJsonBodyBytes)."]);
      // The cap plus the stream's read-ahead of a few chunks, of 10 MB.
      expect(profile.pulled()).toBeLessThanOrEqual(64 * 1024 + 4 * 64 * 1024);

      const events = countedBody(200 * MB);
      const delivery = await call("/events", { method: "POST", body: events.stream, duplex: "half", headers: { "content-type": "application/json" } } as RequestInit);
      expect(delivery.status).toBe(413);
      expect(events.pulled()).toBeLessThanOrEqual(MB + 4 * 64 * 1024);
      expect(events.cancelled()).toBe(true);
    });

    it("refuses a declared Content-Length past the cap before reading anything", async () => {
      const body = countedBody(2 * MB);
      const response = await call("/events", { method: "POST", body: body.stream, duplex: "half", headers: { "content-length": String(2 * MB) } } as RequestInit);
      expect(response.status).toBe(413);
      expect(body.pulled()).toBe(0);
    });
  });

  describe("profiles are bounded as Twilio's Users are", () => {
    it("refuses attributes over 16 KiB of JSON and friendly names over 256 characters, naming the field and the limit", async () => {
      const token = await tokenFor("mallory");
      const put = (body: unknown) => call("/directory/users/mallory/profile", { method: "PUT", token, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      const big = await put({ attributes: { blob: "x".repeat(17 * 1024) } });
      expect(big.status).toBe(400);
      expect(await messageOf(big)).toBe("body.attributes: at most 16384 bytes of JSON (Twilio's User attributes limit)");
      const long = await put({ friendlyName: "m".repeat(257) });
      expect([long.status, await messageOf(long)]).toEqual([400, "body.friendlyName: at most 256 characters"]);
      const huge = await call("/directory/users/mallory/profile", { method: "PUT", token, body: JSON.stringify({ attributes: "x".repeat(20 * MB) }), headers: { "content-type": "application/json" } });
      expect(huge.status).toBe(413);
      // At the limit: stored and served.
      const fits = await put({ friendlyName: "m".repeat(256), attributes: "y".repeat(16 * 1024 - 2) });
      expect(fits.status).toBe(200);
      const served = await call("/directory/users/mallory/profile", { token });
      expect(((await served.json()) as { attributes: string }).attributes).toHaveLength(16 * 1024 - 2);
    });
  });

  describe("per-identity quotas", () => {
    it("limits uploads per minute by count and by bytes, with Retry-After, and frees them as the minute passes", async () => {
      const limited = makeKit({ uploadsPerMinute: 3, uploadBytesPerMinute: 2.5 * MB });
      const token = await tokenFor("mallory", limited);
      const other = await tokenFor("alice", limited);
      const upload = (bytes: number, as = token) =>
        limited.handle(new Request(`${server.url}/media`, { method: "POST", body: new Uint8Array(bytes), headers: { authorization: `Bearer ${as}`, "content-type": "application/octet-stream" } }));
      const statuses = [await upload(MB), await upload(MB)].map((r) => r.status);
      const overBytes = await upload(MB);
      expect([...statuses, overBytes.status]).toEqual([201, 201, 429]);
      expect(await messageOf(overBytes)).toContain("uploadBytesPerMinute");
      expect(Number(overBytes.headers.get("retry-after"))).toBeGreaterThan(0);
      const overCount = await upload(10);
      expect([overCount.status, await messageOf(overCount)]).toEqual([429, "Too many uploads for this identity (at most 3 a minute, uploadsPerMinute)."]);
      // Another identity has its own budget.
      expect((await upload(MB, other)).status).toBe(201);
      clockOffset += 61_000;
      expect((await upload(MB)).status).toBe(201);
    });

    it("limits directory writes (profile updates, unique-name claims) per minute, with Retry-After", async () => {
      const limited = makeKit({ directoryWritesPerMinute: 3 });
      const token = await tokenFor("mallory", limited);
      const put = () =>
        limited.handle(new Request(`${server.url}/directory/users/mallory/profile`, { method: "PUT", body: JSON.stringify({ friendlyName: "M" }), headers: { authorization: `Bearer ${token}` } }));
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await put()).status);
      expect(statuses).toEqual([200, 200, 200]);
      const claim = await limited.handle(
        new Request(`${server.url}/directory/conversations/squat`, { method: "PUT", body: JSON.stringify({ conversationSid: "19:x@thread.v2" }), headers: { authorization: `Bearer ${token}` } }),
      );
      expect(claim.status).toBe(429);
      expect(claim.headers.get("retry-after")).toBe("60");
      expect(await messageOf(claim)).toContain("directoryWritesPerMinute");
    });
  });

  describe("unattached uploads", () => {
    it("deletes uploads no message carries once the grace period is over, and keeps attached ones (also of uploaders who left)", async () => {
      const alice = await clientFor("alice");
      const conversation = await alice.createConversation({ friendlyName: "with files" });
      await conversation.join();
      await conversation.add("bob");
      await conversation.sendMessage({ contentType: "text/plain", filename: "kept.txt", media: new TextEncoder().encode("attached") });
      const bob = await clientFor("bob");
      const bobsView = await bob.getConversationBySid(conversation.sid);
      await bobsView.sendMessage({ contentType: "text/plain", filename: "bob.txt", media: new TextEncoder().encode("bob's") });
      await bobsView.leave();

      // Mallory's upload, never sent in any message.
      const orphan = await call("/media", { method: "POST", token: await tokenFor("mallory"), body: new Uint8Array(1000), headers: { "content-type": "application/octet-stream" } });
      const orphanId = ((await orphan.json()) as { id: string }).id.split(".")[0]!;
      const keptIds = (await conversation.getMessages()).items.map((message) => message.attachedMedia![0]!.sid.split(".")[0]!);
      expect(keptIds).toHaveLength(2);
      for (const id of [orphanId, ...keptIds]) expect(media.files.has(id)).toBe(true);

      // Within the grace period nothing is touched.
      expect(await kit.sweepUploads()).toEqual({ attached: 0, deleted: 0 });
      clockOffset += 24 * 60 * 60_000 + 1;
      const swept = await kit.sweepUploads();
      expect(swept.attached).toBe(2);
      expect(swept.deleted).toBeGreaterThanOrEqual(1);
      expect(media.files.has(orphanId)).toBe(false);
      for (const id of keptIds) expect(media.files.has(id), id).toBe(true);
      // Decided uploads are no longer tracked: a second sweep finds nothing.
      expect(await kit.sweepUploads()).toEqual({ attached: 0, deleted: 0 });
      // Back to today: the kit's clock also decides token expiry.
      clockOffset = 0;
    });
  });

  describe("unique names belong to whoever claimed them", () => {
    const claimAs = (token: string, name: string, conversationSid: string, method = "PUT") =>
      call(`/directory/conversations/${encodeURIComponent(name)}`, { method, token, body: JSON.stringify({ conversationSid }), headers: { "content-type": "application/json" } });

    it("a participant cannot release the lobby's name and take it for their own thread", async () => {
      const alice = await clientFor("alice");
      const lobby = await alice.createConversation({ friendlyName: "Lobby", uniqueName: "lobby" });
      joinable.add(lobby.sid);
      const mallory = await clientFor("mallory");
      await (await mallory.getConversationByUniqueName("lobby")).join();
      const token = await tokenFor("mallory");

      const release = await claimAs(token, "lobby", lobby.sid, "DELETE");
      expect([release.status, await messageOf(release)]).toEqual([403, "uniqueName: only the user who claimed this name releases it."]);
      const trap = await mallory.createConversation({ friendlyName: "Trap" });
      expect((await claimAs(token, "lobby", trap.sid)).status).toBe(409);
      // Nor may she rename alice's conversation (which would claim a new name and then release "lobby").
      expect((await claimAs(token, "lobby-2", lobby.sid)).status).toBe(403);
      const carol = await clientFor("carol");
      expect((await carol.getConversationByUniqueName("lobby")).sid).toBe(lobby.sid);
    });

    it("caps the names one conversation holds, and frees the names of a deleted thread", async () => {
      const mallory = await clientFor("mallory");
      const token = await tokenFor("mallory");
      const squat = await mallory.createConversation({ friendlyName: "Squat" });
      expect((await claimAs(token, "squat-1", squat.sid)).status).toBe(200);
      expect((await claimAs(token, "squat-2", squat.sid)).status).toBe(200);
      const third = await claimAs(token, "squat-3", squat.sid);
      expect([third.status, await messageOf(third)]).toEqual([403, "conversationSid: a conversation holds at most 2 unique names (maxUniqueNamesPerConversation); release one first."]);

      await squat.delete();
      // Looked up: gone with its thread.
      const alice = await clientFor("alice");
      expect((await rejection(alice.getConversationByUniqueName("squat-1"))).message).toMatch(/not found/);
      // Claimed: free again.
      const mine = await alice.createConversation({ friendlyName: "Mine", uniqueName: "squat-2" });
      expect((await alice.getConversationByUniqueName("squat-2")).sid).toBe(mine.sid);
    });

    it("lets the claimer rename, and an authorizeUniqueName hook let others", async () => {
      const decisions: string[] = [];
      const moderated = makeKit({
        authorizeUniqueName: ({ identity, action, uniqueName, claimedBy }) => {
          decisions.push(`${identity} ${action} ${uniqueName} (${claimedBy})`);
          return identity === "moderator";
        },
      });
      handler = (request) => moderated.handle(request);
      try {
        const alice = new Client(await tokenFor("alice", moderated), { eventSource: "none", chatClientOptions: { tlsOptions: { ca: emulator.caPem } } });
        clients.push(alice);
        await initialized(alice);
        const room = await alice.createConversation({ uniqueName: "room-a" });
        await room.updateUniqueName("room-b");
        expect(room.uniqueName).toBe("room-b");
        await room.add("moderator");
        const moderator = await moderated.issueToken("moderator");
        const release = await moderated.handle(
          new Request(`${server.url}/directory/conversations/room-b`, { method: "DELETE", body: JSON.stringify({ conversationSid: room.sid }), headers: { authorization: `Bearer ${moderator.token}` } }),
        );
        expect(release.status).toBe(204);
        expect(decisions).toEqual(["moderator release room-b (alice)"]);
      } finally {
        handler = (request) => kit.handle(request);
      }
    });
  });

  describe("revoking a user", () => {
    it("makes the kit refuse the tokens issued before (directory and media), and ACS their ACS tokens; new tokens work", async () => {
      const old = await tokenFor("revoked-user");
      const unstamped = (() => {
        // A token as kits signed them before issue times were stamped in.
        const signed = old.split(".").slice(0, 2).join(".");
        return `${signed}.${createHmac("sha256", SECRET).update(signed).digest("base64url")}`;
      })();
      expect((await call("/directory/users/alice", { token: old })).status).toBe(200);
      expect((await call("/directory/users/alice", { token: unstamped })).status).toBe(200);

      await kit.revokeUser("revoked-user");

      for (const token of [old, unstamped]) {
        const lookup = await call("/directory/users/alice", { token });
        expect([lookup.status, await messageOf(lookup)]).toEqual([401, "The token was revoked."]);
        expect((await call("/media", { method: "POST", token, body: new Uint8Array(10), headers: { "content-type": "text/plain" } })).status).toBe(401);
        expect((await call("/media/file-1.x/temporary-url", { token })).status).toBe(401);
      }
      const acs = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(decodeClientToken(old).acsToken), { tlsOptions: { ca: emulator.caPem } });
      expect((await rejection(acs.listChatThreads().next())).statusCode).toBe(401);

      const fresh = await tokenFor("revoked-user");
      expect((await call("/directory/users/alice", { token: fresh })).status).toBe(200);
      expect((await call("/media", { method: "POST", token: fresh, body: new Uint8Array(10), headers: { "content-type": "text/plain" } })).status).toBe(201);
    });
  });
});
