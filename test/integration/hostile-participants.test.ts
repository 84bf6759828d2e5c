/**
 * Mallory, an ordinary user of the app, attacks other users through what she can write into ACS:
 * display names, participant metadata, control messages, thread metadata. She uses the native
 * ACS SDK (what a raw REST caller can do) and our client. The server kit is mounted as in the
 * examples, its directory the identity resolver; the victims use our Twilio-shaped client.
 */
import type { ChatClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, PermissionDeniedError, type AttributePolicy, type Client, type Conversation } from "../../src/index.js";
import { decodeClientToken } from "../../src/mapping/client-token.js";
import { createServerKit, EventGridSource, MemoryDirectoryStore, type ServerKit } from "../../src/server/index.js";
import { chatClientFor, rejection } from "../helpers/acs.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { kitClients } from "../helpers/kit-clients.js";
import { startTarget, type Target } from "../helpers/target.js";

const SECRET = "a-signing-secret-of-at-least-32-bytes!!";
let emulator: Target;
let server: FetchServer;
let kit: ServerKit;
const store = new MemoryDirectoryStore();
/** What the kit reported to onError. */
const kitErrors: unknown[] = [];
/** What clients asked the kit, as "METHOD /path". */
const kitRequests: string[] = [];

beforeAll(async () => {
  emulator = await startTarget();
  server = await serveFetch((request) => {
    kitRequests.push(`${request.method} ${new URL(request.url).pathname}`);
    return kit.handle(request);
  });
  kit = createServerKit({
    connectionString: emulator.connectionString,
    signingSecret: SECRET,
    publicUrl: server.url,
    store,
    onError: (error) => kitErrors.push(error),
    authenticate: (request) => request.headers.get("x-test-user") ?? undefined,
    eventGrid: new EventGridSource({ secret: "event-grid-secret" }),
    acsClientOptions: emulator.clientOptions,
    // Each test signs its users in afresh.
    tokensPerMinute: 1000,
  });
});
afterAll(async () => {
  await shutdownAll();
  await server?.close();
  await emulator?.close();
});

const { tokenFor, clientFor, shutdownAll } = kitClients(() => server, () => emulator);

/** Mallory as a native ACS caller: her own ACS user and token, from her kit token. */
async function nativeMallory(): Promise<{ chat: ChatClient; userId: string }> {
  const fields = decodeClientToken(await tokenFor("mallory"));
  return { chat: chatClientFor(emulator, fields.acsToken), userId: fields.acsUserId };
}

/** A conversation alice creates with bob and mallory in it. */
async function sharedConversation(alice: Client, name: string): Promise<Conversation> {
  const conversation = await alice.createConversation({ friendlyName: name });
  await conversation.join();
  await conversation.add("bob");
  await conversation.add("mallory");
  return conversation;
}

describe("nobody can pose as someone else", () => {
  it("a native send with senderDisplayName 'alice' shows as mallory's message", async () => {
    const alice = await clientFor("alice");
    const conversation = await sharedConversation(alice, "display names");
    const mallory = await nativeMallory();
    await mallory.chat.getChatThreadClient(conversation.sid).sendMessage({ content: "I am alice" }, { senderDisplayName: "alice" });

    const bob = await clientFor("bob");
    const [message] = (await (await bob.getConversationBySid(conversation.sid)).getMessages()).items;
    expect(message!.body).toBe("I am alice");
    expect(message!.author).toBe("mallory");
    expect((await message!.getParticipant()).identity).toBe("mallory");
  });

  it("participant metadata naming mallory 'alice' in her own thread makes her neither creator, participant nor author 'alice'", async () => {
    const mallory = await nativeMallory();
    const bobUserId = await kit.userIdOf("bob");
    const { chatThread } = await mallory.chat.createChatThread(
      { topic: "totally alice" },
      {
        participants: [
          { id: { communicationUserId: mallory.userId }, displayName: "alice", metadata: { twilioIdentity: "alice" } },
          { id: { communicationUserId: bobUserId }, displayName: "bob", metadata: { twilioIdentity: "bob" } },
        ],
      },
    );
    await mallory.chat.getChatThreadClient(chatThread!.id).sendMessage({ content: "hello from alice" }, { senderDisplayName: "alice" });

    const bob = await clientFor("bob");
    const conversation = await bob.getConversationBySid(chatThread!.id);
    expect(conversation.createdBy).toBe("mallory");
    expect((await conversation.getParticipants()).map((p) => p.identity).sort()).toEqual(["bob", "mallory"]);
    expect(await rejection(conversation.getParticipantByIdentity("alice"))).toBeInstanceOf(NotFoundError);
    expect((await conversation.getMessages()).items.map((m) => m.author)).toEqual(["mallory"]);
  });

  it("carol added under the label 'ceo' is carol: her messages are by carol, and removeParticipant('ceo') removes nobody", async () => {
    const alice = await clientFor("alice");
    const conversation = await sharedConversation(alice, "labels");
    const mallory = await nativeMallory();
    const carolUserId = await kit.userIdOf("carol");
    await mallory.chat
      .getChatThreadClient(conversation.sid)
      .addParticipants({ participants: [{ id: { communicationUserId: carolUserId }, displayName: "ceo", metadata: { twilioIdentity: "ceo" } }] });
    const carol = await clientFor("carol");
    await (await carol.getConversationBySid(conversation.sid)).sendMessage("signed, carol");

    const bob = await clientFor("bob");
    const seen = await bob.getConversationBySid(conversation.sid);
    expect((await seen.getMessages()).items.map((m) => m.author)).toEqual(["carol"]);
    expect(await rejection(seen.removeParticipant("ceo"))).toBeInstanceOf(NotFoundError);
    expect((await seen.getParticipants()).map((p) => p.identity).sort()).toEqual(["alice", "bob", "carol", "mallory"]);
  });
});

describe("identities cost no request per message", () => {
  it("a page by several senders costs one directory lookup; senders already known cost none", async () => {
    const alice = await clientFor("alice");
    const conversation = await alice.createConversation({ friendlyName: "many senders" });
    await conversation.join();
    for (const identity of ["bob", "carol", "dave"]) await conversation.add(identity);
    for (const identity of ["alice", "bob", "carol", "dave", "alice", "bob"]) {
      const sender = identity === "alice" ? alice : await clientFor(identity);
      await (await sender.getConversationBySid(conversation.sid)).sendMessage(`from ${identity}`);
    }
    const erin = await clientFor("dave");
    const seen = await erin.getConversationBySid(conversation.sid);
    const before = kitRequests.length;
    const page = await seen.getMessages(3);
    const lookups = () => kitRequests.slice(before).filter((request) => request.includes("/directory/user-ids"));
    expect(page.items.map((m) => m.author)).toEqual(["dave", "alice", "bob"]);
    expect(lookups()).toEqual(["POST /directory/user-ids"]);
    const older = await page.prevPage();
    expect(older.items.map((m) => m.author)).toEqual(["alice", "bob", "carol"]);
    // Only carol was new on the older page.
    expect(lookups()).toHaveLength(2);
    await seen.getMessages(6);
    expect(lookups()).toHaveLength(2);
  });
});

describe("nobody rewrites others' attributes beyond their rights", () => {
  it("a control message from mallory does not change alice's message attributes; bob's reaction does", async () => {
    const alice = await clientFor("alice");
    const conversation = await sharedConversation(alice, "approvals");
    await conversation.sendMessage("please approve", { approvedBy: "alice", amount: 100 });
    const [original] = (await conversation.getMessages()).items;

    const mallory = await nativeMallory();
    await mallory.chat.getChatThreadClient(conversation.sid).sendMessage(
      { content: "(attributes updated)" },
      { metadata: { twilioControl: "messageAttributes", twilioControlTarget: original!.sid, twilioAttributes: JSON.stringify({ approvedBy: "bob", amount: 100000 }) } },
    );
    // Through our client, mallory is refused before anything is sent, as Twilio answers 403.
    const malloryClient = await clientFor("mallory");
    const [malloryView] = (await (await malloryClient.getConversationBySid(conversation.sid)).getMessages()).items;
    expect(await rejection(malloryView!.updateAttributes({ approvedBy: "mallory", amount: 5 }))).toBeInstanceOf(PermissionDeniedError);

    const bob = await clientFor("bob");
    const bobsConversation = await bob.getConversationBySid(conversation.sid);
    const [message] = (await bobsConversation.getMessages()).items;
    expect(message!.attributes).toEqual({ approvedBy: "alice", amount: 100 });

    // A reaction (the `reactions` key only) on another's message is within an ordinary participant's rights.
    await message!.updateAttributes({ approvedBy: "alice", amount: 100, reactions: { "👍": ["bob"] } });
    const fresh = await clientFor("alice");
    const [reacted] = (await (await fresh.getConversationBySid(conversation.sid)).getMessages()).items;
    expect(reacted!.attributes).toEqual({ approvedBy: "alice", amount: 100, reactions: { "👍": ["bob"] } });
  });

  it("a participant-attributes snapshot from mallory changes her own attributes only, and cannot replay alice's old ones", async () => {
    const alice = await clientFor("alice");
    const conversation = await sharedConversation(alice, "roles");
    const participants = await conversation.getParticipants();
    const byIdentity = (identity: string) => participants.find((p) => p.identity === identity)!;
    await byIdentity("alice").updateAttributes({ role: "owner", version: 1 });
    await byIdentity("alice").updateAttributes({ role: "owner", version: 2 });

    const bob = await clientFor("bob");
    const bobsConversation = await bob.getConversationBySid(conversation.sid);
    const bobsView = async (identity: string) => (await bobsConversation.getParticipantByIdentity(identity))!.attributes;
    expect(await bobsView("alice")).toEqual({ role: "owner", version: 2 });

    // Mallory finds the message that set alice's version 1, and copies it into her own snapshot with a forged role for bob.
    const mallory = await nativeMallory();
    const thread = mallory.chat.getChatThreadClient(conversation.sid);
    const controls = [];
    for await (const message of thread.listMessages()) if (message.metadata?.twilioControl === "participantAttributes") controls.push(message);
    const first = controls.sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId))[0]!;
    const userIds = Object.fromEntries(participants.map((p) => [p.identity!, p.sid]));
    const forged = await thread.sendMessage(
      { content: "(participant attributes updated)" },
      {
        metadata: {
          twilioControl: "participantAttributes",
          twilioAttributes: JSON.stringify({
            [userIds.alice!]: { role: "owner", version: 1 },
            [userIds.bob!]: { role: "banned" },
            [mallory.userId]: { role: "admin" },
          }),
          twilioControlOrigins: JSON.stringify({ [userIds.alice!]: first.id }),
        },
      },
    );
    await thread.updateProperties({ metadata: { twilioParticipantAttributes: forged.id } });

    const observer = await clientFor("bob");
    const observed = await observer.getConversationBySid(conversation.sid);
    const attributesOf = async (identity: string) => (await observed.getParticipantByIdentity(identity))!.attributes;
    // A new reader checks every entry: mallory's own entry is hers to set (Twilio's editOwnParticipantAttributes),
    // bob's is not; alice's copied entry was set by alice, so it shows, but a client that knew version 2 keeps it.
    expect(await attributesOf("mallory")).toEqual({ role: "admin" });
    expect(await attributesOf("bob")).toEqual({});
    await bobsConversation._refreshProperties();
    expect(await bobsView("alice")).toEqual({ role: "owner", version: 2 });
    expect(await bobsView("bob")).toEqual({});

    // Through our client, mallory is refused before anything is sent.
    const malloryClient = await clientFor("mallory");
    const bobAsSeenByMallory = await (await malloryClient.getConversationBySid(conversation.sid)).getParticipantByIdentity("bob");
    expect(await rejection(bobAsSeenByMallory!.updateAttributes({ role: "banned" }))).toBeInstanceOf(PermissionDeniedError);
  });

  it("an app's policy decides instead: here only alice may change anyone's attributes", async () => {
    const onlyAlice: AttributePolicy = ({ sender, owner }) => sender.identity === "alice" || sender.userId === owner.userId;
    const alice = await clientFor("alice", { attributePolicy: onlyAlice });
    const conversation = await sharedConversation(alice, "policy");
    const bob = await clientFor("bob", { attributePolicy: onlyAlice });
    await (await bob.getConversationBySid(conversation.sid)).sendMessage("bob's", { status: "open" });
    const [message] = (await conversation.getMessages()).items;
    await message!.updateAttributes({ status: "closed by alice" });

    const withPolicy = await clientFor("bob", { attributePolicy: onlyAlice });
    const [seen] = (await (await withPolicy.getConversationBySid(conversation.sid)).getMessages()).items;
    expect(seen!.attributes).toEqual({ status: "closed by alice" });
    // The default policy would not let alice change bob's message: clients must share one policy.
    const withDefault = await clientFor("bob");
    const [unchanged] = (await (await withDefault.getConversationBySid(conversation.sid)).getMessages()).items;
    expect(unchanged!.attributes).toEqual({ status: "open" });
  });
});

describe("unique names come from the server kit's directory", () => {
  it("thread metadata naming mallory's thread 'lobby' does not make it the lobby", async () => {
    const alice = await clientFor("alice");
    const lobby = await alice.createConversation({ friendlyName: "Lobby", uniqueName: "lobby" });
    await lobby.join();
    const mallory = await nativeMallory();
    const bobUserId = await kit.userIdOf("bob");
    const { chatThread } = await mallory.chat.createChatThread(
      { topic: "Lobby" },
      { participants: [{ id: { communicationUserId: mallory.userId } }, { id: { communicationUserId: bobUserId } }], metadata: { twilioUniqueName: "lobby" } },
    );

    const bob = await clientFor("bob");
    const fake = await bob.getConversationBySid(chatThread!.id);
    expect(fake.uniqueName).toBeNull();
    expect((await bob.getConversationByUniqueName("lobby")).sid).toBe(lobby.sid);
  });
});

describe("the server kit on ACS's real answers", () => {
  it("a directory of another ACS resource is the kit's misconfiguration (500, reported), not the caller's bad token (401)", async () => {
    await store.putUserIfAbsent("zed", "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-00000000dead");
    const response = await fetch(`${server.url}/token`, { method: "POST", headers: { "x-test-user": "zed" } });
    expect(response.status).toBe(500);
    expect(String(kitErrors.at(-1))).toMatch(/another ACS resource \(IdentityNotOwned\)/);
  });
});
