/**
 * `npm run test:live` without credentials: it must exit 0 in seconds, say why it skipped, and
 * run no test against anything. A malformed connection string must stop it with the reason.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LIVE_SKIP_MESSAGE } from "../helpers/target-env.js";

function runLive(extraEnv: Record<string, string>) {
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  // The parent run's own settings (vitest's, and any credentials in the shell) must not leak in.
  for (const key of ["ACS_CONNECTION_STRING", "AZURE_STORAGE_CONNECTION_STRING", "TWILIO_ACS_TARGET", "VITEST", "VITEST_POOL_ID", "VITEST_WORKER_ID", "NODE_ENV"]) {
    if (!(key in extraEnv)) delete env[key];
  }
  const started = Date.now();
  const result = spawnSync("npm", ["run", "--silent", "test:live"], { cwd: process.cwd(), env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, ms: Date.now() - started };
}

describe("npm run test:live", () => {
  it("without ACS_CONNECTION_STRING: exits 0 with the skip message, running no test file", () => {
    const { status, output, ms } = runLive({});
    expect(output).toContain(LIVE_SKIP_MESSAGE);
    expect(status, output).toBe(0);
    expect(output).toMatch(/No test files found/);
    expect(output).not.toMatch(/Test Files|✓|passed|failed/);
    expect(ms).toBeLessThan(30_000);
  });

  it("with a malformed ACS_CONNECTION_STRING: fails before any test, naming the problem", () => {
    const { status, output } = runLive({ ACS_CONNECTION_STRING: "endpoint=http://acs.example/;accesskey=c2VjcmV0" });
    expect(status).not.toBe(0);
    expect(output).toMatch(/ACS_CONNECTION_STRING's endpoint must be https/);
    expect(output).not.toContain("c2VjcmV0");
    expect(output).not.toMatch(/Test Files/);
  });
});
