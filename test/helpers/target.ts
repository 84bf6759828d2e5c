/**
 * The one seam between the integration tests and the service they run against: `startTarget()`
 * starts the local emulator (as `startEmulator()` did), or, with `TWILIO_ACS_TARGET=live`, returns
 * the real ACS resource of `ACS_CONNECTION_STRING` behind the same surface. On live, what only
 * the emulator has (the `requests` feed, `faults`, webhooks, its clock, its Event Grid feed)
 * throws `EmulatorOnlyError` when touched; tests that need it are declared with
 * `emulatorOnly(reason)` and skipped on live, the reason in their name.
 */
import { it, type TestFunction } from "vitest";
import type { ChatClientOptions } from "@azure/communication-chat";
import type { CommunicationIdentityClientOptions } from "@azure/communication-identity";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { cleanUpLive, LiveRecorder, livePolicies, LIVE_RETRY } from "./live-acs.js";
import { readTargetEnv, type AcsCredentials } from "./target-env.js";

/** Options for every ACS SDK client of a target (the server kit's `acsClientOptions` takes them too). */
export type TargetClientOptions = ChatClientOptions & CommunicationIdentityClientOptions;

export type Target = Omit<Emulator, "caPem"> & {
  /** True against a real ACS resource. */
  readonly live: boolean;
  /** The emulator's self-signed certificate; undefined on live (ACS has a public one). */
  readonly caPem: string | undefined;
  /**
   * Emulator: trust its certificate. Live: wait out 429s (Retry-After), pace requests to ACS's
   * documented rate limits, and record the users and threads made, for clean-up at `close()`.
   */
  readonly clientOptions: TargetClientOptions;
};

/** What a target must offer helpers that make SDK clients: an emulator or a target. */
export interface TargetLike {
  readonly endpoint: string;
  readonly connectionString: string;
  readonly caPem?: string | undefined;
  readonly clientOptions?: TargetClientOptions;
}

export class EmulatorOnlyError extends Error {
  override readonly name = "EmulatorOnlyError";
  constructor(facility: string) {
    super(`${facility} exists only on the emulator: declare this test with emulatorOnly(...) so that it is skipped against a live ACS resource`);
  }
}

const env = readTargetEnv();

/** Whether this run targets a real ACS resource (known before any test starts, for skipIf). */
export const live = env.kind === "live";
/** Whether a real storage account was given for a live run (the emulator run uses Azurite). */
export const liveStorage = env.kind === "live" ? env.storage : undefined;

/**
 * `it` on the emulator; on live, a skipped test whose name says why (e.g. "counts requests").
 * Use it for tests that read the `requests` feed, inject faults, or rely on emulator behaviour.
 */
export function emulatorOnly(reason: string): (name: string, fn: TestFunction, timeout?: number) => void {
  return (name, fn, timeout) => (live ? it.skip(`${name} [emulator only: ${reason}]`, fn) : it(name, fn, timeout));
}

/** SDK client options for an emulator or a target (helpers take either). */
export function clientOptionsOf(target: TargetLike): TargetClientOptions {
  return target.clientOptions ?? { tlsOptions: { ca: target.caPem } };
}

/**
 * The emulator (started with `options`) or the live resource. On live, emulator options other
 * than `rateLimits` (ACS always limits) cannot be honoured and throw.
 */
export async function startTarget(options: EmulatorOptions = {}): Promise<Target> {
  if (env.kind === "emulator") {
    const emulator = await startEmulator(options);
    return { ...emulator, live: false, clientOptions: { tlsOptions: { ca: emulator.caPem } } };
  }
  if (!env.acs) throw new Error(`TWILIO_ACS_TARGET=live needs ${env.missing[0]}; run it through npm run test:live, which skips when it is absent`);
  const unsupported = Object.keys(options).filter((key) => key !== "rateLimits");
  if (unsupported.length > 0) throw new EmulatorOnlyError(`the emulator option(s) ${unsupported.join(", ")}`);
  return liveTarget(env.acs);
}

function liveTarget(acs: AcsCredentials): Target {
  const recorder = new LiveRecorder();
  const url = new URL(acs.endpoint);
  const emulatorOnlyMember = (facility: string) => ({
    get: () => {
      throw new EmulatorOnlyError(facility);
    },
    enumerable: true,
  });
  const target = {
    live: true,
    endpoint: acs.endpoint,
    connectionString: acs.connectionString,
    caPem: undefined,
    accessKey: acs.accessKey,
    host: url.hostname,
    port: 443,
    clientOptions: { retryOptions: LIVE_RETRY, additionalPolicies: livePolicies(recorder) },
    close: () => cleanUpLive(acs, recorder),
  };
  Object.defineProperties(target, {
    resourceId: emulatorOnlyMember("resourceId"),
    events: emulatorOnlyMember("The Event Grid feed (events)"),
    faults: emulatorOnlyMember("Fault injection (faults)"),
    requests: emulatorOnlyMember("The requests feed"),
    mediaCount: emulatorOnlyMember("The media endpoint (mediaCount)"),
    addWebhook: emulatorOnlyMember("Webhook delivery (addWebhook)"),
    flush: emulatorOnlyMember("The data file (flush)"),
  });
  return target as unknown as Target;
}
