/**
 * Real apps' habits against an emulator that enforces ACS's rate limits (`rateLimits: true`):
 * 1. Start-up of a user in 50, 200 and 500 conversations: time to `initialized`, time until every
 *    conversation is announced, ACS requests, 429s.
 * 2. A render loop at 10 renders a second for a minute (messages, counts, participants, receipts,
 *    authors, typing), with messages arriving at ACS's allowed pace: requests per minute by
 *    operation, and 429s; then what single warm calls cost in requests.
 * Prints figures; asserts nothing.
 */
import { startEmulator, type Emulator, type RequestLogEntry } from "../src/emulator/index.js";
import type { Client, Conversation } from "../src/index.js";
import { chatClientFor } from "../test/helpers/acs.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../test/helpers/twilio-clients.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RENDER_LOOP_MS = 60_000;

function countByOperation(entries: RequestLogEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.operation, (counts.get(entry.operation) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([operation, n]) => `${n} × ${operation}`).join(", ");
}

function recorder(emulator: Emulator, userId: string) {
  const entries: RequestLogEntry[] = [];
  const listener = (entry: RequestLogEntry) => entry.userId === userId && entries.push(entry);
  emulator.requests.on("request", listener);
  return { entries, stop: () => emulator.requests.off("request", listener) };
}

async function startUp(size: number): Promise<string> {
  const emulator = await startEmulator({ rateLimits: true });
  const directory = new TestDirectory();
  const user = await createSession(emulator, "agent", directory);
  // ACS lets a user create 10 threads per 10 s: one creator per 10 threads.
  const creators = await Promise.all(Array.from({ length: Math.ceil(size / 10) }, (_, i) => createSession(emulator, `creator-${i}`, directory)));
  await Promise.all(
    creators.map(async (creator, c) => {
      const chat = chatClientFor(emulator, creator.acsToken);
      for (let k = 0; k < 10 && c * 10 + k < size; k++) {
        await chat.createChatThread({ topic: `case ${c * 10 + k}` }, { participants: [{ id: { communicationUserId: creator.userId } }, { id: { communicationUserId: user.userId } }], metadata: { twilioAttributes: `{"case":${c * 10 + k}}` } });
      }
    }),
  );
  const requests = recorder(emulator, user.userId);
  const started = performance.now();
  const client = user.client({ eventSource: "polling" });
  let joined = 0;
  let allJoined = 0;
  client.on("conversationJoined", () => {
    if (++joined === size) allJoined = performance.now() - started;
  });
  await initialized(client);
  const initializedAfter = performance.now() - started;
  while (joined < size) await sleep(100);
  requests.stop();
  await client.shutdown();
  await emulator.close();
  const throttled = requests.entries.filter((entry) => entry.status === 429).length;
  return `  ${String(size).padStart(4)}  ${`${initializedAfter.toFixed(0)} ms`.padStart(11)}  ${`${(allJoined / 1000).toFixed(1)} s`.padStart(12)}  ${String(requests.entries.length).padStart(8)}  ${String(throttled).padStart(4)}  ${countByOperation(requests.entries)}`;
}

async function renderLoop(): Promise<string[]> {
  const emulator = await startEmulator({ rateLimits: true });
  const directory = new TestDirectory();
  const [alice, bob] = (await Promise.all(["alice", "bob"].map((name) => createSession(emulator, name, directory)))) as [TestSession, TestSession];
  const aliceClient = alice.client({ eventSource: "none" });
  const bobClient: Client = bob.client({ eventSource: "polling" });
  await Promise.all([initialized(aliceClient), initialized(bobClient)]);
  const mine = await aliceClient.createConversation({ friendlyName: "busy" });
  await mine.join();
  const joined = new Promise<Conversation>((resolve) => bobClient.on("conversationJoined", (c) => c.sid === mine.sid && resolve(c)));
  await mine.add("bob");
  const conversation = await joined;
  await mine.sendMessage("hello");
  await sleep(2000);

  // The demo app's handlers and render, at 10 renders a second.
  const failures: unknown[] = [];
  const safely = (work: Promise<unknown>) => void work.catch((error: unknown) => failures.push(error));
  bobClient.on("messageAdded", (message) => {
    safely(message.conversation.advanceLastReadMessageIndex(message.index));
    safely(message.conversation.getParticipants());
  });
  bobClient.on("participantUpdated", () => safely(conversation.getParticipants()));
  let renders = 0;
  const render = async () => {
    const page = await conversation.getMessages();
    await Promise.all([conversation.getUnreadMessagesCount(), conversation.getMessagesCount(), conversation.getParticipants()]);
    for (const message of page.items) {
      void message.aggregatedDeliveryReceipt;
      await message.getDetailedDeliveryReceipts();
      if (message.author) await bobClient.getUser(message.author);
    }
    await conversation.typing();
    renders++;
  };
  const requests = recorder(emulator, bob.userId);
  const started = performance.now();
  let sent = 0;
  const talking = (async () => {
    // ACS allows 10 sends per 10 s and 30 a minute per thread: one every 2.5 s.
    while (performance.now() - started < RENDER_LOOP_MS) {
      await mine.sendMessage(`message ${sent++}`);
      await sleep(2500);
    }
  })();
  while (performance.now() - started < RENDER_LOOP_MS) {
    await render().catch((error: unknown) => failures.push(error));
    await sleep(100);
  }
  await talking;
  requests.stop();
  const minutes = (performance.now() - started) / 60_000;

  // Single warm calls, after the loop: what each costs.
  const warm: string[] = [];
  for (const [name, call] of [
    ["getParticipants()", () => conversation.getParticipants()],
    ["getUnreadMessagesCount()", () => conversation.getUnreadMessagesCount()],
    ["getMessagesCount()", () => conversation.getMessagesCount()],
    ["getMessages() (first page)", () => conversation.getMessages()],
    ["message.getDetailedDeliveryReceipts()", async () => (await conversation.getMessages()).items[0]!.getDetailedDeliveryReceipts()],
  ] as const) {
    const single = recorder(emulator, bob.userId);
    await call();
    single.stop();
    warm.push(`    ${name.padEnd(40)} ${single.entries.length} request(s)`);
  }
  await Promise.all([aliceClient.shutdown(), bobClient.shutdown()]);
  await emulator.close();
  const throttled = requests.entries.filter((entry) => entry.status === 429).length;
  return [
    `  ${renders} renders in ${(minutes * 60).toFixed(0)} s with ${sent} messages arriving; ${failures.length} rejections`,
    `  bob's ACS requests: ${(requests.entries.length / minutes).toFixed(0)} a minute, ${throttled} answered 429: ${countByOperation(requests.entries)}`,
    "  single calls, warm (events on):",
    ...warm,
  ];
}

async function main() {
  const startups: string[] = [];
  // HABITS_SIZES=500 HABITS_LOOP=0 for a shorter run.
  for (const size of (process.env.HABITS_SIZES ?? "50,200,500").split(",").map(Number)) startups.push(await startUp(size));
  const loop = process.env.HABITS_LOOP === "0" ? [] : await renderLoop();
  console.log(`App habits on an emulator enforcing ACS's rate limits (node ${process.version})`);
  console.log("Start-up: a user in N conversations, polling at the default pace");
  console.log("     N  initialized  all announced  requests   429  by operation");
  for (const line of startups) console.log(line);
  console.log(`Render loop: 10 renders a second for ${RENDER_LOOP_MS / 1000} s (messages, counts, participants, receipts, authors, typing)`);
  for (const line of loop) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
