/**
 * This library's Client in Chromium on ACS realtime notifications (the default `eventSource: "auto"`),
 * served by the emulator: the socket is killed in the middle of a burst of messages, and what was
 * sent while it was away is never pushed again (ACS replays nothing). Every message must still reach
 * the page once and in order: the library's catch-up (a read of what changed after a reconnect, and
 * polling at its idle pace) covers the gap.
 *
 * One emulator, one browser, one page. Needs Chromium (see test/helpers/browser.ts).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type DeliveredNotification, type Emulator } from "../../src/emulator/index.js";
import { createClientToken } from "../../src/index.js";
import { createUser, identityClient, userRef, type TestUser } from "../helpers/acs.js";
import { ensureChromium, launchChromium, startRealtimePage } from "../helpers/browser.js";
import type { Seen } from "./realtime-page/main.js";

const skipReason = ensureChromium();
if (skipReason) console.warn(`realtime client browser tests skipped: ${skipReason}`);

const WAIT_MS = 15_000;

describe.skipIf(skipReason !== undefined)(`the library's Client on realtime notifications in Chromium${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let emulator: Emulator;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startRealtimePage>>;
  let alice: TestUser;
  let bob: TestUser;
  let page: Page;
  let threadId: string;
  const delivered: DeliveredNotification[] = [];
  const pageErrors: string[] = [];

  const added = async (): Promise<Array<{ conversation: string; index: number; body: string }>> =>
    (await page.evaluate(() => window.seen))
      .filter((s: Seen) => s.source === "library" && s.event === "messageAdded")
      .map((s) => s.payload as { conversation: string; index: number; body: string })
      .filter((m) => m.conversation === threadId);
  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the page saw ${JSON.stringify(await added())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    emulator = await startEmulator({ realtime: { heartbeatIntervalInMs: 2_000 } });
    emulator.realtime.onNotification((n) => delivered.push(n));
    const identity = identityClient(emulator);
    [alice, bob] = await Promise.all([createUser(emulator, identity), createUser(emulator, identity)]);
    const { chatThread } = await alice.chat.createChatThread({ topic: "burst" }, { participants: [{ id: userRef(alice) }, { id: userRef(bob) }] });
    threadId = chatThread!.id;
    site = await startRealtimePage();
    browser = await launchChromium(emulator.caPem);
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => typeof window.libraryStart === "function", undefined, { timeout: 20_000 });
    const token = createClientToken({ endpoint: emulator.endpoint, acsToken: bob.token, acsUserId: bob.id, identity: "bob" });
    await page.evaluate(([t, a, b]) => window.libraryStart(t!, { alice: a!, bob: b! }), [token, alice.id, bob.id]);
    // "auto" in a browser: the SDK's realtime notifications, registered with the emulator.
    await emulator.realtime.waitForConnections(bob.id, 1, WAIT_MS);
  }, 60_000);

  afterAll(async () => {
    await page?.evaluate(() => window.libraryShutdown()).catch(() => undefined);
    await browser?.close();
    await site?.close();
    await emulator?.close();
  });

  it("uses realtime notifications: a message is pushed to the page's socket and announced", async () => {
    const from = delivered.length;
    await alice.thread(threadId).sendMessage({ content: "warm-up" });
    await until(async () => (await added()).some((m) => m.body === "warm-up"), "warm-up");
    expect(delivered.slice(from).filter((d) => d.recipient === bob.id && d.event === "chatMessageReceived")).toEqual([
      { event: "chatMessageReceived", recipient: bob.id, sockets: 1 },
    ]);
  });

  it("a socket killed mid-burst: every message still arrives once and in order", async () => {
    const thread = alice.thread(threadId);
    const burst = Array.from({ length: 16 }, (_, i) => `burst ${i + 1}`);
    const from = delivered.length;
    for (const [i, content] of burst.entries()) {
      if (i === 6) {
        // The next negotiate is held back for two seconds: the messages sent meanwhile find no socket.
        emulator.faults.inject({ method: "POST", path: "/v4/a", fault: { kind: "delay", delayInMs: 2_000 } });
        expect(emulator.realtime.drop(bob.id)).toBe(1);
      }
      // The rest of the burst goes out once the page is back.
      if (i === 11) await emulator.realtime.waitForConnections(bob.id, 1, WAIT_MS);
      await thread.sendMessage({ content });
    }
    await until(async () => (await added()).some((m) => m.body === burst.at(-1)), "the last message of the burst");
    // Time for any repeat to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const seen = await added();
    expect(seen.map((m) => m.body)).toEqual(["warm-up", ...burst]);
    const indexes = seen.map((m) => m.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(new Set(indexes).size).toBe(indexes.length);

    // The gap was real: the messages sent while the page was away were pushed to no socket; before and after, to its one.
    const pushes = delivered.slice(from).filter((d) => d.recipient === bob.id && d.event === "chatMessageReceived");
    expect(pushes.map((p) => p.sockets)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(emulator.realtime.connections(bob.id)).toEqual([{ userId: bob.id, registered: true }]);
    expect(pageErrors).toEqual([]);
  });
});
