/**
 * Test plumbing: Azurite's blob or table service (the `azurite` devDependency, run offline) as a
 * child process on 127.0.0.1, keeping everything in memory. One per test file
 * (beforeAll/afterAll).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
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
  const { port, stop } = await spawnAzurite(
    "azurite/dist/src/blob/main.js",
    [
      "--blobHost", "127.0.0.1",
      "--blobPort", "0",
      "--extentMemoryLimit", String(options.memoryLimitMb ?? 1024),
    ],
    // The blob service prints the port it was given by the OS.
    (output) => {
      const match = /successfully listens on https?:\/\/[^\s:]+:(\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    },
  );
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: azuriteConnectionString(blobEndpoint),
    connectionStringFor: azuriteConnectionString,
    stop,
  };
}

export interface AzuriteTables {
  /** e.g. `http://127.0.0.1:41234/devstoreaccount1` */
  tableEndpoint: string;
  /** A connection string with the account key and `TableEndpoint=...`, for `TableClient.fromConnectionString`. */
  connectionString: string;
  stop(): Promise<void>;
}

export const azuriteTablesConnectionString = (tableEndpoint: string) =>
  `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};TableEndpoint=${tableEndpoint};`;

/** Azurite's table service, in memory, on 127.0.0.1 at a free port. */
export async function startAzuriteTables(): Promise<AzuriteTables> {
  // The table service prints its configured port, not the bound one ("started on 127.0.0.1:0"),
  // so it cannot be given port 0: find a free port, and try again with another should something
  // else take it before Azurite binds it.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const started = await spawnAzurite(
        "azurite/dist/src/table/main.js",
        ["--tableHost", "127.0.0.1", "--tablePort", String(port)],
        (output) => (/Table service successfully started/.test(output) ? port : undefined),
      );
      const tableEndpoint = `http://127.0.0.1:${started.port}/${AZURITE_ACCOUNT}`;
      return { tableEndpoint, connectionString: azuriteTablesConnectionString(tableEndpoint), stop: started.stop };
    } catch (error) {
      if (attempt >= 5 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface SpawnedAzurite {
  port: number;
  stop(): Promise<void>;
}

/** Starts one Azurite service (`main`: its entry module) with the flags all services share, and waits until `portOf` finds the port in its output. */
async function spawnAzurite(
  main: string,
  serviceArgs: string[],
  portOf: (output: string) => number | undefined,
): Promise<SpawnedAzurite> {
  const mainPath = createRequire(import.meta.url).resolve(main);
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
      mainPath,
      ...serviceArgs,
      "--inMemoryPersistence",
      "--silent",
      "--disableTelemetry",
      // The Azure SDKs speak newer service versions than this Azurite knows.
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
        const found = portOf(output);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
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
    return {
      port,
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
