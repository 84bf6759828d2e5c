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
/** Gzipped browser bundle of an app on this library, ACS SDK included (82 KB of it): the Twilio SDK it replaces is 145 KB. */
const BROWSER_BUDGET_BYTES = 100 * 1024;
/** The package's entries: their source, and their build in dist/ without extension. */
const ENTRIES = [
  { name: "index", source: "src/index.ts", dist: "dist/index" },
  { name: "server", source: "src/server/index.ts", dist: "dist/server/index" },
  { name: "emulator", source: "src/emulator/index.ts", dist: "dist/emulator/index" },
] as const;

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

  it("gives Node's ESM loader the names of every CJS build, as its ESM build has them", async () => {
    // `import()` of a CJS file sees only the names cjs-module-lexer finds in it; the rest hide behind `default`.
    const script = `
      const names = (m) => Object.keys(m).filter((name) => name !== "default").sort();
      const result = {};
      for (const entry of ${JSON.stringify(ENTRIES.map((entry) => entry.dist))}) {
        result[entry] = { esm: names(await import("${root}" + entry + ".js")), cjs: names(await import("${root}" + entry + ".cjs")) };
      }
      console.log(JSON.stringify(result));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    const result = JSON.parse(stdout) as Record<string, { esm: string[]; cjs: string[] }>;
    for (const [entry, { esm, cjs }] of Object.entries(result)) {
      expect(esm.length, entry).toBeGreaterThan(0);
      expect(cjs, `${entry}.cjs`).toEqual(esm);
    }
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
