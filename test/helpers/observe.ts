/**
 * Waiting and watching in integration tests: until a condition holds, the next matching client
 * event, and the ACS requests an action makes against the emulator.
 */
import type { Emulator, RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, ClientEvents } from "../../src/index.js";

/** Polls `condition` every 10 ms; rejects naming `what` after `timeoutInMs`. */
export async function until(condition: () => boolean, timeoutInMs = 5000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutInMs) throw new Error(`${what} not met within ${timeoutInMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the first emission of `event` on `emitter` that matches. */
export function next<E extends keyof ClientEvents>(
  emitter: Client,
  event: E,
  match: (...args: Parameters<ClientEvents[E]>) => boolean = () => true,
  timeoutInMs = 5000,
): Promise<Parameters<ClientEvents[E]>> {
  return new Promise<Parameters<ClientEvents[E]>>((resolve, reject) => {
    const listener = ((...args: Parameters<ClientEvents[E]>) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener as never);
      resolve(args);
    }) as ClientEvents[E];
    const timer = setTimeout(() => {
      emitter.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutInMs} ms`));
    }, timeoutInMs);
    emitter.on(event, listener as never);
  });
}

/** What `action` resolves to, and the requests the emulator answered while it ran. */
export async function requestsDuring<T>(emulator: Pick<Emulator, "requests">, action: () => Promise<T>): Promise<{ result: T; requests: RequestLogEntry[] }> {
  const requests: RequestLogEntry[] = [];
  const listener = (entry: RequestLogEntry) => requests.push(entry);
  emulator.requests.on("request", listener);
  try {
    return { result: await action(), requests };
  } finally {
    emulator.requests.off("request", listener);
  }
}
