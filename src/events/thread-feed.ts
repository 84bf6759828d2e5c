/**
 * One thread's ACS change feed: `listMessages({ startTime })` answers every message created,
 * edited or deleted since then. The feed reads from where it last stopped, orders the batch by
 * index, and says which messages are news (announce as `messageAdded`) and which were there
 * before this client knew the thread (history). Announcements go strictly up the index: a
 * message is news once, when its index is above every index already announced.
 */
import type { ChatMessage } from "@azure/communication-chat";
import { coalescedRead } from "../acs/coalesced-read.js";
import { ignoreProblems, type ReportProblem } from "../mapping/foreign-data.js";
import { userIdOf } from "../mapping/identifier.js";
import { changeStamp } from "../mapping/message.js";
import { indexFromSequenceId } from "../mapping/message-index.js";

/** How far back each read reaches before the last change seen: ACS times have millisecond steps and clocks drift. */
const OVERLAP_MS = 1000;

export interface FeedEntry {
  message: ChatMessage;
  index: number;
  /** Created after this client started following the thread, and not announced before. */
  isNew: boolean;
}

export type FeedReader = (since: Date) => Promise<ChatMessage[]>;

export class ThreadFeed {
  /** Server time of the latest change seen. */
  #cursor: number;
  /** The highest index announced; undefined until a message is. */
  #announcedThrough: number | undefined;
  /**
   * The highest index that was history when this client began to follow the thread, where it is
   * known: ACS's times have whole seconds, so a time alone cannot tell a message of the same
   * second as `historyBefore` from history.
   */
  #historyThrough: number | undefined;
  /** Messages (id and version) whose application failed once: a second failure skips them. */
  readonly #failedOnce = new Set<string>();
  /**
   * What the last read applied, by message id: the next read starts a little before it (ACS's
   * times have whole seconds), and what it returns again unchanged needs no second application.
   */
  #appliedLastRead = new Map<string, string>();
  /**
   * Every index up to this one was read and applied (or is history): a message with the next
   * index has nothing unread before it. Undefined while unknown, or while a failed entry waits.
   */
  #readThrough: number | undefined;

  readonly #read: FeedReader;
  readonly #historyBefore: number;
  readonly #apply: (entry: FeedEntry) => void;
  readonly #report: ReportProblem;
  readonly #selfUserId: string | undefined;

  constructor(
    read: FeedReader,
    /** Server time before which the thread's messages are history to this client. */
    historyBefore: number,
    /** Applies one entry of a read, in index order, before the callers of `catchUp()` resume. */
    apply: (entry: FeedEntry) => void,
    /** Hears of entries that failed to apply. */
    report: ReportProblem = ignoreProblems,
    history: {
      /** The highest index that is history, where the client read it when it began to follow the thread. */
      throughIndex?: number;
      /** This user: the message that adds them to the thread is where their news begins. */
      selfUserId?: string;
    } = {},
  ) {
    this.#read = read;
    this.#historyBefore = historyBefore;
    this.#apply = apply;
    this.#report = report;
    this.#cursor = historyBefore;
    this.#historyThrough = history.throughIndex;
    this.#readThrough = history.throughIndex;
    this.#selfUserId = history.selfUserId;
  }

  /**
   * Whether a message would still be news: above every index announced, and above the history
   * this client found when it began to follow the thread (by index where known, else by time).
   */
  isUnannounced(message: ChatMessage): boolean {
    const mark = Math.max(this.#announcedThrough ?? Number.NEGATIVE_INFINITY, this.#historyThrough ?? Number.NEGATIVE_INFINITY);
    return Number.isFinite(mark) ? indexFromSequenceId(message.sequenceId) > mark : message.createdOn.getTime() > this.#historyBefore;
  }

  /**
   * Reads what changed since the last read; concurrent calls share one read, and a call made
   * while a read runs gets a second read after it, so nothing that happened before the call is missed.
   * Resolves to the entries applied.
   */
  readonly catchUp: () => Promise<FeedEntry[]> = coalescedRead(() => this.#readOnce());

  async #readOnce(): Promise<FeedEntry[]> {
    const messages = await this.#read(new Date(this.#cursor - OVERLAP_MS));
    this.#learnHistoryFromJoin(messages);
    const entries = messages
      .map((message) => ({ message, index: indexFromSequenceId(message.sequenceId) }))
      .sort((a, b) => a.index - b.index)
      .map(({ message, index }) => ({ message, index, isNew: this.isUnannounced(message) }));
    const unchanged: FeedEntry[] = [];
    const changed: FeedEntry[] = [];
    for (const entry of entries) (this.#appliedLastRead.get(entry.message.id) === versionOf(entry.message) ? unchanged : changed).push(entry);
    const applied: FeedEntry[] = [];
    for (const entry of changed) {
      if (!this.#applyOne(entry)) break;
      applied.push(entry);
    }
    this.#appliedLastRead = new Map([...unchanged, ...applied].map((entry) => [entry.message.id, versionOf(entry.message)]));
    // The cursor and the announcements move past what was applied only: the rest is read (and
    // announced) at the next catch-up, so a failure on one message loses no other.
    const rest = changed.slice(applied.length);
    const appliedUpTo = [...unchanged, ...applied].reduce((latest, entry) => Math.max(latest, changeStamp(entry.message)), Number.NEGATIVE_INFINITY);
    const restFrom = rest.reduce((earliest, entry) => Math.min(earliest, changeStamp(entry.message)), Number.POSITIVE_INFINITY);
    this.#cursor = Math.max(this.#cursor, Math.min(appliedUpTo, restFrom));
    // Only announced messages move the mark: history passed over (an edit of an old message, whose
    // index may be above other history) says nothing of where news begins. Until a message is
    // announced, news is told by time.
    const announced = applied.filter((entry) => entry.isNew);
    if (announced.length > 0) this.#announcedThrough = Math.max(this.#announcedThrough ?? 0, ...announced.map((entry) => entry.index));
    const newestRead = [...unchanged, ...applied].reduce((newest, entry) => Math.max(newest, entry.index), this.#readThrough ?? Number.NEGATIVE_INFINITY);
    this.#readThrough = rest.length > 0 || !Number.isFinite(newestRead) ? undefined : newestRead;
    return applied;
  }

  /**
   * A message this client just sent, read by its id. When its index is the next after every
   * index read, no message can lie between (ACS numbers every message of a thread in turn), so
   * it is announced at once, in order, without a read of the feed. False when a read must come
   * first; true when it is announced (now, or already by a read).
   */
  takeSent(message: ChatMessage): boolean {
    if (!this.isUnannounced(message)) return true;
    const index = indexFromSequenceId(message.sequenceId);
    if (this.#readThrough === undefined || index !== this.#readThrough + 1) return false;
    // The cursor stays: the next read starts where reads stopped, and finds this message told.
    if (!this.#applyOne({ message, index, isNew: true })) return false;
    this.#readThrough = index;
    this.#announcedThrough = index;
    return true;
  }

  /** Applies one entry; false when it failed for the first time (it is read again), true once applied or skipped. */
  #applyOne(entry: FeedEntry): boolean {
    const key = `${entry.message.id}@${versionOf(entry.message)}`;
    try {
      this.#apply(entry);
      this.#failedOnce.delete(key);
      return true;
    } catch (error) {
      // A second failure of the same version is no accident: skip it, or it holds back the thread for good.
      const skipped = this.#failedOnce.delete(key);
      if (!skipped) this.#failedOnce.add(key);
      this.#report({ kind: "feed", message: `Message ${entry.message.id} failed to apply${skipped ? " again: skipped" : ": read again"}`, details: error });
      return skipped;
    }
  }

  /**
   * Before anything is known by index: the system message that added this user marks where their
   * news begins (what came before it is history), whatever the times say.
   */
  #learnHistoryFromJoin(messages: ChatMessage[]): void {
    if (this.#historyThrough !== undefined || this.#announcedThrough !== undefined || !this.#selfUserId) return;
    for (const message of messages) {
      if (message.type !== "participantAdded") continue;
      const addsSelf = (message.content?.participants ?? []).some((p) => userIdOf(p.id) === this.#selfUserId);
      if (!addsSelf) continue;
      const index = indexFromSequenceId(message.sequenceId);
      // Only a join this client did not see happen: one older than what it follows from is history itself.
      if (message.createdOn.getTime() >= this.#historyBefore) this.#historyThrough = Math.max(this.#historyThrough ?? 0, index - 1);
    }
  }
}

/** What changes when a message changes: ACS's version moves with edits; a deletion is told by its time. */
const versionOf = (message: ChatMessage): string => `${message.version}|${message.editedOn?.getTime() ?? ""}|${message.deletedOn?.getTime() ?? ""}`;
