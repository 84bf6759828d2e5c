/**
 * Twilio's per-user notification level ("Mute conversation" in Twilio's demo app), kept by the
 * server kit's directory: set on one client, current on the user's other clients within a poll
 * cycle with `conversationUpdated` ("notificationLevel"), loaded with the conversations by a
 * client that starts later; per user, checked at the boundary, and unsupported without the kit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { InvalidArgumentError, UnsupportedFeatureError, type Client, type Conversation } from "../../src/index.js";
import { createServerKit, MAX_MUTED_CONVERSATIONS, MemoryDirectoryStore, type ServerKit } from "../../src/server/index.js";
import { rejection } from "../helpers/acs.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { kitClients } from "../helpers/kit-clients.js";
import { clientOptionsOf } from "../helpers/target.js";
import { next } from "../helpers/observe.js";
import { createSession, initialized, TestDirectory } from "../helpers/twilio-clients.js";

let emulator: Emulator;
let server: FetchServer;
let kit: ServerKit;

beforeAll(async () => {
  emulator = await startEmulator();
  server = await serveFetch((request) => kit.handle(request));
  kit = createServerKit({
    connectionString: emulator.connectionString,
    signingSecret: "a-signing-secret-of-at-least-32-bytes!!",
    publicUrl: server.url,
    store: new MemoryDirectoryStore(),
    authenticate: (request) => request.headers.get("x-test-user") ?? undefined,
    acsClientOptions: clientOptionsOf(emulator),
    tokensPerMinute: 1000,
  });
});
afterAll(async () => {
  await shutdownAll();
  await server?.close();
  await emulator?.close();
});

const { tokenFor, clientFor, shutdownAll } = kitClients(() => server, () => emulator);

async function sharedConversation(owner: Client, name: string): Promise<Conversation> {
  const conversation = await owner.createConversation({ friendlyName: name });
  await conversation.join();
  await conversation.add("bob");
  return conversation;
}

describe("notification level through the server kit", () => {
  it("mutes on one client, and the user's other clients follow within a poll cycle; bob's level is his own", async () => {
    const phone = await clientFor("alice", { eventSource: "polling" });
    const laptop = await clientFor("alice", { eventSource: "polling" });
    const bob = await clientFor("bob", { eventSource: "polling" });
    const conversation = await sharedConversation(phone, "muted room");
    const onLaptop = await laptop.getConversationBySid(conversation.sid);
    expect(conversation.notificationLevel).toBe("default");

    const here = next(phone, "conversationUpdated", ({ conversation: c, updateReasons }) => c.sid === conversation.sid && updateReasons.includes("notificationLevel"), 1000);
    const there = next(laptop, "conversationUpdated", ({ conversation: c, updateReasons }) => c.sid === conversation.sid && updateReasons.includes("notificationLevel"), 5000);
    await conversation.setUserNotificationLevel("muted");
    await here;
    expect(conversation.notificationLevel).toBe("muted");
    await there;
    expect(onLaptop.notificationLevel).toBe("muted");
    expect((await bob.getConversationBySid(conversation.sid)).notificationLevel).toBe("default");

    // A client that starts later has it from the start.
    const tablet = await clientFor("alice", { eventSource: "polling" });
    expect((await tablet.getConversationBySid(conversation.sid)).notificationLevel).toBe("muted");

    const back = next(laptop, "conversationUpdated", ({ conversation: c, updateReasons }) => c.sid === conversation.sid && updateReasons.includes("notificationLevel"), 5000);
    await conversation.setUserNotificationLevel("default");
    await back;
    expect(onLaptop.notificationLevel).toBe("default");
  });

  it("checks the level at the boundary, and the kit answers an unchanged list with 304", async () => {
    const alice = await clientFor("alice");
    const conversation = await sharedConversation(alice, "checked");
    expect(await rejection(conversation.setUserNotificationLevel("loud" as never))).toBeInstanceOf(InvalidArgumentError);

    const token = await tokenFor("alice");
    const first = await fetch(`${server.url}/directory/notification-levels`, { headers: { authorization: `Bearer ${token}` } });
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const again = await fetch(`${server.url}/directory/notification-levels`, { headers: { authorization: `Bearer ${token}`, "if-none-match": etag } });
    expect(again.status).toBe(304);
    const bad = await fetch(`${server.url}/directory/notification-levels/${encodeURIComponent(conversation.sid)}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ level: "silent" }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("level");
  });

  it(`keeps at most ${MAX_MUTED_CONVERSATIONS} muted conversations per identity`, async () => {
    // A store already at the limit (filling it through the kit would take minutes of its write quota).
    const store = new MemoryDirectoryStore();
    for (let n = 0; n < MAX_MUTED_CONVERSATIONS; n++) await store.putNotificationLevel("carol", `19:muted-${n}@thread.v2`, "muted");
    const limited = createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: "a-signing-secret-of-at-least-32-bytes!!",
      publicUrl: server.url,
      store,
      authenticate: () => "carol",
      acsClientOptions: clientOptionsOf(emulator),
    });
    const token = await tokenFor("carol");
    const put = (threadId: string, level: string) =>
      limited.handle(
        new Request(`${server.url}/directory/notification-levels/${encodeURIComponent(threadId)}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ level }),
        }),
      );
    const over = await put("19:one-more@thread.v2", "muted");
    expect(over.status).toBe(400);
    expect(JSON.stringify(await over.json())).toContain(String(MAX_MUTED_CONVERSATIONS));
    expect(await store.mutedThreadsOf("carol")).toHaveLength(MAX_MUTED_CONVERSATIONS);
    // Muting one already muted is no new entry; unmuting one makes room again.
    expect((await put("19:muted-7@thread.v2", "muted")).status).toBe(200);
    expect((await put("19:muted-0@thread.v2", "default")).status).toBe(200);
    expect((await put("19:one-more@thread.v2", "muted")).status).toBe(200);
    expect(await store.mutedThreadsOf("carol")).toHaveLength(MAX_MUTED_CONVERSATIONS);
  });
});

describe("notification level without the server kit", () => {
  it("rejects UnsupportedFeatureError and stays default, as ACS's web SDK has no push notifications", async () => {
    const directory = new TestDirectory();
    const dave = await createSession(emulator, "dave", directory);
    const client = dave.client();
    try {
      await initialized(client);
      const conversation = await client.createConversation({ friendlyName: "no kit" });
      expect(await rejection(conversation.setUserNotificationLevel("muted"))).toBeInstanceOf(UnsupportedFeatureError);
      expect(conversation.notificationLevel).toBe("default");
    } finally {
      await client.shutdown();
    }
  });
});
