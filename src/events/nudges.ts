/**
 * What an event source tells the client: that something changed, and where. The client then
 * reads the change itself from ACS (the thread's change feed, its properties, the thread list),
 * so every source yields the same complete, ordered, de-duplicated events: a push that arrives
 * twice, late or not at all changes when the client learns of a change, never what it learns.
 */
export type Nudge = (
  /** Something may have changed anywhere: check the thread list. */
  | { kind: "threads" }
  /** Messages or participants of one thread changed. */
  | { kind: "thread"; threadId: string }
  /** Someone sent a read receipt in a thread. */
  | { kind: "receipts"; threadId: string }
  /** A thread's topic or metadata changed. */
  | { kind: "properties"; threadId: string }
  /** A thread was deleted, or this user was removed from it. */
  | { kind: "threadGone"; threadId: string }
  /** Someone left a thread: this client's user (the thread is gone for it) or another. */
  | { kind: "participantRemoved"; threadId: string; userId: string }
  /** A user is typing in a thread (realtime only: ACS keeps no typing state to read back). */
  | { kind: "typing"; threadId: string; userId: string }
) & {
  /** For per-user pushes (Event Grid's `...WithUser` and `ChatMessageReceived`): whose they are. Other users' clients ignore them. */
  recipient?: string;
};

/** Where sources deliver nudges and report their health. */
export interface NudgeSink {
  nudge(nudge: Nudge): void;
  /**
   * A source whose nudges anyone may forge or repeat (a public webhook) hands the sink a limiter:
   * the sink then asks it before each read a nudge causes.
   */
  limitReads?(limiter: ReadLimiter): void;
}

/** Merges and spaces out the reads that nudges cause (PushReadLimiter, in the server entry). */
export interface ReadLimiter {
  /** Runs `read` soon, once for all requests under the same key not yet served. */
  request(key: string, read: () => void): void;
}

/**
 * A push source of changes the client can be given (`eventSource` option), such as the Event
 * Grid source of `twilio-conversations-acs/server`. Polling runs beside it as a safety net.
 */
export interface ExternalEventSource {
  /** Starts delivering nudges to the sink; returns how to stop. */
  attach(sink: NudgeSink): () => void;
}
