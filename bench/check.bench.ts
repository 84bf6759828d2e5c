/**
 * `npm run bench` (check part): how fast `twilio-conversations-acs check` reads an app. Generates an
 * app of 2,000 files in a temp folder (TypeScript, TSX and JavaScript; three in four use the Twilio
 * API through imports, event callbacks, Promises and destructuring, the rest are plain modules
 * that import each other), runs the whole analysis on it (program, type checker, patterns), and
 * prints files per second with the uses found. The app has no node_modules: the Twilio module
 * resolves to this package's own typings, as in an app that has switched. CHECK_BENCH_FILES=n
 * generates n files instead of 2,000. Asserts nothing but that every generated use was found.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { analyze } from "../src/migrate/analyze.js";

const FILES = Number(process.env.CHECK_BENCH_FILES ?? 2000);

function twilioModule(index: number): { name: string; text: string } {
  const kind = index % 3;
  const body = `
export async function feature${index}(client: Client, sid: string): Promise<number> {
  const conversation = await client.getConversationBySid(sid);
  conversation.on("messageAdded", (message) => {
    if (message.body?.startsWith("/help")) void conversation.sendMessage("help ${index}");
  });
  const { friendlyName, uniqueName } = conversation;
  const page = await conversation.getMessages(20);
  for (const message of page.items) console.log(friendlyName, uniqueName, message.author, message.index);
  await conversation.updateAttributes({ feature: ${index} });
  return helper${index}(page.items.length);
}

function helper${index}(count: number): number {
  const values = Array.from({ length: count }, (_, i) => i * ${index});
  return values.reduce((total, value) => total + value, 0);
}
`;
  if (kind === 0) return { name: `src/features/feature${index}.ts`, text: `import type { Client } from "@twilio/conversations";\n${body}` };
  if (kind === 1) {
    return {
      name: `src/features/feature${index}.tsx`,
      text: `import type { Client } from "@twilio/conversations";\n${body}\nexport const View${index} = ({ title }: { title: string }) => <h1>{title}</h1>;\n`,
    };
  }
  return {
    name: `src/features/feature${index}.js`,
    text: `/** @typedef {import("@twilio/conversations").Client} Client */
/** @param {Client} client @param {string} sid */
export async function feature${index}(client, sid) {
  const conversation = await client.getConversationBySid(sid);
  conversation.on("messageAdded", (message) => {
    if (message.body && message.body.startsWith("/help")) conversation.sendMessage("help ${index}");
  });
  const { friendlyName, uniqueName } = conversation;
  const page = await conversation.getMessages(20);
  for (const message of page.items) console.log(friendlyName, uniqueName, message.author, message.index);
  await conversation.updateAttributes({ feature: ${index} });
  return page.items.length * ${index};
}
`,
  };
}

function plainModule(index: number): { name: string; text: string } {
  return {
    name: `src/util/util${index}.ts`,
    text: `import { helperValue } from "./shared";

export interface Record${index} {
  id: string;
  count: number;
}

export function summarize${index}(records: Record${index}[]): string {
  const total = records.reduce((sum, record) => sum + record.count * helperValue, 0);
  return records.map((record) => \`\${record.id}:\${record.count}\`).join(",") + " = " + total;
}
`,
  };
}

const dir = mkdtempSync(join(tmpdir(), "check-bench-"));
try {
  mkdirSync(join(dir, "src", "features"), { recursive: true });
  mkdirSync(join(dir, "src", "util"), { recursive: true });
  writeFileSync(join(dir, "src", "util", "shared.ts"), "export const helperValue = 2;\n");
  let twilioFiles = 0;
  for (let index = 1; index < FILES; index += 1) {
    const file = index % 4 === 0 ? plainModule(index) : twilioModule(index);
    if (index % 4 !== 0) twilioFiles += 1;
    writeFileSync(join(dir, file.name), file.text);
  }

  const started = performance.now();
  const report = analyze(ts, { dir });
  const seconds = (performance.now() - started) / 1000;
  const sendMessage = report.members.find((entry) => entry.member === "Conversation.sendMessage");
  if (report.files !== FILES || sendMessage?.uses.length !== twilioFiles) {
    throw new Error(`expected ${FILES} files and ${twilioFiles} uses of sendMessage; got ${report.files} and ${sendMessage?.uses.length}`);
  }
  console.log(`check: ${report.files} files (${twilioFiles} using the Twilio API) in ${seconds.toFixed(1)} s: ${Math.round(report.files / seconds)} files/s on ${cpus().length} cores`);
  console.log(`  ${report.members.length} members, ${report.summary.uses} uses, ${report.summary.patterns} patterns, ${report.summary.unresolved} unresolved`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
