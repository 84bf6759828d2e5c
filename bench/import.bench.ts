/**
 * `npm run bench` (import): messages imported per second from Twilio (the stand-in of its REST
 * API, in this process) to the emulator with ACS's rate limits on, against the most those limits
 * allow for the same conversations (`importTimeAtLimits`: sends per thread, thread creations per
 * user, threads in parallel). The ratio is the least time the limits allow over the time the whole
 * run took (reading Twilio, creating users, threads and participants, sending, receipts). Also:
 * ACS requests per message, and 429s (target: none). Sets: IMPORT_SETS=30x12,10x45 (conversations
 * x messages). Prints figures; asserts nothing.
 */
import { startEmulator, type RequestLogEntry } from "../src/emulator/index.js";
import { importTimeAtLimits, formatDuration } from "../src/migrate/import/pace.js";
import { createServerKit, importFromTwilio, MemoryDirectoryStore, TwilioRestSource } from "../src/server/index.js";
import { clientOptionsOf } from "../test/helpers/target.js";
import { standInSid, startTwilioStandIn, type StandInConversation } from "../test/helpers/twilio-stand-in.js";

const ACCOUNT = standInSid("AC", 42);
const TOKEN = "bench-auth-token";

async function measure(conversations: number, messages: number): Promise<string[]> {
  const emulator = await startEmulator({ rateLimits: true });
  const data: StandInConversation[] = Array.from({ length: conversations }, (_, c) => ({
    friendlyName: `bench ${c}`,
    participants: [{ identity: `a${c % 7}`, lastReadMessageIndex: messages - 1 }, { identity: `b${c % 5}` }],
    messages: Array.from({ length: messages }, (_, i) => ({ author: i % 2 ? `a${c % 7}` : `b${c % 5}`, body: `message ${i} of conversation ${c}`, attributes: JSON.stringify({ i }) })),
  }));
  const twilio = await startTwilioStandIn({ accountSid: ACCOUNT, authToken: TOKEN, data: { conversations: data } });
  const kit = createServerKit({
    connectionString: emulator.connectionString,
    signingSecret: "a-signing-secret-of-at-least-32-bytes!!",
    publicUrl: "https://kit.invalid",
    store: new MemoryDirectoryStore(),
    authenticate: () => undefined,
    acsClientOptions: clientOptionsOf(emulator),
  });
  const requests: RequestLogEntry[] = [];
  emulator.requests.on("request", (entry) => requests.push(entry));
  const source = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: twilio.url, mcsUrl: twilio.mcsUrl });
  const started = performance.now();
  const report = await importFromTwilio({ kit, source });
  const elapsed = performance.now() - started;
  await Promise.all([emulator.close(), twilio.close()]);
  const total = conversations * messages;
  const ideal = importTimeAtLimits(Array(conversations).fill(messages));
  const chat = requests.filter((entry) => entry.operation.includes("/chat/"));
  return [
    `${conversations} x ${messages}`,
    String(report.totals.messagesImported === total ? total : `${report.totals.messagesImported} of ${total}`),
    formatDuration(elapsed),
    (total / (elapsed / 1000)).toFixed(1),
    formatDuration(ideal),
    (total / (ideal / 1000)).toFixed(1),
    (ideal / elapsed).toFixed(2),
    (chat.length / total).toFixed(2),
    String(requests.filter((entry) => entry.status === 429).length),
    [...new Set(requests.filter((entry) => entry.status === 429).map((entry) => entry.operation))].join(" "),
  ];
}

async function main() {
  const sets = (process.env.IMPORT_SETS ?? "30x12,10x45").split(",").map((set) => set.split("x").map(Number) as [number, number]);
  const rows: string[][] = [];
  for (const [conversations, messages] of sets) rows.push(await measure(conversations, messages));
  const header = ["conversations x messages", "imported", "took", "msg/s", "limits allow", "msg/s at limits", "ratio (>= 0.9)", "ACS req/msg", "429s", "refused operations"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  console.log(`\nImport from Twilio (stand-in) to the emulator with ACS's rate limits on (node ${process.version})`);
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((width) => "-".repeat(width)).join("  ")}`);
  for (const row of rows) console.log(`  ${line(row)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
