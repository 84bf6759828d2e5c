/**
 * Test plumbing: Azurite's blob service (the `azurite` devDependency, run offline) as a child
 * process on 127.0.0.1 with a port of its choosing, keeping everything in memory. One per test
 * file (beforeAll/afterAll).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Azurite's well-known development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** e.g. `http://127.0.0.1:41234/devstoreaccount1` */
  blobEndpoint: string;
  /** A connection string with the account key, for `BlobServiceClient.fromConnectionString`. */
  connectionString: string;
  /** A connection string for the same account at another blob endpoint (a proxy in front of Azurite). */
  connectionStringFor(blobEndpoint: string): string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 20_000;

export const azuriteConnectionString = (blobEndpoint: string) =>
  `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;

export interface AzuriteOptions {
  /** The most blob data Azurite keeps in memory, in MB; past it, writes fail with 409 MemoryExtentStoreAtSizeLimit. Default 1024. */
  memoryLimitMb?: number;
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const main = createRequire(import.meta.url).resolve("azurite/dist/src/blob/main.js");
  // Azurite keeps nothing on disk with --inMemoryPersistence, but it resolves paths against its
  // working directory: give it an empty one of its own.
  const workDir = await mkdtemp(join(tmpdir(), "azurite-"));
  const env = { ...process.env };
  // These would switch Azurite to a SQL metadata store or to other accounts.
  delete env.AZURITE_DB;
  delete env.AZURITE_ACCOUNTS;
  const child = spawn(
    process.execPath,
    [
      main,
      "--blobHost", "127.0.0.1",
      "--blobPort", "0",
      "--inMemoryPersistence",
      "--extentMemoryLimit", String(options.memoryLimitMb ?? 1024),
      "--silent",
      "--disableTelemetry",
      // @azure/storage-blob speaks a newer service version than this Azurite knows.
      "--skipApiVersionCheck",
    ],
    { cwd: workDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  // If the test process exits without stop(): no orphaned Azurite, no leftover directory.
  const killOnExit = () => {
    child.kill("SIGKILL");
    rmSync(workDir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);

  let output = "";
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const match = /successfully listens on https?:\/\/[^\s:]+:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited during start-up (code ${code}, signal ${signal}):\n${output}`));
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
    return {
      blobEndpoint,
      connectionString: azuriteConnectionString(blobEndpoint),
      connectionStringFor: azuriteConnectionString,
      stop: async () => {
        process.off("exit", killOnExit);
        await stopChild(child);
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.off("exit", killOnExit);
    await stopChild(child);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
