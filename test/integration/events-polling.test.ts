/**
 * Events from the other side, in Node, where ACS has no realtime notifications: two clients
 * (alice and bob) in one process with the polling source, against the emulator. Every Twilio
 * event is observed on the other side with Twilio's payload and update reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client, Conversation, Message, Participant } from "../../src/index.js";
import { identityClient } from "../helpers/acs.js";
import { announcedConversation, createSession, initialized, startTwoUsersOnTarget, type TestDirectory, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { next, until } from "../helpers/observe.js";
import type { Target } from "../helpers/target.js";

const FAST = { minIntervalInMs: 20, maxIntervalInMs: 100, watchIntervalInMs: 150, removalCheckIntervalInMs: 300 };

let users: TwoUsers<Target>;
let emulator: Target;
let directory: TestDirectory;
let alice: TestSession;
let bob: TestSession;
let carol: TestSession;
let aliceClient: Client;
let bobClient: Client;

/** Alice's new conversation with bob in it, and bob's copy once his client announced it. */
const sharedConversation = (friendlyName: string) => announcedConversation(aliceClient, bobClient, friendlyName);

beforeAll(async () => {
  users = await startTwoUsersOnTarget({
    aliceClient: (session) => session.client({ eventSource: "polling", polling: FAST }),
    bobClient: (session) => session.client({ eventSource: "polling", polling: FAST }),
  });
  ({ emulator, directory, alice, bob, aliceClient, bobClient } = users);
  carol = await createSession(emulator, "carol", directory);
});

afterAll(() => users?.close());

describe("conversations", () => {
  it("bob's client announces a conversation alice adds him to: conversationAdded then conversationJoined", async () => {
    const order: string[] = [];
    const added = next(bobClient, "conversationAdded", (c) => c.friendlyName === "announce me");
    bobClient.on("conversationAdded", (c) => c.friendlyName === "announce me" && order.push("added"));
    bobClient.on("conversationJoined", (c) => c.friendlyName === "announce me" && order.push("joined"));
    const mine = await aliceClient.createConversation({ friendlyName: "announce me", attributes: { a: 1 } });
    await mine.join();
    await mine.add("bob");
    const [theirs] = await added;
    expect(theirs.sid).toBe(mine.sid);
    expect(theirs.attributes).toEqual({ a: 1 });
    await until(() => order.length === 2);
    expect(order).toEqual(["added", "joined"]);
  });

  it("messages alice sent between adding bob and his client noticing arrive as messageAdded, not lost", async () => {
    const mine = await aliceClient.createConversation({ friendlyName: "early words" });
    await mine.join();
    const seen: string[] = [];
    bobClient.on("messageAdded", (m) => m.conversation.sid === mine.sid && seen.push(m.body ?? ""));
    await mine.add("bob");
    await mine.sendMessage("first");
    await mine.sendMessage("second");
    await until(() => seen.length === 2);
    expect(seen).toEqual(["first", "second"]);
  });

  it("updates: friendly name (a system message) and attributes (metadata) with Twilio's reasons", async () => {
    const { mine, theirs } = await sharedConversation("rename me");
    const reasons: string[][] = [];
    theirs.on("updated", ({ updateReasons }) => reasons.push(updateReasons));
    const renamed = next(bobClient, "conversationUpdated", ({ conversation, updateReasons }) => conversation === theirs && updateReasons.includes("friendlyName"));
    await mine.updateFriendlyName("renamed");
    await renamed;
    expect(theirs.friendlyName).toBe("renamed");
    const recolored = next(bobClient, "conversationUpdated", ({ conversation, updateReasons }) => conversation === theirs && updateReasons.includes("attributes"));
    await mine.updateAttributes({ color: "green" });
    await recolored;
    expect(theirs.attributes).toEqual({ color: "green" });
    expect(reasons.some((r) => r.includes("friendlyName"))).toBe(true);
    expect(reasons.some((r) => r.includes("attributes"))).toBe(true);
  });

  it("removal and deletion: conversationLeft and conversationRemoved on bob's side, and `removed` on the conversation", async () => {
    const { mine, theirs } = await sharedConversation("leave me");
    const removedEvents: Conversation[] = [];
    theirs.on("removed", (c) => removedEvents.push(c));
    const left = next(bobClient, "conversationLeft", (c) => c === theirs);
    const removed = next(bobClient, "conversationRemoved", (c) => c === theirs);
    await mine.removeParticipant("bob");
    await left;
    await removed;
    expect(removedEvents).toEqual([theirs]);
    expect(theirs.status).toBe("notParticipating");

    const other = await sharedConversation("delete me");
    const gone = next(bobClient, "conversationRemoved", (c) => c === other.theirs);
    await other.mine.delete();
    await gone;
  });
});

describe("messages", () => {
  it("messageAdded on both sides (own messages too), in index order, with author and attributes", async () => {
    const { mine, theirs } = await sharedConversation("chatter");
    const bobSeen: Message[] = [];
    const aliceSeen: Message[] = [];
    theirs.on("messageAdded", (m) => bobSeen.push(m));
    mine.on("messageAdded", (m) => aliceSeen.push(m));
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) sent.push(await mine.sendMessage(`hello ${i}`, { n: i }));
    sent.push(await theirs.sendMessage("bob here"));
    await until(() => bobSeen.length === 6 && aliceSeen.length === 6);
    for (const seen of [bobSeen, aliceSeen]) {
      expect(seen.map((m) => m.index)).toEqual(sent);
      expect(seen.map((m) => m.author)).toEqual(["alice", "alice", "alice", "alice", "alice", "bob"]);
    }
    expect(bobSeen[2]!.attributes).toEqual({ n: 2 });
    expect(theirs.lastMessage?.index).toBe(sent[5]);
  });

  it("messageUpdated with reasons for edits and reactions, messageRemoved for deletions", async () => {
    const { mine, theirs } = await sharedConversation("edits");
    const arrived = new Promise<Message>((resolve) => theirs.once("messageAdded", resolve));
    await mine.sendMessage("original", { reactions: {} });
    const bobsCopy = await arrived;

    const bodyEdit = new Promise<string[]>((resolve) => bobsCopy.once("updated", ({ updateReasons }) => resolve(updateReasons)));
    const [alicesCopy] = (await mine.getMessages()).items;
    await alicesCopy!.updateBody("edited");
    expect(await bodyEdit).toEqual(expect.arrayContaining(["body"]));
    expect(bobsCopy.body).toBe("edited");

    // Bob reacts to alice's message; alice sees it as messageUpdated on her copy.
    const reaction = next(aliceClient, "messageUpdated", ({ message, updateReasons }) => message === alicesCopy && updateReasons.includes("attributes"));
    await bobsCopy.updateAttributes({ reactions: { "🎉": ["bob"] } });
    await reaction;
    expect(alicesCopy!.attributes).toEqual({ reactions: { "🎉": ["bob"] } });

    const removed = next(bobClient, "messageRemoved", (m) => m === bobsCopy);
    await alicesCopy!.remove();
    await removed;
    expect((await theirs.getMessages()).items).toEqual([]);
  });
});

describe("pages and the stream share one cache", () => {
  it("a page holding messages the stream has not announced announces them first: each message once, in order", async () => {
    const { mine } = await sharedConversation("burst");
    // Bob's second client has no event source: only its page reads discover the news.
    const quiet = bob.client();
    await initialized(quiet);
    const theirs = await quiet.getConversationBySid(mine.sid);
    const announced: number[] = [];
    const pageResolved: boolean[] = [];
    let resolved = false;
    theirs.on("messageAdded", (m) => {
      announced.push(m.index);
      pageResolved.push(resolved);
    });
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) sent.push(await mine.sendMessage(`burst ${i}`));
    const page = await theirs.getMessages();
    resolved = true;
    expect(page.items.map((m) => m.index)).toEqual(sent);
    expect(announced).toEqual(sent);
    expect(pageResolved.every((before) => !before)).toBe(true);

    sent.push(await mine.sendMessage("one more"));
    await theirs.getMessages();
    await theirs.getMessages();
    expect(announced).toEqual(sent);
    await quiet.shutdown();
  });
});

describe("participants", () => {
  it("participantJoined, participantUpdated and participantLeft reach the other side", async () => {
    const { mine, theirs } = await sharedConversation("roster");
    await theirs.getParticipants();
    const joined = next(bobClient, "participantJoined", (p) => p.identity === "carol" && p.conversation === theirs);
    await mine.add("carol");
    const [carolForBob] = await joined;
    expect(carolForBob.sid).toBe(carol.userId);

    const carolClient = carol.client();
    await initialized(carolClient);
    const carolsView = await carolClient.getConversationBySid(mine.sid);
    const self = await carolsView.getParticipantByIdentity("carol");
    const updated = next(bobClient, "participantUpdated", ({ participant, updateReasons }) => participant === carolForBob && updateReasons.includes("attributes"));
    await self!.updateAttributes({ role: "moderator" });
    await updated;
    expect(carolForBob.attributes).toEqual({ role: "moderator" });
    await carolClient.shutdown();

    const left = next(bobClient, "participantLeft", (p) => p === carolForBob);
    await mine.removeParticipant("carol");
    await left;
    expect((await theirs.getParticipants()).map((p: Participant) => p.identity).sort()).toEqual(["alice", "bob"]);
  });
});

describe("tokens", () => {
  /** A token for bob that expires at `exp` (epoch s): the client reads only `exp`; ACS (the emulator) refuses its signature. */
  const tokenExpiringAt = (exp: number) => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${encode({ alg: "HS256", typ: "JWT" })}.${encode({ skypeid: bob.userId.slice(2), exp, acsScope: "chat" })}.c2lnbmF0dXJl`;
  };

  it("fires tokenAboutToExpire before the JWT's exp and tokenExpired at it; updateToken after that keeps the session", async () => {
    const { mine } = await sharedConversation("token lifetime");
    const client = bob.client({ eventSource: "polling", polling: FAST });
    await initialized(client);
    const theirs = await client.getConversationBySid(mine.sid);
    const seen: string[] = [];
    theirs.on("messageAdded", (m) => seen.push(m.body ?? ""));
    const events: Array<[string, number]> = [];
    const states: string[] = [];
    client.on("connectionStateChanged", (state) => states.push(state));
    client.on("tokenAboutToExpire", () => events.push(["aboutToExpire", Date.now()]));
    client.on("tokenExpired", () => events.push(["expired", Date.now()]));
    const exp = Math.floor(Date.now() / 1000) + 4;
    await client.updateToken(tokenExpiringAt(exp));
    await until(() => events.length === 2, 10_000);
    expect(events.map(([name]) => name)).toEqual(["aboutToExpire", "expired"]);
    // Before the expiry, for a short-lived token too; then at it (timers never fire early).
    expect(events[0]![1]).toBeLessThan(exp * 1000);
    expect(events[1]![1]).toBeGreaterThanOrEqual(exp * 1000);
    // ACS refused the token meanwhile.
    expect(states).toContain("denied");

    const { token: fresh } = await identityClient(emulator).getToken({ communicationUserId: bob.userId }, ["chat"]);
    await client.updateToken(fresh);
    await mine.sendMessage("after the refresh");
    await until(() => seen.includes("after the refresh"));
    expect(client.connectionState).toBe("connected");
    expect(await client.getConversationBySid(mine.sid)).toBe(theirs);
    await client.shutdown();
  }, 20_000);
});
