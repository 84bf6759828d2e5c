/**
 * Headless Chromium for the browser tests and the bench: Debian's Chromium (/usr/bin/chromium, or
 * CHROMIUM_PATH), installed when missing (as root, with CI set or WEB_CHAT_INSTALL_CHROMIUM=1), else
 * a reason to skip. The emulator's self-signed certificate is trusted by its public key
 * (`--ignore-certificate-errors-spki-list`), for its endpoint and its realtime port alike.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { spkiHash } from "../../examples/web-chat/dev.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Undefined when Chromium is there (installing it when allowed); else why browser tests are skipped. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const allowed = (process.env.CI !== undefined && process.env.CI !== "false") || process.env.WEB_CHAT_INSTALL_CHROMIUM === "1";
  const root = process.getuid?.() === 0;
  const hint = "install Debian's Chromium (apt-get install -y chromium), or run as root with CI=true or WEB_CHAT_INSTALL_CHROMIUM=1 to let this test install it";
  if (!allowed || !root) return `${CHROMIUM} is missing: ${hint}`;
  try {
    execFileSync("sh", ["-c", "apt-get update -qq && apt-get install -y -qq chromium"], { stdio: "ignore", timeout: 10 * 60_000 });
  } catch (error) {
    return `${CHROMIUM} is missing and installing it failed (${(error as Error).message.split("\n")[0]}): ${hint}`;
  }
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is still missing after apt-get install chromium`;
}

/** Chromium trusting the emulator's certificate (`caPem`). */
export function launchChromium(caPem: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--ignore-certificate-errors-spki-list=${spkiHash(caPem)}`,
    ],
  });
}

/** Vite serving test/browser/realtime-page (the real chat SDK's browser build, and this library) on a free port. */
export async function startRealtimePage(): Promise<{ origin: string; close(): Promise<void> }> {
  const { createServer } = await import("vite");
  const root = fileURLToPath(new URL("../browser/realtime-page/", import.meta.url));
  const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
  const vite = await createServer({
    root,
    configFile: false,
    logLevel: "warn",
    clearScreen: false,
    server: { host: "127.0.0.1", port: 0, fs: { allow: [repoRoot] } },
    optimizeDeps: {
      entries: ["index.html"],
      include: ["@azure/communication-chat", "@azure/communication-common", "@azure/core-rest-pipeline", "events", "zod"],
    },
  });
  await vite.listen();
  return { origin: vite.resolvedUrls!.local[0]!.replace(/\/+$/, ""), close: () => vite.close() };
}
