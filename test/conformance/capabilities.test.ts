/**
 * The capability table (src/capabilities.ts) against Twilio's typings and our classes:
 *
 * (a) MIGRATION.md's API table is the one `renderCapabilityTable()` renders;
 * (b) every public member of the exported Twilio classes in `@twilio/conversations`'s lib.d.ts
 *     (plus `CancellablePromise` from `@twilio/mcs-client`, and the emitter members Twilio's
 *     classes inherit) has exactly one row, and every row names such a member;
 * (c) every member exists at runtime on our class: statics on the class, instance members on real
 *     instances from the emulator (or built directly for data classes);
 * (d) every "unsupported" or "planned" method throws or rejects `UnsupportedFeatureError` when
 *     called on a real instance with plausible arguments.
 *
 * Known gaps in src/conversations are `it.fails` tests naming the gap: when one is fixed, its
 * test starts failing, and the entry in KNOWN_GAPS (and the row in src/capabilities.ts) must go.
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPABILITIES, CAPABILITY_GROUPS, parseMember, renderCapabilityTable, type Capability } from "../../src/capabilities.js";
import { UnsupportedFeatureError, type MigrationSection } from "../../src/errors.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import * as Lib from "../../src/index.js";
import { END_MARKER, START_MARKER, replaceCapabilityTable } from "../../scripts/generate-migration-table.js";
import { createSession, initialized, TestDirectory } from "../helpers/twilio-clients.js";

// ---------------------------------------------------------------------------------------------
// A small lib.d.ts class extractor: good enough for api-extractor's rolled-up typings.
// ---------------------------------------------------------------------------------------------

type DtsMemberKind = "constructor" | "method" | "property" | "getter" | "setter" | "accessor";

interface DtsMember {
  name: string;
  kind: DtsMemberKind;
  isStatic: boolean;
}

/** The text between the braces of `declare class <name> ... { ... }`, comments and all. */
function classBody(dts: string, className: string): string {
  const header = new RegExp(`(?:^|\\n)[ \\t]*(?:export[ \\t]+)?(?:declare[ \\t]+)?(?:abstract[ \\t]+)?class[ \\t]+${className}\\b`).exec(dts);
  if (!header) throw new Error(`class ${className} not found`);
  const open = bodyStart(dts, header.index + header[0].length);
  let depth = 0;
  for (let i = open; i < dts.length; i++) {
    const skipped = skipCommentOrString(dts, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    const char = dts[i];
    if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return dts.slice(open + 1, i);
  }
  throw new Error(`class ${className} has no closing brace`);
}

/** The `{` opening the class body: the first one outside the header's type arguments (`extends Base<{ a: string }>`). */
function bodyStart(dts: string, from: number): number {
  let angles = 0;
  for (let i = from; i < dts.length; i++) {
    if (dts.startsWith("=>", i)) i++;
    else if (dts[i] === "<") angles++;
    else if (dts[i] === ">") angles--;
    else if (dts[i] === "{" && angles === 0) return i;
  }
  throw new Error("class body not found");
}

/** The index after a comment or string literal starting at `i`, or `i` when none starts there. */
function skipCommentOrString(text: string, i: number): number {
  if (text.startsWith("/*", i)) {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  if (text.startsWith("//", i)) {
    const end = text.indexOf("\n", i);
    return end < 0 ? text.length : end;
  }
  const quote = text[i];
  if (quote === '"' || quote === "'" || quote === "`") {
    let j = i + 1;
    while (j < text.length && text[j] !== quote) j += text[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  return i;
}

/** One member declaration: its text without comments, and whether its doc comment says `@internal`. */
function splitMembers(body: string): { text: string; internal: boolean }[] {
  const members: { text: string; internal: boolean }[] = [];
  let depth = 0;
  let text = "";
  let internal = false;
  for (let i = 0; i < body.length; i++) {
    const skipped = skipCommentOrString(body, i);
    if (skipped !== i) {
      const chunk = body.slice(i, skipped);
      if (chunk.startsWith("/*") || chunk.startsWith("//")) {
        // A doc comment before the member (not inside its parameter list) describes the member.
        if (depth === 0 && text.trim() === "" && /@internal\b/.test(chunk)) internal = true;
      } else {
        text += chunk;
      }
      i = skipped - 1;
      continue;
    }
    const char = body[i]!;
    if ("([{".includes(char)) depth++;
    else if (")]}".includes(char)) depth--;
    if (char === ";" && depth === 0) {
      if (text.trim()) members.push({ text: text.replace(/\s+/g, " ").trim(), internal });
      text = "";
      internal = false;
    } else {
      text += char;
    }
  }
  if (text.trim()) members.push({ text: text.replace(/\s+/g, " ").trim(), internal });
  return members;
}

const MEMBER = /^((?:(?:private|protected|public|static|readonly|abstract|declare|override|async|get|set)\s+)*)(#?[A-Za-z_$][\w$]*|\[[^\]]*\])\??\s*(.*)$/;

/**
 * The public members of a class in a .d.ts: `private`/`protected`, `#private` and `_`-prefixed
 * members are left out, and so is a constructor whose doc comment says `@internal` (Twilio's
 * constructors that take its internal services). A getter and setter pair is one `accessor`.
 */
function extractClassMembers(dts: string, className: string): DtsMember[] {
  const members: DtsMember[] = [];
  for (const { text, internal } of splitMembers(classBody(dts, className))) {
    const match = MEMBER.exec(text);
    if (!match) throw new Error(`cannot read member of ${className}: ${text}`);
    const modifiers = match[1]!.trim().split(/\s+/);
    const name = match[2]!;
    const rest = match[3]!;
    if (modifiers.includes("private") || modifiers.includes("protected")) continue;
    if (name.startsWith("#") || name.startsWith("_")) continue;
    const isStatic = modifiers.includes("static");
    let kind: DtsMemberKind;
    if (name === "constructor") {
      if (internal) continue;
      kind = "constructor";
    } else if (modifiers.includes("get")) kind = "getter";
    else if (modifiers.includes("set")) kind = "setter";
    else if (rest.startsWith("(") || rest.startsWith("<")) kind = "method";
    else kind = "property";
    const same = members.find((m) => m.name === name && m.isStatic === isStatic);
    if (same) {
      if ((same.kind === "getter" && kind === "setter") || (same.kind === "setter" && kind === "getter")) same.kind = "accessor";
      else if (!(same.kind === "method" && kind === "method")) throw new Error(`${className}.${name} declared twice`);
      continue; // method overloads
    }
    members.push({ name, kind, isStatic });
  }
  return members;
}

// ---------------------------------------------------------------------------------------------
// What Twilio declares
// ---------------------------------------------------------------------------------------------

const requireHere = createRequire(import.meta.url);
const conversationsMain = requireHere.resolve("@twilio/conversations");
const requireTwilio = createRequire(conversationsMain);
const typingsOf = (main: string) => readFileSync(join(dirname(main), "lib.d.ts"), "utf8");
const TWILIO_DTS = typingsOf(conversationsMain);
const MCS_DTS = typingsOf(requireTwilio.resolve("@twilio/mcs-client"));
const REPLAY_DTS = typingsOf(requireTwilio.resolve("@twilio/replay-event-emitter"));

const TWILIO_CLASSES = CAPABILITY_GROUPS.filter((group) => group !== "CancellablePromise" && group !== "ReplayEventEmitter" && group !== "EventEmitter");

const keyOf = (group: string, member: { name: string; isStatic: boolean }) => `${member.isStatic ? "static " : ""}${group}.${member.name}`;

/** Every member the table must have a row for, with its kind. */
function twilioMembers(): Map<string, DtsMemberKind> {
  const members = new Map<string, DtsMemberKind>();
  const add = (group: string, list: DtsMember[]) => {
    for (const member of list) members.set(keyOf(group, member), member.kind);
  };
  for (const group of TWILIO_CLASSES) add(group, extractClassMembers(TWILIO_DTS, group));
  add("CancellablePromise", extractClassMembers(MCS_DTS, "CancellablePromise"));
  // Twilio does not export ReplayEventEmitter: apps never construct it, they use its methods.
  const replay = extractClassMembers(REPLAY_DTS, "ReplayEventEmitter").filter((m) => m.kind !== "constructor");
  add("ReplayEventEmitter", replay);
  // Node's EventEmitter methods the replaying emitter does not redeclare.
  const nodeMethods = Object.getOwnPropertyNames(EventEmitter.prototype).filter(
    (name) => name !== "constructor" && !name.startsWith("_") && !replay.some((m) => m.name === name),
  );
  add("EventEmitter", nodeMethods.map((name) => ({ name, kind: "method", isStatic: false })));
  return members;
}

/** What a member declaration gives: a method's return type, a property's or accessor's type. */
function givenType(rest: string): string {
  const open = rest.indexOf("(");
  if (!(rest.startsWith("(") || rest.startsWith("<")) || open < 0) return rest;
  let depth = 0;
  for (let i = open; i < rest.length; i++) {
    if (rest[i] === "(") depth++;
    else if (rest[i] === ")" && --depth === 0) return rest.slice(i + 1);
  }
  return rest;
}

/**
 * The table's members whose Twilio declaration gives an instance of `className` (or of a union
 * alias of it, as `RecipientDescriptor`): the members that produce it.
 */
function producersOf(className: string): string[] {
  const aliases = [...TWILIO_DTS.matchAll(/^(?:declare )?type (\w+)\s*=\s*([^;]+);/gm)]
    .filter((m) => new RegExp(`\\b${className}\\b`).test(m[2]!))
    .map((m) => m[1]!);
  const names = new RegExp(`\\b(?:${[className, ...aliases].join("|")})\\b`);
  const producers = new Set<string>();
  for (const group of TWILIO_CLASSES) {
    if (group === className) continue;
    for (const { text } of splitMembers(classBody(TWILIO_DTS, group))) {
      const match = MEMBER.exec(text);
      if (!match) continue;
      const modifiers = match[1]!.trim().split(/\s+/);
      const name = match[2]!;
      if (name === "constructor" || name.startsWith("_") || name.startsWith("#") || modifiers.includes("private") || modifiers.includes("protected")) continue;
      if (modifiers.includes("set")) continue; // a setter takes the type, it gives nothing
      if (names.test(givenType(match[3]!))) producers.add(keyOf(group, { name, isStatic: modifiers.includes("static") }));
    }
  }
  return [...producers];
}

// ---------------------------------------------------------------------------------------------
// Gaps in src/conversations (see the report): each one is an it.fails test below.
// ---------------------------------------------------------------------------------------------

const KNOWN_GAPS: Record<string, string> = {};

// ---------------------------------------------------------------------------------------------

describe("the lib.d.ts extractor", () => {
  const sample = `
import { X } from "y";
/** A class with {@link braces} in its doc. */
declare class Sample<T> extends Base<{ a: string; }> implements Paginator<T> {
    /** fired when {something} happens; */
    static readonly added = "added";
    static readonly version: string;
    private static readonly _logger;
    private secret;
    #private;
    readonly _links: Links;
    readonly sid: string;
    text?: string;
    mediaContent: [
        Category,
        FormData | { a: string; b: number; }
    ][];
    /**
     * @internal
     */
    constructor(data: { x: string; }, services: Services);
    get name(): string;
    set name(name: string);
    set entityName(name: string);
    static create(token: string, options?: Options | null): Promise<Sample<T>>;
    parse: typeof Sample.create;
    on<E extends keyof Events>(event: E, listener: Events[E]): this;
    get(url: string): Promise<string>;
    update(data: { value: string; online: boolean | null; }): Promise<void>;
    update(data: string): Promise<void>;
    _update(data: any): void;
    private _initialize;
}
declare class Other {
    /** Public, documented. */
    constructor(/** the name */ name: string, /** the value */ value: string);
    copy(value: string): Other;
}
declare class SampleTwo { x: number; }
`;

  it("reads public members with their kind and static-ness, skipping internals", () => {
    expect(extractClassMembers(sample, "Sample")).toEqual([
      { name: "added", kind: "property", isStatic: true },
      { name: "version", kind: "property", isStatic: true },
      { name: "sid", kind: "property", isStatic: false },
      { name: "text", kind: "property", isStatic: false },
      { name: "mediaContent", kind: "property", isStatic: false },
      { name: "name", kind: "accessor", isStatic: false },
      { name: "entityName", kind: "setter", isStatic: false },
      { name: "create", kind: "method", isStatic: true },
      { name: "parse", kind: "property", isStatic: false },
      { name: "on", kind: "method", isStatic: false },
      { name: "get", kind: "method", isStatic: false },
      { name: "update", kind: "method", isStatic: false },
    ]);
  });

  it("keeps a constructor without @internal, even with comments inside its parameters", () => {
    expect(extractClassMembers(sample, "Other")).toEqual([
      { name: "constructor", kind: "constructor", isStatic: false },
      { name: "copy", kind: "method", isStatic: false },
    ]);
  });

  it("finds a class by its whole name", () => {
    expect(extractClassMembers(sample, "SampleTwo")).toEqual([{ name: "x", kind: "property", isStatic: false }]);
    expect(() => extractClassMembers(sample, "Missing")).toThrow(/not found/);
  });

  it("reads Twilio's lib.d.ts as expected", () => {
    const client = extractClassMembers(TWILIO_DTS, "Client");
    expect(client.filter((m) => m.isStatic && m.kind === "property")).toHaveLength(25); // 24 events + version
    expect(client).toContainEqual({ name: "constructor", kind: "constructor", isStatic: false });
    expect(client).toContainEqual({ name: "parsePushNotification", kind: "method", isStatic: true });
    expect(client).toContainEqual({ name: "parsePushNotification", kind: "property", isStatic: false });
    expect(client.map((m) => m.name)).not.toContain("_initialize");
    const conversation = extractClassMembers(TWILIO_DTS, "Conversation");
    expect(conversation.map((m) => m.name)).not.toContain("constructor");
    expect(conversation).toContainEqual({ name: "bindings", kind: "getter", isStatic: false });
    expect(conversation.map((m) => m.name)).not.toContain("_subscribe");
    const user = extractClassMembers(TWILIO_DTS, "User");
    expect(user).toContainEqual({ name: "identity", kind: "accessor", isStatic: false });
    expect(user).toContainEqual({ name: "entityName", kind: "setter", isStatic: false });
    expect(extractClassMembers(TWILIO_DTS, "Message").map((m) => m.name)).not.toContain("#private");
    expect(extractClassMembers(TWILIO_DTS, "UnsentMessage").map((m) => m.name)).toEqual([
      "text",
      "attributes",
      "mediaContent",
      "emailOptions",
      "contentSid",
      "contentVariables",
      "send",
    ]);
    expect(extractClassMembers(MCS_DTS, "CancellablePromise")).toEqual([
      { name: "constructor", kind: "constructor", isStatic: false },
      { name: "cancel", kind: "method", isStatic: false },
    ]);
  });
});

describe("MIGRATION.md", () => {
  it("holds the table renderCapabilityTable() renders", () => {
    const migration = readFileSync(new URL("../../MIGRATION.md", import.meta.url), "utf8");
    expect(migration, `MIGRATION.md lacks the ${START_MARKER} / ${END_MARKER} markers`).toContain(START_MARKER);
    expect(migration).toContain(END_MARKER);
    const current = migration.slice(migration.indexOf(START_MARKER) + START_MARKER.length + 1, migration.indexOf(END_MARKER));
    expect(current, "MIGRATION.md's API table is stale: run `npm run docs:migration`").toBe(renderCapabilityTable());
  });

  it("renders deterministically, one section per class, escaping cells", () => {
    expect(renderCapabilityTable()).toBe(renderCapabilityTable());
    const rendered = renderCapabilityTable([
      { member: "Client.b", status: "native", how: "A | B." },
      { member: "Conversation.a", status: "unsupported", how: "Never.", migrationSection: "Email" },
      { member: "static Client.a", status: "planned", how: "Later." },
    ]);
    expect(rendered).toContain("3 members: 1 native, 0 emulated, 1 unsupported, 1 planned.");
    expect(rendered.indexOf("### Client")).toBeLessThan(rendered.indexOf("### Conversation"));
    expect(rendered).toContain("| `Client.b` | native | A \\| B. |\n| `static Client.a` | planned | Later. |");
    expect(rendered).toContain('| `Conversation.a` | unsupported | Never. See "Email". |');
  });

  it("replaces only the text between the markers", () => {
    const document = `intro\n${START_MARKER}\nold\n${END_MARKER}\noutro\n`;
    expect(replaceCapabilityTable(document, "new\n")).toBe(`intro\n${START_MARKER}\nnew\n${END_MARKER}\noutro\n`);
    expect(() => replaceCapabilityTable("no markers", "x")).toThrow(/markers|needs/);
  });
});

describe("the capability rows and Twilio's members", () => {
  const expected = twilioMembers();
  const rows = CAPABILITIES.map((c) => c.member);

  it("has one row per public member of each exported Twilio class", () => {
    const missing = [...expected.keys()].filter((key) => !rows.includes(key));
    expect(missing, "Twilio members without a row in src/capabilities.ts").toEqual([]);
  });

  it("names only real Twilio members, each once", () => {
    expect(rows.filter((member) => !expected.has(member)), "rows naming no Twilio member").toEqual([]);
    expect(rows.filter((member, i) => rows.indexOf(member) !== i), "duplicate rows").toEqual([]);
  });

  it("groups every row under a known class, in the rendered order", () => {
    for (const { member } of CAPABILITIES) expect(CAPABILITY_GROUPS as readonly string[]).toContain(parseMember(member).group);
  });

  it("names only migration sections MIGRATION.md has", () => {
    const headings = new Set([...readFileSync(new URL("../../MIGRATION.md", import.meta.url), "utf8").matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]));
    for (const { member, migrationSection } of CAPABILITIES) if (migrationSection) expect(headings, member).toContain(migrationSection);
    // Every name of the MigrationSection type (tsc fails here when the type gains one this list lacks).
    const sections = {
      "Push notifications": true,
      Media: true,
      "Content templates": true,
      Email: true,
      "SMS, WhatsApp and email participants": true,
      "Read horizon and unread counts": true,
      "Users and profiles": true,
      Identities: true,
      "Attributes of others": true,
    } satisfies Record<MigrationSection, true>;
    for (const section of Object.keys(sections)) expect(headings, `MigrationSection "${section}"`).toContain(section);
    // @ts-expect-error A section MIGRATION.md does not have is a compile error, not a dead link.
    expect(new UnsupportedFeatureError("Client.x", "Medias", "no reason.").migrationSection).toBe("Medias");
  });

  it("never calls a class unproduced while a member that gives it works", () => {
    // A class whose rows say "never produced" must only come from members that fail or give nothing.
    const claimsNone = /never produced|never returns/i;
    const givesNothing = (c: Capability) => c.status === "unsupported" || c.status === "planned" || /resolves to null|resolves to `\[\]`|always null|an empty page/i.test(c.how);
    const producersChecked: string[] = [];
    for (const group of TWILIO_CLASSES) {
      const classRows = CAPABILITIES.filter((c) => parseMember(c.member).group === group);
      const producers = producersOf(group).map((member) => CAPABILITIES.find((c) => c.member === member)!);
      producersChecked.push(...producers.map((p) => `${p.member} -> ${group}`));
      const working = producers.filter((p) => !givesNothing(p)).map((p) => `${p.member} (${p.status})`);
      const unproduced = classRows.filter((c) => claimsNone.test(c.how)).map((c) => c.member);
      if (working.length > 0) expect(unproduced, `${group} comes from ${working.join(", ")}: its rows must say what those give`).toEqual([]);
    }
    // The extractor found the producers this check is about.
    expect(producersChecked).toEqual(
      expect.arrayContaining([
        "Message.aggregatedDeliveryReceipt -> AggregatedDeliveryReceipt",
        "Message.getDetailedDeliveryReceipts -> DetailedDeliveryReceipt",
        "Message.getChannelMetadata -> ChannelMetadata",
        "Message.getMessageRecipients -> EmailRecipientDescriptor",
        "Client.getContentTemplates -> ContentTemplate",
      ]),
    );
  });

  it("says how in one sentence, and names a migration section for every unsupported or planned method", () => {
    for (const capability of CAPABILITIES) {
      expect(capability.how, capability.member).toMatch(/^\S[^\n]*\.$/);
      if ((capability.status === "unsupported" || capability.status === "planned") && expected.get(capability.member) === "method" && !KNOWN_GAPS[capability.member]) {
        expect(capability.migrationSection, `${capability.member} needs the section its UnsupportedFeatureError names`).toBeTruthy();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real instances, from the emulator
// ---------------------------------------------------------------------------------------------

let emulator: Emulator;
let client: Lib.Client;
let instances: Record<string, object[]>;
const kinds = twilioMembers();

beforeAll(async () => {
  emulator = await startEmulator();
  const directory = new TestDirectory();
  const alice = await createSession(emulator, "alice", directory);
  await createSession(emulator, "bob", directory);
  client = alice.client();
  await initialized(client);
  const conversation = await client.createConversation({ friendlyName: "capabilities" });
  await conversation.join();
  await conversation.add("bob");
  await conversation.sendMessage("hello", { kind: "greeting" });
  const page = await conversation.getMessages();
  const message = page.items[0]!;
  const participant = (await conversation.getParticipantByIdentity("alice"))!;
  const user = await client.getUser("bob");
  const emitters = [client, conversation, message, participant, user];
  instances = {
    Client: [client],
    Conversation: [conversation],
    Message: [message],
    Participant: [participant],
    User: [client.user, user],
    MessageBuilder: [conversation.prepareMessage()],
    UnsentMessage: [conversation.prepareMessage().setBody("unsent").build()],
    Media: [new Lib.Media("ME00000000000000000000000000000001", "a.png", "image/png", 3, "media")],
    RestPaginator: [page],
    AggregatedDeliveryReceipt: [new Lib.AggregatedDeliveryReceipt({ total: 1, sent: "all", delivered: "all", read: "none", undelivered: "none", failed: "none" })],
    DetailedDeliveryReceipt: [
      new Lib.DetailedDeliveryReceipt({
        sid: "DY1",
        message_sid: "IM1",
        conversation_sid: "CH1",
        channel_message_sid: "SM1",
        participant_sid: "MB1",
        status: "delivered",
        error_code: null,
        date_created: "2024-01-01T00:00:00Z",
        date_updated: "2024-01-01T00:00:00Z",
      }),
    ],
    PushNotification: [
      new Lib.PushNotification({ title: "t", body: "b", sound: null, badge: 1, action: null, type: "twilio.conversations.new_message", data: {} }),
    ],
    NotificationTypes: [],
    ContentTemplate: [
      new Lib.ContentTemplate({
        sid: "HX1",
        account_sid: "AC1",
        friendly_name: "template",
        variables: '{"1":"name"}',
        variants: { "twilio/text": { body: "Hi {{1}}" } },
        date_created: "2024-01-01T00:00:00Z",
        date_updated: "2024-01-01T00:00:00Z",
      }),
    ],
    ContentTemplateVariable: [new Lib.ContentTemplateVariable("1", "name")],
    ChannelMetadata: [new Lib.ChannelMetadata("sms", { from: "+15550001" })],
    EmailRecipientDescriptor: [new Lib.EmailRecipientDescriptor({ message_sid: "IM1", type: "email", level: "to", name: "Ann", address: "ann@example.com" })],
    UnknownRecipientDescriptor: [new Lib.UnknownRecipientDescriptor({ message_sid: "IM1", type: "fax" })],
    CancellablePromise: [new Lib.CancellablePromise<number>((resolve) => resolve(1))],
    ReplayEventEmitter: emitters,
    EventEmitter: emitters,
  };
});

afterAll(async () => {
  await client?.shutdown();
  await emulator?.close();
});

/** Our class for a table group (the emitter groups have none: their members are on the instances). */
function ourClass(group: string): object | undefined {
  const value = (Lib as Record<string, unknown>)[group];
  return typeof value === "function" ? value : undefined;
}

/** Why the member is not there, or undefined when it is. */
function absence(capability: Capability): string | undefined {
  const { group, name, isStatic } = parseMember(capability.member);
  const cls = ourClass(group);
  if (isStatic) return cls && name in cls ? undefined : `static ${name} missing on ${group}`;
  if (name === "constructor") return typeof cls === "function" && "prototype" in cls ? undefined : `${group} is not a class`;
  const targets = instances[group] ?? [];
  if (targets.length === 0) return `no ${group} instance to check`;
  const lacking = targets.filter((target) => !(name in target));
  return lacking.length ? `${name} missing on ${lacking.length} of ${targets.length} ${group} instance(s)` : undefined;
}

describe("every member exists at runtime on our classes", () => {
  for (const group of CAPABILITY_GROUPS) {
    const rows = CAPABILITIES.filter((c) => parseMember(c.member).group === group && !KNOWN_GAPS[c.member]);
    if (rows.length === 0) continue;
    it(`${group}: ${rows.length} members`, () => {
      const absent = rows.map((row) => [row.member, absence(row)] as const).filter(([, why]) => why !== undefined);
      expect(absent).toEqual([]);
    });
  }

  it("static event-name constants equal their names, as Twilio's", () => {
    for (const { member } of CAPABILITIES) {
      const { group, name, isStatic } = parseMember(member);
      if (!isStatic || kinds.get(member) !== "property" || group === "NotificationTypes" || name === "version") continue;
      expect(Reflect.get(ourClass(group)!, name), member).toBe(name);
    }
  });

  for (const [member, gap] of Object.entries(KNOWN_GAPS)) {
    const capability = CAPABILITIES.find((c) => c.member === member)!;
    // Known gap (see KNOWN_GAPS): fails until src/conversations adds the member.
    it.fails(`${member} exists (gap: ${gap})`, () => {
      expect(absence(capability)).toBeUndefined();
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Unsupported and planned methods throw or reject UnsupportedFeatureError
// ---------------------------------------------------------------------------------------------

const sendMediaOptions = { contentType: "image/png", filename: "a.png", media: new Uint8Array([1, 2, 3]) };

/** Plausible arguments, as an app would pass them, for each unsupported or planned method. */
const ARGUMENTS: Record<string, () => unknown[]> = {
  "static Client.populateInitRegistrations": () => [new Set(["fcm"])],
  "static Client.parsePushNotification": () => [{ aps: { alert: "hi" }, twi_message_type: "twilio.conversations.new_message" }],
  "Client.parsePushNotification": () => [{ data: { twi_message_type: "twilio.conversations.new_message" } }],
  "Client.handlePushNotification": () => [{ data: { twi_message_type: "twilio.conversations.new_message" } }],
  "Client.setPushRegistrationId": () => ["fcm", "fcm-registration-token"],
  "Client.unsetPushRegistrationId": () => ["fcm"],
  "Client.removePushRegistrations": () => ["apn", "apn-device-token"],
  "Client.getTemporaryContentUrlsForMediaSids": () => [["ME00000000000000000000000000000001"]],
  "Client.getContentTemplates": () => [],
  "Conversation.addNonChatParticipant": () => ["+15550000001", "+15550000002", { source: "sms" }],
  "Conversation.setAllMessagesUnread": () => [],
  "Conversation.setUserNotificationLevel": () => ["muted"],
  "MessageBuilder.setSubject": () => ["Subject"],
  "MessageBuilder.setEmailBody": () => ["text/html", { contentType: "text/html", media: "<p>hi</p>" }],
  "MessageBuilder.setEmailHistory": () => ["text/plain", { contentType: "text/plain", media: "> earlier" }],
  "MessageBuilder.setContentTemplate": () => ["HX00000000000000000000000000000001", [new Lib.ContentTemplateVariable("1", "Ann")]],
  "MessageBuilder.addMedia": () => [sendMediaOptions],
};

/** Whatever the call throws or its promise rejects with; fails when it returns or resolves. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw or reject, but it succeeded");
}

/** Calls the row's method on a real instance (or the class, for statics). */
function callRow(capability: Capability): Promise<unknown> {
  const { group, name, isStatic } = parseMember(capability.member);
  const target = isStatic ? ourClass(group)! : instances[group]![0]!;
  const args = ARGUMENTS[capability.member]!();
  return failureOf(() => (Reflect.get(target, name) as (...a: unknown[]) => unknown).apply(target, args));
}

describe("unsupported and planned methods throw or reject UnsupportedFeatureError", () => {
  const methods = CAPABILITIES.filter((c) => (c.status === "unsupported" || c.status === "planned") && kinds.get(c.member) === "method");

  it("has plausible arguments for each of them", () => {
    expect(methods.map((c) => c.member).filter((member) => !ARGUMENTS[member])).toEqual([]);
    expect(methods.length).toBeGreaterThanOrEqual(10);
  });

  for (const capability of methods) {
    const check = async () => {
      const error = (await callRow(capability)) as { name?: string; migrationSection?: string; feature?: string };
      expect(error?.name, `${capability.member} failed with ${String(error)}`).toBe("UnsupportedFeatureError");
      if (capability.migrationSection) expect(error.migrationSection).toBe(capability.migrationSection);
    };
    if (KNOWN_GAPS[capability.member]) {
      // Known gap (see KNOWN_GAPS): the method is missing, so calling it is a TypeError.
      it.fails(`${capability.member} (gap: ${KNOWN_GAPS[capability.member]})`, check);
    } else {
      it(capability.member, check);
    }
  }

  it("media payloads of sendMessage and UnsentMessage.send reject it too (planned with the media store milestone)", async () => {
    const conversation = instances.Conversation![0] as Lib.Conversation;
    const viaSend = (await failureOf(() => conversation.sendMessage(sendMediaOptions))) as Lib.UnsupportedFeatureError;
    expect(viaSend.name).toBe("UnsupportedFeatureError");
    expect(viaSend.migrationSection).toBe("Media");
    const unsent = conversation.prepareMessage().setBody("with media").build();
    unsent.mediaContent.push(["media", sendMediaOptions]);
    const viaUnsent = (await failureOf(() => unsent.send())) as Lib.UnsupportedFeatureError;
    expect(viaUnsent.name).toBe("UnsupportedFeatureError");
    expect(viaUnsent.migrationSection).toBe("Media");
  });

  it("users' profile updates reject it when the identity resolver keeps no profiles (emulated otherwise)", async () => {
    const user = instances.User![1] as Lib.User;
    for (const call of [() => user.updateFriendlyName("Bob"), () => user.updateAttributes({ team: "blue" })]) {
      const error = (await failureOf(call)) as Lib.UnsupportedFeatureError;
      expect(error.name).toBe("UnsupportedFeatureError");
      expect(error.migrationSection).toBe("Users and profiles");
    }
  });
});

describe("user events, as Twilio emits them", () => {
  // Twilio's User emits userSubscribed on itself, and its Client re-emits it.
  it("a User emits userSubscribed when getUser() subscribes it", async () => {
    const directory = new TestDirectory();
    const carol = await createSession(emulator, "carol", directory);
    await createSession(emulator, "dave", directory);
    const own = carol.client();
    try {
      await initialized(own);
      let heard = false;
      const dave = await own.getUser("dave");
      // Replayed if the User emitted it at any time.
      dave.onWithReplay("userSubscribed", () => (heard = true));
      expect(heard).toBe(true);
    } finally {
      await own.shutdown();
    }
  });

  // Twilio's Client re-emits its Users' `updated` events as userUpdated.
  it("the Client emits userUpdated when a User's profile changes", async () => {
    const profiles = new Map<string, Lib.UserProfile>();
    const directory = new (class extends TestDirectory {
      async getProfile(identity: string) {
        return profiles.get(identity);
      }
      async updateProfile(identity: string, changes: Partial<Lib.UserProfile>) {
        const next = { friendlyName: null, attributes: {}, ...profiles.get(identity), ...changes };
        profiles.set(identity, next);
        return next;
      }
    })();
    const erin = await createSession(emulator, "erin", directory);
    const own = erin.client();
    try {
      await initialized(own);
      const reasons: string[][] = [];
      own.on("userUpdated", ({ updateReasons }) => reasons.push(updateReasons));
      await own.user.updateFriendlyName("Erin");
      expect(own.user.friendlyName).toBe("Erin");
      expect(reasons).toEqual([["friendlyName"]]);
    } finally {
      await own.shutdown();
    }
  });
});
