/**
 * `check`'s analysis on the fixture apps in test/migrate/fixtures/: the exact report of each (one
 * line per finding, see `findings`), the same report from Twilio's typings as from ours, and the
 * report's formats. The fixtures are copied to a temp folder first, out of reach of this
 * repository's node_modules.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { CAPABILITIES } from "../../src/capabilities.js";
import { analyze, failsAt, REPORT_VERSION, type CheckReport } from "../../src/migrate/analyze.js";
import { applyRewrites, planRewrites, renderDiff } from "../../src/migrate/imports.js";
import { ProjectError } from "../../src/migrate/project.js";
import { formatReport, summaryLine } from "../../src/migrate/render.js";
import { TWILIO_PRIVATE_FIELDS } from "../../src/migrate/twilio-private.js";
import { copyFixture, findings } from "./fixture.js";

const copies: Array<{ remove(): void }> = [];
afterAll(() => copies.forEach((copy) => copy.remove()));

const reports = new Map<string, CheckReport>();
function reportOf(name: string, options: { withTwilio?: boolean } = {}): CheckReport {
  const key = `${name}:${options.withTwilio === true}`;
  if (!reports.has(key)) {
    const copy = copyFixture(name, options);
    copies.push(copy);
    reports.set(key, analyze(ts, { dir: copy.dir }));
  }
  return reports.get(key)!;
}

describe("check on the fixture apps", () => {
  it("react-hooks: event callbacks, hooks, destructured props and Promise results, a private field, a parsed sid; a local class named Client is no use", () => {
    expect(findings(reportOf("react-hooks"))).toEqual([
      "emulated static Client.conversationJoined src/useClient.ts:9:13",
      "emulated static Client.tokenAboutToExpire src/useClient.ts:10:13",
      "emulated static Conversation.messageAdded src/useMessages.ts:9:21",
      "emulated static Conversation.messageAdded src/useMessages.ts:10:40",
      "emulated Conversation.sendMessage src/useMessages.ts:12:59",
      "emulated Conversation.setUserNotificationLevel src/useClient.ts:9:44",
      "emulated Message.author src/ChatView.tsx:5:11",
      "native Client.constructor src/useClient.ts:8:18",
      "native Client.shutdown src/useClient.ts:13:28",
      "native Client.updateToken src/useClient.ts:10:96",
      "native Client.getSubscribedConversations src/useClient.ts:11:10",
      "native Conversation.sid src/ChatView.tsx:13:33",
      "native Conversation.friendlyName src/ChatView.tsx:16:25",
      "native Conversation.getMessages src/useMessages.ts:7:18",
      "native Message.sid src/ChatView.tsx:17:55",
      "native Message.body src/ChatView.tsx:5:19",
      "native RestPaginator.items src/useClient.ts:11:76",
      "native RestPaginator.items src/useMessages.ts:7:42",
      "native ReplayEventEmitter.on src/useClient.ts:9:10",
      "native ReplayEventEmitter.on src/useClient.ts:10:10",
      "native ReplayEventEmitter.on src/useMessages.ts:9:18",
      "native ReplayEventEmitter.off src/useMessages.ts:10:36",
      "private-field src/ChatView.tsx:7:23 message.state",
      'sid-parsing src/ChatView.tsx:13:20 conversation.sid.startsWith("CH")',
      "import src/ChatView.tsx:1:44",
      "import src/useClient.ts:2:43",
      "import src/useMessages.ts:2:44",
    ]);
    expect(reportOf("react-hooks").files).toBe(4);
  });

  it("node-bot-cjs: require in CommonJS, handlers in another file (typed with JSDoc, or untyped and unresolved), Twilio's token code", () => {
    expect(findings(reportOf("node-bot-cjs"))).toEqual([
      "unsupported Conversation.addNonChatParticipant bot.js:15:24",
      "emulated static Client.conversationJoined bot.js:8:13",
      "emulated static Client.messageAdded bot.js:7:13",
      "emulated Client.getConversationByUniqueName bot.js:10:39",
      "emulated Conversation.sendMessage lib/handlers.js:4:24",
      "emulated Participant.identity bot.js:13:66",
      "native static Client.initialized bot.js:9:15",
      "native Client.constructor bot.js:6:18",
      "native Conversation.sid lib/handlers.js:3:52",
      "native Conversation.getParticipants bot.js:11:45",
      "native Message.conversation lib/handlers.js:3:39",
      "native Message.conversation lib/handlers.js:4:11",
      "native Message.body lib/handlers.js:4:53",
      "native Participant.sid bot.js:13:23",
      "native ReplayEventEmitter.on bot.js:7:10",
      "native ReplayEventEmitter.on bot.js:8:10",
      "native ReplayEventEmitter.once bot.js:9:10",
      "sid-parsing bot.js:13:11 participant.sid.length === 34",
      "sid-parsing lib/handlers.js:3:7 /^CH[0-9a-f]{32}$/.test(message.conversation.sid)",
      'twilio-server lib/token.cjs:1:16 require("twilio")',
      "twilio-server lib/token.cjs:7:17 new AccessToken(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_API_KEY, p...",
      'twilio-server lib/token.cjs:8:18 new ChatGrant({ serviceSid: "IS0123456789abcdef0123456789abcdef" })',
      'hard-coded-sid lib/token.cjs:8:46 "IS0123456789abcdef0123456789abcdef"',
      "unresolved lib/handlers.js:9:16 conversation.setUserNotificationLevel",
      "require bot.js:1:28",
    ]);
  });

  it("ts-aliases: tsconfig paths, re-exports, Twilio's SDK still installed next to the drop-in; instanceof across the two copies, a member through a Promise, computed names", () => {
    const report = reportOf("ts-aliases", { withTwilio: true });
    expect(findings(report)).toEqual([
      "unsupported Conversation.setAllMessagesUnread src/chat/session.ts:11:24",
      "emulated Client.getConversationByUniqueName src/chat/session.ts:10:44",
      "emulated Conversation.getParticipantsCount src/chat/migrated.ts:10:36",
      "emulated Message.author src/chat/migrated.ts:8:44",
      "native static Client.create src/chat/session.ts:22:41",
      "native Conversation.getMessages src/chat/session.ts:18:25",
      "native RestPaginator.items src/chat/session.ts:18:60",
      "instanceof-copy src/chat/migrated.ts:8:7 last instanceof Message",
      "unresolved src/chat/migrated.ts:12:30 conversation[key]",
      "export src/chat/sdk.ts:2:24",
      "export src/chat/sdk.ts:3:68",
      "export src/chat/sdk.ts:4:25",
    ]);
    expect(report.patterns[0]!.explanation).toContain("@twilio/conversations (builds/lib.d.ts)");
  });

  it("ts-aliases without Twilio's SDK: one copy of the API, so instanceof is fine", () => {
    const report = reportOf("ts-aliases");
    expect(report.patterns).toEqual([]);
    expect(report.members).toEqual(reportOf("ts-aliases", { withTwilio: true }).members);
  });

  it("plain-js: ESM JavaScript and JSX with no config, inferred from the package's own types; shadowed names, JSDoc, computed names", () => {
    expect(findings(reportOf("plain-js"))).toEqual([
      "unsupported static Client.pushNotification src/main.mjs:13:11",
      "emulated static Conversation.typingStarted src/typing.js:3:19",
      "emulated Conversation.uniqueName src/inbox.jsx:13:59",
      "emulated Conversation.lastMessage src/inbox.jsx:7:27",
      "emulated Conversation.getUnreadMessagesCount src/inbox.jsx:8:18",
      "emulated Message.getMediaByCategories src/typing.js:12:18",
      "emulated Participant.getUser src/typing.js:3:65",
      "emulated User.friendlyName src/typing.js:3:95",
      "native static Client.stateChanged src/main.mjs:6:11",
      "native Client.constructor src/main.mjs:5:16",
      "native Client.getSubscribedConversations src/main.mjs:8:10",
      "native Conversation.sid src/inbox.jsx:11:22",
      "native Conversation.sid src/inbox.jsx:13:51",
      "native Conversation.friendlyName src/inbox.jsx:7:13",
      "native Conversation.leave src/typing.js:5:16",
      "native Conversation.typing src/typing.js:5:16",
      "native RestPaginator.items src/main.mjs:8:47",
      "native PushNotification.body src/main.mjs:13:58",
      "native ReplayEventEmitter.on src/main.mjs:6:8",
      "native ReplayEventEmitter.on src/main.mjs:13:8",
      "native ReplayEventEmitter.on src/main.mjs:14:8",
      "native ReplayEventEmitter.on src/typing.js:3:16",
      'sid-parsing src/inbox.jsx:11:9 conversation.sid.startsWith("CH")',
      "private-field src/typing.js:6:16 conversation._entity",
      "unresolved src/main.mjs:14:11 client.on(window.EVENT_NAME, () => {})",
    ]);
  });

  it("reads the same members through Twilio's own typings as through this package's", () => {
    for (const name of ["react-hooks", "node-bot-cjs"]) {
      expect(reportOf(name, { withTwilio: true }), name).toEqual(reportOf(name));
    }
  });

  it("takes status, how and section from the capability table", () => {
    for (const entry of [...reports.values()].flatMap((report) => report.members)) {
      const row = CAPABILITIES.find((capability) => capability.member === entry.member)!;
      expect(entry).toMatchObject({ status: row.status, how: row.how, section: row.migrationSection ?? `API support: ${entry.member.replace(/^static /, "").split(".")[0]}` });
    }
  });
});

describe("the report's formats", () => {
  it("json: the report itself, with its version", () => {
    const report = reportOf("react-hooks");
    const parsed = JSON.parse(formatReport(report, "json")) as CheckReport;
    expect(parsed).toEqual(report);
    expect(Object.keys(parsed)).toEqual(["version", "files", "summary", "members", "patterns", "unresolved", "imports"]);
    expect(parsed.version).toBe(REPORT_VERSION);
  });

  it("json: the README documents its shape, field by field", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const example = /### The JSON report[\s\S]*?```jsonc\n([\s\S]*?)```/.exec(readme)![1]!.replace(/\s+\/\/.*$/gm, "");
    const shape = (value: unknown): unknown =>
      Array.isArray(value) ? shape(value[0]) : value !== null && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)])) : typeof value;
    const report = reportOf("react-hooks");
    const documented = JSON.parse(example) as CheckReport;
    expect(shape(documented)).toEqual(shape({ ...report, unresolved: reportOf("node-bot-cjs").unresolved }));
    expect(documented.summary).toEqual(report.summary);
    expect(documented.members[0]).toEqual(report.members[0]);
  });

  it("text: grouped by status like a linter, ending with the summary line", () => {
    const text = formatReport(reportOf("node-bot-cjs"), "text");
    const lines = text.trimEnd().split("\n");
    expect(lines.filter((line) => /^\S/.test(line))).toEqual([
      "unsupported: throws or never happens on ACS (1 member)",
      "emulated: works, differently (5 members)",
      "native: works as on Twilio (9 members)",
      "breaks on ACS (6 places)",
      "unresolved: the checker cannot tell (1 place)",
      'imports --fix rewrites to "twilio-conversations-acs" (1 place; --dry-run shows the diff)',
      "3 files checked; 1 unsupported, 5 emulated, 9 native members (17 uses); 6 patterns that break on ACS; 1 unresolved use; 1 import of @twilio/conversations to rewrite (--fix).",
    ]);
    expect(lines.at(-1)).toBe(summaryLine(reportOf("node-bot-cjs")));
    expect(text).toContain("  Conversation.addNonChatParticipant  [SMS, WhatsApp and email participants]\n    ");
    expect(text).toContain("    bot.js:15:24\n");
    expect(text).toContain('\n  bot.js:1:28  require "@twilio/conversations"\n');
  });

  it("markdown: a table per status, fit for a pull-request comment", () => {
    const markdown = formatReport(reportOf("plain-js"), "markdown");
    expect(markdown.split("\n").filter((line) => line.startsWith("#"))).toEqual([
      "### twilio-conversations-acs check",
      "#### unsupported: throws or never happens on ACS (1)",
      "#### emulated: works, differently (7)",
      "#### native: works as on Twilio (10)",
      "#### breaks on ACS (2)",
      "#### unresolved (1)",
    ]);
    expect(markdown).toContain("| `static Client.pushNotification` | Never emitted: ACS Chat's JavaScript SDK has no push notifications. | Push notifications | `src/main.mjs:13:11` |");
  });
});

describe("exit levels", () => {
  it("fails at unsupported members and breaking patterns, at emulated ones with --fail-on emulated, never with none", () => {
    const clean = { ...reportOf("ts-aliases"), summary: { ...reportOf("ts-aliases").summary, unsupported: 0 } };
    expect(failsAt(reportOf("ts-aliases"), "unsupported")).toBe(true);
    expect(failsAt(clean, "unsupported")).toBe(false);
    expect(failsAt(clean, "emulated")).toBe(true);
    expect(failsAt({ ...clean, summary: { ...clean.summary, patterns: 1 } }, "unsupported")).toBe(true);
    expect(failsAt(reportOf("react-hooks"), "none")).toBe(false);
  });
});

describe("events", () => {
  it("maps an event name to the class's event row: static constants, User's instance constants, the constant itself as the name; an unknown name is unresolved", () => {
    const dir = mkdtempSync(join(tmpdir(), "check-events-"));
    copies.push({ remove: () => rmSync(dir, { recursive: true, force: true }) });
    writeFileSync(
      join(dir, "app.ts"),
      [
        'import { Client, type User } from "twilio-conversations-acs";',
        "export function watch(client: Client, user: User, name: string) {",
        '  user.on("updated", () => {});',
        "  client.addListener(Client.messageUpdated, () => {});",
        "  // @ts-expect-error not an event of Client",
        '  client.prependListener("notAnEvent", () => {});',
        "  (client as any).on(name, () => {});",
        "  JSON.parse(name).body;",
        "}",
        "",
      ].join("\n"),
    );
    expect(findings(analyze(ts, { dir }))).toEqual([
      "emulated static Client.messageUpdated app.ts:4:22",
      "emulated static Client.messageUpdated app.ts:4:29",
      "emulated User.updated app.ts:3:11",
      "native ReplayEventEmitter.on app.ts:3:8",
      "native ReplayEventEmitter.addListener app.ts:4:10",
      "native EventEmitter.prependListener app.ts:6:10",
      "unresolved app.ts:6:26 client.prependListener(\"notAnEvent\", () => {})",
    ]);
  });
});

describe("projects", () => {
  it("follows a solution-style tsconfig (files: [], references) to the configs that hold the files", () => {
    const copy = copyFixture("react-hooks");
    copies.push(copy);
    renameSync(join(copy.dir, "tsconfig.json"), join(copy.dir, "tsconfig.app.json"));
    writeFileSync(join(copy.dir, "tsconfig.json"), JSON.stringify({ files: [], references: [{ path: "./tsconfig.app.json" }] }));
    expect(analyze(ts, { dir: copy.dir })).toEqual(reportOf("react-hooks"));
  });
});

describe("projects it cannot read", () => {
  it("throws ProjectError for a missing folder, a broken tsconfig and a folder without sources", () => {
    expect(() => analyze(ts, { dir: "/nonexistent/app" })).toThrow(ProjectError);
    const copy = copyFixture("react-hooks");
    copies.push(copy);
    expect(() => analyze(ts, { dir: copy.dir, project: join(copy.dir, "missing.json") })).toThrow(/no such file/);
    expect(() => analyze(ts, { dir: join(copy.dir, "types") })).toThrow(/no JavaScript or TypeScript files/);
  });
});

describe("--fix", () => {
  it("rewrites exactly the @twilio/conversations specifiers, and the app reads the same afterwards", () => {
    const copy = copyFixture("node-bot-cjs");
    copies.push(copy);
    const before = analyze(ts, { dir: copy.dir });
    const rewrites = planRewrites(ts, { dir: copy.dir });
    expect(renderDiff(rewrites)).toBe(
      [
        "--- a/bot.js",
        "+++ b/bot.js",
        "@@ -1 +1 @@",
        '-const { Client } = require("@twilio/conversations");',
        '+const { Client } = require("twilio-conversations-acs");',
        "",
      ].join("\n"),
    );
    applyRewrites(rewrites);
    const after = analyze(ts, { dir: copy.dir });
    expect(after.imports).toEqual([]);
    expect(after.members).toEqual(before.members);
    // The type-only import in a JSDoc comment is no import or require: left as it is.
    expect(readFileSync(join(copy.dir, "lib/handlers.js"), "utf8")).toContain('import("@twilio/conversations").Message');
  });
});

describe("the private fields of Twilio's classes", () => {
  it("are those Twilio's typings declare private (besides _-prefixed ones)", () => {
    const dts = readFileSync(join(dirname(createRequire(import.meta.url).resolve("@twilio/conversations")), "lib.d.ts"), "utf8");
    const declared: Record<string, string[]> = {};
    for (const [, name, body] of dts.matchAll(/^declare class (\w+)[^{]*\{\n([\s\S]*?)^\}/gm)) {
      const fields = [...body!.matchAll(/^ {4}private (?:static )?(?:readonly )?([A-Za-z]\w*)[?;:]/gm)].map((match) => match[1]!);
      if (fields.length > 0 && CAPABILITIES.some((capability) => capability.member.replace(/^static /, "").startsWith(`${name}.`))) declared[name!] = fields;
    }
    expect(declared).toEqual(TWILIO_PRIVATE_FIELDS);
  });
});
