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
/** Sweep visits a second at most (each a change-feed and a receipts read, every third one a properties read too), and at most at once. */
const SWEEP_VISITS_PER_SECOND = 3;
const SWEEP_BURST = 10;
/** Idle conversations' properties are read on every third sweep visit (not the first: loading the conversation just read them). */
const SWEEP_PROPERTIES_EVERY = 3;
/**
 * Periodic reads of thread properties a second at most, across all conversations (and at most at
 * once): ACS allows a user 50 thread reads per 10 s, which the thread listing (up to 20) and the
 * app's own calls share.
 */
const PROPERTY_READS_PER_SECOND = 1.5;
const PROPERTY_READS_BURST = 4;
/**
 * Properties of a conversation the app has open (listeners, or pages read lately) are read this
 * often at most, within the same allowance: a change a native ACS client makes to its metadata,
 * which nothing signals, shows within a few seconds where the user looks.
 */
const WATCHED_PROPERTIES_MS = 2000;
/** Signalled property reads of one thread are this far apart at least: a flood of signals costs one read per spacing. */
const SIGNALLED_READ_SPACING_MS = 1000;
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
  /** ACS answered this cycle's thread listing: the connection works (before the cycle's other reads end). */
  reachable?(): void;
  /**
   * How long a periodic read of this kind in this thread would wait now in the rate budget's
   * background share (0: none). A cycle leaves such reads to a later cycle rather than wait for
   * them, so that periodic reads never hold up a cycle nor use what news and the app's calls need.
   */
  readDelay?(threadId: string, what: ThreadRead): number;
  /** The same for a periodic full thread listing. */
  listingDelay?(): number;
  /** Whether the client is still loading the conversations it listed at start-up: their thread reads come first. */
  loading?(): boolean;
}

export interface EngineOptions {
  /** How often active conversations' properties (attributes, unique name) are re-read. */
  watchIntervalInMs?: number;
  /** How long a conversation stays active after a change in it (its messages are then read every cycle). */
  activeForMs?: number;
  /** How often active conversations' read receipts are re-read (ACS allows 5 reads per 10 s per thread). */
  receiptsIntervalInMs?: number;
  /** The longest a conversation without activity goes unread: a sweep visits each one at least this often. */
  sweepIntervalInMs?: number;
  /** The most conversations read every cycle (the most recently active, those the app has open first); the rest are swept. */
  maxActive?: number;
  /** How often the whole thread list is read to notice removals. */
  fullListIntervalInMs?: number;
  now?: () => number;
}

/** What a nudge asks to read of a known thread. */
export type ThreadRead = "messages" | "properties" | "receipts";

export class EventEngine implements NudgeSink {
  /** Server time of the latest thread change seen. */
  #cursor: number;
  readonly #lastSeen = new Map<string, { changedOn: number; since: number }>();
  /** Threads whose catch-up failed: read again every cycle until a read succeeds. */
  readonly #owed = new Set<string>();
  readonly #activeUntil = new Map<string, number>();
  readonly #propertiesReadAt = new Map<string, number>();
  /**
   * When each thread's change feed and receipts were last read, by whatever read (news, the active
   * tier, a nudge, a sweep visit): a read that starts then sees every change made before. The sweep
   * visits a thread a sweep interval after the older of the two, so that no change waits longer.
   */
  readonly #messagesReadAt = new Map<string, number>();
  readonly #receiptsReadAt = new Map<string, number>();
  /** The last sweep visit of each thread, or when the engine first met it (it was then read whole). */
  readonly #sweptAt = new Map<string, number>();
  readonly #sweepVisits = new Map<string, number>();
  /** Threads discovered by the current cycle's listing: read by their discovery, not again in the same cycle. */
  readonly #justDiscovered = new Set<string>();
  /** Threads whose properties another client said changed, not read since. */
  readonly #propertiesOwed = new Set<string>();
  readonly #signalledReadAt = new Map<string, number>();
  #sweepAllowance = 0;
  #propertyAllowance = PROPERTY_READS_BURST;
  #lastPropertyRefill = Number.NaN;
  #lastSweepAt = Number.NaN;
  /** Thread listings run one at a time (a cycle's and a push's): each moves the cursor the next starts from. */
  #syncing: Promise<void> = Promise.resolve();
  readonly #maxActive: number;
  readonly #activeFor: number;
  readonly #receiptsInterval: number;
  readonly #sweepInterval: number;
  readonly #startedAt: number;
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
    this.#activeFor = options.activeForMs ?? 5 * 60_000;
    this.#receiptsInterval = options.receiptsIntervalInMs ?? 3000;
    this.#sweepInterval = options.sweepIntervalInMs ?? 30_000;
    this.#maxActive = options.maxActive ?? 10;
    this.#startedAt = this.#now();
    this.#lastSweepAt = this.#startedAt;
    this.#lastPropertyRefill = this.#startedAt;
    for (const item of initialThreads) this.#see(item.id, item.lastMessageReceivedOn?.getTime() ?? 0);
    this.#lastFullList = this.#now();
  }

  /** Server time of the latest thread change seen: what came later is news. */
  get cursor(): number {
    return this.#cursor;
  }

  /** One polling cycle; true when it found changes. */
  async cycle(): Promise<boolean> {
    this.#justDiscovered.clear();
    const sync = this.#syncing.then(() => this.#syncThreads());
    this.#syncing = sync.then(() => undefined, () => undefined);
    const changed = await sync;
    for (const threadId of this.#owed) {
      const conversation = this.#host.conversation(threadId);
      if (!conversation) this.#owed.delete(threadId);
      else if (!changed.includes(conversation)) changed.push(conversation);
    }
    const now = this.#now();
    // News first: changed threads are read whatever the budget (they wait for it if they must).
    const work: Array<[string | undefined, Promise<void>]> = changed.map((conversation) => [conversation.sid, this.#readMessages(conversation)]);
    for (const conversation of changed) this.#activeUntil.set(conversation.sid, now + this.#activeFor);
    // Every conversation is followed from start to shutdown, whoever listens (as Twilio's socket
    // pushes everything): active ones closely, the others by a sweep.
    const conversations = this.#host.conversations();
    // A conversation the engine meets for the first time was just read whole (loaded or discovered): its sweep visits count from now.
    for (const conversation of conversations) if (!this.#sweptAt.has(conversation.sid)) this.#sweptAt.set(conversation.sid, Math.max(now, this.#startedAt));
    // Thread reads are one budget per user across all conversations: signalled ones first, then active ones, then the sweep's.
    this.#propertyAllowance = Math.min(PROPERTY_READS_BURST, this.#propertyAllowance + ((now - this.#lastPropertyRefill) * PROPERTY_READS_PER_SECOND) / 1000);
    this.#lastPropertyRefill = now;
    for (const threadId of this.#propertiesOwed) {
      const conversation = this.#host.conversation(threadId);
      if (!conversation) this.#propertiesOwed.delete(threadId);
      else if (this.#mayReadProperties(this.#signalledReadAt, threadId, SIGNALLED_READ_SPACING_MS, now)) work.push([threadId, this.#readProperties(conversation)]);
    }
    const active = this.#activeSet(conversations, now);
    for (const conversation of active) {
      const sid = conversation.sid;
      // Edits and deletes do not move a thread in the thread list: active threads' messages are read every cycle.
      if (!changed.includes(conversation) && !this.#justDiscovered.has(sid) && !this.#throttled(sid, "messages")) work.push([sid, this.#readMessages(conversation)]);
      if (!this.#throttled(sid, "receipts") && this.#due(this.#receiptsReadAt, sid, this.#receiptsInterval, now)) work.push([sid, conversation._refreshReceipts()]);
      const propertiesInterval = conversation._isWatched(now) ? Math.min(this.#watchInterval, WATCHED_PROPERTIES_MS) : this.#watchInterval;
      if (this.#mayReadProperties(this.#propertiesReadAt, sid, propertiesInterval, now)) work.push([sid, this.#readProperties(conversation)]);
    }
    const idle = conversations.filter((c) => !active.includes(c) && !changed.includes(c) && !this.#throttled(c.sid, "messages"));
    for (const conversation of this.#sweepBatch(idle, now)) {
      work.push([conversation.sid, this.#readMessages(conversation)]);
      // Receipts have their own limit per user and thread (5 per 10 s): every visit reads them, unless that limit is used up,
      // or the client is still loading conversations (a first receipt read loads the roster, which reads the thread too).
      if (!this.#host.loading?.() && !this.#throttled(conversation.sid, "receipts")) {
        work.push([conversation.sid, this.#readReceipts(conversation)]);
      }
      // Thread reads share ACS's 50 per 10 s per user with the thread list: idle properties every few visits
      // (this library's clients signal their property changes in the feed, which the visit reads).
      const visits = (this.#sweepVisits.get(conversation.sid) ?? 0) + 1;
      this.#sweepVisits.set(conversation.sid, visits);
      if (visits % SWEEP_PROPERTIES_EVERY === 0 && !this.#host.loading?.() && this.#mayReadProperties(undefined, conversation.sid, 0, now)) work.push([conversation.sid, this.#readProperties(conversation)]);
    }
    if (now - this.#lastFullList >= this.#fullListInterval && (this.#host.listingDelay?.() ?? 0) === 0) {
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

  /**
   * The conversations read every cycle: those the app has open, then those with the most recent
   * activity, at most `maxActive` (more would pass ACS's limits for one user).
   */
  #activeSet(conversations: EngineConversation[], now: number): EngineConversation[] {
    const priority = (conversation: EngineConversation) => (conversation._isWatched(now) ? Number.POSITIVE_INFINITY : (this.#activeUntil.get(conversation.sid) ?? 0));
    return conversations
      .filter((conversation) => priority(conversation) > now)
      .sort((a, b) => priority(b) - priority(a))
      .slice(0, this.#maxActive);
  }

  /**
   * Whether a periodic read of a thread's properties may go now: due (when `readAt` is given;
   * marked done if it goes), within the engine's own pace of thread reads, and within the budget.
   */
  #mayReadProperties(readAt: Map<string, number> | undefined, threadId: string, interval: number, now: number): boolean {
    if (readAt && now - (readAt.get(threadId) ?? Number.NEGATIVE_INFINITY) < interval) return false;
    if (this.#propertyAllowance < 1 || this.#throttled(threadId, "properties")) return false;
    this.#propertyAllowance -= 1;
    readAt?.set(threadId, now);
    return true;
  }

  #throttled(threadId: string, what: ThreadRead): boolean {
    return (this.#host.readDelay?.(threadId, what) ?? 0) > 0;
  }

  /** Whether a read of this kind is due for a thread; marks it done when it is. */
  #due(readAt: Map<string, number>, threadId: string, interval: number, now: number): boolean {
    if (now - (readAt.get(threadId) ?? Number.NEGATIVE_INFINITY) < interval) return false;
    readAt.set(threadId, now);
    return true;
  }

  /** A read of the thread's change feed, which sees every change made before it starts. */
  #readMessages(conversation: EngineConversation): Promise<void> {
    this.#messagesReadAt.set(conversation.sid, this.#now());
    return conversation._catchUp();
  }

  /** A read of the thread's receipts, likewise. */
  #readReceipts(conversation: EngineConversation): Promise<void> {
    this.#receiptsReadAt.set(conversation.sid, this.#now());
    return conversation._refreshReceipts();
  }

  /**
   * The idle conversations to visit this cycle: those whose feed or receipts went a sweep interval
   * unread, oldest first, as many as the visit allowance has room for (a few a second), so that a
   * large client spreads its reads instead of bursting them.
   */
  #sweepBatch(idle: EngineConversation[], now: number): EngineConversation[] {
    // Counted from the last read, not from when the conversation went idle: a conversation's last
    // reads as an active one (or as news) may be a poll cycle or more before the engine sees it idle.
    const visitedAt = (conversation: EngineConversation) => {
      const sid = conversation.sid;
      const lastRead = Math.min(this.#messagesReadAt.get(sid) ?? Number.NEGATIVE_INFINITY, this.#receiptsReadAt.get(sid) ?? Number.NEGATIVE_INFINITY);
      return Math.max(this.#sweptAt.get(sid) ?? now, lastRead);
    };
    const due = idle.filter((conversation) => now - visitedAt(conversation) >= this.#sweepInterval).sort((a, b) => visitedAt(a) - visitedAt(b));
    // A budget of visits over time, whatever the number of conversations: a client in 1,000 sweeps
    // them more slowly rather than pass ACS's 50 thread reads per 10 s for one user.
    this.#sweepAllowance = Math.min(SWEEP_BURST, this.#sweepAllowance + ((now - this.#lastSweepAt) * SWEEP_VISITS_PER_SECOND) / 1000);
    this.#lastSweepAt = now;
    const batch = due.slice(0, Math.floor(this.#sweepAllowance));
    this.#sweepAllowance -= batch.length;
    for (const conversation of batch) this.#sweptAt.set(conversation.sid, now);
    return batch;
  }

  /** A read of the properties, which covers every signal seen before it starts. */
  #readProperties(conversation: EngineConversation): Promise<void> {
    this.#propertiesOwed.delete(conversation.sid);
    return conversation._refreshProperties();
  }

  /**
   * Another client said in the thread's feed that the thread's properties changed (ACS does not
   * list a thread as changed for that): read them soon, at most once per spacing per thread,
   * since the signal is a message any participant can send.
   */
  propertiesSignalled(threadId: string): void {
    const conversation = this.#host.conversation(threadId);
    if (!conversation) return;
    this.#propertiesOwed.add(threadId);
    if (this.#due(this.#signalledReadAt, threadId, SIGNALLED_READ_SPACING_MS, this.#now())) this.#track(this.#readProperties(conversation), threadId);
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
   * threads this user is in, so forged ids find nothing): one listing serves them all.
   */
  #discover(): void {
    // The thread list and the threads it shows changed, not a whole poll cycle: a flood of pushes costs listings only.
    this.#whenAllowed("threads", () => {
      this.#syncing = this.#syncing.then(async () => {
        const changed = await this.#syncThreads();
        for (const conversation of changed) this.#track(this.#readMessages(conversation), conversation.sid);
      });
      this.#syncing.catch((error: unknown) => {
        this.#host.failed(error);
        this.onPollWanted();
      });
      this.#syncing = this.#syncing.catch(() => undefined);
    });
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
      const read = what === "messages" ? this.#readMessages(conversation) : what === "properties" ? this.#readProperties(conversation) : this.#readReceipts(conversation);
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
    this.#propertiesOwed.delete(threadId);
    for (const map of [this.#activeUntil, this.#propertiesReadAt, this.#messagesReadAt, this.#receiptsReadAt, this.#sweptAt, this.#sweepVisits, this.#signalledReadAt]) map.delete(threadId);
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
    this.#host.reachable?.();
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
        // Being added to a conversation is activity in it: it is followed closely from the next cycle on (discovery read it now).
        this.#activeUntil.set(item.id, this.#now() + this.#activeFor);
        this.#sweptAt.set(item.id, this.#now());
        this.#justDiscovered.add(item.id);
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
