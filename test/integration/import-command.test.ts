/**
 * The `import` command as a team runs it: a separate process, configured by the environment
 * (Twilio's credentials, ACS's connection string, the kit's storage account and secret), against
 * the Twilio stand-in, the emulator (trusted through NODE_EXTRA_CA_CERTS) and Azurite.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY, startAzurite, startAzuriteTables, type Azurite, type AzuriteTables } from "../helpers/azurite.js";
import { standInSid, startTwilioStandIn, type TwilioStandIn } from "../helpers/twilio-stand-in.js";

const ACCOUNT = standInSid("AC", 11);
const TOKEN = "command-test-auth-token";
const root = new URL("../../", import.meta.url).pathname;

let emulator: Emulator;
let twilio: TwilioStandIn;
let blobs: Azurite;
let tables: AzuriteTables;
let folder: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [emulator, twilio, blobs, tables] = await Promise.all([
    startEmulator({ rateLimits: true }),
    startTwilioStandIn({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      data: {
        conversations: [
          { friendlyName: "Support", uniqueName: "support", participants: [{ identity: "dana" }, { identity: "eli" }], messages: [{ author: "dana", body: "Hello" }, { author: "eli", body: "Hi Dana" }] },
          { friendlyName: "Team", participants: [{ identity: "dana" }], messages: Array.from({ length: 12 }, (_, i) => ({ author: "dana", body: `note ${i}` })) },
        ],
        users: [{ identity: "dana", friendlyName: "Dana D." }],
      },
    }),
    startAzurite(),
    startAzuriteTables(),
  ]);
  folder = await mkdtemp(join(tmpdir(), "import-command-"));
  const caFile = join(folder, "emulator-ca.pem");
  await writeFile(caFile, emulator.caPem);
  env = {
    PATH: process.env.PATH,
    NODE_EXTRA_CA_CERTS: caFile,
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_CONVERSATIONS_URL: twilio.url,
    TWILIO_MCS_URL: twilio.mcsUrl,
    ACS_CONNECTION_STRING: emulator.connectionString,
    AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobs.blobEndpoint};TableEndpoint=${tables.tableEndpoint};`,
    TOKEN_SIGNING_SECRET: "a-signing-secret-of-at-least-32-bytes!!",
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([emulator?.close(), twilio?.close(), blobs?.stop(), tables?.stop()]);
  if (folder) await rm(folder, { recursive: true, force: true });
});

function command(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), "import", ...args], { cwd: root, env: { ...env, ...extraEnv } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

it("refuses to run without its direction, or with wrong Twilio credentials (exit 2, the reason said)", async () => {
  const bare = await command([]);
  expect([bare.code, bare.stderr]).toEqual([2, expect.stringContaining("import needs --from-twilio --to-acs")]);
  const wrong = await command(["--from-twilio", "--to-acs", "--plan"], { TWILIO_AUTH_TOKEN: "not-the-token" });
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/credentials/i);
  expect(wrong.stderr).not.toContain("not-the-token");
  const unknownService = standInSid("IS", 0xbad);
  const service = await command(["--from-twilio", "--to-acs", "--plan"], { TWILIO_CONVERSATIONS_SERVICE_SID: unknownService });
  expect(service.code).toBe(2);
  expect(service.stderr).toContain(unknownService);
});

it("plans, imports, and on a second run writes nothing", async () => {
  const plan = await command(["--from-twilio", "--to-acs", "--plan"]);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain("2 conversation(s), 3 chat participant(s), 14 message(s)");
  expect(plan.stdout).toContain("at least 10 s");

  const reportFile = join(folder, "report.json");
  const first = await command(["--from-twilio", "--to-acs", "--report", reportFile]);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain("2 conversation(s) imported, 0 skipped, 0 failed; 14 message(s)");
  // Not a terminal: plain progress lines, the last one at the end.
  expect(first.stderr).toContain("2/2 conversations, 14 messages");
  const report = JSON.parse(await readFile(reportFile, "utf8")) as { totals: { messagesImported: number }; conversations: Array<{ uniqueName: string | null; threadId: string }> };
  expect(report.totals.messagesImported).toBe(14);
  expect(report.conversations.find((c) => c.uniqueName === "support")!.threadId).toMatch(/^19:/);

  const second = await command(["--from-twilio", "--to-acs", "--format", "json"]);
  expect(second.code).toBe(0);
  expect((JSON.parse(second.stdout) as { totals: unknown }).totals).toMatchObject({ conversations: { imported: 0, skipped: 2, failed: 0 }, messagesImported: 0 });
}, 90_000);
