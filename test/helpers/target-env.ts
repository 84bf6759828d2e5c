/**
 * Which service the integration tests run against, read from the environment. Pure (no SDK, no
 * vitest) so that `vitest.live.config.ts` can decide what to run before any test file loads.
 *
 * - `TWILIO_ACS_TARGET` unset or `emulator`: the local emulator (what `npm test` uses).
 * - `TWILIO_ACS_TARGET=live`: the ACS resource of `ACS_CONNECTION_STRING`, and the storage account
 *   of `AZURE_STORAGE_CONNECTION_STRING` for the media and directory tests.
 */

export interface AcsCredentials {
  /** `https://<resource>.communication.azure.com` (no trailing slash). */
  endpoint: string;
  accessKey: string;
  connectionString: string;
}

export interface StorageCredentials {
  connectionString: string;
  /** The account's blob endpoint, without a trailing slash (SAS URLs start with it). */
  blobEndpoint: string;
}

export type TargetEnv =
  | { kind: "emulator" }
  | {
      kind: "live";
      /** Absent: every live test is skipped, with `missing` saying why. */
      acs: AcsCredentials | undefined;
      /** Absent: tests of Azure Blob or Table storage are skipped. */
      storage: StorageCredentials | undefined;
      missing: string[];
    };

export class TargetConfigError extends Error {
  override readonly name = "TargetConfigError";
}

/** The skip message of a live run without credentials; the skip-path test looks for it. */
export const LIVE_SKIP_MESSAGE = "Live ACS parity run skipped: ACS_CONNECTION_STRING is not set";

export function readTargetEnv(env: Record<string, string | undefined> = process.env): TargetEnv {
  const kind = (env.TWILIO_ACS_TARGET ?? "").trim().toLowerCase();
  if (kind === "" || kind === "emulator") return { kind: "emulator" };
  if (kind !== "live") throw new TargetConfigError(`TWILIO_ACS_TARGET must be "emulator" or "live", not ${JSON.stringify(env.TWILIO_ACS_TARGET)}`);
  const acsText = env.ACS_CONNECTION_STRING?.trim();
  const storageText = env.AZURE_STORAGE_CONNECTION_STRING?.trim();
  const missing: string[] = [];
  if (!acsText) missing.push("ACS_CONNECTION_STRING (endpoint=https://<resource>.communication.azure.com/;accesskey=<key>)");
  if (!storageText) missing.push("AZURE_STORAGE_CONNECTION_STRING (media and Azure Table directory tests)");
  return {
    kind: "live",
    acs: acsText ? parseAcsConnectionString(acsText) : undefined,
    storage: storageText ? parseStorageConnectionString(storageText) : undefined,
    missing,
  };
}

/** `key=value;key=value` with case-insensitive keys; values may hold `=` (base64 padding). */
function fields(text: string, what: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const at = part.indexOf("=");
    if (at <= 0) throw new TargetConfigError(`${what} is malformed: expected key=value pairs separated by ";", got a part without a key`);
    map.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return map;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** An ACS connection string, as the Azure portal shows it; the error names what is wrong but never echoes the key. */
export function parseAcsConnectionString(text: string): AcsCredentials {
  const what = "ACS_CONNECTION_STRING";
  const map = fields(text, what);
  const endpointText = map.get("endpoint");
  const accessKey = map.get("accesskey");
  if (!endpointText) throw new TargetConfigError(`${what} has no endpoint=...: expected endpoint=https://<resource>.communication.azure.com/;accesskey=<key>`);
  if (!accessKey) throw new TargetConfigError(`${what} has no accesskey=...: expected endpoint=https://<resource>.communication.azure.com/;accesskey=<key>`);
  let url: URL;
  try {
    url = new URL(endpointText);
  } catch {
    throw new TargetConfigError(`${what}'s endpoint is not a URL`);
  }
  if (url.protocol !== "https:") throw new TargetConfigError(`${what}'s endpoint must be https (ACS answers only over TLS)`);
  if (url.pathname !== "/" || url.search || url.hash) throw new TargetConfigError(`${what}'s endpoint must be the resource's origin, with no path or query`);
  if (!BASE64.test(accessKey)) throw new TargetConfigError(`${what}'s accesskey is not base64`);
  return { endpoint: url.origin, accessKey, connectionString: `endpoint=${url.origin}/;accesskey=${accessKey}` };
}

/** An Azure Storage account connection string with an account key (the tests create and delete containers and tables). */
export function parseStorageConnectionString(text: string): StorageCredentials {
  const what = "AZURE_STORAGE_CONNECTION_STRING";
  const map = fields(text, what);
  if (map.get("usedevelopmentstorage") === "true") throw new TargetConfigError(`${what} names the development storage: a live run needs a real account (npm test already runs on Azurite)`);
  const account = map.get("accountname");
  const key = map.get("accountkey");
  if (!account || !key) throw new TargetConfigError(`${what} needs AccountName=... and AccountKey=...: the tests create and delete their own containers and tables`);
  if (!BASE64.test(key)) throw new TargetConfigError(`${what}'s AccountKey is not base64`);
  const protocol = map.get("defaultendpointsprotocol") ?? "https";
  const explicit = map.get("blobendpoint");
  const blobEndpoint = (explicit ?? `${protocol}://${account}.blob.${map.get("endpointsuffix") ?? "core.windows.net"}`).replace(/\/+$/, "");
  try {
    new URL(blobEndpoint);
  } catch {
    throw new TargetConfigError(`${what}'s blob endpoint is not a URL`);
  }
  return { connectionString: text, blobEndpoint };
}
