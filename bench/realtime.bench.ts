/**
 * Events in the browser: the latency from a send on one browser client to `messageAdded` on
 * another, both this library's Client in headless Chromium against the emulator, bob's first on ACS
 * realtime notifications (the default `eventSource: "auto"`), then on polling at its default pace
 * for comparison. Both pages share the browser's clock. Prints figures; asserts nothing.
 * Needs Chromium (see test/helpers/browser.ts).
 */
import type { Browser, Page } from "playwright-core";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { createClientToken } from "../src/index.js";
import { createUser, userRef, type TestUser } from "../test/helpers/acs.js";
import { ensureChromium, launchChromium, startRealtimePage } from "../test/helpers/browser.js";
import type { Seen } from "../test/browser/realtime-page/main.js";

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SAMPLES = 30;

async function clientPage(browser: Browser, origin: string, emulator: Emulator, user: TestUser, identity: string, identities: Record<string, string>, eventSource: "auto" | "polling"): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof window.libraryStart === "function", undefined, { timeout: 30_000 });
  const token = createClientToken({ endpoint: emulator.endpoint, acsToken: user.token, acsUserId: user.id, identity });
  await page.evaluate(([t, ids, source]) => window.libraryStart(t as string, ids as Record<string, string>, { eventSource: source as "auto" }), [token, identities, eventSource] as const);
  return page;
}

async function measure(sender: Page, receiver: Page, threadId: string, label: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(300 + Math.random() * 700); // irregular times, as people send
    const body = `${label} ${i}`;
    const sentAt = await sender.evaluate(([sid, b]) => window.librarySend(sid!, b!), [threadId, body]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const arrival = (await receiver.evaluate(() => window.seen)).find((s: Seen) => s.event === "messageAdded" && (s.payload as { body: string }).body === body);
      if (arrival) {
        latencies.push(arrival.at - sentAt);
        break;
      }
      if (Date.now() > deadline) throw new Error(`${body} never reached the other page`);
      await sleep(5);
    }
  }
  return latencies;
}

async function main() {
  const skip = ensureChromium();
  if (skip) {
    console.log(`Realtime benchmark skipped: ${skip}`);
    return;
  }
  const emulator = await startEmulator();
  const site = await startRealtimePage();
  const browser = await launchChromium(emulator.caPem);
  try {
    const [alice, bob, carol] = [await createUser(emulator), await createUser(emulator), await createUser(emulator)];
    const identities = { alice: alice.id, bob: bob.id, carol: carol.id };
    const { chatThread } = await alice.chat.createChatThread({ topic: "bench" }, { participants: [alice, bob, carol].map((u) => ({ id: userRef(u) })) });
    const threadId = chatThread!.id;

    const alicePage = await clientPage(browser, site.origin, emulator, alice, "alice", identities, "auto");
    const bobPage = await clientPage(browser, site.origin, emulator, bob, "bob", identities, "auto");
    await emulator.realtime.waitForConnections(bob.id, 1, 20_000);
    await sleep(1000);
    const realtime = await measure(alicePage, bobPage, threadId, "realtime");

    const carolPage = await clientPage(browser, site.origin, emulator, carol, "carol", identities, "polling");
    await sleep(4000); // to its idle pace
    const polling = await measure(alicePage, carolPage, threadId, "polling");

    console.log(`Events benchmark in Chromium (${browser.version()}), send on one page -> messageAdded on another, ${SAMPLES} sends each`);
    const line = (name: string, values: number[]) =>
      console.log(`  ${name}: p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`);
    line("realtime notifications (eventSource auto)", realtime);
    line("polling at the default pace (for comparison)", polling);
    for (const page of [alicePage, bobPage, carolPage]) await page.evaluate(() => window.libraryShutdown()).catch(() => undefined);
  } finally {
    await browser.close();
    await site.close();
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
