/**
 * One conversation's ACS messages as far as this client has read them, and Twilio's paging over
 * them. ACS lists newest first with a forward-only cursor and no anchor; Twilio pages by index in
 * both directions. The window keeps a contiguous run of messages from the newest it has seen down
 * to `low`, extends it downwards with the stored cursor, and serves pages from it: a page the
 * window already covers costs no request.
 */
import type { ChatMessage } from "@azure/communication-chat";
import type { JSONValue } from "../mapping/json.js";
import { decodeControlMessage } from "../mapping/control-message.js";
import { indexFromSequenceId } from "../mapping/message-index.js";
import { changeStamp, messageKind, type MessageKind } from "../mapping/message.js";
import { userIdOf } from "../mapping/identifier.js";

export interface AcsPage {
  items: ChatMessage[];
  /** Continuation towards older messages; absent on the last page. */
  continuationToken?: string;
}

/** Reads one ACS page: the newest when `continuationToken` is absent. */
export type PageReader = (request: { maxPageSize: number; continuationToken?: string }) => Promise<AcsPage>;

export interface WindowPage {
  /** User messages of the page, ascending by index. */
  messages: ChatMessage[];
  /** Whether an older user message exists below the page. */
  hasOlder: boolean;
  /** Whether a newer user message exists above the page. */
  hasNewer: boolean;
}

/** A control message's change to one message's attributes. */
interface AttributesChange {
  attributes: JSONValue;
  createdOn: Date;
  sequence: number;
  senderUserId: string | null;
}

/** Whether a change of a message's attributes takes effect (the client's attribute policy). */
export type AttributesChangeCheck = (change: { target: ChatMessage; senderUserId: string | null; previous: JSONValue; next: JSONValue }) => boolean;

/** Bulk size for walking older pages: ACS's maximum, the fewest requests. */
const OLDER_PAGE_SIZE = 200;

export class MessageWindow {
  readonly #bySequence = new Map<number, { message: ChatMessage; kind: MessageKind }>();
  readonly #indexById = new Map<string, number>();
  /** Highest and lowest sequence covered; every sequence between them is in `bySequence`. */
  #high = 0;
  #low = Number.POSITIVE_INFINITY;
  #olderToken: string | undefined;
  #reachedOldest = false;
  /** Changes carried by control messages, by target message id, ascending by sequence. */
  readonly #changes = new Map<string, AttributesChange[]>();

  /**
   * Whether the run reaches the thread's newest message: true after a read of the newest page,
   * kept true while the change feed adds each new message next to it (`absorb`), false on a gap.
   */
  #reachesNewest = false;

  readonly #readPage: PageReader;
  readonly #followed: () => boolean;

  /** `followed`: whether the change feed is read for this thread, so that absorbed messages keep the newest end current. */
  constructor(readPage: PageReader, followed: () => boolean = () => false) {
    this.#readPage = readPage;
    this.#followed = followed;
  }

  /**
   * Whether answering for messages above `top` needs a read of the newest page: always before the
   * first read; afterwards only when no feed keeps the newest end current (as Twilio's reads
   * answer from what its subscription keeps, so that an app reading on every render costs nothing).
   */
  #needsNewest(top: number): boolean {
    return this.#high === 0 || (top > this.#high && !(this.#reachesNewest && this.#followed()));
  }

  /** The index of a message the window holds, by id. */
  indexOfId(messageId: string): number | undefined {
    return this.#indexById.get(messageId);
  }

  /** The newest user message at or below `index` (reading pages as needed). */
  async newestUserAtOrBelow(index: number, firstReadSize: number): Promise<ChatMessage | undefined> {
    if (this.#needsNewest(index)) await this.refreshNewest(firstReadSize);
    return (await this.#collectDown(index, 1))[0];
  }

  /** How many user messages are above `index`, reading the newest messages down to it. */
  async countUserAbove(index: number, firstReadSize: number): Promise<number> {
    if (this.#needsNewest(Number.POSITIVE_INFINITY)) await this.refreshNewest(firstReadSize);
    while (this.#low > index + 1 && (await this.extendOlder()));
    let count = 0;
    for (let sequence = Math.max(index + 1, this.#low); sequence <= this.#high; sequence++) {
      if (this.#bySequence.get(sequence)?.kind === "user") count++;
    }
    return count;
  }

  /**
   * A message's attributes with the control messages sent after its own last edit folded in, in
   * index order, each only where `allowed` accepts it: every client folds the same changes the
   * same way. `own` is the message's own attributes.
   */
  foldedAttributes(message: ChatMessage, own: JSONValue, allowed: AttributesChangeCheck): JSONValue {
    const ownUpdate = (message.editedOn ?? message.createdOn).getTime();
    let attributes = own;
    for (const change of this.#changes.get(message.id) ?? []) {
      if (change.createdOn.getTime() < ownUpdate) continue;
      if (allowed({ target: message, senderUserId: change.senderUserId, previous: attributes, next: change.attributes })) attributes = change.attributes;
    }
    return attributes;
  }

  /** Adds or replaces messages read elsewhere (a send, an event) and keeps the run contiguous. */
  absorb(messages: ChatMessage[]): void {
    for (const message of messages) {
      const sequence = indexFromSequenceId(message.sequenceId);
      // Folds apply wherever the carrier sits; only messages adjacent to or inside the run are kept.
      this.#fold(message, sequence);
      if (this.#high === 0 || sequence < this.#low) continue;
      if (sequence > this.#high + 1) {
        this.#reachesNewest = false;
        continue;
      }
      this.#store(message, sequence);
      this.#high = Math.max(this.#high, sequence);
    }
  }

  /** Reads the newest page (one request) and joins it to the run, or restarts the run from it. */
  async refreshNewest(pageSize: number): Promise<void> {
    const page = await this.#readPage({ maxPageSize: pageSize });
    if (page.items.length === 0) {
      this.#reachedOldest = true;
      return;
    }
    const sequences = page.items.map((m) => indexFromSequenceId(m.sequenceId));
    const pageHigh = Math.max(...sequences);
    const pageLow = Math.min(...sequences);
    if (this.#high === 0 || pageLow > this.#high + 1) {
      // First read, or more new messages than one page: what we had no longer joins up.
      this.#bySequence.clear();
      this.#low = pageLow;
      this.#olderToken = page.continuationToken;
      this.#reachedOldest = page.continuationToken === undefined;
    }
    page.items.forEach((message, i) => this.#store(message, sequences[i]!));
    this.#high = Math.max(this.#high, pageHigh);
    this.#reachesNewest = true;
  }

  /** Reads the next older page; false when the oldest message is already in the window. */
  async extendOlder(): Promise<boolean> {
    if (this.#reachedOldest) return false;
    const page = await this.#readPage({ maxPageSize: OLDER_PAGE_SIZE, continuationToken: this.#olderToken });
    for (const message of page.items) {
      const sequence = indexFromSequenceId(message.sequenceId);
      this.#store(message, sequence);
      this.#low = Math.min(this.#low, sequence);
    }
    this.#olderToken = page.continuationToken;
    this.#reachedOldest = page.continuationToken === undefined || page.items.length === 0;
    return true;
  }

  /** Twilio's `getMessages` over ACS: see Conversation.getMessages for the contract. */
  async page(pageSize: number, anchor: number | undefined, direction: "backwards" | "forward", firstReadSize: number): Promise<WindowPage> {
    if (direction === "backwards") {
      const top = anchor ?? Number.POSITIVE_INFINITY;
      if (this.#needsNewest(top)) await this.refreshNewest(firstReadSize);
      const older = await this.#collectDown(top, pageSize + 1);
      const messages = older.slice(0, pageSize).reverse();
      const newestIndex = messages.length ? indexFromSequenceId(messages[messages.length - 1]!.sequenceId) : top;
      return { messages, hasOlder: older.length > pageSize, hasNewer: this.#hasUserMessageAbove(newestIndex) };
    }
    const bottom = anchor ?? 0;
    if (this.#high === 0) await this.refreshNewest(firstReadSize);
    while (this.#low > bottom && (await this.extendOlder()));
    let newer = this.#collectUp(bottom, pageSize + 1);
    if (newer.length <= pageSize && this.#needsNewest(Number.POSITIVE_INFINITY)) {
      await this.refreshNewest(firstReadSize);
      // More new messages than one read restart the run above `bottom`: walk back down to it.
      while (this.#low > bottom && (await this.extendOlder()));
      newer = this.#collectUp(bottom, pageSize + 1);
    }
    const messages = newer.slice(0, pageSize);
    const oldestIndex = messages.length ? indexFromSequenceId(messages[0]!.sequenceId) : bottom;
    return { messages, hasOlder: (await this.#collectDown(oldestIndex - 1, 1)).length > 0, hasNewer: newer.length > pageSize };
  }

  /** Every user message, reading the whole thread. */
  /** Every user message without a read, when the window already holds them all; else undefined. */
  allKnown(): ChatMessage[] | undefined {
    return this.#high > 0 && this.#reachedOldest ? this.#collectUp(0, Number.POSITIVE_INFINITY) : undefined;
  }

  async all(): Promise<ChatMessage[]> {
    if (this.#needsNewest(Number.POSITIVE_INFINITY)) await this.refreshNewest(OLDER_PAGE_SIZE);
    while (await this.extendOlder());
    return this.#collectUp(0, Number.POSITIVE_INFINITY);
  }

  /** User messages at or below `top`, newest first, reading older pages until `count` or the oldest. */
  async #collectDown(top: number, count: number): Promise<ChatMessage[]> {
    const found: ChatMessage[] = [];
    let sequence = Math.min(top, this.#high);
    for (;;) {
      for (; sequence >= this.#low && found.length < count; sequence--) {
        const entry = this.#bySequence.get(sequence);
        if (entry?.kind === "user") found.push(entry.message);
      }
      if (found.length >= count || !(await this.extendOlder())) return found;
    }
  }

  /** User messages at or above `bottom` in the window, oldest first. */
  #collectUp(bottom: number, count: number): ChatMessage[] {
    const found: ChatMessage[] = [];
    for (let sequence = Math.max(bottom, this.#low); sequence <= this.#high && found.length < count; sequence++) {
      const entry = this.#bySequence.get(sequence);
      if (entry?.kind === "user") found.push(entry.message);
    }
    return found;
  }

  #hasUserMessageAbove(index: number): boolean {
    for (let sequence = index + 1; sequence <= this.#high; sequence++) {
      if (this.#bySequence.get(sequence)?.kind === "user") return true;
    }
    return false;
  }

  #store(message: ChatMessage, sequence: number): void {
    // A page read before an edit or deletion must not bring the older copy back.
    const stored = this.#bySequence.get(sequence)?.message;
    if (stored && changeStamp(stored) > changeStamp(message)) return;
    this.#bySequence.set(sequence, { message, kind: messageKind(message) });
    this.#indexById.set(message.id, sequence);
    this.#fold(message, sequence);
  }

  /** Records the change a control message carries for its target, once, in index order. */
  #fold(message: ChatMessage, sequence: number): void {
    if (message.deletedOn) {
      // A deleted control message takes its change back.
      for (const changes of this.#changes.values()) {
        const at = changes.findIndex((known) => known.sequence === sequence);
        if (at !== -1) changes.splice(at, 1);
      }
      return;
    }
    const control = messageKind(message) === "control" ? decodeControlMessage(message.metadata) : undefined;
    if (control?.kind !== "messageAttributes") return;
    const changes = this.#changes.get(control.targetMessageId) ?? [];
    const senderUserId = userIdOf(message.sender);
    const change = { attributes: control.attributes, createdOn: message.createdOn, sequence, senderUserId };
    const at = changes.findIndex((known) => known.sequence >= sequence);
    if (at === -1) changes.push(change);
    else if (changes[at]!.sequence === sequence) changes[at] = change;
    else changes.splice(at, 0, change);
    this.#changes.set(control.targetMessageId, changes);
  }
}

