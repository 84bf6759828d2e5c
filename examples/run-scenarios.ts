/**
 * Runs every scenario of examples/scenarios twice, as a Twilio app (`twilio.ts`, whose
 * `@twilio/conversations` import resolves to this library through examples/tsconfig.json) and
 * natively on ACS (`acs.ts`), against one ACS (the emulator, or the resource of
 * ACS_CONNECTION_STRING), and prints side by side what each observed, the ACS requests each made,
 * and the lines of code each needed. Exits 1 when a scenario's two sides disagree or fail.
 *
 * Started by examples/demo.ts, which trusts the emulator's certificate process-wide
 * (NODE_EXTRA_CA_CERTS) so that the scenario code carries no test-only options.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { startEmulator, type Emulator, type RequestLogEntry } from "../src/emulator/index.js";
import type { ScenarioContext, ScenarioRun } from "./scenarios/scenario.js";
import { startExampleServer } from "./server/node-http.js";

const scenariosDir = fileURLToPath(new URL("./scenarios/", import.meta.url));
const WIDTH = 62;

interface SideResult {
  observations: string[];
  requests: Map<string, number> | undefined;
  lines: number;
  error?: string;
}

async function main(): Promise<number> {
  const realAcs = process.env.ACS_CONNECTION_STRING;
  const emulator: Emulator | undefined = realAcs ? undefined : await startEmulator({ dataFile: process.env.EMULATOR_DATA_FILE });
  const connectionString = realAcs ?? emulator!.connectionString;
  // Attachments: the emulator's media endpoint; against a real resource, give the kit a BlobMediaStore instead.
  const server = await startExampleServer({ connectionString, ...(emulator ? { mediaUrl: emulator.endpoint } : {}) });
  const identity = new CommunicationIdentityClient(connectionString);
  const endpoint = connectionString.match(/endpoint=([^;]+)/i)![1]!.replace(/\/+$/, "");
  const only = process.argv.slice(2);

  const names = readdirSync(scenariosDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (only.length === 0 || only.includes(entry.name)))
    .map((entry) => entry.name)
    .sort();
  console.log(`${names.length} scenarios, each as a Twilio app on twilio-conversations-acs (left) and natively on ACS (right),`);
  console.log(`against ${realAcs ? endpoint : `the local ACS emulator at ${emulator!.endpoint}`}.\n`);

  let failures = 0;
  for (const [i, name] of names.entries()) {
    const unique = `${Date.now().toString(36)}${i}`;
    const context = (observations: string[]): ScenarioContext => ({
      token: async (who) => {
        const response = await fetch(`${server.url}/token`, { method: "POST", headers: { "x-demo-user": who } });
        return ((await response.json()) as { token: string }).token;
      },
      acs: {
        endpoint,
        user: async (who) => {
          const userId = await server.kit.userIdOf(who);
          const { token } = await identity.getToken({ communicationUserId: userId }, ["chat"]);
          return { userId, token };
        },
      },
      observe: (line) => observations.push(line),
      unique,
    });
    const twilio = await runSide(join(scenariosDir, name, "twilio.ts"), context, emulator);
    const acs = await runSide(join(scenariosDir, name, "acs.ts"), context, emulator);
    const agree = !twilio.error && !acs.error && JSON.stringify(twilio.observations) === JSON.stringify(acs.observations);
    if (!agree) failures++;
    printScenario(name, twilio, acs, agree);
  }

  await server.close();
  await emulator?.close();
  console.log(failures === 0 ? `All ${names.length} scenarios agree.` : `${failures} of ${names.length} scenarios disagree.`);
  return failures === 0 ? 0 : 1;
}

async function runSide(file: string, context: (observations: string[]) => ScenarioContext, emulator: Emulator | undefined): Promise<SideResult> {
  const observations: string[] = [];
  const requests = emulator ? new Map<string, number>() : undefined;
  // Chat requests only: identities and tokens come from the harness (the server kit), as from a token server.
  const count = (entry: RequestLogEntry) => entry.path.startsWith("/chat") && requests?.set(entry.operation, (requests.get(entry.operation) ?? 0) + 1);
  emulator?.requests.on("request", count);
  let error: string | undefined;
  try {
    const module = (await import(file)) as { run: ScenarioRun };
    await module.run(context(observations));
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  } finally {
    emulator?.requests.off("request", count);
  }
  return { observations, requests, lines: linesOfCode(file), ...(error ? { error } : {}) };
}

/** Lines a developer wrote: not blank, not comments, not imports. */
function linesOfCode(file: string): number {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("//") && !line.startsWith("*") && !line.startsWith("/*") && !line.startsWith("import ")).length;
}

function printScenario(name: string, twilio: SideResult, acs: SideResult, agree: boolean): void {
  const pad = (text: string) => (text.length > WIDTH ? `${text.slice(0, WIDTH - 1)}…` : text.padEnd(WIDTH));
  const row = (left: string, right: string) => console.log(`  ${pad(left)} │ ${right.length > WIDTH ? `${right.slice(0, WIDTH - 1)}…` : right}`);
  console.log(`■ ${name}  ${agree ? "✓ same outcome" : "✗ OUTCOMES DIFFER"}`);
  row("Twilio app code on twilio-conversations-acs", "native ACS code");
  row("─".repeat(WIDTH), "─".repeat(WIDTH));
  const length = Math.max(twilio.observations.length, acs.observations.length);
  for (let i = 0; i < length; i++) row(twilio.observations[i] ?? "", acs.observations[i] ?? "");
  if (twilio.error || acs.error) row(twilio.error ? `error: ${twilio.error}` : "", acs.error ? `error: ${acs.error}` : "");
  const total = (requests: Map<string, number> | undefined) => (requests ? [...requests.values()].reduce((a, b) => a + b, 0) : undefined);
  row(`${twilio.lines} lines of code, ${total(twilio.requests) ?? "n/a"} ACS requests`, `${acs.lines} lines of code, ${total(acs.requests) ?? "n/a"} ACS requests`);
  const describe = (requests: Map<string, number> | undefined) =>
    requests ? [...requests].sort((a, b) => b[1] - a[1]).map(([operation, n]) => `${n}× ${operation.replace("/chat/threads/{threadId}", "…").replace("/chat/threads", "/threads")}`) : [];
  const left = describe(twilio.requests);
  const right = describe(acs.requests);
  for (let i = 0; i < Math.max(left.length, right.length); i++) row(`  ${left[i] ?? ""}`, `  ${right[i] ?? ""}`);
  console.log("");
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
