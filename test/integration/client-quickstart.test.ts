/**
 * The Twilio quickstart flow and the rest of the core client, as a Twilio app would write it,
 * running on our classes over the real @azure/communication-chat SDK against the emulator.
 */
import { ChatClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AcsRequestError,
  Client,
  ClientShutDownError,
  ConflictError,
  Conversation,
  InitializationError,
  InvalidArgumentError,
  LimitExceededError,
  Message,
  NotFoundError,
  Participant,
  UnsupportedFeatureError,
  User,
  type ConnectionState,
} from "../../src/index.js";
import { identityClient, rejection } from "../helpers/acs.js";
import { createSession, initialized, sharedConversation as shared, startTwoUsersOnTarget, type TestDirectory, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { requestsDuring } from "../helpers/observe.js";
import { emulatorOnly, type Target } from "../helpers/target.js";

let users: TwoUsers<Target>;
let emulator: Target;
let directory: TestDirectory;
let alice: TestSession;
let bob: TestSession;
let aliceClient: Client;
let bobClient: Client;

/** A conversation alice created, joined and added bob to; bob's view of it. */
const sharedConversation = (friendlyName: string) => shared(aliceClient, bobClient, friendlyName);

beforeAll(async () => {
  ({ emulator, directory, alice, bob, aliceClient, bobClient } = users = await startTwoUsersOnTarget());
});

afterAll(() => users?.close());

describe("client lifecycle", () => {
  it("connects, initializes, and replays initialized to late listeners", async () => {
    const client = alice.client();
    const states: ConnectionState[] = [];
    const lifecycle: string[] = [];
    client.on("connectionStateChanged", (state) => states.push(state));
    client.on("stateChanged", (state) => lifecycle.push(`stateChanged:${state}`));
    client.on("initialized", () => lifecycle.push("initialized"));
    await initialized(client);
    expect(states).toEqual(["connecting", "connected"]);
    expect(client.connectionState).toBe("connected");
    expect(lifecycle).toEqual(["stateChanged:initialized", "initialized"]);

    let replayed = 0;
    client.onWithReplay("initialized", () => replayed++);
    client.on("initialized", () => replayed++);
    expect(replayed).toBe(1);
    expect(client.user).toBeInstanceOf(User);
    expect(client.user.identity).toBe("alice");
    expect(client.version).toBe(Client.version);
    await client.shutdown();
    expect(client.connectionState).toBe("disconnected");
  });

  it("announces every conversation the user is in as conversationAdded then conversationJoined", async () => {
    const { mine } = await sharedConversation("announced");
    const client = bob.client();
    const events: string[] = [];
    client.on("conversationAdded", (c) => events.push(`added:${c.sid}`));
    client.on("conversationJoined", (c) => events.push(`joined:${c.sid}`));
    await initialized(client);
    const paginator = await client.getSubscribedConversations();
    expect(paginator.items.map((c) => c.sid)).toContain(mine.sid);
    expect(paginator.hasNextPage).toBe(false);
    const added = events.indexOf(`added:${mine.sid}`);
    expect(added).toBeGreaterThanOrEqual(0);
    expect(events[added + 1]).toBe(`joined:${mine.sid}`);
    const conversation = paginator.items.find((c) => c.sid === mine.sid)!;
    expect(conversation.status).toBe("joined");
    expect(conversation.friendlyName).toBe("announced");
    await client.shutdown();
  });

  it("Client.create resolves once initialized", async () => {
    const client = await Client.create(alice.token, { identityResolver: directory, chatClientOptions: emulator.clientOptions });
    expect(client.connectionState).toBe("connected");
    await client.shutdown();
  });

  it("accepts a plain ACS token with endpoint and identity options", async () => {
    const client = new Client(alice.acsToken, { endpoint: emulator.endpoint, identity: "alice", chatClientOptions: emulator.clientOptions });
    await initialized(client);
    expect(client.acs.userId).toBe(alice.userId);
    expect(client.acs.chatClient).toBeInstanceOf(ChatClient);
    await client.shutdown();
  });

  emulatorOnly("revocation at once; ACS may accept a revoked token for a while")("reports denied and initFailed for a token ACS refuses, and calls then reject", async () => {
    const identity = identityClient(emulator);
    const carol = await createSession(emulator, "carol", directory);
    await identity.revokeTokens({ communicationUserId: carol.userId });
    const client = carol.client();
    const states: ConnectionState[] = [];
    client.on("connectionStateChanged", (state) => states.push(state));
    const failed = new Promise<{ error?: { terminal: boolean; message: string } }>((resolve) => client.on("initFailed", resolve));
    const { error } = await failed;
    expect(error?.terminal).toBe(true);
    expect(error?.message).toMatch(/401|revoked/i);
    expect(states).toEqual(["connecting", "denied"]);
    expect(client.connectionState).toBe("denied");
    const refused = await rejection(client.createConversation({ friendlyName: "never" }));
    expect(refused.message).toMatch(/initialization failed/i);
    expect(refused).toBeInstanceOf(InitializationError);
  });

  emulatorOnly("counts requests")("rejects calls after shutdown() with ClientShutDownError, making no request", async () => {
    const client = alice.client();
    await initialized(client);
    const [conversation] = (await client.getSubscribedConversations()).items;
    await client.shutdown();
    const { result: refused, requests } = await requestsDuring(emulator, () => rejection(client.createConversation({ friendlyName: "too late" })));
    expect(refused).toBeInstanceOf(ClientShutDownError);
    expect(requests).toEqual([]);
    if (conversation) expect(await rejection(conversation.sendMessage("too late"))).toBeInstanceOf(ClientShutDownError);
  });

  it("updateToken swaps the token without losing objects, and refuses another user's token", async () => {
    const client = alice.client();
    await initialized(client);
    const conversation = await client.createConversation({ friendlyName: "token swap" });
    const { token: fresh } = await identityClient(emulator).getToken({ communicationUserId: alice.userId }, ["chat"]);
    await client.updateToken(fresh);
    expect(client.token).toBe(fresh);
    await expect(conversation.sendMessage("after the swap")).resolves.toBeGreaterThan(0);
    expect(await client.getConversationBySid(conversation.sid)).toBe(conversation);
    const error = await rejection(client.updateToken(bob.token));
    expect((error as Error).name).toBe("InvalidArgumentError");
    await client.shutdown();
  });
});

describe("the quickstart flow", () => {
  it("creates, joins, adds, sends with attributes, and both sides read it back", async () => {
    const added: Conversation[] = [];
    aliceClient.on("conversationAdded", (c) => added.push(c));
    const conversation = await aliceClient.createConversation({ friendlyName: "Quickstart", attributes: { topic: "support", level: 2 } });
    expect(conversation).toBeInstanceOf(Conversation);
    expect(added).toContain(conversation);
    expect(conversation.status).toBe("notParticipating");
    expect(conversation.friendlyName).toBe("Quickstart");
    expect(conversation.attributes).toEqual({ topic: "support", level: 2 });
    expect(conversation.createdBy).toBe("alice");

    const joined: Conversation[] = [];
    aliceClient.on("conversationJoined", (c) => joined.push(c));
    await conversation.join();
    expect(conversation.status).toBe("joined");
    expect(joined).toContain(conversation);

    const response = await conversation.add("bob", { role: "guest" });
    expect(response.identity).toBe("bob");
    expect(response.sid).toBe(bob.userId);
    expect(JSON.parse(response.attributes)).toEqual({ role: "guest" });

    const messageAdded: Message[] = [];
    conversation.on("messageAdded", (m) => messageAdded.push(m));
    const index = await conversation.sendMessage("Hello Bob!", { importance: "high", tags: ["a", 1, null] });
    expect(Number.isInteger(index)).toBe(true);
    expect(messageAdded.map((m) => m.index)).toEqual([index]);
    expect(messageAdded[0]!.author).toBe("alice");

    const bobView = await bobClient.getConversationBySid(conversation.sid);
    expect(bobView.attributes).toEqual({ topic: "support", level: 2 });
    const bobIndex = await bobView.prepareMessage().setBody("Hi Alice").setAttributes({ mood: "happy" }).build().send();
    expect(bobIndex).toBeGreaterThan(index);

    for (const view of [conversation, bobView]) {
      const page = await view.getMessages();
      expect(page.items.map((m) => [m.index, m.author, m.body, m.attributes])).toEqual([
        [index, "alice", "Hello Bob!", { importance: "high", tags: ["a", 1, null] }],
        [bobIndex, "bob", "Hi Alice", { mood: "happy" }],
      ]);
      expect(page.items.every((m) => m instanceof Message && m.type === "text")).toBe(true);
      expect(page.hasPrevPage).toBe(false);
      expect(page.hasNextPage).toBe(false);
    }
    const participants = await bobView.getParticipants();
    expect(participants.map((p) => [p.identity, p.attributes]).sort()).toEqual([
      ["alice", {}],
      ["bob", { role: "guest" }],
    ]);
    expect(participants.every((p) => p instanceof Participant && p.type === "chat")).toBe(true);
    expect(await bobView.getParticipantsCount()).toBe(2);
  });

  it("returns the same instance for the same sid while the client lives", async () => {
    const { mine } = await sharedConversation("instances");
    await mine.sendMessage("one");
    expect(await aliceClient.getConversationBySid(mine.sid)).toBe(mine);
    const first = await mine.getMessages();
    const second = await mine.getMessages();
    expect(second.items[0]).toBe(first.items[0]);
    const participant = await mine.getParticipantByIdentity("bob");
    expect(await mine.getParticipantBySid(participant!.sid)).toBe(participant);
    expect(await first.items[0]!.getParticipant()).toBe(await mine.getParticipantByIdentity("alice"));
  });

  it("exposes the ACS objects underneath as escape hatches", async () => {
    const { mine } = await sharedConversation("hatches");
    await mine.sendMessage("raw");
    const [message] = (await mine.getMessages()).items;
    expect((await mine.acs.threadClient.getProperties()).id).toBe(mine.sid);
    expect(message!.acs.message.id).toBe(message!.sid);
    expect(message!.acs.message.sequenceId).toBe(String(message!.index));
  });
});

describe("editing messages and reactions", () => {
  it("lets bob react to alice's message, which both sides see, and keeps the reaction through alice's edit", async () => {
    const { mine, theirs } = await sharedConversation("reactions");
    await mine.sendMessage("React to me", { reactions: {} });
    const [bobsCopy] = (await theirs.getMessages()).items;
    const updates: string[][] = [];
    theirs.on("messageUpdated", ({ updateReasons }) => updates.push(updateReasons));
    await bobsCopy!.updateAttributes({ reactions: { "👍": ["bob"] } });
    expect(bobsCopy!.attributes).toEqual({ reactions: { "👍": ["bob"] } });
    expect(updates).toEqual([["attributes"]]);

    const alicePage = await mine.getMessages();
    expect(alicePage.items.map((m) => m.attributes)).toEqual([{ reactions: { "👍": ["bob"] } }]);
    // The control message that carried the reaction is not a Message.
    expect(alicePage.items).toHaveLength(1);

    const [alicesCopy] = alicePage.items;
    await alicesCopy!.updateBody("React to me (edited)");
    expect(alicesCopy!.body).toBe("React to me (edited)");
    expect(alicesCopy!.lastUpdatedBy).toBe("alice");
    const [seenByBob] = (await theirs.getMessages()).items;
    expect(seenByBob).toBe(bobsCopy);
    expect([seenByBob!.body, seenByBob!.attributes]).toEqual(["React to me (edited)", { reactions: { "👍": ["bob"] } }]);
  });

  it("refuses bob's edit of alice's body with ACS's 403, and removes alice's message for both", async () => {
    const { mine, theirs } = await sharedConversation("edits");
    await mine.sendMessage("keep");
    await mine.sendMessage("remove me");
    const [, bobsCopy] = (await theirs.getMessages()).items;
    const error = await rejection(bobsCopy!.updateBody("hijacked"));
    expect(error).toBeInstanceOf(AcsRequestError);
    expect((error as AcsRequestError).statusCode).toBe(403);

    const [, alicesCopy] = (await mine.getMessages()).items;
    const removed: Message[] = [];
    mine.on("messageRemoved", (m) => removed.push(m));
    await alicesCopy!.remove();
    expect(removed).toEqual([alicesCopy]);
    expect((await theirs.getMessages()).items.map((m) => m.body)).toEqual(["keep"]);
  });
});

describe("participants", () => {
  emulatorOnly("fault injection")("keeps another client's concurrent metadata change: each write sends only its own keys", async () => {
    const mine = await aliceClient.createConversation({ friendlyName: "two writers", attributes: { owner: "nobody" } });
    await mine.join();
    await mine.add("bob");
    const theirs = await bobClient.getConversationBySid(mine.sid);
    // bob's write of the participant-attributes pointer is slow; alice's attributes land meanwhile.
    const bobAsParticipant = (await theirs.getParticipantByIdentity("bob"))!;
    const slow = emulator.faults.inject({ method: "PATCH", path: `/chat/threads/${mine.sid}`, fault: { kind: "delay", delayInMs: 300 } });
    const bobsWrite = bobAsParticipant.updateAttributes({ role: "reviewer" });
    while (slow.triggered === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await mine.updateAttributes({ owner: "alice" });
    await bobsWrite;
    const properties = await mine.acs.threadClient.getProperties();
    expect(JSON.parse(properties.metadata!.twilioAttributes!)).toEqual({ owner: "alice" });
  });

  it("carries participant attribute updates to the other side", async () => {
    const { mine, theirs } = await sharedConversation("participant attributes");
    const me = await theirs.getParticipantByIdentity("bob");
    await me!.updateAttributes({ role: "admin", since: 2026 });
    expect(me!.attributes).toEqual({ role: "admin", since: 2026 });
    const seen = await mine.getParticipantByIdentity("bob");
    await mine.getParticipants();
    expect(seen!.attributes).toEqual({ role: "admin", since: 2026 });
    expect((await mine.getParticipantByIdentity("alice"))!.attributes).toEqual({});
  });

  it("removes a participant by identity, who then cannot see the conversation", async () => {
    const { mine } = await sharedConversation("removal");
    const left: Participant[] = [];
    mine.on("participantLeft", (p) => left.push(p));
    await mine.removeParticipant("bob");
    expect(left.map((p) => p.identity)).toEqual(["bob"]);
    expect((await mine.getParticipants()).map((p) => p.identity)).toEqual(["alice"]);
    const client = bob.client();
    await initialized(client);
    expect(await rejection(client.getConversationBySid(mine.sid))).toBeInstanceOf(NotFoundError);
    await client.shutdown();
  });

  it("rejects unknown participants and identities with NotFoundError", async () => {
    const { mine } = await sharedConversation("unknowns");
    expect(await rejection(mine.getParticipantByIdentity("nobody"))).toBeInstanceOf(NotFoundError);
    expect(await rejection(mine.getParticipantBySid("8:acs:nobody"))).toBeInstanceOf(NotFoundError);
    expect(await rejection(mine.add("nobody"))).toBeInstanceOf(NotFoundError);
  });

  it("leaves a conversation: conversationLeft, status notParticipating, and no more access", async () => {
    const { theirs } = await sharedConversation("leaving");
    const left: Conversation[] = [];
    bobClient.on("conversationLeft", (c) => left.push(c));
    await theirs.leave();
    expect(left).toContain(theirs);
    expect(theirs.status).toBe("notParticipating");
    expect(await rejection(bobClient.getConversationBySid(theirs.sid))).toBeInstanceOf(NotFoundError);
  });
});

describe("conversation properties and unique names", () => {
  it("updates friendly name and attributes, with Twilio's update reasons, seen by the other side", async () => {
    const { mine, theirs } = await sharedConversation("properties");
    const reasons: string[][] = [];
    mine.on("updated", ({ updateReasons }) => reasons.push(updateReasons));
    await mine.updateFriendlyName("renamed");
    await mine.updateAttributes({ color: "blue" });
    expect(reasons).toEqual([
      ["friendlyName", "dateUpdated"],
      ["attributes", "dateUpdated"],
    ]);
    expect(await theirs.getAttributes()).toEqual({ color: "blue" });
    expect(theirs.friendlyName).toBe("renamed");
  });

  it("finds conversations by unique name and refuses a taken one with Twilio's code 50353", async () => {
    const conversation = await aliceClient.createConversation({ friendlyName: "unique", uniqueName: "support-42" });
    expect(conversation.uniqueName).toBe("support-42");
    expect(await aliceClient.getConversationByUniqueName("support-42")).toBe(conversation);
    const taken = await rejection(aliceClient.createConversation({ uniqueName: "support-42" }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect((taken as unknown as ConflictError).code).toBe(50353);

    await conversation.updateUniqueName("support-43");
    expect(await aliceClient.getConversationByUniqueName("support-43")).toBe(conversation);
    expect(await rejection(aliceClient.getConversationByUniqueName("support-42"))).toBeInstanceOf(NotFoundError);
    await conversation.updateUniqueName(null);
    expect(conversation.uniqueName).toBeNull();
  });

  it("deletes a conversation: conversationRemoved, and it is gone for everyone", async () => {
    const { mine } = await sharedConversation("doomed");
    const removed: Conversation[] = [];
    aliceClient.on("conversationRemoved", (c) => removed.push(c));
    await mine.delete();
    expect(removed).toContain(mine);
    expect(await rejection(aliceClient.getConversationBySid(mine.sid))).toBeInstanceOf(NotFoundError);
    // Bob's running client learns of it from the event stream (the events milestone); a new one never sees it.
    const client = bob.client();
    await initialized(client);
    expect(await rejection(client.getConversationBySid(mine.sid))).toBeInstanceOf(NotFoundError);
    expect((await client.getSubscribedConversations()).items.map((c) => c.sid)).not.toContain(mine.sid);
    await client.shutdown();
  });
});

describe("bad input: typed errors before any request, nothing half-written", () => {
  it("throws InvalidArgumentError synchronously for an empty or malformed token", () => {
    for (const token of ["", "not-a-token", "tcacs1.!!!"]) {
      let caught: unknown;
      try {
        new Client(token, { identityResolver: directory });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError);
      expect((caught as InvalidArgumentError).field).toMatch(/^token|^options/);
    }
  });

  emulatorOnly("counts requests")("rejects wrong argument types naming the field, with no request made", async () => {
    const { mine } = await sharedConversation("bad arguments");
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => aliceClient.createConversation({ friendlyName: 5 as unknown as string }), "options.friendlyName"],
      [() => aliceClient.getConversationBySid(42 as unknown as string), "conversationSid"],
      [() => mine.sendMessage("x", { when: new Date() } as never), "messageAttributes"],
      [() => mine.getMessages(-1), "pageSize"],
      [() => mine.getMessages(10, 1.5), "anchor"],
      [() => mine.getMessages(10, 3, "up" as "forward"), "direction"],
      [() => mine.add(""), "identity"],
      [() => mine.updateAttributes(undefined as never), "attributes"],
    ];
    for (const [call, field] of cases) {
      const { result: error, requests } = await requestsDuring(emulator, () => rejection(call()));
      expect(error, field).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe(field);
      expect(requests, field).toEqual([]);
    }
  });

  emulatorOnly("counts requests")("refuses oversized attributes with LimitExceededError naming the limit, and writes nothing", async () => {
    const { mine } = await sharedConversation("limits");
    await mine.sendMessage("only message");
    const { result: messageError, requests } = await requestsDuring(emulator, () => rejection(mine.sendMessage("x".repeat(20 * 1024), { text: "y".repeat(10 * 1024) })));
    expect(messageError).toBeInstanceOf(LimitExceededError);
    expect((messageError as LimitExceededError).limit).toBe(28 * 1024);
    expect(requests).toEqual([]);
    // Attributes over Twilio's largest attributes limit (16 KB) are refused too: other clients would read them as text.
    const attributesTooBig = await rejection(mine.sendMessage("too big", { text: "x".repeat(17 * 1024) }));
    expect(attributesTooBig).toBeInstanceOf(LimitExceededError);
    expect((attributesTooBig as LimitExceededError).limit).toBe(16 * 1024);
    expect(await mine.getMessagesCount()).toBe(1);

    const threadsBefore = (await aliceClient.getSubscribedConversations()).items.length;
    const conversationError = await rejection(aliceClient.createConversation({ attributes: { text: "y".repeat(1100) } }));
    expect(conversationError).toBeInstanceOf(LimitExceededError);
    expect((conversationError as LimitExceededError).limit).toBe(1024);
    expect((conversationError as Error).message).toMatch(/Conversation attributes/);
    expect((await aliceClient.getSubscribedConversations()).items.length).toBe(threadsBefore);

    const attributesError = await rejection(mine.updateAttributes({ text: "z".repeat(1100) }));
    expect(attributesError).toBeInstanceOf(LimitExceededError);
    expect(await mine.getAttributes()).toEqual({});
  });

  it("refuses an email subject with UnsupportedFeatureError, sending nothing", async () => {
    const { mine } = await sharedConversation("no email");
    const error = (await rejection(mine.sendMessage("hello", undefined, { subject: "Re: order" }))) as unknown as UnsupportedFeatureError;
    expect([error.name, error.migrationSection]).toEqual(["UnsupportedFeatureError", "Email"]);
    expect(await mine.getMessagesCount()).toBe(0);
  });
});
