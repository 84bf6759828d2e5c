/**
 * `npm run demo`: the migration, side by side, with no Azure account. Starts the local ACS
 * emulator and the server kit, and runs every scenario of examples/scenarios twice: as a Twilio
 * app's code (importing `@twilio/conversations`, aliased to this library) and as native ACS code.
 * With ACS_CONNECTION_STRING set, runs against that ACS resource instead.
 *
 * The scenario code carries no test-only options: the emulator's self-signed certificate is
 * trusted process-wide. This script makes the certificate (in a data file the emulator reuses),
 * then runs the scenarios in a child process with NODE_EXTRA_CA_CERTS pointing at it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../src/emulator/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), "twilio-conversations-acs-demo-"));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (!process.env.ACS_CONNECTION_STRING) {
      const dataFile = join(folder, "emulator.json");
      const minting = await startEmulator({ dataFile });
      writeFileSync(join(folder, "ca.pem"), minting.caPem);
      await minting.close();
      env.EMULATOR_DATA_FILE = dataFile;
      env.NODE_EXTRA_CA_CERTS = join(folder, "ca.pem");
    }
    const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const child = spawn(process.execPath, [tsx, "--tsconfig", join(root, "examples", "tsconfig.json"), join(root, "examples", "run-scenarios.ts"), ...process.argv.slice(2)], {
      cwd: root,
      env,
      stdio: "inherit",
    });
    return await new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
