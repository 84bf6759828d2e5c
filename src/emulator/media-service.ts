/**
 * The emulator's media endpoint: an in-memory file store behind `HttpMediaStore`'s protocol, so
 * tests and demos attach files with no Azure Storage. Not an ACS API (ACS Chat stores no files):
 * the server kit serves the same protocol from Azure Blob Storage.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { ApiError, badRequest, forbidden, notFound } from "./api-error.js";

export interface MediaServiceOptions {
  /** Largest file accepted (default 25 MB). */
  maxBytes?: number;
  temporaryUrlTtlInMs?: number;
  referenceUrlTtlInMs?: number;
}

interface StoredFile {
  ownerUserId: string;
  bytes: Buffer;
  contentType: string;
  filename: string | null;
}

export class MediaService {
  private readonly files = new Map<string, StoredFile>();
  readonly maxBytes: number;
  private readonly temporaryTtl: number;
  private readonly referenceTtl: number;

  constructor(
    private readonly signingKey: string,
    private readonly endpoint: () => string,
    private readonly now: () => number,
    options: MediaServiceOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
    this.temporaryTtl = options.temporaryUrlTtlInMs ?? 5 * 60_000;
    this.referenceTtl = options.referenceUrlTtlInMs ?? 7 * 24 * 60 * 60_000;
  }

  upload(ownerUserId: string, contentType: string | undefined, encodedFilename: string | undefined, bytes: Buffer) {
    if (!contentType) throw badRequest("The upload needs a content-type.", "content-type");
    if (bytes.length === 0) throw badRequest("The upload is empty.", "body");
    let filename: string | null = null;
    try {
      filename = encodedFilename === undefined ? null : decodeURIComponent(encodedFilename);
    } catch {
      throw badRequest("x-file-name is not valid percent-encoding.", "x-file-name");
    }
    const id = randomUUID();
    this.files.set(id, { ownerUserId, bytes, contentType, filename });
    return { id, url: this.signedUrl(id, this.referenceTtl), size: bytes.length };
  }

  temporaryUrl(id: string) {
    if (!this.files.has(id)) throw notFound(`Media ${id} not found.`);
    return { url: this.signedUrl(id, this.temporaryTtl), expiresOn: new Date(this.now() + this.temporaryTtl).toISOString() };
  }

  delete(userId: string, id: string): void {
    const file = this.files.get(id);
    if (!file) throw notFound(`Media ${id} not found.`);
    if (file.ownerUserId !== userId) throw forbidden("Only the uploader can delete a file.");
    this.files.delete(id);
  }

  /** The bytes behind a signed URL; 403 for an expired or forged one. */
  content(id: string, query: URLSearchParams): StoredFile {
    const expires = Number(query.get("se"));
    const nonce = query.get("n") ?? "";
    const given = Buffer.from(query.get("sig") ?? "", "base64url");
    const expected = this.signature(id, expires, nonce);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw forbidden("The media URL's signature is not valid.");
    if (!Number.isFinite(expires) || expires < this.now()) throw new ApiError(403, "AuthenticationFailed", "The media URL has expired.");
    const file = this.files.get(id);
    if (!file) throw notFound(`Media ${id} not found.`);
    return file;
  }

  get count(): number {
    return this.files.size;
  }

  /** A URL readable without a token until it expires; a fresh nonce makes every URL different. */
  private signedUrl(id: string, ttl: number): string {
    const expires = this.now() + ttl;
    const nonce = randomBytes(6).toString("base64url");
    const sig = this.signature(id, expires, nonce).toString("base64url");
    return `${this.endpoint()}/media/${encodeURIComponent(id)}/content?se=${expires}&n=${nonce}&sig=${sig}`;
  }

  private signature(id: string, expires: number, nonce: string): Buffer {
    return createHmac("sha256", Buffer.from(this.signingKey, "base64")).update(`media\n${id}\n${expires}\n${nonce}`).digest();
  }
}
