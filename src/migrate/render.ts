/**
 * The report of `check` as text (a linter's), Markdown (a pull-request comment) or JSON (for CI
 * tools; its shape is {@link CheckReport}, documented in the README).
 */
import type { CapabilityStatus } from "../capabilities.js";
import type { CheckReport, MemberUse, SourceLocation } from "./analyze.js";

export type ReportFormat = "text" | "markdown" | "json";

const STATUSES: readonly CapabilityStatus[] = ["unsupported", "planned", "emulated", "native"];
const HEADINGS: Record<CapabilityStatus, string> = {
  unsupported: "unsupported: throws or never happens on ACS",
  planned: "planned: not implemented yet",
  emulated: "emulated: works, differently",
  native: "native: works as on Twilio",
};

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The summary line: files, members by status, uses, patterns, unresolved uses, imports to rewrite. */
export function summaryLine(report: CheckReport): string {
  const { summary } = report;
  const members = STATUSES.filter((status) => status !== "planned" || summary.planned > 0).map((status) => `${summary[status]} ${status}`);
  const parts = [
    `${plural(report.files, "file")} checked`,
    `${members.join(", ")} ${summary.native + summary.emulated + summary.unsupported + summary.planned === 1 ? "member" : "members"} (${plural(summary.uses, "use")})`,
    `${plural(summary.patterns, "pattern")} that ${summary.patterns === 1 ? "breaks" : "break"} on ACS`,
    `${plural(summary.unresolved, "unresolved use")}`,
  ];
  if (summary.imports > 0) parts.push(`${plural(summary.imports, "import")} of @twilio/conversations to rewrite (--fix)`);
  return `${parts.join("; ")}.`;
}

function groupOf(report: CheckReport, status: CapabilityStatus): MemberUse[] {
  return report.members.filter((entry) => entry.status === status);
}

function renderText(report: CheckReport): string {
  const lines: string[] = [];
  for (const status of STATUSES) {
    const members = groupOf(report, status);
    if (members.length === 0) continue;
    lines.push(`${HEADINGS[status]} (${plural(members.length, "member")})`);
    for (const entry of members) {
      lines.push(`  ${entry.member}  [${entry.section}]`, `    ${entry.how}`);
      for (const use of entry.uses) lines.push(`    ${where(use)}`);
    }
    lines.push("");
  }
  if (report.patterns.length > 0) {
    lines.push(`breaks on ACS (${plural(report.patterns.length, "place")})`);
    for (const finding of report.patterns) lines.push(`  ${where(finding)}  ${finding.pattern}  ${finding.code}`, `    ${finding.explanation}`);
    lines.push("");
  }
  if (report.unresolved.length > 0) {
    lines.push(`unresolved: the checker cannot tell (${plural(report.unresolved.length, "place")})`);
    for (const use of report.unresolved) lines.push(`  ${where(use)}  ${use.code}`, `    ${use.reason}`);
    lines.push("");
  }
  if (report.imports.length > 0) {
    lines.push(`imports --fix rewrites to "twilio-conversations-acs" (${plural(report.imports.length, "place")}; --dry-run shows the diff)`);
    for (const specifier of report.imports) lines.push(`  ${where(specifier)}  ${specifier.kind} "@twilio/conversations"`);
    lines.push("");
  }
  lines.push(summaryLine(report));
  return `${lines.join("\n")}\n`;
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** At most this many places per row of a Markdown table; the rest are counted. */
const MARKDOWN_PLACES = 5;

function places(locations: readonly SourceLocation[]): string {
  const shown = locations.slice(0, MARKDOWN_PLACES).map((location) => `\`${where(location)}\``);
  const more = locations.length - shown.length;
  return shown.join("<br>") + (more > 0 ? `<br>and ${more} more` : "");
}

function renderMarkdown(report: CheckReport): string {
  const lines: string[] = ["### twilio-conversations-acs check", "", summaryLine(report)];
  for (const status of STATUSES) {
    const members = groupOf(report, status);
    if (members.length === 0) continue;
    lines.push("", `#### ${HEADINGS[status]} (${members.length})`, "", "| Member | How | MIGRATION.md | Where |", "| --- | --- | --- | --- |");
    for (const entry of members) lines.push(`| \`${cell(entry.member)}\` | ${cell(entry.how)} | ${cell(entry.section)} | ${places(entry.uses)} |`);
  }
  if (report.patterns.length > 0) {
    lines.push("", `#### breaks on ACS (${report.patterns.length})`, "", "| Where | Pattern | Code | Why |", "| --- | --- | --- | --- |");
    for (const finding of report.patterns) lines.push(`| \`${where(finding)}\` | ${finding.pattern} | \`${cell(finding.code)}\` | ${cell(finding.explanation)} |`);
  }
  if (report.unresolved.length > 0) {
    lines.push("", `#### unresolved (${report.unresolved.length})`, "", "| Where | Code | Why |", "| --- | --- | --- |");
    for (const use of report.unresolved) lines.push(`| \`${where(use)}\` | \`${cell(use.code)}\` | ${cell(use.reason)} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** The report in one of the three formats; each ends with a newline. */
export function formatReport(report: CheckReport, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  return format === "markdown" ? renderMarkdown(report) : renderText(report);
}
