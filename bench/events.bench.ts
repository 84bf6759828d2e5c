/**
 * Events in polling mode (Node), at the default polling pace: the latency from a send to
 * `messageAdded` on another client, and what polling costs: ACS requests per idle cycle with
 * 100 conversations, one of which changes. Prints figures; asserts nothing.
 */
import { startEmulator, type RequestLogEntry } from "../src/emulator/index.js";
import type { Conversation } from "../src/index.js";
import { createSession, initialized, TestDirectory } from "../test/helpers/twilio-clients.js";

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const emulator = await startEmulator();
  const directory = new TestDirectory();
  const alice = await createSession(emulator, "alice", directory);
  const bob = await createSession(emulator, "bob", directory);
  const aliceClient = alice.client();
  await initialized(aliceClient);

  // 100 conversations bob is in, made before bob's client starts.
  const conversations: Conversation[] = [];
  for (let i = 0; i < 100; i++) {
    const conversation = await aliceClient.createConversation({ friendlyName: `thread ${i}` });
    await conversation.add("bob");
    conversations.push(conversation);
  }
  const bobClient = bob.client({ eventSource: "polling" }); // the default pace
  await initialized(bobClient);
  await bobClient.getSubscribedConversations();

  // Latency: send, then time until bob's client announces it.
  const target = conversations[0]!;
  const latencies: number[] = [];
  const arrivals = new Map<string, number>();
  bobClient.on("messageAdded", (message) => arrivals.set(message.body ?? "", performance.now()));
  const samples = 24;
  for (let i = 0; i < samples; i++) {
    await sleep(600 + Math.random() * 1400); // sends at irregular times, as people do
    const body = `latency ${i}`;
    const sentAt = performance.now();
    await target.sendMessage(body);
    while (!arrivals.has(body)) await sleep(5);
    latencies.push(arrivals.get(body)! - sentAt);
  }

  // Idle cost: let polling settle to its idle pace, then count bob's requests while one thread changes once.
  await sleep(8000);
  const requests: RequestLogEntry[] = [];
  const bobRequests = (entry: RequestLogEntry) => entry.userId === bob.userId && requests.push(entry);
  emulator.requests.on("request", bobRequests);
  const windowMs = 20_000;
  await sleep(windowMs / 2);
  await conversations[50]!.sendMessage("the one change");
  await sleep(windowMs / 2);
  emulator.requests.off("request", bobRequests);
  const cycles = requests.filter((r) => r.operation === "GET /chat/threads").length;
  const byOperation = new Map<string, number>();
  for (const r of requests) byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);

  await Promise.all([aliceClient.shutdown(), bobClient.shutdown()]);
  await emulator.close();

  console.log(`Events benchmark, polling mode at the default pace (node ${process.version})`);
  console.log(`  send -> messageAdded on another client, ${samples} sends: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
  console.log(`  100 conversations, one change in ${windowMs / 1000} s: ${requests.length} requests in ${cycles} poll cycles = ${(requests.length / cycles).toFixed(2)} requests per cycle`);
  for (const [operation, count] of byOperation) console.log(`    ${String(count).padStart(4)} × ${operation}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
