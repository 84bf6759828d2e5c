/**
 * A MediaStore that talks HTTP to a media endpoint: the emulator's (in memory, for tests and
 * demos) or the server kit's (Azure Blob Storage behind it). Browser-safe: `fetch` only.
 *
 * The protocol: `POST {baseUrl}/media` with the bytes (`content-type`, `x-file-name`) answers
 * `201 { id, url, size }`; `GET {baseUrl}/media/{id}/temporary-url` answers `{ url }`;
 * `DELETE {baseUrl}/media/{id}` answers 204. Requests carry `Authorization: Bearer <ACS token>`.
 */
import { HttpStatusError } from "../errors.js";
import type { MediaStore, MediaUpload, StoredMedia } from "./media-store.js";

export interface HttpMediaStoreOptions {
  /** Where the media endpoint lives (the emulator's endpoint, or the server kit's URL). */
  baseUrl: string;
  /** The bearer token to send: the client passes its current ACS token. */
  token: () => string | Promise<string>;
  /** A fetch to use instead of the global one (for custom TLS trust in Node, say). */
  fetch?: typeof fetch;
}

export class HttpMediaStore implements MediaStore {
  readonly #baseUrl: string;

  readonly #options: HttpMediaStoreOptions;

  constructor(options: HttpMediaStoreOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** The media endpoint's origin, where the files it stores are served (the emulator's, say). */
  get urlOrigins(): readonly string[] {
    return [this.#baseUrl];
  }

  async upload(media: MediaUpload, options: { abortSignal?: AbortSignal } = {}): Promise<StoredMedia> {
    const headers: Record<string, string> = { "content-type": media.contentType };
    if (media.filename !== null) headers["x-file-name"] = encodeURIComponent(media.filename);
    const response = await this.#request("POST", "/media", { body: media.data, headers, ...(options.abortSignal ? { signal: options.abortSignal } : {}) });
    return (await response.json()) as StoredMedia;
  }

  async temporaryUrl(id: string): Promise<string> {
    const response = await this.#request("GET", `/media/${encodeURIComponent(id)}/temporary-url`);
    return ((await response.json()) as { url: string }).url;
  }

  async delete(id: string): Promise<void> {
    await this.#request("DELETE", `/media/${encodeURIComponent(id)}`);
  }

  async #request(method: string, path: string, init: { body?: Blob | Uint8Array; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const send = this.#options.fetch ?? fetch;
    const response = await send(`${this.#baseUrl}${path}`, {
      method,
      headers: { ...init.headers, authorization: `Bearer ${await this.#options.token()}` },
      ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    if (!response.ok) {
      const detail = await response.text().catch(() => "");
      throw new HttpStatusError(`Media store: ${method} ${path} answered ${response.status} ${detail}`.trim(), response.status);
    }
    return response;
  }
}
