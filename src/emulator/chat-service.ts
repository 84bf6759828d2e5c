/**
 * ACS Chat's behaviour over the emulator state: permissions, limits, system messages,
 * sequence ids, versions, paging order and the change feed. HTTP-free: handlers pass in the
 * authenticated caller and parsed bodies, and get back the JSON to answer.
 */
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { badRequest, forbidden, notFound } from "./api-error.js";
import type { ChatChange } from "./event-grid.js";
import { ACS_LIMITS, DEFAULT_PAGE_SIZE, metadataSize, utf8Length } from "./limits.js";
import type {
  addParticipantsSchema,
  createThreadSchema,
  IdentifierInput,
  ParticipantInput,
  sendMessageSchema,
  updateMessageSchema,
  updateThreadSchema,
} from "./requests.js";
import type { CreateThreadResult, EmulatorState, MessageRecord, ParticipantRecord, ThreadRecord } from "./state.js";
import {
  dateWriter,
  messageJson,
  participantJson,
  readReceiptJson,
  threadItemJson,
  threadPropertiesJson,
  wholeSecond,
  type DateWriter,
  type TimestampPrecision,
} from "./wire.js";

export interface Page<T> {
  value: T[];
  /** Opaque continuation, turned into an absolute `nextLink` by the HTTP layer. */
  next?: Record<string, string>;
}

type ChatError = NonNullable<CreateThreadResult["invalidParticipants"]>[number];

export interface ChatServiceOptions {
  /** How the Chat API writes dates (default "second", as ACS). */
  timestampPrecision?: TimestampPrecision;
  /**
   * How `startTime` filters compare (default "second"). "second": an item is listed when its
   * change time cut to the second is >= startTime cut to the second, so a change in the same
   * second as startTime is always returned (a client must expect repeats). "millisecond": the
   * stored millisecond times are compared with startTime as given. No recording shows which
   * one ACS does.
   */
  startTimeComparison?: TimestampPrecision;
  /** Whether an edit moves the thread's `lastMessageReceivedOn` (default false; ACS does not document it). */
  lastMessageReceivedOnMovesOnEdit?: boolean;
  /** Whether a delete moves the thread's `lastMessageReceivedOn` (default false; ACS does not document it). */
  lastMessageReceivedOnMovesOnDelete?: boolean;
}

/** From this api-version on, text and html messages carry `content.attachments` (recorded at 2023-07-01-preview, absent at 2021-09-07). */
const ATTACHMENTS_SINCE = "2023-07-01";

export class ChatService {
  private readonly date: DateWriter;
  /** Whether a change at `on` passes a `startTime` filter. */
  private readonly since: (on: number, startTime: number) => boolean;

  constructor(
    private readonly state: EmulatorState,
    private readonly now: () => number,
    private readonly publish: (change: ChatChange) => void,
    private readonly options: ChatServiceOptions = {},
  ) {
    this.date = dateWriter(options.timestampPrecision ?? "second");
    this.since =
      (options.startTimeComparison ?? "second") === "second"
        ? (on, startTime) => wholeSecond(on) >= wholeSecond(startTime)
        : (on, startTime) => on >= startTime;
  }

  // ---- threads ----

  createThread(callerRawId: string, body: z.infer<typeof createThreadSchema>, repeatabilityRequestId?: string): CreateThreadResult {
    const replayKey = repeatabilityRequestId ? `${callerRawId}|${repeatabilityRequestId}` : undefined;
    const replay = replayKey ? this.state.createRequests.get(replayKey) : undefined;
    if (replay) return replay.body;

    const requested = body.participants ?? [];
    if (requested.length > ACS_LIMITS.participantsPerRequest) {
      throw badRequest(
        `A thread can be created with at most ${ACS_LIMITS.participantsPerRequest} participants; got ${requested.length}.`,
        "participants",
      );
    }
    checkMetadata(body.metadata, "metadata");
    checkRetention(body.retentionPolicy);
    const now = this.now();
    const { valid, invalid } = this.resolveParticipants(requested);
    const creator = valid.find((p) => p.rawId === callerRawId) ?? { rawId: callerRawId, shareHistoryTime: 0 };
    const members = [creator, ...valid.filter((p) => p.rawId !== callerRawId)];

    const thread: ThreadRecord = {
      id: `19:${randomBytes(16).toString("hex")}@thread.v2`,
      topic: body.topic,
      createdOn: now,
      createdByRawId: callerRawId,
      ...(body.metadata ? { metadata: body.metadata } : {}),
      ...(body.retentionPolicy ? { retentionPolicy: body.retentionPolicy } : {}),
      lastMessageReceivedOn: now,
      participants: new Map(members.map((p) => [p.rawId, p])),
      messages: [],
      messageSequenceById: new Map(),
      readReceipts: new Map(),
    };
    this.state.threads.set(thread.id, thread);
    // ACS writes these two system messages at creation: sequenceId 1 and 2.
    this.appendSystemMessage(thread, { type: "participantAdded", participants: members, initiatorRawId: callerRawId }, now);
    this.appendSystemMessage(thread, { type: "topicUpdated", topic: body.topic, initiatorRawId: callerRawId }, now);

    const result = {
      chatThread: threadPropertiesJson(thread, this.date),
      ...(invalid.length ? { invalidParticipants: invalid } : {}),
    };
    if (replayKey) this.state.createRequests.set(replayKey, { threadId: thread.id, callerRawId, body: result });
    this.publish({ kind: "threadCreated", thread, at: now });
    return result;
  }

  listThreads(callerRawId: string, options: { maxPageSize?: number; startTime?: number; cursor?: Record<string, string> }): Page<ReturnType<typeof threadItemJson>> {
    const pageSize = pageSizeOf(options.maxPageSize);
    const changedOn = (t: ThreadRecord) => Math.max(t.lastMessageReceivedOn, t.deletedOn ?? 0);
    const after = options.cursor ? { on: Number(options.cursor.on), id: options.cursor.id ?? "" } : undefined;
    if (after && !Number.isFinite(after.on)) throw badRequest("The continuation token is invalid.", "syncState");
    const candidates = [...this.state.threads.values()].filter((thread) => {
      if (!thread.participants.has(callerRawId)) return false;
      // Deleted threads show up only in a change feed that asks from before the deletion.
      if (thread.deletedOn !== undefined && (options.startTime === undefined || !this.since(thread.deletedOn, options.startTime))) return false;
      if (options.startTime !== undefined && !this.since(changedOn(thread), options.startTime)) return false;
      if (after && (changedOn(thread) > after.on || (changedOn(thread) === after.on && thread.id >= after.id))) return false;
      return true;
    });
    candidates.sort((a, b) => changedOn(b) - changedOn(a) || (a.id < b.id ? 1 : -1));
    const value = candidates.slice(0, pageSize);
    const last = value[value.length - 1];
    return {
      value: value.map((thread) => threadItemJson(thread, this.date)),
      ...(candidates.length > pageSize && last ? { next: { on: String(changedOn(last)), id: last.id } } : {}),
    };
  }

  getThread(callerRawId: string, threadId: string) {
    return threadPropertiesJson(this.threadFor(callerRawId, threadId), this.date);
  }

  updateThread(callerRawId: string, threadId: string, body: z.infer<typeof updateThreadSchema>): void {
    const thread = this.threadFor(callerRawId, threadId);
    const metadata = body.metadata ? mergeMetadata(thread.metadata, body.metadata) : thread.metadata;
    checkMetadata(metadata, "metadata");
    checkRetention(body.retentionPolicy);
    const now = this.now();
    if (body.metadata) thread.metadata = metadata;
    if (body.retentionPolicy) thread.retentionPolicy = body.retentionPolicy;
    if (body.topic !== undefined && body.topic !== thread.topic) {
      thread.topic = body.topic;
      this.appendSystemMessage(thread, { type: "topicUpdated", topic: body.topic, initiatorRawId: callerRawId }, now);
    }
    this.publish({ kind: "propertiesUpdated", thread, byRawId: callerRawId, at: now });
  }

  deleteThread(callerRawId: string, threadId: string): void {
    const thread = this.threadFor(callerRawId, threadId);
    const now = this.now();
    thread.deletedOn = now;
    this.publish({ kind: "threadDeleted", thread, byRawId: callerRawId, at: now, recipients: [...thread.participants.keys()] });
  }

  // ---- messages ----

  sendMessage(callerRawId: string, threadId: string, body: z.infer<typeof sendMessageSchema>) {
    const thread = this.threadFor(callerRawId, threadId);
    const type = body.type ?? "text";
    if (type !== "text" && type !== "html") {
      throw badRequest(`Message type ${type} is written by the service and cannot be sent.`, "type");
    }
    checkMessageSize(body.content, body.senderDisplayName, body.metadata);
    const now = this.now();
    const message = this.append(thread, {
      type,
      createdOn: now,
      senderRawId: callerRawId,
      senderDisplayName: body.senderDisplayName ?? "",
      message: body.content,
      ...(body.metadata ? { metadata: body.metadata } : {}),
    });
    this.publish({ kind: "messageSent", thread, message, at: now });
    return { id: message.id };
  }

  getMessage(callerRawId: string, threadId: string, messageId: string, apiVersion = "") {
    const thread = this.threadFor(callerRawId, threadId);
    return messageJson(this.visibleMessage(thread, callerRawId, messageId), this.date, { attachments: apiVersion >= ATTACHMENTS_SINCE });
  }

  listMessages(
    callerRawId: string,
    threadId: string,
    options: { maxPageSize?: number; startTime?: number; cursor?: Record<string, string>; apiVersion?: string },
  ): Page<ReturnType<typeof messageJson>> {
    const thread = this.threadFor(callerRawId, threadId);
    // The next link writes startTime in whole seconds; the cursor keeps the one first asked.
    const startTime = options.cursor?.since !== undefined ? Number(options.cursor.since) : options.startTime;
    if (startTime !== undefined && !Number.isFinite(startTime)) throw badRequest("The continuation token is invalid.", "syncState");
    const pageSize = pageSizeOf(options.maxPageSize);
    const historyFrom = thread.participants.get(callerRawId)!.shareHistoryTime;
    const below = options.cursor ? Number(options.cursor.below) : thread.messages.length + 1;
    if (!Number.isInteger(below) || below < 1) throw badRequest("The continuation token is invalid.", "syncState");
    const value: MessageRecord[] = [];
    let sequenceId = Math.min(below, thread.messages.length + 1) - 1;
    for (; sequenceId >= 1; sequenceId--) {
      const message = thread.messages[sequenceId - 1]!;
      if (message.createdOn < historyFrom) break;
      // With startTime, the list is a change feed: created, edited or deleted since then.
      if (startTime !== undefined && !this.since(changedOn(message), startTime)) continue;
      if (value.length === pageSize) break;
      value.push(message);
    }
    const hasMore = sequenceId >= 1 && thread.messages[sequenceId - 1]!.createdOn >= historyFrom;
    return {
      value: value.map((message) => messageJson(message, this.date, { attachments: (options.apiVersion ?? "") >= ATTACHMENTS_SINCE })),
      ...(hasMore
        ? { next: { below: String(value[value.length - 1]!.sequenceId), ...(startTime !== undefined ? { since: String(startTime) } : {}) } }
        : {}),
    };
  }

  updateMessage(callerRawId: string, threadId: string, messageId: string, body: z.infer<typeof updateMessageSchema>): void {
    const thread = this.threadFor(callerRawId, threadId);
    const message = this.ownMessage(thread, callerRawId, messageId);
    const metadata = body.metadata ? mergeMetadata(message.metadata, body.metadata) : message.metadata;
    const content = body.content ?? message.message ?? "";
    checkMessageSize(content, message.senderDisplayName, metadata);
    const now = this.now();
    message.message = content;
    if (metadata) message.metadata = metadata;
    message.editedOn = now;
    message.version = this.state.nextMessageId(now);
    if (this.options.lastMessageReceivedOnMovesOnEdit) thread.lastMessageReceivedOn = Math.max(thread.lastMessageReceivedOn, now);
    this.publish({ kind: "messageEdited", thread, message, at: now });
  }

  deleteMessage(callerRawId: string, threadId: string, messageId: string): void {
    const thread = this.threadFor(callerRawId, threadId);
    const message = this.ownMessage(thread, callerRawId, messageId, { allowDeleted: true });
    if (message.deletedOn !== undefined) return;
    const now = this.now();
    message.deletedOn = now;
    message.version = this.state.nextMessageId(now);
    if (this.options.lastMessageReceivedOnMovesOnDelete) thread.lastMessageReceivedOn = Math.max(thread.lastMessageReceivedOn, now);
    this.publish({ kind: "messageDeleted", thread, message, at: now });
  }

  // ---- participants ----

  listParticipants(callerRawId: string, threadId: string, options: { maxPageSize?: number; skip?: number }): Page<ReturnType<typeof participantJson>> {
    const thread = this.threadFor(callerRawId, threadId);
    return skipPage([...thread.participants.values()].map((p) => participantJson(p, this.date)), options);
  }

  addParticipants(callerRawId: string, threadId: string, body: z.infer<typeof addParticipantsSchema>) {
    const thread = this.threadFor(callerRawId, threadId);
    if (body.participants.length > ACS_LIMITS.participantsPerRequest) {
      throw badRequest(
        `At most ${ACS_LIMITS.participantsPerRequest} participants can be added in one request; got ${body.participants.length}.`,
        "participants",
      );
    }
    const now = this.now();
    const { valid, invalid } = this.resolveParticipants(body.participants);
    const added = valid.filter((p) => !thread.participants.has(p.rawId));
    if (thread.participants.size + added.length > ACS_LIMITS.participantsPerThread) {
      throw badRequest(
        `A thread can have at most ${ACS_LIMITS.participantsPerThread} participants; it has ${thread.participants.size} and ${added.length} more were asked for.`,
        "participants",
      );
    }
    for (const participant of added) thread.participants.set(participant.rawId, participant);
    if (added.length > 0) {
      this.appendSystemMessage(thread, { type: "participantAdded", participants: added, initiatorRawId: callerRawId }, now);
      this.publish({ kind: "participantsAdded", thread, byRawId: callerRawId, participants: added, at: now });
    }
    return invalid.length ? { invalidParticipants: invalid } : {};
  }

  removeParticipant(callerRawId: string, threadId: string, identifier: IdentifierInput): void {
    const thread = this.threadFor(callerRawId, threadId);
    const rawId = rawIdOf(identifier);
    const participant = rawId ? thread.participants.get(rawId) : undefined;
    if (!participant) throw notFound("The participant is not in the thread.");
    const recipients = [...thread.participants.keys()];
    const now = this.now();
    this.appendSystemMessage(thread, { type: "participantRemoved", participants: [participant], initiatorRawId: callerRawId }, now);
    thread.participants.delete(participant.rawId);
    thread.readReceipts.delete(participant.rawId);
    this.publish({ kind: "participantRemoved", thread, byRawId: callerRawId, participant, at: now, recipients });
  }

  // ---- read receipts and typing ----

  sendReadReceipt(callerRawId: string, threadId: string, chatMessageId: string): void {
    const thread = this.threadFor(callerRawId, threadId);
    this.visibleMessage(thread, callerRawId, chatMessageId);
    if (thread.participants.size > ACS_LIMITS.receiptsAndTypingMaxParticipants) return;
    const now = this.now();
    thread.readReceipts.delete(callerRawId);
    thread.readReceipts.set(callerRawId, { senderRawId: callerRawId, chatMessageId, readOn: now });
    this.publish({ kind: "readReceipt", thread, byRawId: callerRawId, chatMessageId, at: now });
  }

  listReadReceipts(callerRawId: string, threadId: string, options: { maxPageSize?: number; skip?: number }): Page<ReturnType<typeof readReceiptJson>> {
    const thread = this.threadFor(callerRawId, threadId);
    const receipts = thread.participants.size > ACS_LIMITS.receiptsAndTypingMaxParticipants ? [] : [...thread.readReceipts.values()];
    return skipPage(receipts.map((receipt) => readReceiptJson(receipt, this.date)), options);
  }

  /** Typing is not stored: it is published to realtime notifications only, and only where ACS has it (20 participants or fewer). */
  sendTyping(callerRawId: string, threadId: string, senderDisplayName?: string): void {
    const thread = this.threadFor(callerRawId, threadId);
    if (thread.participants.size > ACS_LIMITS.receiptsAndTypingMaxParticipants) return;
    this.publish({ kind: "typing", thread, byRawId: callerRawId, senderDisplayName: senderDisplayName ?? "", at: this.now() });
  }

  // ---- helpers ----

  /** The thread, if it exists and the caller is in it: 404 before 403, as ACS. */
  private threadFor(callerRawId: string, threadId: string): ThreadRecord {
    const thread = this.state.threads.get(threadId);
    if (!thread || thread.deletedOn !== undefined) throw notFound(`Thread ${threadId} not found.`);
    if (!thread.participants.has(callerRawId)) {
      throw forbidden("The initiator doesn't have the permission to perform the requested operation.");
    }
    return thread;
  }

  private visibleMessage(thread: ThreadRecord, callerRawId: string, messageId: string): MessageRecord {
    const sequenceId = thread.messageSequenceById.get(messageId);
    const message = sequenceId === undefined ? undefined : thread.messages[sequenceId - 1];
    const historyFrom = thread.participants.get(callerRawId)!.shareHistoryTime;
    if (!message || message.createdOn < historyFrom) throw notFound(`Message ${messageId} not found.`);
    return message;
  }

  private ownMessage(thread: ThreadRecord, callerRawId: string, messageId: string, options: { allowDeleted?: boolean } = {}): MessageRecord {
    const message = this.visibleMessage(thread, callerRawId, messageId);
    if (message.deletedOn !== undefined && !options.allowDeleted) throw notFound(`Message ${messageId} not found.`);
    if (message.senderRawId !== callerRawId) {
      throw forbidden("Only the sender of a message can edit or delete it.");
    }
    return message;
  }

  private append(thread: ThreadRecord, fields: Omit<MessageRecord, "id" | "sequenceId" | "version">): MessageRecord {
    const id = this.state.nextMessageId(fields.createdOn);
    const message: MessageRecord = { id, sequenceId: thread.messages.length + 1, version: id, ...fields };
    thread.messages.push(message);
    thread.messageSequenceById.set(id, message.sequenceId);
    thread.lastMessageReceivedOn = Math.max(thread.lastMessageReceivedOn, fields.createdOn);
    return message;
  }

  private appendSystemMessage(
    thread: ThreadRecord,
    fields: Pick<MessageRecord, "type" | "topic" | "participants" | "initiatorRawId">,
    now: number,
  ): void {
    this.append(thread, { ...fields, createdOn: now });
  }

  /** Splits requested participants into ACS users of this resource and the ones ACS refuses. */
  private resolveParticipants(requested: ParticipantInput[]) {
    const valid: ParticipantRecord[] = [];
    const invalid: ChatError[] = [];
    for (const [index, input] of requested.entries()) {
      const rawId = rawIdOf(input.communicationIdentifier);
      if (!rawId || !this.state.users.has(rawId)) {
        invalid.push({ code: "403", message: "Permissions check failed", target: rawId ?? `participants[${index}]` });
        continue;
      }
      checkMetadata(input.metadata, `participants[${index}].metadata`);
      // One user named twice in a request is one participant (the last entry's details win).
      const repeated = valid.findIndex((p) => p.rawId === rawId);
      if (repeated >= 0) valid.splice(repeated, 1);
      valid.push({
        rawId,
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        shareHistoryTime: input.shareHistoryTime ? Date.parse(input.shareHistoryTime) : 0,
        ...(input.metadata ? { metadata: input.metadata } : {}),
      });
    }
    return { valid, invalid };
  }
}

const changedOn = (message: MessageRecord): number =>
  Math.max(message.createdOn, message.editedOn ?? 0, message.deletedOn ?? 0);

/** The ACS user id an identifier names, when it names an ACS user. */
export function rawIdOf(identifier: IdentifierInput): string | undefined {
  const id = identifier.communicationUser?.id ?? identifier.rawId;
  if (identifier.communicationUser && identifier.rawId && identifier.rawId !== identifier.communicationUser.id) {
    throw badRequest("Identifier format is invalid: rawId and communicationUser.id differ.", "rawId");
  }
  return id?.startsWith("8:acs:") ? id : undefined;
}

function pageSizeOf(maxPageSize: number | undefined): number {
  if (maxPageSize === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1 || maxPageSize > ACS_LIMITS.maxPageSize) {
    throw badRequest(`maxPageSize must be an integer from 1 to ${ACS_LIMITS.maxPageSize}; got ${maxPageSize}.`, "maxPageSize");
  }
  return maxPageSize;
}

function skipPage<T>(items: T[], options: { maxPageSize?: number; skip?: number }): Page<T> {
  const pageSize = pageSizeOf(options.maxPageSize);
  const skip = options.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0) throw badRequest(`skip must be a non-negative integer; got ${skip}.`, "skip");
  return {
    value: items.slice(skip, skip + pageSize),
    ...(skip + pageSize < items.length ? { next: { skip: String(skip + pageSize) } } : {}),
  };
}

function checkMetadata(metadata: Record<string, string> | undefined, field: string): void {
  const size = metadataSize(metadata);
  if (size > ACS_LIMITS.metadataBytes) {
    throw badRequest(`${field} is ${size} bytes; the total size of all metadata pairs can be up to ${ACS_LIMITS.metadataBytes} bytes.`, field);
  }
}

function checkMessageSize(content: string, senderDisplayName: string | undefined, metadata: Record<string, string> | undefined): void {
  const size = utf8Length(content) + utf8Length(senderDisplayName ?? "") + metadataSize(metadata);
  if (size > ACS_LIMITS.messageSizeBytes) {
    throw badRequest(
      `The message is ${size} bytes; the maximum message size (content, display name and metadata) is ${ACS_LIMITS.messageSizeBytes} bytes.`,
      "content",
    );
  }
}

function checkRetention(policy: z.infer<typeof createThreadSchema>["retentionPolicy"]): void {
  if (policy?.kind !== "threadCreationDate") return;
  const { min, max } = ACS_LIMITS.retentionDays;
  if (policy.deleteThreadAfterDays < min || policy.deleteThreadAfterDays > max) {
    throw badRequest(
      `retentionPolicy.deleteThreadAfterDays must be from ${min} to ${max}; got ${policy.deleteThreadAfterDays}.`,
      "retentionPolicy.deleteThreadAfterDays",
    );
  }
}

function mergeMetadata(current: Record<string, string> | undefined, patch: Record<string, string | null>): Record<string, string> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
