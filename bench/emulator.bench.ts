/**
 * `npm run bench`: what the emulator costs on this machine, measured through the real SDK.
 * Prints figures; asserts nothing. Later benchmarks of the Twilio-shaped client compare against
 * the raw ACS SDK figures measured in the same run.
 */
import { request } from "node:https";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { createUser } from "../test/helpers/acs.js";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function timeStartup(runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const emulator = await startEmulator();
    times.push(performance.now() - started);
    await emulator.close();
  }
  return { median: median(times), max: Math.max(...times) };
}

/** One raw HTTPS POST with the user's token: the emulator's own cost, without the SDK pipeline. */
function rawSend(emulator: Emulator, token: string, threadId: string, agent: import("node:https").Agent): Promise<void> {
  const body = JSON.stringify({ content: "raw", type: "text" });
  return new Promise((resolve, reject) => {
    const req = request(
      `${emulator.endpoint}/chat/threads/${encodeURIComponent(threadId)}/messages?api-version=2025-03-15`,
      { method: "POST", agent, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function main() {
  const startup = await timeStartup(10);
  const emulator = await startEmulator();
  const alice = await createUser(emulator);
  const { chatThread } = await alice.chat.createChatThread({ topic: "bench" });
  const thread = alice.thread(chatThread!.id);

  for (let i = 0; i < 50; i++) await thread.sendMessage({ content: `warm-up ${i}` }); // JIT and TLS warm-up

  const sends = 1000;
  let started = performance.now();
  for (let i = 0; i < sends; i++) await thread.sendMessage({ content: `message ${i}` }, { metadata: { twilioAttributes: "{}" } });
  const sdkSendsPerSecond = sends / ((performance.now() - started) / 1000);

  started = performance.now();
  const concurrency = 8;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < sends / concurrency; i++) await thread.sendMessage({ content: `parallel ${worker}-${i}` });
    }),
  );
  const sdkParallelSendsPerSecond = sends / ((performance.now() - started) / 1000);

  const { Agent } = await import("node:https");
  const agent = new Agent({ keepAlive: true, ca: emulator.caPem });
  started = performance.now();
  for (let i = 0; i < sends; i++) await rawSend(emulator, alice.token, chatThread!.id, agent);
  const rawSendsPerSecond = sends / ((performance.now() - started) / 1000);
  agent.destroy();

  // The thread now holds about 3000 messages: list it in pages of 200, newest first.
  let pages = 0;
  started = performance.now();
  while (performance.now() - started < 3000) {
    for await (const page of thread.listMessages({ maxPageSize: 200 }).byPage()) {
      pages++;
      if (page.length === 0) break;
    }
  }
  const pagesPerSecond = pages / ((performance.now() - started) / 1000);
  await emulator.close();

  const rows: Array<[string, string]> = [
    ["emulator start (median of 10, incl. certificate)", `${fmt(startup.median)} ms (max ${fmt(startup.max)} ms)`],
    ["sendMessage via SDK, sequential", `${fmt(sdkSendsPerSecond, 0)} /s`],
    ["sendMessage via SDK, 8 in flight", `${fmt(sdkParallelSendsPerSecond, 0)} /s`],
    ["sendMessage via raw HTTPS, sequential", `${fmt(rawSendsPerSecond, 0)} /s`],
    ["SDK / raw HTTPS send rate", fmt(sdkSendsPerSecond / rawSendsPerSecond, 2)],
    ["listMessages pages of 200 via SDK", `${fmt(pagesPerSecond, 0)} /s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`Emulator benchmark (node ${process.version}, ${(await import("node:os")).cpus().length} cores)`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
