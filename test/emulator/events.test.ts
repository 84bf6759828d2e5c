/**
 * The emulator's Event Grid feed: operations done through the real ChatClient / ChatThreadClient
 * publish ACS's documented chat events in-process (`emulator.events`) and to webhooks, the way
 * Event Grid delivers them (validation handshake, one event per POST, retries).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startEmulator,
  type AcsChatEvent,
  type AcsChatEventType,
  type Emulator,
  type WebhookSubscription,
} from "../../src/emulator/index.js";
import { createUser, identityClient, rejection, userRef, type TestUser } from "../helpers/acs.js";

const P = "Microsoft.Communication.";
const RESOURCE_NAME = "events-test";

type EventOf<K extends AcsChatEventType> = Extract<AcsChatEvent, { eventType: K }>;

function ofType<K extends AcsChatEventType>(events: AcsChatEvent[], eventType: K): EventOf<K>[] {
  return events.filter((event): event is EventOf<K> => event.eventType === eventType);
}

function only<K extends AcsChatEventType>(events: AcsChatEvent[], eventType: K): EventOf<K> {
  const matching = ofType(events, eventType);
  expect(matching, `exactly one ${eventType}`).toHaveLength(1);
  return matching[0]!;
}

const recipientOf = (event: AcsChatEvent): string | undefined =>
  "recipientCommunicationIdentifier" in event.data ? event.data.recipientCommunicationIdentifier.rawId : undefined;

/** `ChatMessageReceived -> bob` style labels: the event sequence in a readable, comparable form. */
const label = (event: AcsChatEvent): string => {
  const recipient = recipientOf(event);
  return `${event.eventType.slice(P.length)}${recipient ? ` -> ${recipient}` : ""}`;
};

const ident = (user: TestUser) => ({ rawId: user.id, communicationUser: { id: user.id } });
/** Event Grid times keep their milliseconds; the Chat API cuts its dates to the whole second. */
const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Collects every published event from now until `stop()`. */
function collect(emulator: Emulator) {
  const events: AcsChatEvent[] = [];
  const listener = (event: AcsChatEvent) => void events.push(event);
  emulator.events.on("*", listener);
  return { events, stop: () => emulator.events.off("*", listener) };
}

async function waitUntil(condition: () => boolean, what: string, timeoutInMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---- a webhook receiver, as an Event Grid subscriber would run it ----

interface Delivery {
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface ReceivedEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  dataVersion: string;
  metadataVersion: string;
  data: { threadId?: string; validationCode?: string; [key: string]: unknown };
}

class WebhookReceiver {
  readonly validations: Delivery[] = [];
  readonly notifications: Delivery[] = [];
  private readonly server: Server;
  private notificationAttempts = 0;
  url = "";

  constructor(private readonly behaviour: { validation?: "echo" | "wrong-code"; failNotifications?: number } = {}) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceivedEvent[];
        const delivery = { headers: req.headers, body };
        if (req.headers["aeg-event-type"] === "SubscriptionValidation") {
          this.validations.push(delivery);
          const code = this.behaviour.validation === "wrong-code" ? "not-the-code" : body[0]?.data.validationCode;
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ validationResponse: code }));
          return;
        }
        this.notifications.push(delivery);
        this.notificationAttempts++;
        res.writeHead(this.notificationAttempts <= (this.behaviour.failNotifications ?? 0) ? 500 : 200);
        res.end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/events`;
    return this;
  }

  /** Every notified event (retried deliveries included), optionally only those of one thread. */
  events(threadId?: string): ReceivedEvent[] {
    return this.notifications
      .flatMap((delivery) => delivery.body as ReceivedEvent[])
      .filter((event) => threadId === undefined || event.data.threadId === threadId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

// ---- the file's emulator ----

let emulator: Emulator;
let startupWebhook: WebhookReceiver;
const receivers: WebhookReceiver[] = [];
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;

async function receiver(behaviour?: ConstructorParameters<typeof WebhookReceiver>[0]): Promise<WebhookReceiver> {
  const created = await new WebhookReceiver(behaviour).start();
  receivers.push(created);
  return created;
}

beforeAll(async () => {
  startupWebhook = await receiver();
  emulator = await startEmulator({ resourceName: RESOURCE_NAME, webhooks: [startupWebhook.url] });
  const identity = identityClient(emulator);
  [alice, bob, carol, dave] = await Promise.all([1, 2, 3, 4].map(() => createUser(emulator, identity))) as [TestUser, TestUser, TestUser, TestUser];
});

afterAll(async () => {
  await emulator?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function newThread(creator: TestUser, members: TestUser[], topic = "events"): Promise<string> {
  const result = await creator.chat.createChatThread({ topic }, { participants: members.map((m) => ({ id: userRef(m) })) });
  return result.chatThread!.id;
}

describe("a thread's life through the SDK, on emulator.events", () => {
  let threadId: string;
  let events: AcsChatEvent[];
  let perType: AcsChatEvent[];
  let textId: string;
  let htmlId: string;
  const times: Record<string, Date> = {};

  beforeAll(async () => {
    const collector = collect(emulator);
    perType = [];
    const typed = (event: EventOf<"Microsoft.Communication.ChatMessageReceivedInThread">) => void perType.push(event);
    emulator.events.on(`${P}ChatMessageReceivedInThread`, typed);

    const created = await alice.chat.createChatThread(
      { topic: "Life" },
      {
        participants: [
          { id: userRef(alice), displayName: "Alice" },
          { id: userRef(bob), displayName: "Bob" },
          { id: userRef(carol), displayName: "Carol", metadata: { role: "guest" } },
        ],
      },
    );
    threadId = created.chatThread!.id;
    const aliceThread = alice.thread(threadId);
    const bobThread = bob.thread(threadId);

    textId = (await aliceThread.sendMessage({ content: "hello" }, { senderDisplayName: "Alice", metadata: { tag: "greeting" } })).id;
    htmlId = (await bobThread.sendMessage({ content: "<b>hi</b>" }, { senderDisplayName: "Bob", type: "html" })).id;
    await aliceThread.updateMessage(textId, { content: "hello, edited" });
    times.edited = (await aliceThread.getMessage(textId)).editedOn!;
    await aliceThread.deleteMessage(textId);
    times.deleted = (await aliceThread.getMessage(textId)).deletedOn!;
    times.composed = (await aliceThread.getMessage(htmlId)).createdOn;
    await bobThread.updateTopic("Life, renamed");
    await aliceThread.addParticipants({ participants: [{ id: userRef(dave), displayName: "Dave" }] });
    await aliceThread.removeParticipant(userRef(carol));
    await bob.chat.deleteChatThread(threadId);

    collector.stop();
    emulator.events.off(`${P}ChatMessageReceivedInThread`, typed);
    events = collector.events.filter((event) => event.data.threadId === threadId);
  });

  it("publishes the events in the order of the operations, user-level ones once per recipient but the actor", () => {
    const name = new Map([alice, bob, carol, dave].map((user, i) => [user.id, ["alice", "bob", "carol", "dave"][i]!]));
    const readable = events.map((event) => label(event).replace(/8:acs:\S+/, (id) => name.get(id) ?? id));
    expect(readable).toEqual([
      "ChatThreadCreated",
      "ChatThreadCreatedWithUser -> bob",
      "ChatThreadCreatedWithUser -> carol",
      "ChatMessageReceivedInThread",
      "ChatMessageReceived -> bob",
      "ChatMessageReceived -> carol",
      "ChatMessageReceivedInThread",
      "ChatMessageReceived -> alice",
      "ChatMessageReceived -> carol",
      "ChatMessageEditedInThread",
      "ChatMessageEdited -> bob",
      "ChatMessageEdited -> carol",
      "ChatMessageDeletedInThread",
      "ChatMessageDeleted -> bob",
      "ChatMessageDeleted -> carol",
      "ChatThreadPropertiesUpdated",
      "ChatThreadPropertiesUpdatedPerUser -> alice",
      "ChatThreadPropertiesUpdatedPerUser -> carol",
      "ChatThreadParticipantAdded",
      "ChatParticipantAddedToThreadWithUser -> bob",
      "ChatParticipantAddedToThreadWithUser -> carol",
      "ChatParticipantAddedToThreadWithUser -> dave",
      "ChatThreadParticipantRemoved",
      "ChatParticipantRemovedFromThreadWithUser -> bob",
      "ChatParticipantRemovedFromThreadWithUser -> carol",
      "ChatParticipantRemovedFromThreadWithUser -> dave",
      "ChatThreadDeleted",
      "ChatThreadWithUserDeleted -> alice",
      "ChatThreadWithUserDeleted -> dave",
    ]);
  });

  it("gives every event the Event Grid envelope", () => {
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual(["data", "dataVersion", "eventTime", "eventType", "id", "metadataVersion", "subject", "topic"]);
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(event.topic).toMatch(
        new RegExp(`^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\\.Communication/communicationServices/${RESOURCE_NAME}$`),
      );
      expect(event.eventType.startsWith(P)).toBe(true);
      expect(event.dataVersion).toBe("1.0");
      expect(event.metadataVersion).toBe("1");
      expect(new Date(event.eventTime).toISOString()).toBe(event.eventTime);
      expect(event.subject.startsWith(`thread/${threadId}/`)).toBe(true);
      expect(event.data.threadId).toBe(threadId);
      expect(typeof event.data.transactionId).toBe("string");
    }
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const eventTimes = events.map((event) => Date.parse(event.eventTime));
    expect(eventTimes).toEqual([...eventTimes].sort((a, b) => a - b));
  });

  it("describes the created thread: creator, topic, every participant", () => {
    const created = only(events, `${P}ChatThreadCreated`);
    expect(created.subject).toBe(`thread/${threadId}/createdBy/${alice.id}`);
    expect(created.data.createdByCommunicationIdentifier).toEqual(ident(alice));
    expect(created.data.properties).toEqual({ topic: "Life" });
    expect(created.data.version).toBeTypeOf("number");
    expect(Number.isNaN(Date.parse(created.data.createTime))).toBe(false);
    expect("recipientCommunicationIdentifier" in created.data).toBe(false);
    expect(created.data.participants).toEqual([
      { displayName: "Alice", participantCommunicationIdentifier: ident(alice) },
      { displayName: "Bob", participantCommunicationIdentifier: ident(bob) },
      { displayName: "Carol", participantCommunicationIdentifier: ident(carol), metadata: { role: "guest" } },
    ]);

    const perUser = ofType(events, `${P}ChatThreadCreatedWithUser`);
    expect(perUser.map((event) => event.data.recipientCommunicationIdentifier)).toEqual([ident(bob), ident(carol)]);
    for (const event of perUser) {
      expect(event.subject).toBe(`thread/${threadId}/createdBy/${alice.id}/recipient/${event.data.recipientCommunicationIdentifier.rawId}`);
      expect(event.data.participants).toEqual(created.data.participants);
      expect(event.data.properties.topic).toBe("Life");
    }
  });

  it("describes a sent text message: thread-level version as a string, per-recipient version as a number", () => {
    const inThread = ofType(events, `${P}ChatMessageReceivedInThread`)[0]!;
    expect(inThread.subject).toBe(`thread/${threadId}/sender/${alice.id}`);
    expect(inThread.data).toMatchObject({
      messageId: textId,
      messageBody: "hello",
      metadata: { tag: "greeting" },
      type: "Text",
      senderDisplayName: "Alice",
      senderCommunicationIdentifier: ident(alice),
      threadId,
    });
    expect(inThread.data.version).toBe(textId);
    expect(typeof inThread.data.version).toBe("string");

    const received = ofType(events, `${P}ChatMessageReceived`).filter((event) => event.data.messageId === textId);
    expect(received.map(recipientOf)).toEqual([bob.id, carol.id]);
    for (const event of received) {
      expect(event.subject).toBe(`thread/${threadId}/sender/${alice.id}/recipient/${recipientOf(event)}`);
      expect(event.data.version).toBe(Number(textId));
      expect(event.data.messageBody).toBe("hello");
      expect(event.data.metadata).toEqual({ tag: "greeting" });
      expect(event.data.type).toBe("Text");
      expect(event.data.senderCommunicationIdentifier).toEqual(ident(alice));
      expect(event.data.composeTime).toBe(inThread.data.composeTime);
    }
  });

  it("marks an html message RichText/Html and takes its composeTime from the message", () => {
    const inThread = ofType(events, `${P}ChatMessageReceivedInThread`).find((event) => event.data.messageId === htmlId)!;
    expect(inThread.data.type).toBe("RichText/Html");
    expect(inThread.data.messageBody).toBe("<b>hi</b>");
    expect(inThread.data.metadata).toEqual({});
    expect(inThread.data.senderCommunicationIdentifier).toEqual(ident(bob));
    expect(wholeSecond(Date.parse(inThread.data.composeTime))).toBe(times.composed!.getTime());
    const received = ofType(events, `${P}ChatMessageReceived`).filter((event) => event.data.messageId === htmlId);
    expect(received.map(recipientOf)).toEqual([alice.id, carol.id]);
    expect(received.every((event) => event.data.type === "RichText/Html")).toBe(true);
  });

  it("describes edits with the new body and editTime, and deletes with deleteTime", () => {
    const edited = only(events, `${P}ChatMessageEditedInThread`);
    expect(edited.data).toMatchObject({ messageId: textId, messageBody: "hello, edited", type: "Text", senderCommunicationIdentifier: ident(alice) });
    expect(wholeSecond(Date.parse(edited.data.editTime))).toBe(times.edited!.getTime());
    expect(Number(edited.data.version)).toBeGreaterThan(Number(textId));
    const editedPerUser = ofType(events, `${P}ChatMessageEdited`);
    expect(editedPerUser.map(recipientOf)).toEqual([bob.id, carol.id]);
    expect(editedPerUser.every((event) => event.data.editTime === edited.data.editTime && event.data.messageBody === "hello, edited")).toBe(true);
    expect(editedPerUser.every((event) => event.data.version === Number(edited.data.version))).toBe(true);

    const deleted = only(events, `${P}ChatMessageDeletedInThread`);
    expect(deleted.subject).toBe(`thread/${threadId}/sender/${alice.id}`);
    expect(deleted.data.messageId).toBe(textId);
    expect(wholeSecond(Date.parse(deleted.data.deleteTime))).toBe(times.deleted!.getTime());
    expect(Number(deleted.data.version)).toBeGreaterThan(Number(edited.data.version));
    const deletedPerUser = ofType(events, `${P}ChatMessageDeleted`);
    expect(deletedPerUser.map(recipientOf)).toEqual([bob.id, carol.id]);
    expect(deletedPerUser.every((event) => event.data.deleteTime === deleted.data.deleteTime)).toBe(true);
  });

  it("describes a topic change, by whom, for the other participants", () => {
    const updated = only(events, `${P}ChatThreadPropertiesUpdated`);
    expect(updated.subject).toBe(`thread/${threadId}/editedBy/${bob.id}`);
    expect(updated.data.editedByCommunicationIdentifier).toEqual(ident(bob));
    expect(updated.data.properties).toEqual({ topic: "Life, renamed" });
    expect(new Date(updated.data.editTime).toISOString()).toBe(updated.data.editTime);
    const perUser = ofType(events, `${P}ChatThreadPropertiesUpdatedPerUser`);
    expect(perUser.map(recipientOf)).toEqual([alice.id, carol.id]);
    for (const event of perUser) {
      expect(event.subject).toBe(`thread/${threadId}/editedBy/${bob.id}/recipient/${recipientOf(event)}`);
      expect(event.data.properties.topic).toBe("Life, renamed");
    }
  });

  it("describes added and removed participants", () => {
    const added = only(events, `${P}ChatThreadParticipantAdded`);
    expect(added.subject).toBe(`thread/${threadId}/participantadded/${dave.id}`);
    expect(added.data.addedByCommunicationIdentifier).toEqual(ident(alice));
    expect(added.data.participantAdded).toEqual({ displayName: "Dave", participantCommunicationIdentifier: ident(dave) });
    const addedPerUser = ofType(events, `${P}ChatParticipantAddedToThreadWithUser`);
    for (const event of addedPerUser) {
      expect(event.subject).toBe(`thread/${threadId}/participantAdded/${dave.id}/recipient/${recipientOf(event)}`);
      expect(event.data.participantAdded.participantCommunicationIdentifier).toEqual(ident(dave));
    }

    const removed = only(events, `${P}ChatThreadParticipantRemoved`);
    expect(removed.subject).toBe(`thread/${threadId}/participantremoved/${carol.id}`);
    expect(removed.data.removedByCommunicationIdentifier).toEqual(ident(alice));
    expect(removed.data.participantRemoved).toEqual({
      displayName: "Carol",
      participantCommunicationIdentifier: ident(carol),
      metadata: { role: "guest" },
    });
    const removedPerUser = ofType(events, `${P}ChatParticipantRemovedFromThreadWithUser`);
    expect(removedPerUser.map(recipientOf)).toContain(carol.id);
    for (const event of removedPerUser) {
      expect(event.subject).toBe(`thread/${threadId}/participantRemoved/${carol.id}/recipient/${recipientOf(event)}`);
    }
  });

  it("describes the thread's deletion to the participants left", () => {
    const deleted = only(events, `${P}ChatThreadDeleted`);
    expect(deleted.subject).toBe(`thread/${threadId}/deletedBy/${bob.id}`);
    expect(deleted.data.deletedByCommunicationIdentifier).toEqual(ident(bob));
    expect(new Date(deleted.data.deleteTime).toISOString()).toBe(deleted.data.deleteTime);
    const perUser = ofType(events, `${P}ChatThreadWithUserDeleted`);
    expect(perUser.map(recipientOf)).toEqual([alice.id, dave.id]);
    expect(perUser.every((event) => event.data.deleteTime === deleted.data.deleteTime)).toBe(true);
  });

  it("lets a listener subscribe to one event type", () => {
    expect(perType.map((event) => event.eventType)).toEqual([`${P}ChatMessageReceivedInThread`, `${P}ChatMessageReceivedInThread`]);
    expect(perType.map((event) => event.id)).toEqual(ofType(events, `${P}ChatMessageReceivedInThread`).map((event) => event.id));
  });

  it("delivered the same events, in the same order, to the webhook given to startEmulator", async () => {
    await waitUntil(() => startupWebhook.events(threadId).length >= events.length, "the startup webhook's events");
    const received = startupWebhook.events(threadId);
    expect(received.map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(received).toEqual(JSON.parse(JSON.stringify(events)));

    expect(startupWebhook.validations).toHaveLength(1);
    const [validation] = startupWebhook.validations[0]!.body as ReceivedEvent[];
    expect(startupWebhook.validations[0]!.headers["aeg-event-type"]).toBe("SubscriptionValidation");
    expect(validation!.eventType).toBe("Microsoft.EventGrid.SubscriptionValidationEvent");
    expect(validation!.data.validationCode).toBeTypeOf("string");
  });
});

describe("EmulatorEventFeed subscriptions", () => {
  it("off() stops a listener", async () => {
    const threadId = await newThread(alice, [bob]);
    const seen: string[] = [];
    const listener = (event: EventOf<"Microsoft.Communication.ChatMessageReceived">) => void seen.push(event.data.messageId);
    emulator.events.on(`${P}ChatMessageReceived`, listener);
    const first = await alice.thread(threadId).sendMessage({ content: "one" });
    emulator.events.off(`${P}ChatMessageReceived`, listener);
    await alice.thread(threadId).sendMessage({ content: "two" });
    expect(seen).toEqual([first.id]);
  });

  it("waitFor() resolves with the first matching event published after the call", async () => {
    const threadId = await newThread(alice, [bob]);
    const waiting = emulator.events.waitFor(
      (event) => event.eventType === `${P}ChatMessageReceived` && event.data.threadId === threadId,
    );
    const sent = await bob.thread(threadId).sendMessage({ content: "for alice" });
    const event = await waiting;
    expect(event.eventType).toBe(`${P}ChatMessageReceived`);
    if (event.eventType !== `${P}ChatMessageReceived`) return;
    expect(event.data.messageId).toBe(sent.id);
    expect(event.data.recipientCommunicationIdentifier.rawId).toBe(alice.id);
  });

  it("waitFor() rejects when nothing matches in time", async () => {
    const outcome = await rejection(emulator.events.waitFor((event) => event.subject === "never", 50));
    expect(outcome.message).toMatch(/No matching emulator event within 50 ms/);
  });
});

describe("webhooks", () => {
  const notificationsOf = (webhook: WebhookReceiver, threadId: string) =>
    webhook.notifications.filter((delivery) => (delivery.body as ReceivedEvent[])[0]?.data.threadId === threadId);

  it("delivers events to an added webhook, one per POST, in order, after the validation handshake", async () => {
    const webhook = await receiver();
    const subscription = await emulator.addWebhook(webhook.url);
    expect(webhook.validations).toHaveLength(1);
    expect(webhook.validations[0]!.headers["aeg-event-type"]).toBe("SubscriptionValidation");
    expect(webhook.notifications).toHaveLength(0);

    const feed = collect(emulator);
    const threadId = await newThread(alice, [bob], "webhook");
    const sent = await alice.thread(threadId).sendMessage({ content: "to the webhook" });
    await bob.thread(threadId).updateTopic("webhook, renamed");
    feed.stop();
    await subscription.settled();

    const deliveries = notificationsOf(webhook, threadId);
    expect(deliveries.map((delivery) => (delivery.body as ReceivedEvent[])[0]!.eventType)).toEqual(
      [
        "ChatThreadCreated",
        "ChatThreadCreatedWithUser",
        "ChatMessageReceivedInThread",
        "ChatMessageReceived",
        "ChatThreadPropertiesUpdated",
        "ChatThreadPropertiesUpdatedPerUser",
      ].map((type) => P + type),
    );
    for (const delivery of deliveries) {
      expect(Array.isArray(delivery.body)).toBe(true);
      expect(delivery.body).toHaveLength(1);
      expect(delivery.headers["aeg-event-type"]).toBe("Notification");
      expect(delivery.headers["aeg-delivery-count"]).toBe("0");
      expect(delivery.headers["content-type"]).toMatch(/^application\/json/);
    }
    const received = webhook.events(threadId);
    expect(received.map((event) => event.id)).toEqual(feed.events.filter((e) => e.data.threadId === threadId).map((event) => event.id));
    expect(received.find((event) => event.eventType === `${P}ChatMessageReceived`)!.data).toMatchObject({
      messageId: sent.id,
      messageBody: "to the webhook",
      recipientCommunicationIdentifier: ident(bob),
    });
    expect(subscription.status()).toEqual({ url: webhook.url, delivered: webhook.notifications.length, failed: 0, pending: 0 });
  });

  it("rejects addWebhook when the webhook does not echo the validation code", async () => {
    const webhook = await receiver({ validation: "wrong-code" });
    const outcome = await rejection(emulator.addWebhook({ url: webhook.url }));
    expect(outcome.message).toMatch(/validation handshake/);
    expect(outcome.message).toContain(webhook.url);
    expect(webhook.validations).toHaveLength(1);

    // Not subscribed: later changes are not delivered to it.
    const threadId = await newThread(alice, [bob], "unvalidated");
    await alice.thread(threadId).sendMessage({ content: "nobody listening there" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(webhook.notifications).toHaveLength(0);
  });

  it("retries an event the webhook answered 500, then goes on in order", async () => {
    const webhook = await receiver({ failNotifications: 1 });
    const subscription: WebhookSubscription = await emulator.addWebhook({ url: webhook.url });
    const threadId = await newThread(alice, [bob], "flaky");
    await alice.thread(threadId).sendMessage({ content: "retried" });
    await subscription.settled();

    const deliveries = notificationsOf(webhook, threadId);
    const ids = deliveries.map((delivery) => (delivery.body as ReceivedEvent[])[0]!.id);
    // ChatThreadCreated twice (500, then 200), then the other three once each.
    expect(deliveries).toHaveLength(5);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(4);
    expect(deliveries.map((delivery) => delivery.headers["aeg-delivery-count"])).toEqual(["0", "1", "0", "0", "0"]);
    expect(deliveries.map((delivery) => (delivery.body as ReceivedEvent[])[0]!.eventType)).toEqual(
      ["ChatThreadCreated", "ChatThreadCreated", "ChatThreadCreatedWithUser", "ChatMessageReceivedInThread", "ChatMessageReceived"].map((t) => P + t),
    );
    expect(subscription.status()).toMatchObject({ delivered: 4, failed: 0, pending: 0 });
  });

  it("delivers only the subscribed event types", async () => {
    const webhook = await receiver();
    const subscription = await emulator.addWebhook({ url: webhook.url, eventTypes: [`${P}ChatMessageReceivedInThread`] });
    const threadId = await newThread(alice, [bob, carol], "filtered");
    const first = await alice.thread(threadId).sendMessage({ content: "1" });
    const second = await bob.thread(threadId).sendMessage({ content: "2" });
    await alice.thread(threadId).updateTopic("filtered, renamed");
    await subscription.settled();

    const received = webhook.events();
    expect(received.map((event) => event.eventType)).toEqual([`${P}ChatMessageReceivedInThread`, `${P}ChatMessageReceivedInThread`]);
    expect(received.map((event) => event.data.messageId)).toEqual([first.id, second.id]);
    expect(subscription.status()).toMatchObject({ delivered: 2, failed: 0, pending: 0 });
  });
});
