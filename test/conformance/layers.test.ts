/**
 * The layers point one way (ARCHITECTURE.md). Every import in src/ is checked against the table
 * below, so a new upward import fails here instead of being found in review.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;

/**
 * What each part of src/ may import, besides itself. `errors` is `src/errors.ts`, `acs/limits` is
 * `src/acs/limits.ts` (facts of ACS every layer may know); the other names are folders.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  "acs/limits": [],
  mapping: ["errors", "acs/limits"],
  acs: ["errors", "acs/limits", "mapping"],
  media: ["errors", "acs/limits", "mapping"],
  identity: ["errors", "mapping"],
  events: ["errors", "acs/limits", "mapping", "acs"],
  conversations: ["errors", "acs/limits", "mapping", "acs", "media", "identity", "events", "version"],
  server: ["errors", "acs/limits", "mapping", "acs", "media", "identity", "events"],
  // The `/server` entry: the kit and what a server runs beside it, the importer included.
  "server/index": ["server", "mapping", "media", "identity", "events", "import"],
  // History from Twilio: written through the server kit's pieces, so that it is what the kit would write.
  import: ["errors", "acs/limits", "mapping", "acs", "media", "server"],
  // The emulator stands in for ACS: it knows ACS's facts and nothing of the library.
  emulator: ["acs/limits"],
  version: [],
  index: ["errors", "acs/limits", "mapping", "acs", "media", "identity", "events", "conversations", "version"],
  capabilities: ["errors"],
  // The analysis of `check`: it reads apps through the capability table, and runs none of the client.
  migrate: ["errors", "capabilities"],
  cli: ["emulator", "server", "version", "capabilities", "migrate", "import"],
};

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [join(folder, entry.name)] : [],
  );
}

/** The part of src/ a file belongs to. */
function partOf(file: string): string {
  const path = relative(SRC, file).split("\\").join("/").replace(/\.(ts|js)$/, "");
  if (path === "acs/limits" || path === "server/index") return path;
  if (path.startsWith("migrate/import/")) return "import";
  return path.includes("/") ? path.slice(0, path.indexOf("/")) : path;
}

/** The relative modules a file imports or re-exports, statically or dynamically (types included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.[^"']+)["']/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => posix.join(dirname(file).split("\\").join("/"), specifier));
}

const files = filesUnder(SRC);
const edges = files.flatMap((file) => importsOf(file).map((target) => ({ file, target, from: partOf(file), to: partOf(target) })));

describe("layers", () => {
  it("knows every part of src/", () => {
    expect([...new Set(files.map(partOf))].filter((part) => !(part in ALLOWED))).toEqual([]);
  });

  it("point one way: no module imports a part its layer may not use", () => {
    const upward = edges.filter(({ from, to }) => from !== to && !ALLOWED[from]!.includes(to));
    expect(upward.map(({ file, target }) => `${relative(SRC, file)} -> ${relative(SRC, target)}`)).toEqual([]);
  });

  it("the browser entry never reaches the server kit, the emulator or the migration check, however indirectly", () => {
    const byFile = new Map<string, string[]>();
    for (const { file, target } of edges) byFile.set(file, [...(byFile.get(file) ?? []), target.replace(/\.js$/, ".ts")]);
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of byFile.get(file) ?? []) visit(next);
    };
    visit(join(SRC, "index.ts"));
    expect([...reached].map(partOf).filter((part) => ["server", "server/index", "import", "emulator", "cli", "migrate"].includes(part))).toEqual([]);
  });

  it("would catch the upward imports this check was written against", () => {
    const allowed = (from: string, to: string) => from === to || ALLOWED[from]!.includes(to);
    // mapping/attributes.ts and acs/acs-errors.ts once imported conversations/errors.ts; the emulator once re-exported mapping/.
    expect(allowed("mapping", "conversations")).toBe(false);
    expect(allowed("acs", "conversations")).toBe(false);
    expect(allowed("media", "conversations")).toBe(false);
    expect(allowed("emulator", "mapping")).toBe(false);
    expect(allowed("index", "server")).toBe(false);
    expect(allowed("index", "migrate")).toBe(false);
    expect(allowed("migrate", "conversations")).toBe(false);
    expect(importsOf(join(SRC, "index.ts")).length).toBeGreaterThan(5);
  });
});
