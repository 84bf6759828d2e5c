/**
 * The package as its users get it: built with tsup, installable in ESM and CJS with correct
 * types (arethetypeswrong, publint), and a main entry that bundles for the browser with no Node
 * built-ins, inside the size budget.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { publint } from "publint";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
/**
 * Gzipped browser bundle of an app on this library, ACS SDK included (82 KB of it): the Twilio SDK it replaces is 145 KB.
 * 100 KB until the checks of data other participants write (types, bounds, media URL origins) took 1.4 KB of it.
 */
const BROWSER_BUDGET_BYTES = 102 * 1024;

describe("the built package", () => {
  beforeAll(async () => {
    await run("npm", ["run", "build"], { cwd: root });
  }, 120_000);

  it("passes publint with no warnings", async () => {
    const { messages } = await publint({ pkgDir: root, strict: true });
    expect(messages).toEqual([]);
  });

  it("has types that resolve in every module mode (arethetypeswrong)", async () => {
    const attw = new URL("node_modules/.bin/attw", `file://${root}`).pathname;
    const { stdout } = await run(attw, ["--pack", ".", "--format", "json"], { cwd: root, maxBuffer: 10 * 1024 * 1024 });
    const report = JSON.parse(stdout) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
  }, 120_000);

  it("bundles for browsers without Node built-ins, within budget", async () => {
    // What a migrated app bundles: the classes Twilio apps construct, listen to and check with instanceof.
    const app = `
      import { Client, Conversation, Message, Participant, User, Media, MessageBuilder, RestPaginator } from "${root}dist/index.js";
      const client = new Client(localStorage.getItem("token"));
      client.on("messageAdded", (m) => console.log(m instanceof Message, Conversation, Participant, User, Media, MessageBuilder, RestPaginator));
    `;
    const result = await build({
      stdin: { contents: app, resolveDir: root, loader: "js" },
      bundle: true,
      platform: "browser",
      format: "esm",
      minify: true,
      write: false,
      logLevel: "silent",
    });
    const bundle = result.outputFiles[0]!.contents;
    expect(new TextDecoder().decode(bundle)).not.toMatch(/from\s*["']node:/);
    expect(gzipSync(bundle).length).toBeLessThan(BROWSER_BUDGET_BYTES);
  });

  it("ships an executable bin that prints its usage", async () => {
    const cli = await readFile(`${root}dist/cli.js`, "utf8");
    expect(cli.startsWith("#!/usr/bin/env node")).toBe(true);
    const { stdout } = await run(process.execPath, [`${root}dist/cli.js`, "emulator", "--help"]);
    expect(stdout).toContain("twilio-conversations-acs emulator [--port N]");
  });

  it("loads every entry from CJS and ESM", async () => {
    const script = `
      const emulator = require("twilio-conversations-acs/emulator");
      if (typeof emulator.startEmulator !== "function") throw new Error("CJS emulator entry");
      import("twilio-conversations-acs/emulator").then((m) => {
        if (typeof m.startEmulator !== "function") throw new Error("ESM emulator entry");
        return import("twilio-conversations-acs");
      }).then((m) => { if (typeof m.version !== "string") throw new Error("ESM main entry"); console.log("ok"); });
    `;
    // The package resolves itself by name through its own exports map.
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: root });
    expect(stdout.trim()).toBe("ok");
  });
});

describe("the lock file", () => {
  it("resolves every dependency it declares, as npm ci requires (this registry serves some platform binaries only for Linux)", async () => {
    const lock = JSON.parse(await readFile(`${root}package-lock.json`, "utf8")) as {
      packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
    };
    const resolves = (from: string, name: string): boolean => {
      // Node's lookup: the package's own node_modules, then each enclosing one.
      for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf("/node_modules/")))) {
        if (`${at ? `${at}/` : ""}node_modules/${name}` in lock.packages) return true;
        if (!at) return false;
      }
    };
    const unresolved = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })
        .filter((name) => !resolves(path, name))
        .map((name) => `${path || "(root)"} -> ${name}`),
    );
    expect(unresolved, "npm ci would refuse the lock file: drop the edges to packages the registry does not serve").toEqual([]);
  });
});
