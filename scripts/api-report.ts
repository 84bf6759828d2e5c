/**
 * Writes the API report: api/<entry>.api.d.ts, the published declarations of each package entry,
 * so that every change of the public surface shows in review. Run with `npm run api:report`
 * (it builds first); test/package/package.test.ts fails while the committed report is stale.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Each entry's bundled declarations in dist/, and its report in api/. */
export const API_REPORTS = [
  { entry: ".", declarations: "dist/index.d.ts", report: "api/index.api.d.ts" },
  { entry: "./server", declarations: "dist/server/index.d.ts", report: "api/server.api.d.ts" },
  { entry: "./emulator", declarations: "dist/emulator/index.d.ts", report: "api/emulator.api.d.ts" },
  { entry: "./migrate", declarations: "dist/migrate/index.d.ts", report: "api/migrate.api.d.ts" },
] as const;

const HEADER = "// The published declarations of this entry, written by `npm run api:report`: do not edit.\n";

/** The report of a built declaration file: line ends and source-map comments normalized away. */
export function normalizeDeclarations(text: string): string {
  const body = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .filter((line) => !/^\/\/# sourceMappingURL=/.test(line))
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
  return `${HEADER}${body}\n`;
}

/** The reports of the declarations in dist/ (built beforehand), by report path. */
export function renderApiReports(base = root): Map<string, string> {
  return new Map(API_REPORTS.map(({ declarations, report }) => [report, normalizeDeclarations(readFileSync(`${base}${declarations}`, "utf8"))]));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  mkdirSync(`${root}api`, { recursive: true });
  for (const [report, text] of renderApiReports()) {
    const path = `${root}${report}`;
    let before: string | undefined;
    try {
      before = readFileSync(path, "utf8");
    } catch {
      before = undefined;
    }
    if (before !== text) writeFileSync(path, text);
    console.log(`${report}: ${before === text ? "up to date" : "rewritten"}`);
  }
}
