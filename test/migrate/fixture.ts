/** Fixture apps of `check`, copied out of the repository (whose node_modules would otherwise be theirs). */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckReport } from "../../src/migrate/analyze.js";

export const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const NODE_MODULES = new URL("../../node_modules", import.meta.url).pathname;

/**
 * A copy of test/migrate/fixtures/<name> in a temp folder. `withTwilio`: with this repo's
 * node_modules linked in, so `@twilio/conversations` resolves to Twilio's own typings (an app
 * that still has Twilio's SDK installed); without, nothing is installed and both module names
 * resolve to this package's typings.
 */
export function copyFixture(name: string, options: { withTwilio?: boolean } = {}): { dir: string; remove(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), "check-")), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  if (options.withTwilio) symlinkSync(NODE_MODULES, join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(join(dir, ".."), { recursive: true, force: true }) };
}

/** A report on one line per finding: `<status> <member> <where>`, `<pattern> <where> <code>`, `unresolved <where> <code>`, `<kind> <where>` of an import to rewrite. */
export function findings(report: CheckReport): string[] {
  const at = (location: { file: string; line: number; column: number }) => `${location.file}:${location.line}:${location.column}`;
  return [
    ...report.members.flatMap((entry) => entry.uses.map((use) => `${entry.status} ${entry.member} ${at(use)}`)),
    ...report.patterns.map((finding) => `${finding.pattern} ${at(finding)} ${finding.code}`),
    ...report.unresolved.map((use) => `unresolved ${at(use)} ${use.code}`),
    ...report.imports.map((specifier) => `${specifier.kind} ${at(specifier)}`),
  ];
}
