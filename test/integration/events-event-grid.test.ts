/**
 * The Event Grid source: the emulator delivers ACS's chat events by webhook, as Event Grid does,
 * to our Fetch-API handler, which nudges a server-side client. Polling is slowed to a minute so
 * that what arrives within seconds came by push.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcsChatEvent, Emulator } from "../../src/emulator/index.js";
import type { Client, Message } from "../../src/index.js";
import { EventGridSource, type Nudge } from "../../src/server/index.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { startTwoUsers, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { until } from "../helpers/observe.js";

const SECRET = "s3cret";
let users: TwoUsers;
let emulator: Emulator;
let webhook: FetchServer;
const source = new EventGridSource({ secret: SECRET });
let alice: TestSession;
let bob: TestSession;
let aliceClient: Client;
let bobClient: Client;

const post = (body: unknown, query = `?secret=${SECRET}`, headers: Record<string, string> = {}) =>
  fetch(`${webhook.url}/events${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

/** A thread id no real event names, so that the emulator's own deliveries never mix in. */
const TEST_THREAD = "19:only-in-this-test@thread.v2";

/** A real ChatMessageReceivedInThread event from the emulator, re-addressed to TEST_THREAD. */
async function templateEvent(): Promise<AcsChatEvent> {
  const event: AcsChatEvent = await new Promise((resolve) => {
    emulator.events.on("Microsoft.Communication.ChatMessageReceivedInThread", resolve);
    void aliceClient.createConversation({ friendlyName: "template" }).then((c) => c.sendMessage("a template event"));
  });
  return { ...event, data: { ...event.data, threadId: TEST_THREAD } } as AcsChatEvent;
}

/** Nudges about TEST_THREAD the source hands to sinks while `action` runs. */
async function nudgesDuring(action: () => Promise<unknown>): Promise<Nudge[]> {
  const nudges: Nudge[] = [];
  const detach = source.attach({ nudge: (n) => ("threadId" in n && n.threadId === TEST_THREAD ? nudges.push(n) : undefined) });
  try {
    await action();
  } finally {
    detach();
  }
  return nudges;
}

beforeAll(async () => {
  users = await startTwoUsers({
    prepare: async (started) => {
      webhook = await serveFetch(source.handle);
      // The emulator subscribes like Event Grid: the validation handshake goes through our handler.
      await started.addWebhook(`${webhook.url}/events?secret=${SECRET}`);
    },
    bobClient: (session) => session.client({ eventSource: source, polling: { minIntervalInMs: 60_000, maxIntervalInMs: 60_000, watchIntervalInMs: 600_000, removalCheckIntervalInMs: 600_000 } }),
  });
  ({ emulator, alice, bob, aliceClient, bobClient } = users);
});

afterAll(async () => {
  await users?.close();
  await webhook?.close();
});

describe("Event Grid source", () => {
  it("answers the subscription validation handshake with the validation code", async () => {
    const response = await post([
      { id: "v1", topic: "t", subject: "", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", eventTime: new Date().toISOString(), dataVersion: "2", metadataVersion: "1", data: { validationCode: "code-123" } },
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ validationResponse: "code-123" });
  });

  it("delivers Twilio events pushed by Event Grid: a conversation, its messages, an edit, a removal", async () => {
    const conversation = await aliceClient.createConversation({ friendlyName: "pushed" });
    await conversation.join();
    const joined = new Promise<string>((resolve) => bobClient.on("conversationJoined", (c) => c.sid === conversation.sid && resolve(c.sid)));
    await conversation.add("bob");
    await joined;
    const theirs = await bobClient.getConversationBySid(conversation.sid);
    const added: Message[] = [];
    theirs.on("messageAdded", (m) => added.push(m));
    for (const text of ["one", "two", "three"]) await conversation.sendMessage(text);
    await until(() => added.length === 3);
    expect(added.map((m) => m.body)).toEqual(["one", "two", "three"]);

    const [first] = (await conversation.getMessages()).items;
    const updated = new Promise<string[]>((resolve) => added[0]!.once("updated", ({ updateReasons }) => resolve(updateReasons)));
    await first!.updateBody("one, edited");
    expect(await updated).toContain("body");

    const removed = new Promise<void>((resolve) => bobClient.on("conversationRemoved", (c) => c === theirs && resolve()));
    await conversation.removeParticipant("bob");
    await removed;
  });

  it("refuses a delivery that does not match ACS's schema with 400, and dispatches none of it", async () => {
    const good = await templateEvent();
    const broken = { ...good, id: "broken-1", data: { ...good.data, threadId: 42 } };
    const nudges = await nudgesDuring(async () => {
      const response = await post([{ ...good, id: "good-1" }, broken]);
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/threadId/);
      expect((await post({ not: "an event" })).status).toBe(400);
      expect((await post("[", "?secret=" + SECRET)).status).toBe(400);
    });
    expect(nudges).toEqual([]);
  });

  it("refuses a delivery without the endpoint's secret with 401", async () => {
    const nudges = await nudgesDuring(async () => {
      const response = await post([], "?secret=wrong");
      expect(response.status).toBe(401);
    });
    expect(nudges).toEqual([]);
  });

  it("dispatches a repeated delivery (Event Grid is at-least-once) once", async () => {
    const event = await templateEvent();
    const repeated = { ...event, id: `repeat-${event.id}` };
    const nudges = await nudgesDuring(async () => {
      expect((await post([repeated])).status).toBe(200);
      expect((await post([repeated])).status).toBe(200);
    });
    expect(nudges).toEqual([{ kind: "thread", threadId: TEST_THREAD }]);
  });

  it("marks per-user events with their recipient, so that other users' clients ignore them", async () => {
    const event: AcsChatEvent = await new Promise((resolve) => {
      emulator.events.on("Microsoft.Communication.ChatMessageReceived", resolve);
      void aliceClient.createConversation({ friendlyName: "per user" }).then(async (c) => {
        await c.join();
        await c.add("bob");
        await c.sendMessage("for bob");
      });
    });
    const recipient = (event.data as { recipientCommunicationIdentifier: { rawId: string } }).recipientCommunicationIdentifier.rawId;
    const nudges = await nudgesDuring(() => post([{ ...event, id: `per-user-${event.id}`, data: { ...event.data, threadId: TEST_THREAD } }]));
    expect(nudges).toEqual([{ kind: "thread", threadId: TEST_THREAD, recipient }]);
  });
});
