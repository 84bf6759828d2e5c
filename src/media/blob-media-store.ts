/**
 * `BlobMediaStore`: message attachments in Azure Blob Storage (Node; from
 * `twilio-conversations-acs/server`). One blob per file, named by a random UUID (the Media sid),
 * with the file's content type, an `attachment` Content-Disposition carrying the file name, and
 * the original name in the blob's metadata. URLs are read-only service SAS URLs signed with the
 * account key: a long-lived one for native ACS clients (returned by `upload`), and a fresh
 * short-lived one per `temporaryUrl` call.
 */
import { InvalidArgumentError, LimitExceededError } from "../errors.js";
import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  type BlockBlobClient,
  type ContainerClient,
  type StoragePipelineOptions,
} from "@azure/storage-blob";
import type { MediaStore, MediaUpload, StoredMedia } from "./media-store.js";

export interface BlobMediaStoreOptions {
  /** How long a `temporaryUrl()` URL stays valid. Default 5 minutes. */
  temporaryUrlTtlInMs?: number;
  /**
   * How long the URL `upload()` returns stays valid: native ACS clients read it from the message
   * metadata, possibly long after the message was sent. Default 7 days.
   */
  referenceUrlTtlInMs?: number;
  /** Create the container (private, no public access) before the first upload if it is missing. Default false. */
  createContainer?: boolean;
  /** Largest file accepted, in bytes; larger ones are refused before any request. Default: no limit of ours. */
  maxSizeBytes?: number;
}

const DEFAULT_TEMPORARY_URL_TTL_MS = 5 * 60 * 1000;
const DEFAULT_REFERENCE_URL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * SAS start times are set this far in the past, so that a storage service whose clock runs a
 * little behind ours does not refuse a brand-new URL as "not yet valid" (Microsoft's advice for
 * SAS start times). The expiry is counted from now, so this lengthens no URL's life.
 */
const CLOCK_SKEW_ALLOWANCE_S = 5 * 60;
/** At most this many extra seconds of back-dating keep URLs issued within one second distinct. */
const MAX_DISTINCT_PER_SECOND = 600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const METADATA_FILENAME = "filename";

/** What a SAS needs of a credential; `StorageSharedKeyCredential` has it, token and anonymous credentials do not. */
interface SharedKeyLike {
  accountName: string;
  computeHMACSHA256(stringToSign: string): string;
}

function canSignSas(credential: unknown): credential is SharedKeyLike {
  if (typeof credential !== "object" || credential === null) return false;
  const candidate = credential as Partial<SharedKeyLike>;
  return typeof candidate.accountName === "string" && typeof candidate.computeHMACSHA256 === "function";
}

function checkDuration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`BlobMediaStore: options.${name} must be a positive number of milliseconds, got ${String(value)}.`);
  }
  return value;
}

/** RFC 8187 `ext-value` encoding for `filename*=UTF-8''…` (encodeURIComponent leaves `'()*` alone, which RFC 8187 does not allow). */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function abortError(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  return new DOMException("The upload was aborted.", "AbortError");
}

export class BlobMediaStore implements MediaStore {
  readonly #container: ContainerClient;
  readonly #temporaryUrlTtlMs: number;
  readonly #referenceUrlTtlMs: number;
  readonly #maxSizeBytes: number | undefined;
  readonly #createContainer: boolean;
  #containerReady: Promise<void> | undefined;
  /** The second of the last SAS issued and how many were issued in it (see `#signedUrl`). */
  #lastSecond = 0;
  #issuedInSecond = 0;

  /**
   * @param container The container the files go to. Its credential must be able to sign SAS
   *   URLs: a `StorageSharedKeyCredential` (as `BlobServiceClient.fromConnectionString` gives for
   *   a connection string with an account key).
   */
  constructor(container: ContainerClient, options: BlobMediaStoreOptions = {}) {
    if (!canSignSas(container?.credential)) {
      throw new TypeError(
        "BlobMediaStore: the ContainerClient's credential cannot sign SAS URLs; construct it with a StorageSharedKeyCredential " +
          "(e.g. BlobMediaStore.fromConnectionString with a connection string that has an AccountKey).",
      );
    }
    this.#container = container;
    this.#temporaryUrlTtlMs = checkDuration("temporaryUrlTtlInMs", options.temporaryUrlTtlInMs, DEFAULT_TEMPORARY_URL_TTL_MS);
    this.#referenceUrlTtlMs = checkDuration("referenceUrlTtlInMs", options.referenceUrlTtlInMs, DEFAULT_REFERENCE_URL_TTL_MS);
    if (options.maxSizeBytes !== undefined && !(typeof options.maxSizeBytes === "number" && options.maxSizeBytes >= 1)) {
      throw new RangeError(`BlobMediaStore: options.maxSizeBytes must be a number of bytes >= 1, got ${String(options.maxSizeBytes)}.`);
    }
    this.#maxSizeBytes = options.maxSizeBytes;
    this.#createContainer = options.createContainer ?? false;
  }

  /**
   * A store on `containerName` of the account a connection string names. The connection string
   * must carry the account key (SAS URLs are signed with it).
   */
  static fromConnectionString(
    connectionString: string,
    containerName: string,
    options: BlobMediaStoreOptions & { pipeline?: StoragePipelineOptions } = {},
  ): BlobMediaStore {
    const { pipeline, ...storeOptions } = options;
    const service = BlobServiceClient.fromConnectionString(connectionString, pipeline);
    return new BlobMediaStore(service.getContainerClient(containerName), storeOptions);
  }

  /** The Blob account's origin: where this store's URLs point. */
  get urlOrigins(): readonly string[] {
    return [new URL(this.#container.url).origin];
  }

  /** The container the files go to. */
  get containerClient(): ContainerClient {
    return this.#container;
  }

  async upload(media: MediaUpload, options: { abortSignal?: AbortSignal } = {}): Promise<StoredMedia> {
    const { filename: givenName, contentType, data } = media ?? ({} as Partial<MediaUpload>);
    if (givenName !== null && typeof givenName !== "string") {
      throw new InvalidArgumentError("media.filename", `BlobMediaStore.upload needs a string or null, got ${typeof givenName}.`);
    }
    const filename = givenName === "" ? null : givenName;
    if (typeof contentType !== "string" || contentType.trim() === "") {
      throw new InvalidArgumentError("media.contentType", "BlobMediaStore.upload needs a non-empty string (a MIME type such as image/png).");
    }
    if (!(data instanceof Uint8Array) && !(data instanceof Blob)) {
      throw new InvalidArgumentError("media.data", "BlobMediaStore.upload needs a Blob or a Uint8Array (Buffer).");
    }
    const size = data instanceof Uint8Array ? data.byteLength : data.size;
    if (size === 0) throw new InvalidArgumentError("media.data", "the file is empty (size 0 bytes); there is nothing to store.");
    if (this.#maxSizeBytes !== undefined && size > this.#maxSizeBytes) {
      throw new LimitExceededError("The upload (BlobMediaStore maxSizeBytes)", size, this.#maxSizeBytes, "bytes");
    }
    const { abortSignal } = options;
    if (abortSignal?.aborted) throw abortError(abortSignal);

    // The SDK's Node upload takes bytes, not a Blob.
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
    if (this.#createContainer) await this.#ensureContainer();
    if (abortSignal?.aborted) throw abortError(abortSignal);
    const id = globalThis.crypto.randomUUID();
    const blob = this.#container.getBlockBlobClient(id);
    try {
      await blob.uploadData(bytes, {
        blobHTTPHeaders: {
          blobContentType: contentType,
          blobContentDisposition: filename === null ? "attachment" : `attachment; filename*=UTF-8''${encodeRfc8187(filename)}`,
        },
        // Metadata travels as HTTP headers: ASCII only, so the name is percent-encoded.
        metadata: filename === null ? {} : { [METADATA_FILENAME]: encodeURIComponent(filename) },
        // Never overwrite (a UUID collision would otherwise replace someone's file).
        conditions: { ifNoneMatch: "*" },
        ...(abortSignal ? { abortSignal } : {}),
      });
      // Aborted while the response was on its way: the caller gets no id, so keep nothing.
      if (abortSignal?.aborted) throw abortError(abortSignal);
    } catch (error) {
      // 409: a blob of that fresh random name exists. Almost surely our own write, which the SDK
      // retried after losing the first response: it is ours if it is what we wrote.
      if ((error as { statusCode?: unknown }).statusCode === 409 && (await this.#isOwnWrite(blob, size, contentType))) {
        return { id, url: await this.#signedUrl(blob, this.#referenceUrlTtlMs), size };
      }
      if ((error as { statusCode?: unknown }).statusCode !== 409) await this.#discard(blob);
      throw error;
    }
    return { id, url: await this.#signedUrl(blob, this.#referenceUrlTtlMs), size };
  }

  async #isOwnWrite(blob: BlockBlobClient, size: number, contentType: string): Promise<boolean> {
    const properties = await blob.getProperties().catch(() => undefined);
    return properties?.contentLength === size && properties.contentType === contentType;
  }

  async temporaryUrl(id: string): Promise<string> {
    return this.#signedUrl(this.#blob(id, "temporaryUrl"), this.#temporaryUrlTtlMs);
  }

  async delete(id: string): Promise<void> {
    await this.#blob(id, "delete").deleteIfExists({ deleteSnapshots: "include" });
  }

  #blob(id: string, method: string): BlockBlobClient {
    if (typeof id !== "string" || !UUID.test(id)) {
      throw new TypeError(`BlobMediaStore.${method}: ${JSON.stringify(id)} is not a media id of this store (a UUID returned by upload).`);
    }
    return this.#container.getBlockBlobClient(id.toLowerCase());
  }

  /**
   * A read-only SAS URL valid for at least `ttlMs` from now. SAS times have one-second
   * resolution, so the start time (back-dated by the clock-skew allowance) moves one more
   * second back for each further URL issued within the same second: every call signs a
   * different URL. The expiry is rounded up to the second, never down.
   */
  #signedUrl(blob: BlockBlobClient, ttlMs: number): Promise<string> {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.#lastSecond) {
      this.#lastSecond = second;
      this.#issuedInSecond = 0;
    }
    const extra = this.#issuedInSecond++ % MAX_DISTINCT_PER_SECOND;
    return blob.generateSasUrl({
      // HTTPS only, unless the account itself is plain HTTP (Azurite, local emulators).
      ...(blob.url.startsWith("https:") ? { protocol: SASProtocol.Https } : {}),
      permissions: BlobSASPermissions.parse("r"),
      startsOn: new Date((second - CLOCK_SKEW_ALLOWANCE_S - extra) * 1000),
      expiresOn: new Date(Math.ceil((now + ttlMs) / 1000) * 1000),
    });
  }

  /** Creates the container once (shared by concurrent uploads, so no one caller's abortSignal cancels it). */
  #ensureContainer(): Promise<void> {
    this.#containerReady ??= this.#container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.#containerReady = undefined;
        throw error;
      },
    );
    return this.#containerReady;
  }

  /** Best effort: removes what a failed or aborted upload may have left. */
  async #discard(blob: BlockBlobClient): Promise<void> {
    try {
      await blob.deleteIfExists();
    } catch {
      // The upload's own error is the one to report.
    }
  }
}
