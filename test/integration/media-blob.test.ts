/**
 * BlobMediaStore against Azurite (real @azure/storage-blob, real HTTP): what upload stores, what
 * the SAS URLs give to a plain `fetch`, deletion, SAS expiry, and what is refused before any
 * request. A small HTTP proxy in front of Azurite counts the requests the store makes and lets a
 * test hold a request or act when Azurite has answered one, so aborts are tested exactly.
 */
import { AnonymousCredential, BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BlobMediaStore } from "../../src/media/blob-media-store.js";
import { InvalidArgumentError, LimitExceededError } from "../../src/errors.js";
import { startAzurite, type Azurite } from "../helpers/azurite.js";

interface ProxiedRequest {
  method: string;
  path: string;
  status?: number;
}

/** Forwards to Azurite; logs each request; can hold one (never forwarded) or run a hook on Azurite's answer before relaying it. */
class AzuriteProxy {
  readonly log: ProxiedRequest[] = [];
  /** Requests for which this returns true are held: read, never forwarded, never answered. */
  hold: (request: IncomingMessage) => boolean = () => false;
  onHeld: () => void = () => {};
  /** Runs when Azurite has answered, before the answer is relayed. */
  onAnswered: (entry: ProxiedRequest) => void = () => {};
  /** Answers for which this returns true are lost: Azurite handled the request, the client sees the connection drop. */
  loseAnswer: (entry: ProxiedRequest) => boolean = () => false;
  url = "";
  private server!: Server;

  constructor(private readonly target: URL) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const entry: ProxiedRequest = { method: req.method ?? "", path: req.url ?? "" };
      this.log.push(entry);
      if (this.hold(req)) {
        req.resume();
        this.onHeld();
        return;
      }
      const upstream = httpRequest(
        { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          entry.status = answer.statusCode;
          this.onAnswered(entry);
          if (this.loseAnswer(entry)) {
            answer.resume();
            res.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.log.length = 0;
    this.hold = () => false;
    this.onHeld = () => {};
    this.onAnswered = () => {};
    this.loseAnswer = () => false;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let azurite: Azurite;
let proxy: AzuriteProxy;
/** Talks to Azurite directly, to see what is stored. */
let direct: ContainerClient;
/** Through the proxy; default options. */
let store: BlobMediaStore;
const CONTAINER = "media";

beforeAll(async () => {
  azurite = await startAzurite();
  const endpoint = new URL(azurite.blobEndpoint);
  proxy = new AzuriteProxy(endpoint);
  await proxy.start();
  direct = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
  await direct.create();
  store = BlobMediaStore.fromConnectionString(azurite.connectionStringFor(`${proxy.url}${endpoint.pathname}`), CONTAINER, {
    pipeline: { retryOptions: { maxTries: 1 } },
  });
});
afterAll(async () => {
  await proxy?.close();
  await azurite?.stop();
});
beforeEach(() => proxy.reset());

async function storedNames(container = direct): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat()) names.push(blob.name);
  return names.sort();
}

async function read(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    bytes: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get("content-type"),
    disposition: response.headers.get("content-disposition"),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { statusCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { statusCode?: number };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

const signedExpiry = (url: string) => Date.parse(new URL(url).searchParams.get("se")!);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("BlobMediaStore: upload and read back", () => {
  it("stores a Uint8Array with its content type, a UTF-8 Content-Disposition and the file name in metadata", async () => {
    const data = randomBytes(300_000);
    const filename = "Résumé (final) 'v2'*.pdf";
    const stored = await store.upload({ filename, contentType: "application/pdf", data });
    expect(stored.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stored.size).toBe(300_000);
    expect(await storedNames()).toContain(stored.id);

    const got = await read(await store.temporaryUrl(stored.id));
    expect(got.status).toBe(200);
    expect(Buffer.from(got.bytes).equals(data)).toBe(true);
    expect(got.contentType).toBe("application/pdf");
    expect(got.disposition).toBe("attachment; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29%20%27v2%27%2A.pdf");

    const properties = await direct.getBlockBlobClient(stored.id).getProperties();
    expect(decodeURIComponent(properties.metadata!.filename!)).toBe(filename);
    expect(properties.contentLength).toBe(300_000);
  });

  it("stores a Blob (bytes and content type as given in the upload, not the Blob's own type)", async () => {
    const bytes = randomBytes(70_000);
    const stored = await store.upload({ filename: "photo.png", contentType: "image/png", data: new Blob([bytes], { type: "text/plain" }) });
    expect(stored.size).toBe(70_000);
    const got = await read(await store.temporaryUrl(stored.id));
    expect([got.status, got.contentType, got.disposition]).toEqual([200, "image/png", "attachment; filename*=UTF-8''photo.png"]);
    expect(Buffer.from(got.bytes).equals(bytes)).toBe(true);
  });

  it("stores a file without a name (null or empty) as a plain attachment, with no filename metadata", async () => {
    for (const filename of [null, ""]) {
      const stored = await store.upload({ filename, contentType: "text/plain", data: new TextEncoder().encode("no name") });
      const got = await read(await store.temporaryUrl(stored.id));
      expect([got.status, got.disposition, new TextDecoder().decode(got.bytes)]).toEqual([200, "attachment", "no name"]);
      expect((await direct.getBlockBlobClient(stored.id).getProperties()).metadata).toEqual({});
    }
  });

  it("makes one request per upload and none per temporaryUrl (signed locally)", async () => {
    const stored = await store.upload({ filename: "a.txt", contentType: "text/plain", data: new Uint8Array([1, 2, 3]) });
    expect(proxy.log.map((r) => [r.method, r.status])).toEqual([["PUT", 201]]);
    await store.temporaryUrl(stored.id);
    expect(proxy.log).toHaveLength(1);
  });
});

describe("BlobMediaStore: URLs", () => {
  it("gives a different URL on each temporaryUrl call, and both read the file", async () => {
    const stored = await store.upload({ filename: "a.txt", contentType: "text/plain", data: new TextEncoder().encode("twice") });
    const first = await store.temporaryUrl(stored.id);
    const second = await store.temporaryUrl(stored.id);
    expect(second).not.toBe(first);
    for (const url of [first, second]) {
      const got = await read(url);
      expect([got.status, new TextDecoder().decode(got.bytes)]).toEqual([200, "twice"]);
    }
  });

  it("signs temporary URLs for 5 minutes and the reference URL for 7 days by default, read-only", async () => {
    const before = Date.now();
    const stored = await store.upload({ filename: "a.txt", contentType: "text/plain", data: new TextEncoder().encode("ref") });
    const temporary = await store.temporaryUrl(stored.id);
    const after = Date.now();
    // At least the TTL, rounded up to the next second at most.
    expect(signedExpiry(temporary)).toBeGreaterThanOrEqual(before + 5 * 60_000);
    expect(signedExpiry(temporary)).toBeLessThanOrEqual(after + 5 * 60_000 + 1000);
    expect(signedExpiry(stored.url)).toBeGreaterThanOrEqual(before + 7 * 24 * 3600_000);
    expect(signedExpiry(stored.url)).toBeLessThanOrEqual(after + 7 * 24 * 3600_000 + 1000);
    for (const url of [stored.url, temporary]) {
      expect(new URL(url).searchParams.get("sp")).toBe("r");
      const got = await read(url);
      expect([got.status, new TextDecoder().decode(got.bytes), got.contentType]).toEqual([200, "ref", "text/plain"]);
    }
    // Read-only: neither URL can overwrite or delete the file.
    expect((await fetch(temporary, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: "overwritten" })).status).toBe(403);
    expect((await fetch(stored.url, { method: "DELETE" })).status).toBe(403);
    expect(new TextDecoder().decode((await read(temporary)).bytes)).toBe("ref");
  });

  it("refuses a tampered signature (Azurite checks SAS signatures)", async () => {
    const stored = await store.upload({ filename: "a.txt", contentType: "text/plain", data: new TextEncoder().encode("sig") });
    const url = new URL(await store.temporaryUrl(stored.id));
    url.searchParams.set("se", new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z"));
    expect((await fetch(url)).status).toBe(403);
  });

  it("refuses a temporary URL once it has expired (Azurite enforces SAS expiry); a fresh one still works", async () => {
    const shortLived = BlobMediaStore.fromConnectionString(azurite.connectionString, CONTAINER, { temporaryUrlTtlInMs: 1500 });
    const stored = await shortLived.upload({ filename: "a.txt", contentType: "text/plain", data: new TextEncoder().encode("soon gone") });
    const url = await shortLived.temporaryUrl(stored.id);
    expect((await read(url)).status).toBe(200);
    // Wait until the signed expiry has passed (plus a margin for the second-resolution comparison).
    await sleep(Math.max(0, signedExpiry(url) - Date.now()) + 600);
    const expired = await read(url);
    expect(expired.status).toBe(403);
    expect(new TextDecoder().decode(expired.bytes)).toContain("AuthorizationFailure");
    // The file itself is still there.
    expect((await read(await shortLived.temporaryUrl(stored.id))).status).toBe(200);
    expect((await read(stored.url)).status).toBe(200);
  });
});

describe("BlobMediaStore: delete", () => {
  it("removes the file: its temporary URL then gives 404; deleting again is fine", async () => {
    const stored = await store.upload({ filename: "a.txt", contentType: "text/plain", data: new TextEncoder().encode("bye") });
    const url = await store.temporaryUrl(stored.id);
    expect((await read(url)).status).toBe(200);
    await store.delete(stored.id);
    expect(await storedNames()).not.toContain(stored.id);
    expect((await read(url)).status).toBe(404);
    expect((await read(await store.temporaryUrl(stored.id))).status).toBe(404);
    expect((await read(stored.url)).status).toBe(404);
    await expect(store.delete(stored.id)).resolves.toBeUndefined();
  });

  it("takes only its own ids (UUIDs), so no other blob of the container can be reached", async () => {
    await direct.getBlockBlobClient("other/file.txt").uploadData(new TextEncoder().encode("not media"));
    for (const id of ["other/file.txt", "", "../media/x", "not-a-uuid"]) {
      expect(await rejection(store.delete(id))).toBeInstanceOf(TypeError);
      expect(await rejection(store.temporaryUrl(id))).toBeInstanceOf(TypeError);
    }
    expect(await storedNames()).toContain("other/file.txt");
    expect(proxy.log).toEqual([]);
  });
});

describe("BlobMediaStore: refused before any request", () => {
  it("refuses empty data, naming the size", async () => {
    const names = await storedNames();
    for (const data of [new Uint8Array(0), Buffer.alloc(0), new Blob([])]) {
      const error = await rejection(store.upload({ filename: "empty.txt", contentType: "text/plain", data }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/^media\.data: .*empty \(size 0 bytes\)/);
    }
    expect(proxy.log).toEqual([]);
    expect(await storedNames()).toEqual(names);
  });

  it("refuses data over maxSizeBytes, naming the limit; accepts data at the limit", async () => {
    const limited = BlobMediaStore.fromConnectionString(azurite.connectionStringFor(`${proxy.url}/devstoreaccount1`), CONTAINER, { maxSizeBytes: 1024 });
    for (const data of [new Uint8Array(1025), new Blob([new Uint8Array(4096)])]) {
      const error = await rejection(limited.upload({ filename: "big.bin", contentType: "application/octet-stream", data }));
      expect(error).toBeInstanceOf(LimitExceededError);
      expect(error.message).toContain("maxSizeBytes");
      expect(error.message).toContain("the limit is 1024 bytes");
      expect(error.message).toContain(`${data instanceof Blob ? data.size : data.byteLength} bytes`);
    }
    expect(proxy.log).toEqual([]);
    const atLimit = await limited.upload({ filename: "ok.bin", contentType: "application/octet-stream", data: new Uint8Array(1024).fill(7) });
    expect(atLimit.size).toBe(1024);
    expect(proxy.log.map((r) => r.method)).toEqual(["PUT"]);
  });

  it("refuses malformed uploads with TypeErrors", async () => {
    const bad: unknown[] = [
      { filename: "a", contentType: "", data: new Uint8Array(1) },
      { filename: "a", contentType: "text/plain", data: "a string" },
      { filename: "a", contentType: "text/plain", data: new ArrayBuffer(4) },
      { filename: 42, contentType: "text/plain", data: new Uint8Array(1) },
    ];
    for (const media of bad) expect(await rejection(store.upload(media as never))).toBeInstanceOf(TypeError);
    expect(proxy.log).toEqual([]);
  });

  it("refuses a container client that cannot sign SAS URLs, and bad options", () => {
    const anonymous = new BlobServiceClient(azurite.blobEndpoint, new AnonymousCredential()).getContainerClient(CONTAINER);
    expect(() => new BlobMediaStore(anonymous)).toThrow(/cannot sign SAS URLs.*StorageSharedKeyCredential/);
    expect(() => new BlobMediaStore(direct, { temporaryUrlTtlInMs: 0 })).toThrow(RangeError);
    expect(() => new BlobMediaStore(direct, { referenceUrlTtlInMs: Number.NaN })).toThrow(RangeError);
    expect(() => new BlobMediaStore(direct, { maxSizeBytes: 0 })).toThrow(RangeError);
  });
});

describe("BlobMediaStore: abortSignal", () => {
  const media = () => ({ filename: "big.bin", contentType: "application/octet-stream", data: randomBytes(512 * 1024) });

  it("an upload whose answer was lost and which the SDK retried (409 on its own blob) succeeds, stored once", async () => {
    const names = await storedNames();
    let lost = 0;
    proxy.loseAnswer = (entry) => entry.method === "PUT" && entry.status === 201 && lost++ === 0;
    // The SDK's own retry, as in production (the shared store here makes one try only).
    const retrying = BlobMediaStore.fromConnectionString(azurite.connectionStringFor(`${proxy.url}/devstoreaccount1`), CONTAINER, {
      pipeline: { retryOptions: { maxTries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } },
    });
    const stored = await retrying.upload(media());
    expect(proxy.log.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([201, 409]);
    expect((await storedNames()).length).toBe(names.length + 1);
    expect((await storedNames())).toContain(stored.id);
  });

  it("an already-aborted signal: rejects with an AbortError, no request", async () => {
    const names = await storedNames();
    const error = await rejection(store.upload(media(), { abortSignal: AbortSignal.abort() }));
    expect(error.name).toBe("AbortError");
    expect(proxy.log).toEqual([]);
    expect(await storedNames()).toEqual(names);
  });

  it("aborted while the upload request is in flight: rejects with an AbortError, nothing stored", async () => {
    const names = await storedNames();
    const controller = new AbortController();
    proxy.hold = (req) => req.method === "PUT";
    proxy.onHeld = () => controller.abort();
    const error = await rejection(store.upload(media(), { abortSignal: controller.signal }));
    expect(error.name).toBe("AbortError");
    expect(proxy.log.map((r) => r.method)).toContain("PUT");
    expect(await storedNames()).toEqual(names);
  });

  it("aborted after Azurite stored the file but before upload resolved: rejects, and the file is removed", async () => {
    const names = await storedNames();
    const controller = new AbortController();
    proxy.onAnswered = (entry) => {
      if (entry.method === "PUT" && entry.status === 201) controller.abort();
    };
    const error = await rejection(store.upload(media(), { abortSignal: controller.signal }));
    expect(error.name).toBe("AbortError");
    // Azurite did store it (201), then the store deleted it.
    expect(proxy.log.map((r) => [r.method, r.status])).toEqual([
      ["PUT", 201],
      ["DELETE", 202],
    ]);
    expect(await storedNames()).toEqual(names);
  });
});

describe("BlobMediaStore: container", () => {
  it("creates a missing container with createContainer: true (once), and fails without it, storing nothing", async () => {
    const withoutCreate = BlobMediaStore.fromConnectionString(azurite.connectionString, "not-created");
    const error = await rejection(withoutCreate.upload({ filename: "a.txt", contentType: "text/plain", data: new Uint8Array([1]) }));
    expect([error.statusCode, (error as { code?: string }).code]).toEqual([404, "ContainerNotFound"]);

    const creating = BlobMediaStore.fromConnectionString(azurite.connectionStringFor(`${proxy.url}/devstoreaccount1`), "created-on-demand", { createContainer: true });
    const [a, b] = await Promise.all([
      creating.upload({ filename: "a.txt", contentType: "text/plain", data: new Uint8Array([1]) }),
      creating.upload({ filename: "b.txt", contentType: "text/plain", data: new Uint8Array([2]) }),
    ]);
    await creating.upload({ filename: "c.txt", contentType: "text/plain", data: new Uint8Array([3]) });
    expect(proxy.log.filter((r) => r.path.includes("restype=container"))).toHaveLength(1);
    expect((await read(await creating.temporaryUrl(a.id))).bytes).toEqual(new Uint8Array([1]));
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("created-on-demand");
    const names = await storedNames(container);
    expect(names).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await container.getAccessPolicy()).blobPublicAccess).toBeUndefined();
  });
});
