/**
 * Where message attachments live. ACS Chat stores no files: a MediaStore keeps the bytes and
 * hands out short-lived URLs to them. Implementations: `HttpMediaStore` (browsers and Node: talks
 * to an HTTP media endpoint, such as the emulator's or the server kit's) and `BlobMediaStore`
 * (Node: Azure Blob Storage, from `twilio-conversations-acs/server`).
 */

/** One file to store. */
export interface MediaUpload {
  /** The file name, as the app gave it (Twilio's `filename`). */
  filename: string | null;
  contentType: string;
  data: Blob | Uint8Array;
}

export interface StoredMedia {
  /** The store's id of the file: the Media `sid`. */
  id: string;
  /**
   * A URL that stays valid long enough for native ACS clients, which read it from the message
   * metadata (`fileSharingMetadata`, `attachmentUrl`). This library's own clients never use it:
   * they ask `temporaryUrl()` for a fresh one.
   */
  url: string;
  /** Bytes stored. */
  size: number;
}

export interface MediaStore {
  /** Stores the bytes; rejects on failure (nothing is then stored). */
  upload(media: MediaUpload, options?: { abortSignal?: AbortSignal }): Promise<StoredMedia>;
  /** A fresh, short-lived URL to read the file: a new one each call. */
  temporaryUrl(id: string): Promise<string>;
  /** Deletes the file (used when sending the message that carries it failed). */
  delete(id: string): Promise<void>;
  /**
   * Where this store's files are served (URLs whose origins count, e.g. the Blob account's):
   * clients return such https URLs from others' file descriptions, no others unless the app allows them.
   */
  readonly urlOrigins?: readonly string[];
}
