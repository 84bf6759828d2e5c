import { CancellablePromise } from "./cancellable-promise.js";
import type { MediaCategory } from "./types.js";

/** Where a Media gets fresh temporary URLs from (the media store of the media milestone). */
export type TemporaryUrlSource = (media: Media) => Promise<string | null>;

/**
 * A file attached to a message. Its bytes live in a media store; `getContentTemporaryUrl()`
 * asks the store for a fresh, short-lived URL each time, as Twilio's does.
 */
export class Media {
  readonly #temporaryUrlSource: TemporaryUrlSource | undefined;

  constructor(
    readonly sid: string,
    readonly filename: string | null,
    readonly contentType: string,
    readonly size: number,
    readonly category: MediaCategory,
    temporaryUrlSource?: TemporaryUrlSource,
  ) {
    this.#temporaryUrlSource = temporaryUrlSource;
  }

  getContentTemporaryUrl(): CancellablePromise<string | null> {
    return new CancellablePromise<string | null>((resolve, reject) => {
      if (!this.#temporaryUrlSource) return resolve(null);
      this.#temporaryUrlSource(this).then(resolve, reject);
    });
  }
}

/** Fresh URLs for several files, by sid (files without one are left out). */
export function temporaryUrls(media: Media[]): CancellablePromise<Map<string, string>> {
  return new CancellablePromise((resolve, reject) => {
    Promise.all(media.map(async (m) => [m.sid, await m.getContentTemporaryUrl()] as const)).then(
      (pairs) => resolve(new Map(pairs.filter((pair): pair is readonly [string, string] => pair[1] !== null))),
      reject,
    );
  });
}
