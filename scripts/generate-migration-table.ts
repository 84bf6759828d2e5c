/**
 * Rewrites MIGRATION.md's API table (between the capability-table markers) from
 * src/capabilities.ts. Run with `npm run docs:migration`; test/conformance/capabilities.test.ts
 * fails while the table is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCapabilityTable } from "../src/capabilities.js";

export const START_MARKER = "<!-- capability-table:start -->";
export const END_MARKER = "<!-- capability-table:end -->";

/** The document with the text between the markers replaced by `table`. */
export function replaceCapabilityTable(document: string, table: string): string {
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`MIGRATION.md needs ${START_MARKER} followed by ${END_MARKER}`);
  return `${document.slice(0, start + START_MARKER.length)}\n${table}${document.slice(end)}`;
}

const migrationPath = fileURLToPath(new URL("../MIGRATION.md", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const before = readFileSync(migrationPath, "utf8");
  const after = replaceCapabilityTable(before, renderCapabilityTable());
  if (after !== before) writeFileSync(migrationPath, after);
  console.log(after === before ? "MIGRATION.md: API table already up to date" : "MIGRATION.md: API table rewritten");
}
