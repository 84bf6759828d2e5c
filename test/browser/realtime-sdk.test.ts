/**
 * ACS realtime notifications end to end, as browsers get them: the real browser build of
 * `@azure/communication-chat` in headless Chromium calls `startRealtimeNotifications()` against the
 * emulator (its config endpoint, negotiate, socket.io WebSocket and registrar) and must turn what the
 * emulator pushes into every event the SDK exposes, with the fields its event types declare. Changes
 * are made through the REST API by the real Node SDK, as another user would.
 *
 * One emulator, one browser, one page per listening user. Needs Chromium (see test/helpers/browser.ts).
 */
import type { ChatClient } from "@azure/communication-chat";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type DeliveredNotification, type Emulator } from "../../src/emulator/index.js";
import { createUser, identityClient, userRef, type TestUser } from "../helpers/acs.js";
import { ensureChromium, launchChromium, startRealtimePage } from "../helpers/browser.js";
import type { Seen } from "./realtime-page/main.js";

const skipReason = ensureChromium();
if (skipReason) console.warn(`realtime browser tests skipped: ${skipReason}`);

const WAIT_MS = 10_000;

describe.skipIf(skipReason !== undefined)(`the chat SDK's realtime notifications in Chromium${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let emulator: Emulator;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startRealtimePage>>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let bobPage: Page;
  const pageErrors: string[] = [];
  const delivered: DeliveredNotification[] = [];

  /** A page whose ChatClient (the user's token) has started realtime notifications and is registered. */
  async function listeningPage(user: TestUser): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => typeof window.sdkListen === "function", undefined, { timeout: 20_000 });
    await page.evaluate(([endpoint, token]) => window.sdkListen(endpoint!, token!), [emulator.endpoint, user.token]);
    await emulator.realtime.waitForConnections(user.id, 1, WAIT_MS);
    return page;
  }

  const seen = (page: Page): Promise<Seen[]> => page.evaluate(() => window.seen);
  /** The first event of this name (after `from` events) that matches, waiting for it. */
  async function next(page: Page, event: string, match: (payload: Record<string, unknown>) => boolean = () => true, from = 0): Promise<Seen & { payload: Record<string, unknown> }> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = (await seen(page)).slice(from).find((s) => s.event === event && match((s.payload ?? {}) as Record<string, unknown>));
      if (found) return found as Seen & { payload: Record<string, unknown> };
      if (Date.now() > deadline) throw new Error(`no ${event} on the page within ${WAIT_MS} ms; it saw ${JSON.stringify((await seen(page)).map((s) => s.event))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const bodies = async (page: Page) => (await seen(page)).filter((s) => s.event === "chatMessageReceived").map((s) => (s.payload as { message: string }).message);
  const user = (u: TestUser) => ({ kind: "communicationUser", communicationUserId: u.id });

  async function threadWith(creator: TestUser, others: TestUser[], topic: string, client: ChatClient = creator.chat) {
    const { chatThread } = await client.createChatThread({ topic }, { participants: [creator, ...others].map((u) => ({ id: userRef(u) })) });
    return chatThread!.id;
  }

  beforeAll(async () => {
    emulator = await startEmulator({ realtime: { heartbeatIntervalInMs: 2_000 } });
    emulator.realtime.onNotification((n) => delivered.push(n));
    const identity = identityClient(emulator);
    [alice, bob, carol] = await Promise.all([createUser(emulator, identity), createUser(emulator, identity), createUser(emulator, identity)]);
    site = await startRealtimePage();
    browser = await launchChromium(emulator.caPem);
    bobPage = await listeningPage(bob);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await emulator?.close();
  });

  it("connects through the emulator's config, negotiate, socket and registrar, and says so", async () => {
    expect((await seen(bobPage)).map((s) => s.event)).toEqual(["realTimeNotificationConnected"]);
    expect(emulator.realtime.connections(bob.id)).toEqual([{ userId: bob.id, registered: true }]);
    expect(emulator.realtime.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.realtime.url).not.toBe(emulator.endpoint);
  });

  it("delivers every chat event type with the fields the SDK declares", async () => {
    // chatThreadCreated
    const { chatThread } = await alice.chat.createChatThread(
      { topic: "Realtime" },
      {
        participants: [{ id: userRef(alice), displayName: "Alice" }, { id: userRef(bob), displayName: "Bob" }],
        metadata: { room: "blue" },
        retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 40 },
      },
    );
    const threadId = chatThread!.id;
    const created = await next(bobPage, "chatThreadCreated", (p) => p.threadId === threadId);
    expect(created.payload).toMatchObject({
      threadId,
      version: expect.stringMatching(/^\d+$/),
      createdOn: expect.any(String),
      createdBy: { id: user(alice), displayName: "Alice", metadata: {} },
      participants: [
        { id: user(alice), displayName: "Alice", metadata: {} },
        { id: user(bob), displayName: "Bob", metadata: {} },
      ],
      properties: { topic: "Realtime", metadata: { room: "blue" } },
      retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 40 },
    });
    const thread = alice.thread(threadId);

    // chatMessageReceived
    const { id: messageId } = await thread.sendMessage({ content: "hello bob" }, { senderDisplayName: "Alice", metadata: { tag: "greeting" } });
    const received = await next(bobPage, "chatMessageReceived", (p) => p.id === messageId);
    const stored = await thread.getMessage(messageId);
    expect(received.payload).toEqual({
      threadId,
      sender: user(alice),
      senderDisplayName: "Alice",
      recipient: user(bob),
      id: messageId,
      createdOn: expect.any(String),
      version: stored.version,
      type: "Text",
      message: "hello bob",
      metadata: { tag: "greeting" },
      attachments: [],
    });
    // The REST API cuts dates to the second; the notification keeps the milliseconds of the same moment.
    expect(Math.floor(Date.parse(received.payload.createdOn as string) / 1000)).toBe(stored.createdOn.getTime() / 1000);

    // chatMessageEdited
    await thread.updateMessage(messageId, { content: "hello again" });
    const edited = await next(bobPage, "chatMessageEdited", (p) => p.id === messageId);
    expect(edited.payload).toMatchObject({ threadId, sender: user(alice), recipient: user(bob), message: "hello again", metadata: { tag: "greeting" }, type: "Text" });
    expect(Date.parse(edited.payload.editedOn as string)).toBeGreaterThanOrEqual(Date.parse(received.payload.createdOn as string));
    expect(edited.payload.version).toBe((await thread.getMessage(messageId)).version);

    // chatMessageDeleted
    await thread.deleteMessage(messageId);
    const deleted = await next(bobPage, "chatMessageDeleted", (p) => p.id === messageId);
    expect(deleted.payload).toMatchObject({ threadId, sender: user(alice), senderDisplayName: "Alice", recipient: user(bob), type: "Text", version: expect.stringMatching(/^\d+$/) });
    expect(Date.parse(deleted.payload.deletedOn as string)).toBeGreaterThanOrEqual(Date.parse(edited.payload.editedOn as string));

    // typingIndicatorReceived
    const typedAt = Date.now();
    await thread.sendTypingNotification({ senderDisplayName: "Alice" });
    const typing = await next(bobPage, "typingIndicatorReceived", (p) => p.threadId === threadId);
    expect(typing.payload).toEqual({ threadId, sender: user(alice), senderDisplayName: "Alice", recipient: user(bob), version: expect.stringMatching(/^\d+$/), receivedOn: expect.any(String) });
    expect(Math.abs(Date.parse(typing.payload.receivedOn as string) - typedAt)).toBeLessThan(5_000);

    // readReceiptReceived
    const { id: secondId } = await thread.sendMessage({ content: "read me" });
    await next(bobPage, "chatMessageReceived", (p) => p.id === secondId);
    await thread.sendReadReceipt({ chatMessageId: secondId });
    const receipt = await next(bobPage, "readReceiptReceived", (p) => p.threadId === threadId);
    const [storedReceipt] = await (async () => {
      const receipts = [];
      for await (const r of thread.listReadReceipts()) receipts.push(r);
      return receipts;
    })();
    expect(receipt.payload).toEqual({ threadId, sender: user(alice), senderDisplayName: "", recipient: user(bob), chatMessageId: secondId, readOn: expect.any(String) });
    expect(Math.floor(Date.parse(receipt.payload.readOn as string) / 1000)).toBe(storedReceipt!.readOn.getTime() / 1000);

    // chatThreadPropertiesUpdated
    await thread.updateProperties({ topic: "Renamed", metadata: { room: "green" } });
    const updated = await next(bobPage, "chatThreadPropertiesUpdated", (p) => p.threadId === threadId);
    expect(updated.payload).toMatchObject({
      threadId,
      version: expect.stringMatching(/^\d+$/),
      updatedOn: expect.any(String),
      updatedBy: { id: user(alice), displayName: "Alice" },
      properties: { topic: "Renamed", metadata: { room: "green" } },
      retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 40 },
    });

    // participantsAdded: one event for the request, naming everyone added
    await thread.addParticipants({ participants: [{ id: userRef(carol), displayName: "Carol", metadata: { role: "guest" } }] });
    const added = await next(bobPage, "participantsAdded", (p) => p.threadId === threadId);
    expect(added.payload).toMatchObject({
      threadId,
      addedOn: expect.any(String),
      addedBy: { id: user(alice), displayName: "Alice" },
      participantsAdded: [{ id: user(carol), displayName: "Carol", metadata: { role: "guest" } }],
    });

    // participantsRemoved
    await thread.removeParticipant(userRef(carol));
    const removed = await next(bobPage, "participantsRemoved", (p) => p.threadId === threadId);
    expect(removed.payload).toMatchObject({
      threadId,
      removedOn: expect.any(String),
      removedBy: { id: user(alice), displayName: "Alice" },
      participantsRemoved: [{ id: user(carol), displayName: "Carol" }],
    });

    // chatThreadDeleted
    await alice.chat.deleteChatThread(threadId);
    const gone = await next(bobPage, "chatThreadDeleted", (p) => p.threadId === threadId);
    expect(gone.payload).toMatchObject({ threadId, deletedOn: expect.any(String), deletedBy: { id: user(alice), displayName: "Alice" }, reason: "deletedByUser" });

    const events = new Set((await seen(bobPage)).map((s) => s.event));
    expect([...events].sort()).toEqual(
      [
        "chatMessageDeleted",
        "chatMessageEdited",
        "chatMessageReceived",
        "chatThreadCreated",
        "chatThreadDeleted",
        "chatThreadPropertiesUpdated",
        "participantsAdded",
        "participantsRemoved",
        "readReceiptReceived",
        "realTimeNotificationConnected",
        "typingIndicatorReceived",
      ].sort(),
    );
    expect(pageErrors).toEqual([]);
  });

  it("reconnects a dropped socket, says so, and does not replay what was sent while it was away", async () => {
    const threadId = await threadWith(alice, [bob], "drops");
    const thread = alice.thread(threadId);
    await thread.sendMessage({ content: "before the drop" });
    await next(bobPage, "chatMessageReceived", (p) => p.message === "before the drop");
    const from = (await seen(bobPage)).length;
    const connects = (await seen(bobPage)).filter((s) => s.event === "realTimeNotificationConnected").length;

    // Hold the next negotiate back, so that the SDK is away for a while.
    const held = emulator.faults.inject({ method: "POST", path: "/v4/a", fault: { kind: "delay", delayInMs: 1_500 } });
    expect(emulator.realtime.drop(bob.id)).toBe(1);
    await next(bobPage, "realTimeNotificationDisconnected", () => true, from);
    const missedAt = delivered.length;
    await thread.sendMessage({ content: "while away" });
    expect(delivered.slice(missedAt).filter((d) => d.event === "chatMessageReceived" && d.recipient === bob.id)).toEqual([
      { event: "chatMessageReceived", recipient: bob.id, sockets: 0 },
    ]);

    await next(bobPage, "realTimeNotificationConnected", () => true, from);
    expect(held.triggered).toBe(1);
    await emulator.realtime.waitForConnections(bob.id, 1, WAIT_MS);
    await thread.sendMessage({ content: "after the drop" });
    await next(bobPage, "chatMessageReceived", (p) => p.message === "after the drop", from);
    expect((await seen(bobPage)).filter((s) => s.event === "realTimeNotificationConnected")).toHaveLength(connects + 1);
    expect((await bodies(bobPage)).slice(-2)).toEqual(["before the drop", "after the drop"]);
  });

  it("fault injection drops, delays, and disconnects on notifications", async () => {
    const threadId = await threadWith(alice, [bob], "faults");
    const thread = alice.thread(threadId);
    const path = `/realtime/chatMessageReceived/${bob.id}`;

    const dropped = emulator.faults.inject({ method: "NOTIFY", path, fault: { kind: "drop" } });
    await thread.sendMessage({ content: "dropped" });
    await thread.sendMessage({ content: "kept" });
    await next(bobPage, "chatMessageReceived", (p) => p.message === "kept");
    expect(dropped.triggered).toBe(1);
    expect(await bodies(bobPage)).not.toContain("dropped");

    emulator.faults.inject({ method: "NOTIFY", path, fault: { kind: "delay", delayInMs: 700 } });
    const sentAt = Date.now();
    await thread.sendMessage({ content: "late" });
    const late = await next(bobPage, "chatMessageReceived", (p) => p.message === "late");
    expect(late.at - sentAt).toBeGreaterThanOrEqual(650);

    const from = (await seen(bobPage)).length;
    emulator.faults.inject({ method: "NOTIFY", path, fault: { kind: "disconnect" } });
    await thread.sendMessage({ content: "cut" });
    await next(bobPage, "realTimeNotificationDisconnected", () => true, from);
    await next(bobPage, "realTimeNotificationConnected", () => true, from);
    await emulator.realtime.waitForConnections(bob.id, 1, WAIT_MS);
    await thread.sendMessage({ content: "reconnected" });
    await next(bobPage, "chatMessageReceived", (p) => p.message === "reconnected", from);
    expect(await bodies(bobPage)).not.toContain("cut");
  });

  it("sends no typing on threads over 20 participants, as ACS", async () => {
    const identity = identityClient(emulator);
    const crowd = await Promise.all(Array.from({ length: 19 }, () => identity.createUser()));
    const threadId = await threadWith(alice, [bob], "crowd");
    await alice.thread(threadId).addParticipants({ participants: crowd.map((u) => ({ id: u })) });
    const from = delivered.length;
    await alice.thread(threadId).sendTypingNotification();
    await alice.thread(threadId).sendMessage({ content: "in the crowd" });
    await next(bobPage, "chatMessageReceived", (p) => p.message === "in the crowd");
    expect(delivered.slice(from).filter((d) => d.event === "typingIndicatorReceived")).toEqual([]);
    expect((await seen(bobPage)).filter((s) => s.event === "typingIndicatorReceived" && (s.payload as { threadId: string }).threadId === threadId)).toEqual([]);
  });

  it("stopRealtimeNotifications() unregisters and closes the socket", async () => {
    const operations: string[] = [];
    const log = (entry: { operation: string; status: number }) => operations.push(`${entry.operation} ${entry.status}`);
    const carolPage = await listeningPage(carol);
    emulator.requests.on("request", log);
    await carolPage.evaluate(() => window.sdkStop());
    const deadline = Date.now() + WAIT_MS;
    const unregistered = () => operations.includes("DELETE /registrar/v3/registrations/{registrationId} 200");
    while ((emulator.realtime.connections(carol.id).length > 0 || !unregistered()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    emulator.requests.off("request", log);
    expect(emulator.realtime.connections(carol.id)).toEqual([]);
    expect(operations).toContain("DELETE /registrar/v3/registrations/{registrationId} 200");
    await carolPage.close();
  });

  it("a revoked token ends the connection and stops delivery", async () => {
    const threadId = await threadWith(alice, [bob], "revoked");
    const from = (await seen(bobPage)).length;
    const negotiations: number[] = [];
    emulator.requests.on("request", (entry) => {
      if (entry.operation === "POST /v4/a") negotiations.push(entry.status);
    });
    await identityClient(emulator).revokeTokens(userRef(bob));
    await next(bobPage, "realTimeNotificationDisconnected", () => true, from);
    expect(emulator.realtime.connections(bob.id)).toEqual([]);

    await alice.thread(threadId).sendMessage({ content: "after revocation" });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await bodies(bobPage)).not.toContain("after revocation");
    expect((await seen(bobPage)).slice(from).map((s) => s.event)).not.toContain("realTimeNotificationConnected");
    // The SDK tried again with the token it has, and was refused.
    expect(negotiations.length).toBeGreaterThan(0);
    expect(new Set(negotiations)).toEqual(new Set([401]));
  });
});
