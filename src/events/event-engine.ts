/**
 * Turns nudges and polling cycles into reads of ACS, so that every change reaches the app once
 * and in order whatever source told of it. The thread list (`listChatThreads({ startTime })`)
 * finds threads with new messages in one request; each changed thread reads its own change feed.
 * ACS does not move a thread in that list for edits, deletes or metadata changes, so the threads
 * the app watches are also re-read at a slower pace; a full listing now and then notices threads
 * this user was removed from, which no longer list at all.
 *
 * Nudges are hints, never facts: each one only asks for a read of ACS (merged and rate-limited
 * when the source gave a limiter), and a conversation is dropped only on ACS's word (`#gone`).
 */
import type { ChatThreadItem } from "@azure/communication-chat";
import { isGone } from "../errors.js";
import type { Nudge, NudgeSink, ReadLimiter } from "./nudges.js";

const OVERLAP_MS = 1000;
/** How long a thread's time is taken as possibly still moving within its second. */
const SAME_SECOND_WINDOW_MS = 1500;

export interface EngineConversation {
  readonly sid: string;
  _catchUp(): Promise<void>;
  _refreshProperties(): Promise<void>;
  _refreshReceipts(): Promise<void>;
  /** Whether the app looks at this conversation (listeners, or pages read lately). */
  _isWatched(now: number): boolean;
  _typing(userId: string): void;
}

export interface EngineHost {
  readonly selfUserId: string;
  /** Threads changed since `since` (all threads when undefined). */
  listThreads(since: Date | undefined): Promise<ChatThreadItem[]>;
  conversation(threadId: string): EngineConversation | undefined;
  conversations(): EngineConversation[];
  /** A thread this client did not know: add it (its messages before `historyBefore` are history). */
  discover(item: ChatThreadItem, historyBefore: number): Promise<void>;
  /** A thread that ACS says is gone for this user (deleted, or the user was removed). */
  remove(threadId: string): void;
  /** A change read on a nudge failed (the next poll retries it). */
  failed(error: unknown): void;
}

export interface EngineOptions {
  /** How often watched conversations are re-read for edits, deletes and property changes. */
  watchIntervalInMs?: number;
  /** How often the whole thread list is read to notice removals. */
  fullListIntervalInMs?: number;
  now?: () => number;
}

/** What a nudge asks to read of a known thread. */
type ThreadRead = "messages" | "properties" | "receipts";

export class EventEngine implements NudgeSink {
  /** Server time of the latest thread change seen. */
  #cursor: number;
  readonly #lastSeen = new Map<string, { changedOn: number; since: number }>();
  /** Threads whose catch-up failed: read again every cycle until a read succeeds. */
  readonly #owed = new Set<string>();
  #lastWatchRead: number;
  #lastFullList: number;
  readonly #watchInterval: number;
  readonly #fullListInterval: number;
  readonly #now: () => number;
  /** Given by a source whose nudges may be forged; realtime ones come from ACS and run at once. */
  #readLimiter: ReadLimiter | undefined;
  /** Called when a nudge wants a poll cycle soon (the polling source's pollNow). */
  onPollWanted: () => void = () => undefined;

  readonly #host: EngineHost;

  constructor(
    host: EngineHost,
    /** Server time up to which the client's initial listing saw every thread. */
    initialCursor: number,
    initialThreads: ChatThreadItem[],
    options: EngineOptions = {},
  ) {
    this.#host = host;
    this.#cursor = initialCursor;
    this.#watchInterval = options.watchIntervalInMs ?? 10_000;
    this.#fullListInterval = options.fullListIntervalInMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    for (const item of initialThreads) this.#see(item.id, item.lastMessageReceivedOn?.getTime() ?? 0);
    this.#lastWatchRead = this.#now();
    this.#lastFullList = this.#now();
  }

  /** Server time of the latest thread change seen: what came later is news. */
  get cursor(): number {
    return this.#cursor;
  }

  /** One polling cycle; true when it found changes. */
  async cycle(): Promise<boolean> {
    const changed = await this.#syncThreads();
    for (const threadId of this.#owed) {
      const conversation = this.#host.conversation(threadId);
      if (!conversation) this.#owed.delete(threadId);
      else if (!changed.includes(conversation)) changed.push(conversation);
    }
    const now = this.#now();
    const work: Array<[string | undefined, Promise<void>]> = changed.map((conversation) => [conversation.sid, conversation._catchUp()]);
    if (now - this.#lastWatchRead >= this.#watchInterval) {
      this.#lastWatchRead = now;
      for (const conversation of this.#host.conversations()) {
        if (changed.includes(conversation) || !conversation._isWatched(now)) continue;
        work.push(
          [conversation.sid, conversation._catchUp()],
          [conversation.sid, conversation._refreshProperties()],
          [conversation.sid, conversation._refreshReceipts()],
        );
      }
    }
    if (now - this.#lastFullList >= this.#fullListInterval) {
      this.#lastFullList = now;
      work.push([undefined, this.#noticeRemovals()]);
    }
    // One thread's failure must not hold up the others: a thread that is gone is removed, any
    // other failure fails the cycle (polling backs off and reads again).
    const results = await Promise.allSettled(work.map(([, promise]) => promise));
    let failure: unknown;
    results.forEach((result, i) => {
      const threadId = work[i]![0];
      if (result.status === "fulfilled") {
        if (i < changed.length && threadId) this.#owed.delete(threadId);
        return;
      }
      if (threadId && isGone(result.reason)) return this.#gone(threadId);
      // The thread list moved past this change: remember to read the thread until it works.
      if (threadId) this.#owed.add(threadId);
      failure ??= result.reason;
    });
    if (failure) throw failure;
    return changed.length > 0;
  }

  limitReads(limiter: ReadLimiter): void {
    this.#readLimiter = limiter;
  }

  nudge(nudge: Nudge): void {
    if (nudge.recipient !== undefined && nudge.recipient !== this.#host.selfUserId) return;
    const conversation = "threadId" in nudge ? this.#host.conversation(nudge.threadId) : undefined;
    switch (nudge.kind) {
      case "threads":
        this.#discover();
        return;
      case "thread":
        if (conversation) this.#read(conversation.sid, "messages");
        else this.#discover();
        return;
      case "properties":
        if (conversation) this.#read(conversation.sid, "properties");
        return;
      case "receipts":
        if (conversation) this.#read(conversation.sid, "receipts");
        return;
      case "threadGone":
        if (conversation) this.#confirmGone(conversation.sid);
        return;
      case "participantRemoved":
        if (conversation && nudge.userId === this.#host.selfUserId) this.#confirmGone(conversation.sid);
        else if (conversation) this.#read(conversation.sid, "messages");
        return;
      case "typing":
        conversation?._typing(nudge.userId);
        return;
    }
  }

  /**
   * Threads this client does not know can only be found in its thread list (ACS lists only the
   * threads this user is in, so forged ids find nothing): one poll cycle serves them all.
   */
  #discover(): void {
    this.#whenAllowed("threads", () => this.onPollWanted());
  }

  /**
   * A push saying a thread is gone may lie: read the thread's properties, which ACS answers with
   * 403 or 404 when it is true, and the failed read removes it (`#track`). On success the
   * conversation stays as it is.
   */
  #confirmGone(threadId: string): void {
    this.#read(threadId, "properties");
  }

  #read(threadId: string, what: ThreadRead): void {
    this.#whenAllowed(`${what} ${threadId}`, () => {
      // Looked up when the read starts: the conversation may have gone (or come back) meanwhile.
      const conversation = this.#host.conversation(threadId);
      if (!conversation) return;
      const read = what === "messages" ? conversation._catchUp() : what === "properties" ? conversation._refreshProperties() : conversation._refreshReceipts();
      this.#track(read, threadId);
    });
  }

  /** Through the source's limiter, when it gave one; `key` names what is read, so that equal reads merge. */
  #whenAllowed(key: string, read: () => void): void {
    if (this.#readLimiter) this.#readLimiter.request(key, read);
    else read();
  }

  /** The one place conversations are dropped, on ACS's word only: a listing or a read answered that the thread is gone. */
  #gone(threadId: string): void {
    this.#owed.delete(threadId);
    this.#lastSeen.delete(threadId);
    this.#host.remove(threadId);
  }

  /**
   * Whether a listed thread may hold changes not read yet. ACS's times have whole seconds: a
   * thread listed again with the same time may have had more messages in that same second, so it
   * is read again until that second is surely over (a little more than a second after this client
   * first saw that time: elapsed time on one clock, whatever the service's clock says).
   */
  #mayHaveChanged(threadId: string, changedOn: number): boolean {
    const seen = this.#lastSeen.get(threadId);
    if (seen === undefined || changedOn > seen.changedOn) return true;
    return changedOn === seen.changedOn && this.#now() - seen.since <= SAME_SECOND_WINDOW_MS;
  }

  #see(threadId: string, changedOn: number): void {
    const seen = this.#lastSeen.get(threadId);
    if (seen === undefined || changedOn > seen.changedOn) this.#lastSeen.set(threadId, { changedOn, since: this.#now() });
  }

  /** Reads the threads changed since the cursor; returns the known ones that changed. */
  async #syncThreads(): Promise<EngineConversation[]> {
    const previousCursor = this.#cursor;
    const items = await this.#host.listThreads(new Date(this.#cursor - OVERLAP_MS));
    const changed: EngineConversation[] = [];
    let nextCursor = this.#cursor;
    let failure: unknown;
    for (const item of items) {
      const changedOn = Math.max(item.lastMessageReceivedOn?.getTime() ?? 0, item.deletedOn?.getTime() ?? 0);
      nextCursor = Math.max(nextCursor, changedOn);
      if (item.deletedOn) {
        this.#gone(item.id);
        continue;
      }
      if (!this.#mayHaveChanged(item.id, changedOn)) continue; // listed again only because of the overlap
      const conversation = this.#host.conversation(item.id);
      if (conversation) {
        this.#see(item.id, changedOn);
        changed.push(conversation);
        continue;
      }
      try {
        await this.#host.discover(item, previousCursor);
        this.#see(item.id, changedOn);
      } catch (error) {
        // Not marked seen, and the cursor stays: the next cycle lists this thread again.
        failure ??= error;
      }
    }
    if (failure === undefined) this.#cursor = nextCursor;
    else this.#host.failed(failure);
    return changed;
  }

  async #noticeRemovals(): Promise<void> {
    // Only conversations known before the listing: one added meanwhile may be missing from it.
    const before = this.#host.conversations();
    const listed = new Set((await this.#host.listThreads(undefined)).map((item) => item.id));
    for (const conversation of before) {
      if (!listed.has(conversation.sid)) this.#gone(conversation.sid);
    }
  }

  #track(work: Promise<void>, threadId: string): void {
    work.catch((error: unknown) => {
      if (isGone(error)) return this.#gone(threadId);
      this.#owed.add(threadId);
      this.#host.failed(error);
      this.onPollWanted();
    });
  }
}
