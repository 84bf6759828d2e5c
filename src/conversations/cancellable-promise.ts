/**
 * The `CancellablePromise` of `@twilio/mcs-client`, which `@twilio/conversations` re-exports and
 * returns from media calls (`Media.getContentTemporaryUrl()`, `UnsentMessage.send()`, ...).
 *
 * ```ts
 * const download = new CancellablePromise<Response>((resolve, reject, onCancel) => {
 *   const controller = new AbortController();
 *   onCancel(() => controller.abort());
 *   fetch(url, { signal: controller.signal }).then(resolve, reject);
 * });
 * download.cancel(); // aborts the fetch and rejects with Error("Promise was cancelled")
 * ```
 */

/** Message of the error a cancelled promise rejects with (the same text as Twilio's). */
export const CANCELLED_MESSAGE = "Promise was cancelled";

interface CancellationState {
  settled: boolean;
  handler: (() => void) | undefined;
  reject: (reason?: unknown) => void;
}

/**
 * A promise with a {@link CancellablePromise.cancel | cancel()} method. `then`, `catch` and
 * `finally` return plain `Promise`s: cancelling applies to this promise only.
 */
export class CancellablePromise<T> extends Promise<T> {
  /** Derived promises (`then`, `catch`, `finally`, `await`) are plain promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #state: CancellationState;

  /**
   * @param executor Called at once with `resolve`, `reject` and `onCancel`; `onCancel(handler)`
   * registers the function {@link cancel} calls (the last registration wins).
   */
  constructor(
    executor: (
      resolve: (value: T | PromiseLike<T>) => void,
      reject: (reason?: string | Error) => void,
      onCancel: (cancellationFunction: () => void) => void,
    ) => void,
  ) {
    const state: CancellationState = { settled: false, handler: undefined, reject: () => undefined };
    super((resolve, reject) => {
      state.reject = reject;
      const settle = (): boolean => {
        if (state.settled) return false;
        state.settled = true;
        state.handler = undefined;
        return true;
      };
      try {
        executor(
          (value) => {
            if (settle()) resolve(value);
          },
          (reason) => {
            if (settle()) reject(reason);
          },
          (cancellationFunction) => {
            if (!state.settled) state.handler = cancellationFunction;
          },
        );
      } catch (error) {
        // A throwing executor rejects the promise, as with a plain Promise.
        if (settle()) reject(error);
      }
    });
    this.#state = state;
  }

  /**
   * Cancels the promise: runs the registered cancellation handler, then rejects with
   * `Error("Promise was cancelled")`. Does nothing once the promise is resolved, rejected or
   * cancelled. The rejection of this promise itself is marked handled, so a cancelled promise
   * nobody awaits does not raise an unhandled rejection.
   */
  cancel(): this {
    const state = this.#state;
    if (state.settled) return this;
    state.settled = true;
    const handler = state.handler;
    state.handler = undefined;
    try {
      handler?.();
    } finally {
      this.then(undefined, () => undefined);
      state.reject(new Error(CANCELLED_MESSAGE));
    }
    return this;
  }
}
