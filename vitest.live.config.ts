/**
 * `npm run test:live`: the integration suites that hold on a real service, against the ACS
 * resource of ACS_CONNECTION_STRING (and the storage account of AZURE_STORAGE_CONNECTION_STRING
 * for media and directories). Without credentials it runs nothing and exits 0, saying why.
 */
import { defineConfig } from "vitest/config";
import { LIVE_SKIP_MESSAGE, readTargetEnv } from "./test/helpers/target-env.js";

/** The files run live; README's "Parity against a real ACS resource" says why the others are left out. */
export const LIVE_FILES = [
  "test/integration/client-quickstart.test.ts",
  "test/integration/events-polling.test.ts",
  "test/integration/hostile-participants.test.ts",
  "test/integration/message-paging.test.ts",
  "test/integration/read-horizon.test.ts",
  "test/integration/server-kit.test.ts",
  "test/integration/users.test.ts",
];
/** Needs a storage account: media through Azure Blob Storage. */
const STORAGE_FILES = ["test/integration/media-blob-client.test.ts"];

// A malformed connection string stops the run here, with the reason, before any test starts.
const env = readTargetEnv({ ...process.env, TWILIO_ACS_TARGET: "live" });
if (env.kind !== "live") throw new Error("unreachable: the live config always targets live");

let include: string[] = [];
if (!env.acs) {
  console.log(`${LIVE_SKIP_MESSAGE}. Set it (and AZURE_STORAGE_CONNECTION_STRING for media and directories) to run ${LIVE_FILES.length + STORAGE_FILES.length} files against a real resource; see README.md.`);
} else {
  include = env.storage ? [...LIVE_FILES, ...STORAGE_FILES] : LIVE_FILES;
  if (!env.storage) console.log(`AZURE_STORAGE_CONNECTION_STRING is not set: ${STORAGE_FILES.join(", ")} and the Azure Table store tests are skipped.`);
}

export default defineConfig({
  test: {
    include,
    passWithNoTests: true,
    env: { TWILIO_ACS_TARGET: "live" },
    // One file at a time, one test at a time: ACS counts requests per user and per thread, and
    // the pacing policy sees only its own process.
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { concurrent: false },
    // Real round trips, and sends paced to 30 per minute per thread: message-paging seeds 500
    // messages in its beforeAll (about 17 minutes) and 250 more in one test (about 9).
    testTimeout: 20 * 60_000,
    hookTimeout: 40 * 60_000,
  },
});
