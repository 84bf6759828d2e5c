/**
 * ACS realtime notifications (browsers and React Native: `ChatClient.startRealtimeNotifications`)
 * as nudges. The payloads are only hints (they carry no sequenceId and may repeat or go missing
 * across reconnects): the client reads the change itself, and polling covers any gap.
 */
import type { Nudge, NudgeSink } from "./nudges.js";

/** The part of ChatClient this source uses: a narrow seam that tests feed with ACS's documented payloads. */
export interface RealtimeSignals {
  startRealtimeNotifications(): Promise<void>;
  stopRealtimeNotifications(): Promise<void>;
  on(event: string, listener: (payload: RealtimePayload) => void): void;
  off(event: string, listener: (payload: RealtimePayload) => void): void;
}

/** The fields of ACS's realtime event payloads this source reads. */
export interface RealtimePayload {
  threadId?: string;
  sender?: { kind?: string; communicationUserId?: string };
  participantsAdded?: Array<{ id?: { kind?: string; communicationUserId?: string } }>;
  participantsRemoved?: Array<{ id?: { kind?: string; communicationUserId?: string } }>;
}

const THREAD_EVENTS = ["chatMessageReceived", "chatMessageEdited", "chatMessageDeleted"] as const;

export interface RealtimeHandlers {
  connected(): void;
  disconnected(): void;
}

export class RealtimeSource {
  readonly #listeners = new Map<string, (payload: RealtimePayload) => void>();

  readonly #signals: RealtimeSignals;
  readonly #sink: NudgeSink;
  readonly #selfUserId: string;
  readonly #handlers: RealtimeHandlers;

  constructor(
    signals: RealtimeSignals,
    sink: NudgeSink,
    selfUserId: string,
    handlers: RealtimeHandlers,
  ) {
    this.#signals = signals;
    this.#sink = sink;
    this.#selfUserId = selfUserId;
    this.#handlers = handlers;
  }

  /** Starts notifications; false where ACS has none (Node throws "not supported in node js"). */
  async start(): Promise<boolean> {
    try {
      await this.#signals.startRealtimeNotifications();
    } catch {
      return false;
    }
    const nudge = (make: (payload: RealtimePayload) => Nudge | undefined) => (payload: RealtimePayload) => {
      const next = make(payload);
      if (next) this.#sink.nudge(next);
    };
    const thread = (payload: RealtimePayload): Nudge | undefined => (payload.threadId ? { kind: "thread", threadId: payload.threadId } : undefined);
    for (const event of THREAD_EVENTS) this.#listen(event, nudge(thread));
    this.#listen(
      "typingIndicatorReceived",
      nudge((p) => {
        const userId = p.sender?.communicationUserId;
        return p.threadId && userId && userId !== this.#selfUserId ? { kind: "typing", threadId: p.threadId, userId } : undefined;
      }),
    );
    this.#listen("readReceiptReceived", nudge((p) => (p.threadId ? { kind: "receipts", threadId: p.threadId } : undefined)));
    this.#listen("chatThreadCreated", nudge(() => ({ kind: "threads" })));
    this.#listen("chatThreadPropertiesUpdated", nudge((p) => (p.threadId ? { kind: "properties", threadId: p.threadId } : undefined)));
    this.#listen("chatThreadDeleted", nudge((p) => (p.threadId ? { kind: "threadGone", threadId: p.threadId } : undefined)));
    this.#listen(
      "participantsAdded",
      nudge((p) => {
        const includesSelf = p.participantsAdded?.some((x) => x.id?.communicationUserId === this.#selfUserId);
        return includesSelf ? { kind: "threads" } : thread(p);
      }),
    );
    this.#listen(
      "participantsRemoved",
      nudge((p) => {
        const includesSelf = p.participantsRemoved?.some((x) => x.id?.communicationUserId === this.#selfUserId);
        return includesSelf && p.threadId ? { kind: "participantRemoved", threadId: p.threadId, userId: this.#selfUserId } : thread(p);
      }),
    );
    this.#listen("realTimeNotificationConnected", () => this.#handlers.connected());
    this.#listen("realTimeNotificationDisconnected", () => this.#handlers.disconnected());
    return true;
  }

  async stop(): Promise<void> {
    for (const [event, listener] of this.#listeners) this.#signals.off(event, listener);
    this.#listeners.clear();
    await this.#signals.stopRealtimeNotifications().catch(() => undefined);
  }

  #listen(event: string, listener: (payload: RealtimePayload) => void): void {
    this.#listeners.set(event, listener);
    this.#signals.on(event, listener);
  }
}
