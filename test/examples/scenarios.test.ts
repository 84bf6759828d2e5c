/**
 * `npm run demo` is also a test: every scenario's Twilio-shaped side (on this library) and native
 * ACS side must observe the same outcome against the emulator.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;

it("runs every side-by-side scenario, and both sides of each agree", async () => {
  const { stdout } = await run(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, `${root}examples/demo.ts`], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 240_000,
  });
  const total = Number(/^(\d+) scenarios/m.exec(stdout)?.[1]);
  expect(total).toBeGreaterThanOrEqual(11);
  expect(stdout).toContain(`All ${total} scenarios agree.`);
  expect(stdout).not.toContain("OUTCOMES DIFFER");
}, 300_000);
