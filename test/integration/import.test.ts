/**
 * `importFromTwilio` end to end: Twilio's REST API (the stand-in in test/helpers, read by
 * TwilioRestSource) to the ACS emulator with ACS's rate limits on, through a server kit whose
 * directory is Azure Table storage and whose media store is Azure Blob storage (Azurite). The
 * result is read back as an app would: a Twilio-shaped Client on a kit token sees the same
 * conversations, participants, ordered messages with their original authors, times,
 * attributes and files, read horizons, unique names and profiles. A second run writes nothing;
 * a `since` pass brings only what is new.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, Conversation, Message } from "../../src/index.js";
import { importFromTwilio, planImportFromTwilio, type ImportFromTwilioOptions } from "../../src/migrate/import/importer.js";
import { TwilioRestSource } from "../../src/migrate/import/twilio-source.js";
import { BlobMediaStore, createServerKit, TableDirectoryStore, type ServerKit, type ServerKitOptions } from "../../src/server/index.js";
import { serveFetch, type FetchServer } from "../helpers/fetch-server.js";
import { kitClients } from "../helpers/kit-clients.js";
import { startBlobStorage, startTableStorage, type BlobStorage, type TableStorage } from "../helpers/storage.js";
import { clientOptionsOf } from "../helpers/target.js";
import { standInSid, startTwilioStandIn, type StandInConversation, type StandInData, type TwilioStandIn } from "../helpers/twilio-stand-in.js";

const ACCOUNT = standInSid("AC", 7);
const TOKEN = "import-test-auth-token";
const PROJECT = standInSid("CH", 1);
const BUSY = standInSid("CH", 2);
const CHART = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 31 + 7) % 256);
const minute = (n: number) => new Date(Date.UTC(2023, 4, 1, 9, n, 0));

const project: StandInConversation = {
  sid: PROJECT,
  uniqueName: "project-apollo",
  friendlyName: "Project Apollo",
  attributes: JSON.stringify({ color: "teal", pinned: [1, 2] }),
  dateCreated: minute(0),
  dateUpdated: minute(30),
  participants: [
    { identity: "alice", attributes: JSON.stringify({ role: "lead" }), lastReadMessageIndex: 3 },
    { identity: "bob", lastReadMessageIndex: 1 },
    // An SMS participant: no identity, a messaging binding; ACS Chat has no such participant.
    { identity: null, messagingBinding: { type: "sms", address: "+15550001111", proxy_address: "+15550002222" } },
  ],
  messages: [
    { author: "alice", body: "Kick-off at ten", attributes: JSON.stringify({ importance: "high" }), dateCreated: minute(1) },
    { author: "bob", body: "On my way", dateCreated: minute(2), dateUpdated: minute(5) },
    // Carol left the conversation since; her message stays hers.
    { author: "carol", body: "Notes are in the wiki", dateCreated: minute(3) },
    { author: "alice", body: null, media: [{ filename: "chart.png", contentType: "image/png", bytes: CHART }], dateCreated: minute(4) },
    // The SMS participant's message: its author is the phone number, as on Twilio.
    { author: "+15550001111", body: "Running late", dateCreated: minute(6) },
    // More than ACS takes in one message: reported, the rest imported.
    { author: "bob", body: "x".repeat(29 * 1024), dateCreated: minute(7) },
    { author: "bob", body: "Done", dateCreated: minute(8) },
  ],
};
const busy: StandInConversation = {
  sid: BUSY,
  friendlyName: "Busy",
  dateCreated: minute(0),
  dateUpdated: minute(40),
  participants: [{ identity: "alice" }, { identity: "bob" }],
  // More than one 10 s window of sends (10): the pace of ACS's limits, without a 429.
  messages: Array.from({ length: 14 }, (_, i) => ({ author: i % 2 ? "bob" : "alice", body: `busy ${i}`, dateCreated: minute(10 + i) })),
};
const data: StandInData = {
  conversations: [busy, project],
  users: [
    { identity: "alice", friendlyName: "Alice Anders", attributes: JSON.stringify({ title: "PM" }) },
    { identity: "bob", friendlyName: "Bob Berg" },
  ],
};

let emulator: Emulator;
let twilio: TwilioStandIn;
let blobs: BlobStorage;
let tables: TableStorage;
let server: FetchServer;
let kit: ServerKit;
let kitOptions: () => ServerKitOptions;
let source: TwilioRestSource;
const acsRequests: RequestLogEntry[] = [];

beforeAll(async () => {
  [emulator, twilio, blobs, tables] = await Promise.all([startEmulator({ rateLimits: true }), startTwilioStandIn({ accountSid: ACCOUNT, authToken: TOKEN, data }), startBlobStorage(), startTableStorage()]);
  emulator.requests.on("request", (entry) => acsRequests.push(entry));
  server = await serveFetch((request) => kit.handle(request));
  const store = TableDirectoryStore.fromConnectionString(tables.connectionString, "importdirectory", { createTable: true });
  const mediaStore = BlobMediaStore.fromConnectionString(blobs.connectionString, "imported-media", { createContainer: true });
  kitOptions = () => ({
    connectionString: emulator.connectionString,
    signingSecret: "a-signing-secret-of-at-least-32-bytes!!",
    publicUrl: server.url,
    store,
    mediaStore,
    authenticate: (request: Request) => request.headers.get("x-test-user") ?? undefined,
    acsClientOptions: clientOptionsOf(emulator),
    tokensPerMinute: 1000,
  });
  kit = createServerKit(kitOptions());
  source = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: twilio.url, mcsUrl: twilio.mcsUrl });
}, 60_000);

afterAll(async () => {
  await shutdownAll();
  await server?.close();
  await Promise.all([emulator?.close(), twilio?.close(), blobs?.stop(), tables?.stop()]);
});

const { clientFor, shutdownAll } = kitClients(() => server, () => emulator);
const run = (options: Partial<ImportFromTwilioOptions> = {}) => importFromTwilio({ kit, source, ...options });

async function allMessages(conversation: Conversation): Promise<Message[]> {
  let page = await conversation.getMessages(100);
  const messages = [...page.items];
  while (page.hasPrevPage) {
    page = await page.prevPage();
    messages.unshift(...page.items);
  }
  return messages;
}

describe("importFromTwilio", () => {
  it("plans from Twilio alone: counts and the time ACS's limits allow", async () => {
    const before = acsRequests.length;
    const plan = await planImportFromTwilio({ source });
    expect(plan).toMatchObject({ conversations: 2, participants: 4, nonChatParticipants: 1, messages: 21, media: 1, mediaBytes: CHART.length, tooLarge: [] });
    // 14 sends into one thread: 10 at once, the rest after 10 s.
    expect(plan.timeAtLimitsMs).toBe(10_000);
    expect(acsRequests.length).toBe(before);
  });

  it("imports every conversation as the library would have written it, within ACS's limits", async () => {
    const report = await run();
    expect(report.totals).toMatchObject({ conversations: { imported: 2, skipped: 0, failed: 0 }, messagesImported: 20, mediaImported: 1 });
    // In Twilio's order, though the short conversation (listed second) finishes first.
    expect(report.conversations.map((c) => c.sid)).toEqual([BUSY, PROJECT]);
    expect(report.users).toEqual({ copied: 2, omitted: [] });
    const projectReport = report.conversations.find((c) => c.sid === PROJECT)!;
    expect(projectReport.omitted.map((o) => o.item)).toEqual([expect.stringMatching(/^participant MB/), expect.stringMatching(/^message IM.* \(index 5\)$/)]);
    expect(projectReport.receiptsWritten).toBe(2);
    expect(acsRequests.filter((entry) => entry.status === 429)).toEqual([]);

    const alice = await clientFor("alice");
    const conversation = await alice.getConversationByUniqueName("project-apollo");
    expect(conversation.sid).toBe(projectReport.threadId);
    expect([conversation.friendlyName, conversation.attributes]).toEqual(["Project Apollo", { color: "teal", pinned: [1, 2] }]);
    // Its Twilio times: a conversation list sorted by activity keeps Twilio's order, not the import's.
    expect(conversation.dateCreated?.toISOString()).toBe(minute(0).toISOString());
    expect(conversation.lastMessage?.dateCreated?.toISOString()).toBe(minute(8).toISOString());

    const messages = await allMessages(conversation);
    expect(messages.map((m) => [m.author, m.body])).toEqual([
      ["alice", "Kick-off at ten"],
      ["bob", "On my way"],
      ["carol", "Notes are in the wiki"],
      ["alice", ""],
      ["+15550001111", "Running late"],
      ["bob", "Done"],
    ]);
    expect(messages.map((m) => m.dateCreated?.toISOString())).toEqual([1, 2, 3, 4, 6, 8].map((n) => minute(n).toISOString()));
    expect(messages[1]!.dateUpdated?.toISOString()).toBe(minute(5).toISOString());
    expect(messages[0]!.attributes).toEqual({ importance: "high" });
    const [chart] = messages[3]!.attachedMedia!;
    expect([chart!.filename, chart!.contentType, chart!.size]).toEqual(["chart.png", "image/png", CHART.length]);
    expect(new Uint8Array(await (await fetch((await chart!.getContentTemporaryUrl())!)).arrayBuffer())).toEqual(CHART);

    // The file is tracked as alice's upload: the kit's sweep finds it attached to her message, and keeps it.
    const sweeper = createServerKit({ ...kitOptions(), unattachedUploadGraceMs: 1, uploadSweepIntervalMs: 0 });
    expect(await sweeper.sweepUploads()).toEqual({ attached: 1, deleted: 0 });
    expect(new Uint8Array(await (await fetch((await chart!.getContentTemporaryUrl())!)).arrayBuffer())).toEqual(CHART);

    // Those who left (carol) or wrote over SMS joined for their messages only.
    const participants = await conversation.getParticipants();
    expect(participants.map((p) => p.identity).sort()).toEqual(["alice", "bob"]);
    expect(participants.find((p) => p.identity === "alice")!.attributes).toEqual({ role: "lead" });
    // Twilio's horizons, on the imported messages: alice read index 3 (the chart), bob index 1.
    const horizon = (identity: string) => participants.find((p) => p.identity === identity)!.lastReadMessageIndex;
    expect(horizon("alice")).toBe(messages[3]!.index);
    expect(horizon("bob")).toBe(messages[1]!.index);
    expect(conversation.lastReadMessageIndex).toBe(messages[3]!.index);

    const busyConversation = await alice.getConversationBySid(report.conversations.find((c) => c.sid === BUSY)!.threadId!);
    expect((await allMessages(busyConversation)).map((m) => m.body)).toEqual(busy.messages!.map((m) => m.body));
    expect((await alice.getUser("alice")).friendlyName).toBe("Alice Anders");
    expect((await alice.getUser("alice")).attributes).toEqual({ title: "PM" });
  }, 90_000);

  it("writes nothing on a second run, and only what is new on a since pass", async () => {
    const writes = () => acsRequests.filter((entry) => entry.operation === "POST /chat/threads/{threadId}/messages").length;
    const before = writes();
    const again = await run();
    expect(again.totals.conversations).toEqual({ imported: 0, skipped: 2, failed: 0 });
    expect(writes()).toBe(before);

    // Cut-over day: a message arrived on Twilio after the first pass (Twilio need not move the conversation's date_updated).
    project.messages!.push({ author: "alice", body: "Last one on Twilio", dateCreated: minute(50) });
    // Renamed too, and its attributes changed.
    project.friendlyName = "Project Apollo (archived)";
    project.attributes = JSON.stringify({ color: "grey" });
    await twilio.close();
    twilio = await startTwilioStandIn({ accountSid: ACCOUNT, authToken: TOKEN, data });
    source = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: twilio.url, mcsUrl: twilio.mcsUrl });
    const delta = await run({ since: minute(45) });
    expect(delta.conversations.map((c) => [c.sid, c.outcome, c.messagesImported])).toEqual([
      [BUSY, "skipped", 0],
      [PROJECT, "imported", 1],
    ]);
    expect(delta.conversations[0]!.reason).toBe(`nothing new since ${minute(45).toISOString()}`);
    expect(writes()).toBe(before + 1);

    const bob: Client = await clientFor("bob");
    const conversation = await bob.getConversationByUniqueName("project-apollo");
    const messages = await allMessages(conversation);
    expect(messages.map((m) => m.body).slice(-2)).toEqual(["Done", "Last one on Twilio"]);
    expect(conversation.lastMessage?.dateCreated?.toISOString()).toBe(minute(50).toISOString());
    expect([conversation.friendlyName, conversation.attributes]).toEqual(["Project Apollo (archived)", { color: "grey" }]);
  }, 60_000);

  it("reports bad input clearly and writes nothing a re-run would not mend", async () => {
    const crowded = standInSid("CH", 0xc0);
    const flaky = standInSid("CH", 0xf1);
    const gone = standInSid("CH", 0x90);
    const picture = Uint8Array.from({ length: 3000 }, (_, i) => i % 251);
    const badTwilio = await startTwilioStandIn({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      data: {
        conversations: [
          // More chat participants than an ACS thread holds (250, the kit's user among them).
          { sid: crowded, friendlyName: "Town hall", participants: Array.from({ length: 250 }, (_, i) => ({ identity: `resident${i}` })), messages: [{ author: "resident0", body: "Welcome" }] },
          { sid: flaky, friendlyName: "Flaky files", participants: [{ identity: "alice" }], messages: [{ author: "alice", body: "before" }, { author: "alice", body: "photo", media: [{ filename: "p.png", contentType: "image/png", bytes: picture }] }, { author: "alice", body: "after" }] },
          // Twilio lost this file (its sid is not in the Media service): the message comes without it.
          { sid: gone, friendlyName: "Lost file", participants: [{ identity: "alice" }], messages: [{ author: "alice", body: "lost", media: [{ contentType: "image/png", bytes: picture, raw: { sid: standInSid("ME", 0xdead) } }] }] },
        ],
      },
    });
    try {
      const badSource = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: badTwilio.url, mcsUrl: badTwilio.mcsUrl, retry: { maxRetries: 1, baseDelayMs: 10 } });
      const plan = await planImportFromTwilio({ source: badSource });
      expect(plan.tooLarge).toEqual([crowded]);

      // The media service fails for the whole first run: the conversation stops at that message.
      badTwilio.addFault({ when: (request) => request.host === "mcs", fault: { status: 500 } });
      const first = await importFromTwilio({ kit, source: badSource });
      const outcome = (r: typeof first, sid: string) => r.conversations.find((c) => c.sid === sid)!;
      expect(outcome(first, crowded)).toMatchObject({ outcome: "skipped", reason: expect.stringContaining("250 chat participants"), messagesImported: 0 });
      expect(outcome(first, crowded).threadId).toBeUndefined();
      expect(outcome(first, flaky)).toMatchObject({ outcome: "failed", messagesImported: 1 });
      expect(outcome(first, flaky).reason).toMatch(/500/);
      expect(outcome(first, gone)).toMatchObject({ outcome: "failed" });

      // Fixed: one conversation alone, then the rest; each continues where it stopped.
      await badTwilio.close();
      const fixedTwilio = await startTwilioStandIn({
        accountSid: ACCOUNT,
        authToken: TOKEN,
        data: {
          conversations: [
            { sid: flaky, friendlyName: "Flaky files", participants: [{ identity: "alice" }], messages: [{ author: "alice", body: "before" }, { author: "alice", body: "photo", media: [{ filename: "p.png", contentType: "image/png", bytes: picture }] }, { author: "alice", body: "after" }] },
            { sid: gone, friendlyName: "Lost file", participants: [{ identity: "alice" }], messages: [{ author: "alice", body: "lost", media: [{ contentType: "image/png", bytes: picture, raw: { sid: standInSid("ME", 0xdead) } }] }] },
          ],
        },
      });
      try {
        const fixedSource = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: fixedTwilio.url, mcsUrl: fixedTwilio.mcsUrl });
        const one = await importFromTwilio({ kit, source: fixedSource, conversations: [flaky] });
        expect(one.conversations.map((c) => [c.sid, c.outcome, c.messagesImported, c.mediaImported, c.messagesInAcs])).toEqual([[flaky, "imported", 2, 1, 3]]);
        const rest = await importFromTwilio({ kit, source: fixedSource });
        expect(outcome(rest, gone)).toMatchObject({ outcome: "imported", messagesImported: 1, mediaImported: 0 });
        expect(outcome(rest, gone).omitted).toEqual([{ item: expect.stringMatching(/^media ME0+dead of message IM/), reason: "Twilio no longer has the file (404)" }]);

        const alice = await clientFor("alice");
        const files = await alice.getConversationBySid(outcome(one, flaky).threadId!);
        const messages = await allMessages(files);
        expect(messages.map((m) => [m.body, m.attachedMedia?.length ?? 0])).toEqual([["before", 0], ["photo", 1], ["after", 0]]);
      } finally {
        await fixedTwilio.close();
      }
    } finally {
      await badTwilio.close().catch(() => undefined);
    }
  }, 60_000);
});
