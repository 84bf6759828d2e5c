/**
 * `npm run web-chat`: the local ACS emulator, the example server kit and the web chat's Vite dev
 * server in one process, then prints a link per user. Open two (alice, bob) side by side.
 * Ctrl-C stops everything. PORT sets the dev server's port (default 5173).
 *
 * The page calls the emulator directly (and connects to its realtime notification server), so the
 * browser must trust the emulator's self-signed certificate: this prints how (accept it once on
 * each of the two ports, or start Chromium with its public key hash).
 */
import { createHash, X509Certificate } from "node:crypto";
import { createServer } from "vite";
import { startEmulator } from "../../src/emulator/index.js";
import { startExampleServer } from "../server/node-http.js";
import { webChatConfig } from "./vite.config.js";

export interface WebChatUrlOptions {
  user: string;
  serverUrl: string;
  mediaUrl: string;
  pageSize?: number;
}

/** The page's address for one user. */
export function webChatUrl(pageOrigin: string, options: WebChatUrlOptions): string {
  const query = new URLSearchParams({ user: options.user, server: options.serverUrl, media: options.mediaUrl });
  if (options.pageSize !== undefined) query.set("pageSize", String(options.pageSize));
  return `${pageOrigin}/?${query.toString()}`;
}

/** Chromium's `--ignore-certificate-errors-spki-list` value: base64 SHA-256 of the certificate's SubjectPublicKeyInfo. */
export function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const emulator = await startEmulator();
  const server = await startExampleServer({ connectionString: emulator.connectionString, ca: emulator.caPem, mediaUrl: emulator.endpoint });
  const vite = await createServer({ ...webChatConfig({ port: Number(process.env.PORT ?? 5173) }), configFile: false });
  await vite.listen();
  const origin = vite.resolvedUrls?.local[0]?.replace(/\/+$/, "") ?? "http://127.0.0.1:5173";
  console.log(`ACS emulator ${emulator.endpoint} (realtime notifications ${emulator.realtime.url}), server kit ${server.url}, web chat ${origin}`);
  console.log(
    [
      "",
      "The page calls the emulator directly: your browser must trust its self-signed certificate. Either",
      `  - open ${emulator.endpoint}/ and ${emulator.realtime.url}/ once in the browser and accept the certificate warning, or`,
      "  - start Chromium/Chrome trusting this certificate's key (a throwaway profile):",
      `      chromium --user-data-dir=$(mktemp -d) --ignore-certificate-errors-spki-list=${spkiHash(emulator.caPem)}`,
      "",
    ].join("\n"),
  );
  for (const user of ["alice", "bob"]) console.log(`  ${user}: ${webChatUrl(origin, { user, serverUrl: server.url, mediaUrl: emulator.endpoint })}`);
  process.once("SIGINT", () => void Promise.all([vite.close(), server.close(), emulator.close()]).then(() => process.exit(0)));
}
