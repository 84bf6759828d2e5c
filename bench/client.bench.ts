/**
 * `npm run bench` (second part): what the Twilio-shaped client costs over the raw ACS SDK, in one
 * process against one emulator. Each operation runs through our classes and through the raw
 * `@azure/communication-chat` SDK doing the same job as natively as possible:
 *
 * - send: `conversation.sendMessage(body)` resolves to the index; raw = `sendMessage` + `getMessage`
 *   to learn the sequenceId. Sends rotate over SEND_CONVERSATIONS conversations per side, so that
 *   no thread takes more than about ten messages a second (ACS allows 10 sends per 10 s per
 *   thread). Each side has its own conversations: a raw send into ours would be another
 *   participant's message, which our client must read before it announces its own (measured
 *   apart, below the table).
 * - first page: `getMessages()` (30, newest) on a conversation of 300 messages the client has not
 *   read; raw = `listMessages({ maxPageSize: 30 })` pages until 30 user messages (no system,
 *   deleted or control messages), ascending, with whether older ones exist.
 * - warm page: `prevPage()` to a page inside what was already read; raw = the next ACS page from
 *   a stored continuation token (ACS's cursor is the native way back), filtered the same way.
 * - participant list: `getParticipants()` on a conversation of 8; raw = `listParticipants()`.
 *
 * Prints (1) the wall-time ratio ours/raw per operation and overall, medians of several runs after
 * warm-up runs, ours and raw interleaved; (2) ACS requests per operation, counted with
 * `emulator.requests`. Asserts nothing.
 */
import type { ChatMessage, ChatThreadClient } from "@azure/communication-chat";
import { cpus } from "node:os";
import { startEmulator, type RequestLogEntry } from "../src/emulator/index.js";
import type { Client, Conversation, Message, Paginator } from "../src/index.js";
import { METADATA_KEYS } from "../src/mapping/metadata-keys.js";
import { chatClientFor } from "../test/helpers/acs.js";
import { createSession, initialized, TestDirectory } from "../test/helpers/twilio-clients.js";

const WARM_UP_RUNS = 2;
const MEASURED_RUNS = 9;
const PAGE_SIZE = 30;
const PAGED_MESSAGES = 300;
const PARTICIPANTS = 8;
const SEND_CONVERSATIONS = 40;

/** How many times each operation runs per run (the run's figure is the mean). */
const REPEATS = { send: 60, firstPage: 20, warmPage: 100, participants: 60 } as const;
type Operation = keyof typeof REPEATS;
const OPERATIONS: Array<{ key: Operation; label: string }> = [
  { key: "send", label: "send (conversation.sendMessage)" },
  { key: "firstPage", label: `first page (getMessages(), ${PAGED_MESSAGES} msgs, not read before)` },
  { key: "warmPage", label: "warm page (prevPage() within what was read)" },
  { key: "participants", label: `participant list (getParticipants(), ${PARTICIPANTS}, events on)` },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

/** A raw ACS user message, as Twilio would show it: not a system, deleted or control message. */
const isUserMessage = (message: ChatMessage) =>
  (message.type === "text" || message.type === "html") && !message.deletedOn && message.metadata?.[METADATA_KEYS.control] === undefined;

interface RawPage {
  items: ChatMessage[];
  hasOlder: boolean;
  olderToken: string | undefined;
}

/** Raw paging: ACS pages of `size` from the cursor until `size` user messages; items ascending. */
async function rawPage(thread: ChatThreadClient, size: number, continuationToken?: string): Promise<RawPage> {
  const found: ChatMessage[] = [];
  let token = continuationToken;
  do {
    const settings: { continuationToken?: string } = token ? { continuationToken: token } : {};
    const page = await thread.listMessages({ maxPageSize: size }).byPage(settings).next();
    // The SDK writes the next page's link into the settings object it was given.
    token = settings.continuationToken;
    for (const message of page.done ? [] : page.value) if (isUserMessage(message)) found.push(message);
  } while (found.length < size && token);
  return { items: found.slice(0, size).reverse(), hasOlder: found.length > size || token !== undefined, olderToken: token };
}

async function main() {
  const emulator = await startEmulator();
  const directory = new TestDirectory();
  const [alice, bob, ...others] = await Promise.all(
    ["alice", "bob", ...Array.from({ length: PARTICIPANTS - 2 }, (_, i) => `member${i}`)].map((identity) => createSession(emulator, identity, directory)),
  );
  const clients: Client[] = [];
  // The raw SDK does not pace itself: ours goes unpaced too (rateLimits: false), so that the ratios
  // measure the library's own cost. Its pacing is measured in bench/app-habits.bench.ts.
  const newClient = async () => {
    const client = alice!.client({ rateLimits: false });
    clients.push(client);
    await initialized(client);
    // Conversations load after `initialized`: wait for them, so that loading is neither timed nor counted.
    await client.getSubscribedConversations();
    return client;
  };

  // Two conversations of alice's, made through our classes: one to send into, one of 300 messages to page.
  const setup = await newClient();
  const sendConversations: Conversation[] = [];
  for (let i = 0; i < 2 * SEND_CONVERSATIONS; i++) {
    const conversation = await setup.createConversation({ friendlyName: `bench sends ${i}` });
    await conversation.join();
    await conversation.add("bob");
    sendConversations.push(conversation);
  }
  const pagedConversation = await setup.createConversation({ friendlyName: "bench pages" });
  await pagedConversation.join();
  for (const member of [bob!, ...others]) await pagedConversation.add(member.identity);

  const aliceChat = chatClientFor(emulator, alice!.acsToken);
  const bobChat = chatClientFor(emulator, bob!.acsToken);
  const rawSendThreads = sendConversations.splice(SEND_CONVERSATIONS).map((conversation) => aliceChat.getChatThreadClient(conversation.sid));
  let oursSends = 0;
  let rawSends = 0;
  const rawPagedThread = aliceChat.getChatThreadClient(pagedConversation.sid);
  const bobPagedThread = bobChat.getChatThreadClient(pagedConversation.sid);
  for (let start = 0; start < PAGED_MESSAGES; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? rawPagedThread : bobPagedThread).sendMessage({ content: `paged ${start + i}` })),
    );
  }

  // Ours, warm: a client that read the whole paged conversation once, and a page in its middle.
  const warmConversation: Conversation = await (await newClient()).getConversationBySid(pagedConversation.sid);
  let walked = await warmConversation.getMessages(PAGE_SIZE);
  while (walked.hasPrevPage) walked = await walked.prevPage();
  const middleAnchor = walked.items[0]!.index + Math.floor(PAGED_MESSAGES / 2);
  const warmPage = await warmConversation.getMessages(PAGE_SIZE, middleAnchor);
  // Raw, warm: the continuation token below the same page, stored from reading down to it.
  let rawWarmToken: string | undefined;
  for (let page = await rawPage(rawPagedThread, PAGE_SIZE); ; page = await rawPage(rawPagedThread, PAGE_SIZE, page.olderToken)) {
    if (Number(page.items[0]!.sequenceId) <= warmPage.items[0]!.index) {
      rawWarmToken = page.olderToken;
      break;
    }
  }
  // A fresh, initialized client per first-page read (not timed): its conversation has read nothing.
  const freshConversation = async () => (await newClient()).getConversationBySid(pagedConversation.sid);

  // Participants as apps read them: from a client whose events keep the roster (after its first read).
  // Bob's, polling at a crawl, so that its own requests neither count as alice's nor load the machine;
  // kept apart from `clients`, whose fresh ones are shut down after each run.
  const following = bob!.client({ eventSource: "polling", polling: { minIntervalInMs: 60_000, maxIntervalInMs: 60_000 }, rateLimits: false });
  await initialized(following);
  const followedConversation = await following.getConversationBySid(pagedConversation.sid);
  await followedConversation.getParticipants();

  const ours: Record<Operation, () => Promise<unknown>> = {
    send: () => sendConversations[oursSends++ % SEND_CONVERSATIONS]!.sendMessage("bench message"),
    firstPage: () => Promise.reject(new Error("timed separately")),
    warmPage: () => warmPage.prevPage(),
    participants: () => followedConversation.getParticipants(),
  };
  const raw: Record<Operation, () => Promise<unknown>> = {
    send: async () => {
      const thread = rawSendThreads[rawSends++ % SEND_CONVERSATIONS]!;
      const { id } = await thread.sendMessage({ content: "bench message" }, { senderDisplayName: "alice" });
      return Number((await thread.getMessage(id)).sequenceId);
    },
    // A conversation not read before: as on our side, a thread client of its own.
    firstPage: () => rawPage(aliceChat.getChatThreadClient(pagedConversation.sid), PAGE_SIZE),
    warmPage: () => rawPage(rawPagedThread, PAGE_SIZE, rawWarmToken),
    participants: async () => {
      const participants = [];
      for await (const participant of rawPagedThread.listParticipants({ maxPageSize: 200 })) participants.push(participant);
      return participants;
    },
  };

  /** Mean ms per call of one operation over its repeats. */
  async function timeOperation(side: "ours" | "raw", key: Operation): Promise<number> {
    let total = 0;
    for (let i = 0; i < REPEATS[key]; i++) {
      if (side === "ours" && key === "firstPage") {
        const conversation = await freshConversation();
        const started = performance.now();
        await conversation.getMessages();
        total += performance.now() - started;
        continue;
      }
      const started = performance.now();
      await (side === "ours" ? ours : raw)[key]();
      total += performance.now() - started;
    }
    return total / REPEATS[key];
  }

  const samples: Record<"ours" | "raw", Record<Operation, number[]>> = {
    ours: { send: [], firstPage: [], warmPage: [], participants: [] },
    raw: { send: [], firstPage: [], warmPage: [], participants: [] },
  };
  /** Per measured run: the whole scenario's timed ms (every call of every operation), ours / raw. */
  const scenarioRatios: number[] = [];
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run++) {
    // Interleaved, alternating who goes first, so that drift hits both sides alike.
    const order: Array<"ours" | "raw"> = run % 2 === 0 ? ["ours", "raw"] : ["raw", "ours"];
    const scenario = { ours: 0, raw: 0 };
    for (const { key } of OPERATIONS) {
      for (const side of order) {
        const ms = await timeOperation(side, key);
        scenario[side] += ms * REPEATS[key];
        if (run >= WARM_UP_RUNS) samples[side][key].push(ms);
      }
    }
    if (run >= WARM_UP_RUNS) scenarioRatios.push(scenario.ours / scenario.raw);
    // Fresh clients have served their one read.
    await Promise.all(clients.splice(2).map((client) => client.shutdown()));
  }

  /** ACS requests alice's clients send during one call. */
  async function countRequests(action: () => Promise<unknown>, userId = alice!.userId): Promise<number> {
    const seen: RequestLogEntry[] = [];
    const listener = (entry: RequestLogEntry) => {
      if (entry.userId === userId) seen.push(entry);
    };
    emulator.requests.on("request", listener);
    try {
      await action();
    } finally {
      emulator.requests.off("request", listener);
    }
    return seen.length;
  }
  const freshForCount = await freshConversation();
  const requests: Record<Operation, { ours: number; raw: number }> = {
    send: { ours: await countRequests(ours.send), raw: await countRequests(raw.send) },
    firstPage: { ours: await countRequests(() => freshForCount.getMessages()), raw: await countRequests(raw.firstPage) },
    warmPage: { ours: await countRequests(ours.warmPage), raw: await countRequests(raw.warmPage) },
    participants: { ours: await countRequests(ours.participants, bob!.userId), raw: await countRequests(raw.participants) },
  };
  // For context: a send right after another participant's message, which our client has not read yet.
  await bobChat.getChatThreadClient(sendConversations[oursSends % SEND_CONVERSATIONS]!.sid).sendMessage({ content: "bob's" });
  const sendAfterOthers = await countRequests(ours.send);
  // For context: the first prevPage() after a first page goes beyond the first read.
  const firstThenPrev = await freshConversation();
  const firstPage: Paginator<Message> = await firstThenPrev.getMessages();
  const prevAfterFirst = await countRequests(() => firstPage.prevPage());

  await Promise.all([...clients, following].map((client) => client.shutdown()));
  await emulator.close();

  // ---- the table ----
  const requestTargets: Record<Operation, { text: string; met: (n: number) => boolean } | undefined> = {
    send: { text: "= 2", met: (n) => n === 2 },
    firstPage: undefined,
    warmPage: { text: "<= 1", met: (n) => n <= 1 },
    participants: { text: "= 0 warm", met: (n) => n === 0 },
  };
  const RATIO_TARGET = 1.1;
  const header = ["operation", "ours ms", "raw ms", "ours/raw", "ratio <= 1.10", "ours req", "raw req", "req target"];
  const rows: string[][] = [];
  for (const { key, label } of OPERATIONS) {
    const o = median(samples.ours[key]);
    const r = median(samples.raw[key]);
    const target = requestTargets[key];
    rows.push([
      label,
      fmt(o, 3),
      fmt(r, 3),
      fmt(o / r),
      o / r <= RATIO_TARGET ? "met" : "MISSED",
      String(requests[key].ours),
      String(requests[key].raw),
      target ? `${target.text} ${target.met(requests[key].ours) ? "met" : "MISSED"}` : "-",
    ]);
  }
  const overall = median(scenarioRatios);
  rows.push(["overall (whole scenario: every call of a run)", "", "", fmt(overall), overall <= RATIO_TARGET ? "met" : "MISSED", "", "", ""]);

  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  console.log(`\nClient benchmark: twilio-conversations-acs vs raw @azure/communication-chat (node ${process.version}, ${cpus().length} cores)`);
  console.log(
    `  one emulator, one process; time = median over ${MEASURED_RUNS} runs (after ${WARM_UP_RUNS} warm-up runs) of the mean per call; ` +
      `calls per run: ${OPERATIONS.map(({ key }) => `${key} ${REPEATS[key]}`).join(", ")}`,
  );
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((width) => "-".repeat(width)).join("  ")}`);
  for (const row of rows) console.log(`  ${line(row)}`);
  console.log(
    `  for context: a send right after another participant's message costs ${sendAfterOthers} request(s): the send, the read-back, ` +
      "and a read of the change feed (in the background) that announces both messages in order",
  );
  console.log(
    `  for context: the first prevPage() right after a first page (beyond the first read) costs ${prevAfterFirst} request(s) ours, 1 raw`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
