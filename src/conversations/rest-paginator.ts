import type { Paginator } from "./types.js";

/**
 * Twilio's paginator: `items` of one page; `nextPage()` and `prevPage()` resolve to new
 * paginators (this one never changes) and reject when there is no such page.
 */
export class RestPaginator<T> implements Paginator<T> {
  readonly #source: (pageToken: string) => Promise<Paginator<T>>;
  readonly #prevToken: string | null;
  readonly #nextToken: string | null;

  constructor(
    readonly items: T[],
    source: (pageToken: string) => Promise<Paginator<T>>,
    prevToken: string | null,
    nextToken: string | null,
  ) {
    this.#source = source;
    this.#prevToken = prevToken;
    this.#nextToken = nextToken;
  }

  get hasNextPage(): boolean {
    return this.#nextToken !== null;
  }

  get hasPrevPage(): boolean {
    return this.#prevToken !== null;
  }

  nextPage(): Promise<Paginator<T>> {
    return this.#nextToken !== null ? this.#source(this.#nextToken) : Promise.reject(new Error("No next page"));
  }

  prevPage(): Promise<Paginator<T>> {
    return this.#prevToken !== null ? this.#source(this.#prevToken) : Promise.reject(new Error("No previous page"));
  }
}
