/**
 * The web chat's Vite config. The app imports `@twilio/conversations`; the alias below points that
 * import at this library (`src/index.ts`), the "change nothing, alias the import" migration path.
 *
 * The page calls the emulator (ACS Chat and its media endpoint) and the server kit directly, as a
 * real app calls ACS and its token server; both answer CORS. The browser must trust the emulator's
 * self-signed certificate (see README.md).
 *
 * `npm run web-chat` starts everything (emulator, server kit, this dev server); or run
 * `npx vite --config examples/web-chat/vite.config.ts` and pass the URLs in the page's query string.
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface WebChatConfigOptions {
  /** Dev-server port (default 5173; 0 picks a free one). */
  port?: number;
}

/** The config; callers of Vite's JS API add `configFile: false`. */
export function webChatConfig(options: WebChatConfigOptions = {}): UserConfig {
  return {
    root: here,
    clearScreen: false,
    resolve: {
      alias: [{ find: /^@twilio\/conversations$/, replacement: `${repoRoot}src/index.ts` }],
    },
    server: {
      host: "127.0.0.1",
      port: options.port ?? 5173,
      strictPort: options.port !== undefined,
      fs: { allow: [repoRoot] },
    },
    // Pre-bundle what the library pulls in, so the first page load does not trigger a re-optimizing reload.
    optimizeDeps: {
      entries: ["index.html"],
      include: ["@azure/communication-chat", "@azure/communication-common", "@azure/core-rest-pipeline", "events", "zod"],
    },
  };
}

export default defineConfig(() => webChatConfig());
