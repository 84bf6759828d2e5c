/**
 * `twilio-conversations-acs check` as a command: exit codes 0, 1 and 2, the formats on stdout,
 * `--dry-run`'s diff and `--fix`'s rewrite in place, on copies of the fixture apps.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture } from "./fixture.js";

const root = new URL("../../", import.meta.url).pathname;
const tsx = join(root, "node_modules", ".bin", "tsx");

async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [join(root, "src/cli.ts"), "check", ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const copies: Array<{ remove(): void }> = [];
afterAll(() => copies.forEach((copy) => copy.remove()));
function fixture(name: string): string {
  const copy = copyFixture(name);
  copies.push(copy);
  return copy.dir;
}

describe("twilio-conversations-acs check", () => {
  it("exits 1 on an unsupported member, 0 with --fail-on none; json on stdout", async () => {
    const dir = fixture("plain-js");
    const [failing, passing] = await Promise.all([check(dir), check(dir, "--fail-on", "none", "--format", "json")]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain("  static Client.pushNotification  [Push notifications]\n");
    expect(failing.stdout.trimEnd().split("\n").at(-1)).toBe(
      "3 files checked; 1 unsupported, 7 emulated, 10 native members (22 uses); 2 patterns that break on ACS; 1 unresolved use.",
    );
    expect(passing.code).toBe(0);
    const report = JSON.parse(passing.stdout) as { version: number; summary: { unsupported: number } };
    expect(report.version).toBe(1);
    expect(report.summary.unsupported).toBe(1);
  }, 60_000);

  it("exits 0 for an app with native members only, and 1 for it with --fail-on emulated once an emulated one appears", async () => {
    const dir = fixture("plain-js");
    const app = join(dir, "native");
    mkdirSync(app);
    writeFileSync(join(app, "app.js"), 'import { Client } from "@twilio/conversations";\nconst client = new Client("token");\nclient.on("initialized", () => client.shutdown());\n');
    expect((await check(app, "--fail-on", "emulated")).code).toBe(0);
    writeFileSync(join(app, "more.js"), 'import { Client } from "@twilio/conversations";\nnew Client("token").getUser("bob");\n');
    const result = await check(app, "--fail-on", "emulated", "--format", "markdown");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("| `Client.getUser` |");
  }, 60_000);

  it("exits 2 on bad arguments and unreadable projects, with a message and nothing on stdout", async () => {
    const dir = fixture("react-hooks");
    writeFileSync(join(dir, "broken.json"), '{ "compilerOptions": { "strict": tru');
    const runs: Array<Promise<{ args: string[]; result: Awaited<ReturnType<typeof check>> }>> = [];
    for (const args of [
      [dir, "--format", "xml"],
      [dir, "--fail-on", "warnings"],
      [dir, "--bogus"],
      [dir, "another-dir"],
      [dir, "--fix", "--dry-run"],
      [join(dir, "missing")],
      [dir, "--project", join(dir, "broken.json")],
    ]) {
      runs.push(check(...args).then((result) => ({ args, result })));
    }
    // One process each, all at once: each spends its time starting up.
    for (const { args, result } of await Promise.all(runs)) {
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(result.stderr.length).toBeGreaterThan(10);
    }
  }, 120_000);

  it("--dry-run prints the diff and writes nothing; --fix rewrites the specifiers in place", async () => {
    const dir = fixture("react-hooks");
    const before = readFileSync(join(dir, "src/useClient.ts"), "utf8");
    const dry = await check(dir, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      [
        "--- a/src/useClient.ts",
        "+++ b/src/useClient.ts",
        "@@ -2 +2 @@",
        '-import { Client, type Conversation } from "@twilio/conversations";',
        '+import { Client, type Conversation } from "twilio-conversations-acs";',
      ].join("\n"),
    );
    expect(dry.stdout.match(/^\+\+\+ /gm)).toHaveLength(3);
    expect(readFileSync(join(dir, "src/useClient.ts"), "utf8")).toBe(before);

    const fix = await check(dir, "--fix");
    expect(fix.code).toBe(0);
    expect(fix.stdout).toBe("Rewrote 3 import specifiers in 3 files: src/ChatView.tsx, src/useClient.ts, src/useMessages.ts.\n");
    expect(readFileSync(join(dir, "src/useClient.ts"), "utf8")).toBe(before.replace('"@twilio/conversations"', '"twilio-conversations-acs"'));
    expect((await check(dir, "--dry-run")).stdout).toBe("No import of @twilio/conversations to rewrite.\n");
  }, 60_000);
});
