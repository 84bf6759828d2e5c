/**
 * Target selection for the integration tests: which service, and the credentials of a live run,
 * with a clear error for a malformed connection string (one that never echoes the key).
 */
import { describe, expect, it } from "vitest";
import { parseAcsConnectionString, parseStorageConnectionString, readTargetEnv, TargetConfigError } from "../helpers/target-env.js";
import { Pacer } from "../helpers/live-acs.js";

const KEY = "c2VjcmV0LWtleS1vZi10aGUtcmVzb3VyY2U=";
const ACS = `endpoint=https://my-acs.communication.azure.com/;accesskey=${KEY}`;
const STORAGE = `DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=${KEY};EndpointSuffix=core.windows.net`;

function configError(action: () => unknown): TargetConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TargetConfigError);
    expect((error as Error).message).not.toContain(KEY);
    return error as TargetConfigError;
  }
  throw new Error("expected a TargetConfigError");
}

describe("readTargetEnv", () => {
  it("is the emulator unless TWILIO_ACS_TARGET says live", () => {
    expect(readTargetEnv({})).toEqual({ kind: "emulator" });
    expect(readTargetEnv({ TWILIO_ACS_TARGET: " Emulator ", ACS_CONNECTION_STRING: ACS })).toEqual({ kind: "emulator" });
    expect(configError(() => readTargetEnv({ TWILIO_ACS_TARGET: "azure" })).message).toMatch(/TWILIO_ACS_TARGET must be "emulator" or "live", not "azure"/);
  });

  it("on live without credentials names what is missing, so the run can skip", () => {
    const env = readTargetEnv({ TWILIO_ACS_TARGET: "live", ACS_CONNECTION_STRING: "  " });
    expect(env).toMatchObject({ kind: "live", acs: undefined, storage: undefined });
    expect(env.kind === "live" && env.missing.join("\n")).toMatch(/ACS_CONNECTION_STRING[\s\S]*AZURE_STORAGE_CONNECTION_STRING/);
  });

  it("on live reads both connection strings", () => {
    const env = readTargetEnv({ TWILIO_ACS_TARGET: "live", ACS_CONNECTION_STRING: ACS, AZURE_STORAGE_CONNECTION_STRING: STORAGE });
    expect(env).toEqual({
      kind: "live",
      acs: { endpoint: "https://my-acs.communication.azure.com", accessKey: KEY, connectionString: ACS },
      storage: { connectionString: STORAGE, blobEndpoint: "https://myaccount.blob.core.windows.net" },
      missing: [],
    });
  });
});

describe("parseAcsConnectionString", () => {
  it("takes the portal's form, keys in any case, with or without the trailing slash", () => {
    expect(parseAcsConnectionString(`Endpoint=https://my-acs.communication.azure.com;AccessKey=${KEY};`).endpoint).toBe("https://my-acs.communication.azure.com");
  });

  it.each([
    ["not a connection string", /malformed/],
    [`accesskey=${KEY}`, /no endpoint=/],
    ["endpoint=https://my-acs.communication.azure.com/", /no accesskey=/],
    [`endpoint=my-acs;accesskey=${KEY}`, /endpoint is not a URL/],
    [`endpoint=http://my-acs.communication.azure.com/;accesskey=${KEY}`, /must be https/],
    [`endpoint=https://my-acs.communication.azure.com/chat;accesskey=${KEY}`, /no path or query/],
    ["endpoint=https://my-acs.communication.azure.com/;accesskey=not base64!", /accesskey is not base64/],
  ])("refuses %j with a clear error", (text, message) => {
    expect(configError(() => parseAcsConnectionString(text)).message).toMatch(message);
  });
});

describe("parseStorageConnectionString", () => {
  it("derives the blob endpoint, or takes an explicit one", () => {
    expect(parseStorageConnectionString(`AccountName=a;AccountKey=${KEY};BlobEndpoint=https://a.example/blob/`).blobEndpoint).toBe("https://a.example/blob");
    expect(parseStorageConnectionString(`AccountName=a;AccountKey=${KEY};EndpointSuffix=core.chinacloudapi.cn`).blobEndpoint).toBe("https://a.blob.core.chinacloudapi.cn");
  });

  it.each([
    ["UseDevelopmentStorage=true", /development storage/],
    ["BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1", /AccountName=... and AccountKey=/],
    ["AccountName=a;AccountKey=%%%", /AccountKey is not base64/],
  ])("refuses %j with a clear error", (text, message) => {
    expect(configError(() => parseStorageConnectionString(text)).message).toMatch(message);
  });
});

// Operation names are tested with the client's rate budget (test/unit/acs/rate-budget.test.ts).
describe("live pacing", () => {
  it("holds the 11th send to a thread within 10 s until the oldest leaves the window, whoever sends", () => {
    let now = 0;
    const pacer = new Pacer(() => now);
    for (let i = 0; i < 10; i++) {
      now = i * 100;
      expect(pacer.tryAdmit("POST /chat/threads/{threadId}/messages", i % 2 ? "alice" : "bob", "t1")).toBe(0);
    }
    expect(pacer.tryAdmit("POST /chat/threads/{threadId}/messages", "carol", "t1")).toBe(9_100);
    // Another thread has its own window.
    expect(pacer.tryAdmit("POST /chat/threads/{threadId}/messages", "carol", "t2")).toBe(0);
    now = 10_001;
    expect(pacer.tryAdmit("POST /chat/threads/{threadId}/messages", "carol", "t1")).toBe(0);
    // Operations ACS does not limit pass at once.
    expect(pacer.tryAdmit("GET /chat/threads/{threadId}/unknown", "carol", "t1")).toBe(0);
  });
});
