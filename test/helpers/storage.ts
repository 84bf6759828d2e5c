/**
 * Azure Storage for the media and directory tests: Azurite on the emulator run, the account of
 * `AZURE_STORAGE_CONNECTION_STRING` on a live run. On live, `stop()` deletes the containers and
 * tables that did not exist when the file started (those the tests created); anything written
 * into ones that already existed stays, so give the live run an account of its own.
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { TableServiceClient } from "@azure/data-tables";
import { startAzurite, startAzuriteTables, type Azurite, type AzuriteTables } from "./azurite.js";
import { live, liveStorage } from "./target.js";

export type BlobStorage = Pick<Azurite, "blobEndpoint" | "connectionString" | "stop">;
export type TableStorage = Pick<AzuriteTables, "connectionString" | "stop">;

/** Whether storage tests can run: always on the emulator, on live only with a storage account. */
export const storageAvailable = !live || liveStorage !== undefined;

function requireLiveStorage(): NonNullable<typeof liveStorage> {
  if (!liveStorage) throw new Error("this test needs AZURE_STORAGE_CONNECTION_STRING on a live run: skip it with storageAvailable");
  return liveStorage;
}

async function names(list: AsyncIterable<{ name?: string }>): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const item of list) if (item.name) found.add(item.name);
  return found;
}

export async function startBlobStorage(): Promise<BlobStorage> {
  if (!live) return startAzurite();
  const { connectionString, blobEndpoint } = requireLiveStorage();
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const before = await names(service.listContainers());
  return {
    blobEndpoint,
    connectionString,
    stop: async () => {
      for (const name of await names(service.listContainers())) if (!before.has(name)) await service.deleteContainer(name);
    },
  };
}

export async function startTableStorage(): Promise<TableStorage> {
  if (!live) return startAzuriteTables();
  const { connectionString } = requireLiveStorage();
  const service = TableServiceClient.fromConnectionString(connectionString);
  const before = await names(service.listTables());
  return {
    connectionString,
    stop: async () => {
      for (const name of await names(service.listTables())) if (!before.has(name)) await service.deleteTable(name);
    },
  };
}
