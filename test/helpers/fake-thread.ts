/**
 * An in-memory ACS chat thread for unit tests of the classes that read one through a function
 * (the message window's page reader, the change feed's reader): messages numbered by sequence id
 * with gaps, listed newest first in pages with continuation tokens, or since a time by
 * `createdOn`/`editedOn`/`deletedOn`, as ACS answers `listMessages`. Each read hands out copies,
 * as each ACS answer is deserialized anew.
 */
import type { ChatMessage } from "@azure/communication-chat";
import fc from "fast-check";
import type { AcsPage } from "../../src/conversations/message-window.js";
import type { JSONValue } from "../../src/mapping/json.js";
import { encodeControlMessage } from "../../src/mapping/control-message.js";
import { changeStamp } from "../../src/mapping/message.js";

export type FakeKind = "user" | "system" | "control" | "deleted";

export interface FakeMessageSpec {
  kind: FakeKind;
  /** How far the sequence id jumps from the previous message (1: none skipped). */
  gap: number;
}

const copy = (message: ChatMessage): ChatMessage => ({ ...message });

export class FakeThread {
  readonly messages: ChatMessage[] = [];
  /** Every page request, in order. */
  readonly pageReads: Array<{ maxPageSize: number; continuationToken?: string }> = [];
  /** Every `startTime` asked for. */
  readonly feedReads: Date[] = [];
  /** ACS may hand out a continuation token on the last page, then an empty page: do so. */
  trailingEmptyPage = false;
  #nextSequence = 1;
  /** ACS gives every change of a message a new version, even two in the same millisecond. */
  #changes = 0;
  #version = (at: Date) => `${at.getTime()}.${++this.#changes}`;

  /** Appends a message `gap` sequence numbers above the last one. */
  add(fields: Partial<ChatMessage> & { createdOn: Date }, gap = 1): ChatMessage {
    const sequence = this.#nextSequence + gap - 1;
    this.#nextSequence = sequence + 1;
    const message = {
      id: `m${sequence}`,
      sequenceId: String(sequence),
      version: this.#version(fields.createdOn),
      type: "text",
      content: { message: `#${sequence}` },
      sender: { kind: "communicationUser", communicationUserId: "8:acs:alice" },
      ...fields,
    } as ChatMessage;
    this.messages.push(message);
    return message;
  }

  /** A user message, a system message, a control message (attributes for `target`), or a deleted message. */
  addKind(kind: FakeKind, createdOn: Date, gap = 1, control?: { targetMessageId: string; attributes: JSONValue; senderUserId?: string }): ChatMessage {
    if (kind === "system") return this.add({ createdOn, type: "participantAdded", content: undefined }, gap);
    if (kind === "deleted") return this.add({ createdOn, deletedOn: new Date(createdOn.getTime() + 1) }, gap);
    if (kind === "control") {
      const encoded = encodeControlMessage({ kind: "messageAttributes", targetMessageId: control?.targetMessageId ?? "m0", attributes: control?.attributes ?? null });
      const sender = { kind: "communicationUser" as const, communicationUserId: control?.senderUserId ?? "8:acs:alice" };
      return this.add({ createdOn, content: { message: encoded.content }, metadata: encoded.metadata, sender }, gap);
    }
    return this.add({ createdOn }, gap);
  }

  edit(message: ChatMessage, at: Date, fields: Partial<ChatMessage> = {}): void {
    Object.assign(message, { ...fields, editedOn: at, version: this.#version(at) });
  }

  delete(message: ChatMessage, at: Date): void {
    Object.assign(message, { deletedOn: at, version: this.#version(at) });
  }

  /** Newest first, `maxPageSize` at most, below the token's sequence; the token names the lowest sequence handed out. */
  readonly readPage = async (request: { maxPageSize: number; continuationToken?: string }): Promise<AcsPage> => {
    this.pageReads.push(request);
    const below = request.continuationToken === undefined ? Number.POSITIVE_INFINITY : Number(request.continuationToken);
    const older = this.messages.filter((m) => Number(m.sequenceId) < below).reverse();
    const items = older.slice(0, request.maxPageSize).map(copy);
    const more = older.length > items.length || (this.trailingEmptyPage && items.length > 0);
    return more ? { items, continuationToken: items[items.length - 1]!.sequenceId } : { items };
  };

  /** What ACS's `listMessages({ startTime })` answers: every message created, edited or deleted at or after `since`, newest first. */
  readonly readSince = async (since: Date): Promise<ChatMessage[]> => {
    this.feedReads.push(since);
    return this.messages.filter((m) => changeStamp(m) >= since.getTime()).map(copy).reverse();
  };
}

/** A thread's shape: kinds and sequence gaps, no two messages with one sequence id. */
export const threadSpecs = (maxLength = 30): fc.Arbitrary<FakeMessageSpec[]> =>
  fc.array(
    fc.record({
      kind: fc.constantFrom<FakeKind>("user", "user", "user", "system", "control", "deleted"),
      gap: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })),
    }),
    { maxLength },
  );

/** Builds a thread from specs, a second apart from `start`; control messages target random earlier messages. */
export function threadOf(specs: FakeMessageSpec[], start = 1_000_000): FakeThread {
  const thread = new FakeThread();
  specs.forEach((spec, i) => {
    const createdOn = new Date(start + i * 1000);
    const target = thread.messages[i % Math.max(thread.messages.length, 1)];
    thread.addKind(spec.kind, createdOn, spec.gap, { targetMessageId: target?.id ?? "m0", attributes: { n: i } });
  });
  return thread;
}
