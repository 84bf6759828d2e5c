/**
 * One thread's ACS change feed: `listMessages({ startTime })` answers every message created,
 * edited or deleted since then. The feed reads from where it last stopped, orders the batch by
 * index, and says which messages are news (announce as `messageAdded`) and which were there
 * before this client knew the thread (history). Announcements go strictly up the index: a
 * message is news once, when its index is above every index already announced.
 */
import type { ChatMessage } from "@azure/communication-chat";
import { coalescedRead } from "../acs/coalesced-read.js";
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
  /** The highest index announced or passed over as history; undefined until the first read. */
  #announcedThrough: number | undefined;

  readonly #read: FeedReader;
  readonly #historyBefore: number;
  readonly #apply: (entries: FeedEntry[]) => void;

  constructor(
    read: FeedReader,
    /** Server time before which the thread's messages are history to this client. */
    historyBefore: number,
    /** Applies each read, once, before the callers of `catchUp()` resume. */
    apply: (entries: FeedEntry[]) => void,
  ) {
    this.#read = read;
    this.#historyBefore = historyBefore;
    this.#apply = apply;
    this.#cursor = historyBefore;
  }

  /** Whether a message would still be news: created while followed, and above every index announced. */
  isUnannounced(message: ChatMessage): boolean {
    return this.#announcedThrough === undefined
      ? message.createdOn.getTime() > this.#historyBefore
      : indexFromSequenceId(message.sequenceId) > this.#announcedThrough;
  }

  /**
   * Reads what changed since the last read; concurrent calls share one read, and a call made
   * while a read runs gets a second read after it, so nothing that happened before the call is missed.
   */
  readonly catchUp: () => Promise<FeedEntry[]> = coalescedRead(() => this.#readOnce());

  async #readOnce(): Promise<FeedEntry[]> {
    const messages = await this.#read(new Date(this.#cursor - OVERLAP_MS));
    const entries = messages
      .map((message) => ({ message, index: indexFromSequenceId(message.sequenceId) }))
      .sort((a, b) => a.index - b.index);
    const result: FeedEntry[] = [];
    for (const { message, index } of entries) {
      this.#cursor = Math.max(this.#cursor, changeStamp(message));
      result.push({ message, index, isNew: this.isUnannounced(message) });
    }
    const highest = entries[entries.length - 1]?.index;
    if (highest !== undefined) this.#announcedThrough = Math.max(this.#announcedThrough ?? 0, highest);
    else if (this.#announcedThrough === undefined) this.#announcedThrough = 0;
    this.#apply(result);
    return result;
  }
}
