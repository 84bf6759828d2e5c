/**
 * The web chat (examples/web-chat, Twilio API code aliased to this library) in real headless
 * Chromium: two users, alice and bob, each on their own page, against the local ACS emulator and
 * the example server kit. Messages, a file and unread counts must appear on the other side. The
 * pages run as browsers do in production: on ACS realtime notifications (the library's default
 * `eventSource: "auto"`, served by the emulator's realtime server), typing indicators included.
 *
 * Needs Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH). When it is missing, the test
 * installs it (as root, with CI set or WEB_CHAT_INSTALL_CHROMIUM=1) or is skipped, saying why.
 * Screenshots go to test-artifacts/web-chat/.
 *
 * The page calls the emulator and the server kit directly, as a real app calls ACS and its token
 * server: both answer CORS. Chromium trusts the emulator's self-signed certificate by its public key
 * (`--ignore-certificate-errors-spki-list`), checked here by opening a media URL in a tab.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startExampleServer, type ExampleServer } from "../../examples/server/node-http.js";
import { webChatUrl } from "../../examples/web-chat/dev.js";
import { webChatConfig } from "../../examples/web-chat/vite.config.js";
import { ensureChromium, launchChromium } from "../helpers/browser.js";

const ARTIFACTS = join(process.cwd(), "test-artifacts", "web-chat");
const WAIT_MS = 15_000;

const skipReason = ensureChromium();
if (skipReason) console.warn(`web chat browser test skipped: ${skipReason}`);

/** A small valid PNG (8x8 RGB, a gradient), so the page can show it as an image. */
function makePng(size = 8): Buffer {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) raw.set([x * 32, y * 32, 200], y * (size * 3 + 1) + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Reads until the value equals `expected` (or the time is up) and returns the last value read, for a precise assertion. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (JSON.stringify(value) === JSON.stringify(expected) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface UserPage {
  identity: string;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  consoleErrors: string[];
}

describe.skipIf(skipReason !== undefined)(`web chat in Chromium${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  const png = makePng();
  let emulator: Emulator;
  let server: ExampleServer;
  let vite: ViteDevServer;
  let browser: Browser;
  let origin: string;
  let alice: UserPage;
  let bob: UserPage;
  let shots = 0;

  const screenshot = async (step: string) => {
    shots++;
    const prefix = String(shots).padStart(2, "0");
    await Promise.all([alice, bob].map((user) => user.page.screenshot({ path: join(ARTIFACTS, `${prefix}-${step}-${user.identity}.png`), fullPage: true })));
  };

  async function openPage(identity: string, pageSize: number): Promise<UserPage> {
    const context = await browser.newContext({ viewport: { width: 900, height: 560 } });
    const page = await context.newPage();
    const user: UserPage = { identity, context, page, pageErrors: [], consoleErrors: [] };
    page.on("pageerror", (error) => user.pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") user.consoleErrors.push(message.text());
    });
    await page.goto(webChatUrl(origin, { user: identity, serverUrl: server.url, mediaUrl: emulator.endpoint, pageSize }));
    // Ready, or an error the page shows (a failed token request, a blocked call...).
    await page
      .waitForFunction(() => document.body.dataset.ready === "true" || Boolean(document.querySelector('[data-testid="error"]')?.textContent), undefined, { timeout: 20_000 })
      .catch(() => undefined);
    if ((await page.locator("body").getAttribute("data-ready")) !== "true") {
      const shown = await page.getByTestId("error").textContent();
      throw new Error(`${identity}'s page did not start: ${shown || "no error shown"}; console errors: ${JSON.stringify(user.consoleErrors)}`);
    }
    return user;
  }

  const conversationRow = (user: UserPage, name: string) => user.page.getByTestId("conversation").filter({ hasText: name });
  const badgeOf = async (user: UserPage, name: string) => {
    const badge = conversationRow(user, name).getByTestId("unread-badge");
    if ((await badge.count()) === 0) return "no such conversation";
    return (await badge.isVisible()) ? await badge.getAttribute("data-count") : "hidden";
  };
  const bodies = (user: UserPage) => user.page.getByTestId("message-body").allTextContents();
  const authors = (user: UserPage) => user.page.getByTestId("message-author").allTextContents();

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true }); // no screenshots left from an earlier run
    mkdirSync(ARTIFACTS, { recursive: true });
    emulator = await startEmulator();
    server = await startExampleServer({ connectionString: emulator.connectionString, ca: emulator.caPem, mediaUrl: emulator.endpoint });
    vite = await createServer({ ...webChatConfig({ port: 0 }), configFile: false, logLevel: "warn" });
    await vite.listen();
    origin = vite.resolvedUrls!.local[0]!.replace(/\/+$/, "");
    browser = await launchChromium(emulator.caPem);
    // bob reads two messages a page, so that he has older ones to load.
    [alice, bob] = await Promise.all([openPage("alice", 20), openPage("bob", 2)]);
  }, 60_000);

  afterAll(async () => {
    if (alice && bob) await screenshot("final").catch(() => undefined);
    await browser?.close();
    await vite?.close();
    await server?.close();
    await emulator?.close();
  });

  it("signs both users in with tokens from the server kit", async () => {
    expect(await alice.page.getByTestId("me").textContent()).toBe("alice");
    expect(await bob.page.getByTestId("me").textContent()).toBe("bob");
    expect(await alice.page.getByTestId("status").textContent()).toBe("connected");
    expect(await bob.page.getByTestId("conversation").count()).toBe(0);
  });

  it("both pages are on realtime notifications: each has a registered socket on the emulator", async () => {
    const registered = () => Promise.resolve(emulator.realtime.connections().filter((c) => c.registered).length);
    expect(await eventually(registered, 2)).toBe(2);
    expect(new Set(emulator.realtime.connections().map((c) => c.userId)).size).toBe(2);
  });

  it("alice starts a conversation with bob and sends three texts and a file", async () => {
    const { page } = alice;
    await page.getByTestId("new-conversation-identity").fill("bob");
    await page.getByTestId("new-conversation-name").fill("Alice & Bob");
    await page.getByTestId("new-conversation-submit").click();
    await page.getByTestId("message-input").and(page.locator(":enabled")).waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId("conversation-title").textContent()).toBe("Alice & Bob");
    for (const text of ["hello bob", "second", "third"]) {
      await page.getByTestId("message-input").fill(text);
      await page.getByTestId("send").click();
      // One at a time, so that the order is the typing order.
      await page.getByTestId("message-body").filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: WAIT_MS });
    }
    await page.getByTestId("file-input").setInputFiles({ name: "pixels.png", mimeType: "image/png", buffer: png });
    expect(await eventually(() => bodies(alice), ["hello bob", "second", "third", ""])).toEqual(["hello bob", "second", "third", ""]);
    expect(await eventually(() => page.getByTestId("media-link").allTextContents(), [`pixels.png (image/png, ${png.length} bytes)`])).toEqual([
      `pixels.png (image/png, ${png.length} bytes)`,
    ]);
    expect(await authors(alice)).toEqual(["alice", "alice", "alice", "alice"]);
    // alice is reading: her receipts (at most one per 2 s) catch up with her own messages.
    expect(await eventually(() => badgeOf(alice, "Alice & Bob"), "hidden")).toBe("hidden");
  });

  it("bob's list shows the conversation with four unread messages", async () => {
    expect(await eventually(() => badgeOf(bob, "Alice & Bob"), "4")).toBe("4");
    expect(await bob.page.getByTestId("messages").getByTestId("message").count()).toBe(0);
    await screenshot("bob-has-unread");
  });

  it("bob opens it: the newest page first, older messages on request", async () => {
    const { page } = bob;
    await conversationRow(bob, "Alice & Bob").click();
    expect(await eventually(() => bodies(bob), ["third", ""])).toEqual(["third", ""]);
    expect(await page.getByTestId("load-older").isVisible()).toBe(true);
    await page.getByTestId("load-older").click();
    expect(await eventually(() => bodies(bob), ["hello bob", "second", "third", ""])).toEqual(["hello bob", "second", "third", ""]);
    expect(await eventually(() => page.getByTestId("load-older").isVisible(), false)).toBe(false);
    expect(await authors(bob)).toEqual(["alice", "alice", "alice", "alice"]);
  });

  it("bob gets alice's file byte for byte, through the page and in a tab of its own", async () => {
    const { page } = bob;
    const link = page.getByTestId("media-link");
    expect(await link.textContent()).toBe(`pixels.png (image/png, ${png.length} bytes)`);
    await eventually(async () => Boolean(await link.getAttribute("href")), true);
    const href = await link.getAttribute("href");
    expect(href).toBeTruthy();
    const viaPage = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href!);
    expect(Buffer.from(viaPage).equals(png)).toBe(true);
    // The image decoded in the page.
    expect(await eventually(() => page.getByTestId("media-image").evaluate((image: HTMLImageElement) => (image.complete ? image.naturalWidth : -1)), 8)).toBe(8);
    // The link points straight at the emulator's media endpoint, and opens in a new tab.
    expect(href!.startsWith(`${emulator.endpoint}/media/`)).toBe(true);
    expect(await link.getAttribute("target")).toBe("_blank");
    // TLS: Chromium navigates to the emulator itself, trusting its self-signed certificate by SPKI hash;
    // the media is served inline, so the tab shows it rather than downloading it.
    const tab = await bob.context.newPage();
    const response = await tab.goto(href!, { timeout: WAIT_MS });
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("image/png");
    expect(response?.headers()["content-disposition"]).toMatch(/^inline\b/);
    expect((await response!.body()).equals(png)).toBe(true);
    // The tab renders the image (Chromium wraps a top-level image in an <img> document).
    expect(await eventually(() => tab.locator("img").evaluate((image: HTMLImageElement) => (image.complete ? image.naturalWidth : -1)).catch(() => -2), 8)).toBe(8);
    await tab.close();
  });

  it("bob has read it all: his badge clears, and alice sees his read receipt", async () => {
    expect(await eventually(() => badgeOf(bob, "Alice & Bob"), "hidden")).toBe("hidden");
    const seen = () => alice.page.getByTestId("message-seen").allTextContents();
    expect(await eventually(seen, ["seen by bob", "seen by bob", "seen by bob", "seen by bob"])).toEqual(["seen by bob", "seen by bob", "seen by bob", "seen by bob"]);
    await screenshot("bob-read");
  });

  it("bob types: alice sees it (realtime typing notifications); his reply reaches her, who is reading, so her badge stays clear", async () => {
    const typing = () => alice.page.getByTestId("typing").textContent();
    expect(await typing()).toBe("");
    await bob.page.getByTestId("message-input").fill("hi alice");
    expect(await eventually(typing, "bob is typing…")).toBe("bob is typing…");
    await screenshot("bob-typing");
    await bob.page.getByTestId("message-input").press("Enter");
    // His message ends his typing on her side.
    expect(await eventually(typing, "")).toBe("");
    expect(await eventually(() => bodies(alice), ["hello bob", "second", "third", "", "hi alice"])).toEqual(["hello bob", "second", "third", "", "hi alice"]);
    expect((await authors(alice)).at(-1)).toBe("bob");
    expect(await eventually(() => badgeOf(alice, "Alice & Bob"), "hidden")).toBe("hidden");
  });

  it("a conversation bob starts shows on alice's list with its unread count", async () => {
    const { page } = bob;
    await page.getByTestId("new-conversation-identity").fill("alice");
    await page.getByTestId("new-conversation-name").fill("Bob's news");
    await page.getByTestId("new-conversation-submit").click();
    await page.getByTestId("conversation-title").filter({ hasText: "Bob's news" }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId("message-input").and(page.locator(":enabled")).waitFor({ timeout: WAIT_MS });
    for (const text of ["news 1", "news 2"]) {
      await page.getByTestId("message-input").fill(text);
      await page.getByTestId("message-input").press("Enter");
      await page.getByTestId("message-body").filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: WAIT_MS });
    }
    expect(await eventually(() => badgeOf(alice, "Bob's news"), "2")).toBe("2");
    expect(await badgeOf(alice, "Alice & Bob")).toBe("hidden");
    expect(await alice.page.getByTestId("conversation-name").allTextContents()).toEqual(["Alice & Bob", "Bob's news"]);
    await screenshot("alice-has-unread");
  });

  it("left no error on either page", async () => {
    for (const user of [alice, bob]) {
      expect({ identity: user.identity, pageErrors: user.pageErrors, shown: await user.page.getByTestId("error").textContent() }).toEqual({
        identity: user.identity,
        pageErrors: [],
        shown: "",
      });
    }
  });
});
