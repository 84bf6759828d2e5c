/**
 * Reads from ACS that many callers ask for at once (a thread's change feed, its read receipts):
 * one runs at a time, and every call made while it runs shares one more read after it, so that
 * nothing that happened before a call is missed and a burst of calls costs at most two reads.
 */
export function coalescedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const call = (): Promise<T> => {
    if (!running) {
      running = read().finally(() => {
        running = undefined;
      });
      return running;
    }
    if (!queued) {
      const next = () => {
        queued = undefined;
        return call();
      };
      queued = running.then(next, next);
    }
    return queued;
  };
  return call;
}
