import { afterEach, describe, expect, it, vi } from "vitest";
import { CANCELLED_MESSAGE, CancellablePromise } from "../../../src/conversations/cancellable-promise.js";

/** A promise whose resolve, reject and cancel handler the test drives. */
function controlled<T>() {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: string | Error) => void;
  let register!: (handler: () => void) => void;
  const promise = new CancellablePromise<T>((res, rej, onCancel) => {
    resolve = res;
    reject = rej;
    register = onCancel;
  });
  return { promise, resolve, reject, register };
}

const tick = () => new Promise<void>((done) => setTimeout(done, 5));

describe("CancellablePromise", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is a Promise whose value await returns", async () => {
    const { promise, resolve } = controlled<number>();
    expect(promise).toBeInstanceOf(Promise);
    expect(promise).toBeInstanceOf(CancellablePromise);
    resolve(42);
    await expect(promise).resolves.toBe(42);
    expect(await promise).toBe(42);
  });

  it("follows a thenable passed to resolve", async () => {
    const { promise, resolve } = controlled<string>();
    resolve(Promise.resolve("later"));
    expect(await promise).toBe("later");
  });

  it("rejects with the executor's reason", async () => {
    const { promise, reject } = controlled<number>();
    const error = new Error("boom");
    reject(error);
    await expect(promise).rejects.toBe(error);
  });

  it("rejects when the executor throws, and cancel is then a no-op", async () => {
    const handler = vi.fn();
    const error = new Error("thrown");
    const promise = new CancellablePromise<number>((_resolve, _reject, onCancel) => {
      onCancel(handler);
      throw error;
    });
    promise.cancel();
    await expect(promise).rejects.toBe(error);
    expect(handler).not.toHaveBeenCalled();
  });

  it("cancel runs the handler once and rejects with Twilio's cancellation error", async () => {
    const { promise, register } = controlled<number>();
    const handler = vi.fn();
    register(handler);
    expect(promise.cancel()).toBe(promise);
    promise.cancel();
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(promise).rejects.toThrow(CANCELLED_MESSAGE);
    await expect(promise).rejects.toBeInstanceOf(Error);
    expect(CANCELLED_MESSAGE).toBe("Promise was cancelled");
  });

  it("cancel without a handler still rejects", async () => {
    const { promise } = controlled<number>();
    promise.cancel();
    await expect(promise).rejects.toThrow("Promise was cancelled");
  });

  it("calls only the last registered handler", () => {
    const { promise, register } = controlled<number>();
    const first = vi.fn();
    const second = vi.fn();
    register(first);
    register(second);
    promise.cancel();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("cancel after resolve neither calls the handler nor changes the value", async () => {
    const { promise, resolve, register } = controlled<string>();
    const handler = vi.fn();
    register(handler);
    resolve("done");
    promise.cancel();
    expect(handler).not.toHaveBeenCalled();
    expect(await promise).toBe("done");
  });

  it("cancel after reject neither calls the handler nor changes the reason", async () => {
    const { promise, reject, register } = controlled<string>();
    const handler = vi.fn();
    register(handler);
    reject("nope");
    promise.cancel();
    expect(handler).not.toHaveBeenCalled();
    await expect(promise).rejects.toBe("nope");
  });

  it("ignores resolve, reject and handler registration after cancel", async () => {
    const { promise, resolve, reject, register } = controlled<string>();
    promise.cancel();
    const late = vi.fn();
    register(late);
    resolve("too late");
    reject(new Error("too late"));
    promise.cancel();
    expect(late).not.toHaveBeenCalled();
    await expect(promise).rejects.toThrow("Promise was cancelled");
  });

  it("rejects even when the handler throws, and cancel rethrows the handler's error", async () => {
    const { promise, register } = controlled<number>();
    register(() => {
      throw new Error("handler failed");
    });
    expect(() => promise.cancel()).toThrow("handler failed");
    await expect(promise).rejects.toThrow("Promise was cancelled");
  });

  it("then, catch and finally return working plain Promises", async () => {
    const { promise, resolve } = controlled<number>();
    const mapped = promise.then((value) => value * 2);
    const caught = promise.catch(() => -1);
    const onFinally = vi.fn();
    const finalized = promise.finally(onFinally);
    for (const derived of [mapped, caught, finalized]) {
      expect(derived.constructor).toBe(Promise);
      expect(derived).not.toBeInstanceOf(CancellablePromise);
    }
    resolve(21);
    expect(await mapped).toBe(42);
    expect(await caught).toBe(21);
    expect(await finalized).toBe(21);
    expect(onFinally).toHaveBeenCalledTimes(1);
  });

  it("rejects promises derived before the cancellation", async () => {
    const { promise } = controlled<number>();
    const derived = promise.then((value) => value + 1);
    promise.cancel();
    await expect(derived).rejects.toThrow("Promise was cancelled");
  });

  it("does not raise an unhandled rejection for a cancelled promise nobody awaits", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      controlled<number>().promise.cancel();
      await tick();
      await tick();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
  });

  it("works with the static Promise helpers", async () => {
    const { promise, resolve } = controlled<number>();
    resolve(1);
    expect(await Promise.all([promise, CancellablePromise.resolve(2)])).toEqual([1, 2]);
    await expect(CancellablePromise.reject(new Error("static"))).rejects.toThrow("static");
  });
});
