/**
 * Brings conversations from Twilio to ACS through the server kit's pieces, so that the result is
 * what the library itself would have written: users from the kit's identity directory, a thread
 * per conversation with the kit's service user in it, topic, attributes and unique name (claimed
 * in the directory), participants with their attributes, each message sent as its author with
 * its attributes, files and original sid, index and times, read horizons as read receipts, and
 * profiles in the directory.
 *
 * ACS's limits set the pace (a thread takes 30 sends a minute): conversations are written in
 * parallel, each in order, through one rate budget that uses all of each limit (the importer is
 * alone in the threads it makes). A checkpoint per conversation in the directory store records
 * how far it got, so that a run stopped anywhere is continued, never repeated, by the next.
 */
import { createHash } from "node:crypto";
import { ChatClient, type ChatMessage, type ChatParticipant, type ChatThreadClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { ACS_LIMITS, metadataSize, utf8Length } from "../../acs/limits.js";
import { RateBudget } from "../../acs/rate-budget.js";
import { statusOf } from "../../errors.js";
import { encodeAttributes } from "../../mapping/attributes.js";
import { userIdOf as rawUserIdOf } from "../../mapping/identifier.js";
import { decodeImportedMessage, encodeImportedMessage, IMPORTED_THREAD_KEYS, type ImportedMessage } from "../../mapping/imported-message.js";
import type { JSONValue } from "../../mapping/json.js";
import { encodeMediaMetadata, type MediaDescriptor } from "../../mapping/media-metadata.js";
import { METADATA_KEYS } from "../../mapping/metadata-keys.js";
import { toAcsParticipant } from "../../mapping/participant.js";
import type { DirectoryStore, ImportCheckpoint } from "../../server/directory-store.js";
import { kitPiecesOf, type KitPieces, type ServerKit } from "../../server/server-kit.js";
import { importTimeAtLimits } from "./pace.js";
import { totalsOf, type ConversationReport, type ImportReport, type Omission } from "./report.js";
import type { TwilioConversationRecord, TwilioMessageRecord, TwilioParticipantRecord, TwilioSource } from "./twilio-records.js";

export interface ImportFromTwilioOptions {
  /** The server kit the app runs (or one made with the same options): its directory, users and media store. */
  kit: ServerKit;
  /** Where the history comes from (`TwilioRestSource` for Twilio's REST API). */
  source: TwilioSource;
  /** Only these conversations (sids or unique names); default: all of them. */
  conversations?: readonly string[];
  /**
   * The delta pass on cut-over day: conversations an earlier run finished are looked at again if
   * Twilio updated them at or after this time or they have messages after the last one imported
   * (one request each); without it, they are skipped. Conversations not finished are continued either way.
   */
  since?: Date;
  /** Conversations written at once (each in order); default 200: each uses little of ACS (30 sends a minute), and thread creations (one a second) set the pace. */
  concurrency?: number;
  /** ACS's limits, as for the client: `{ scale }` for a resource whose limits were raised, `false` for an emulator without limits. */
  rateLimits?: { scale: number } | false;
  /** Hears of each step (for a progress bar). */
  onProgress?: (progress: ImportProgress) => void;
  /** Stops the run between steps: what is done is recorded, and the next run continues it. */
  signal?: AbortSignal;
}

export interface ImportProgress {
  conversationsDone: number;
  conversationsTotal: number;
  messagesImported: number;
  /** Messages to write in the conversations read so far (grows as conversations are read). */
  messagesKnown: number;
}

export interface ImportPlan {
  conversations: number;
  participants: number;
  /** Non-chat participants (SMS, WhatsApp), which ACS Chat cannot hold. */
  nonChatParticipants: number;
  messages: number;
  media: number;
  mediaBytes: number;
  /** Conversations ACS cannot hold whole (too many participants). */
  tooLarge: string[];
  /** The least time ACS's limits allow for writing it all, at the run's concurrency. */
  timeAtLimitsMs: number;
}

const SERVICE_DISPLAY_NAME = "";
/** As long as any time the importer writes in ISO form. */
const ISO_SAMPLE = new Date(0).toISOString();
/** Whose name messages without an author carry on Twilio. */
const NO_AUTHOR = "system";

/** What `--plan` prints: Twilio read only, nothing written. */
export async function planImportFromTwilio(options: Pick<ImportFromTwilioOptions, "source" | "conversations" | "since" | "concurrency">): Promise<ImportPlan> {
  const plan: ImportPlan = { conversations: 0, participants: 0, nonChatParticipants: 0, messages: 0, media: 0, mediaBytes: 0, tooLarge: [], timeAtLimitsMs: 0 };
  const counts: number[] = [];
  for await (const conversation of conversationsOf(options.source, options)) {
    plan.conversations++;
    let chat = 0;
    for await (const participant of options.source.participants(conversation.sid)) {
      if (isChatParticipant(participant)) chat++;
      else plan.nonChatParticipants++;
    }
    plan.participants += chat;
    if (chat > MAX_IMPORTED_PARTICIPANTS) plan.tooLarge.push(conversation.sid);
    let messages = 0;
    for await (const message of options.source.messages(conversation.sid)) {
      messages++;
      for (const media of message.media ?? []) {
        plan.media++;
        plan.mediaBytes += media.size;
      }
    }
    plan.messages += messages;
    counts.push(messages);
  }
  plan.timeAtLimitsMs = importTimeAtLimits(counts, options.concurrency ?? DEFAULT_CONCURRENCY);
  return plan;
}

/** Conversations written at once by default: each uses little of ACS, and thread creations (one a second) set the pace. */
export const DEFAULT_CONCURRENCY = 200;

/** ACS's participants per thread, less the kit's service user. */
const MAX_IMPORTED_PARTICIPANTS = ACS_LIMITS.participantsPerThread - 1;

export async function importFromTwilio(options: ImportFromTwilioOptions): Promise<ImportReport> {
  const startedAt = new Date();
  const pieces = kitPiecesOf(options.kit);
  const store = pieces.store;
  if (!store.importCheckpointOf || !store.putImportCheckpoint) {
    throw new TypeError("kit: its directory store keeps no import checkpoints (importCheckpointOf/putImportCheckpoint); use MemoryDirectoryStore or TableDirectoryStore, or add them to yours.");
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number of at least 1, got ${String(options.concurrency)}`);
  const run = new ImportRun(options, pieces, store as CheckpointStore);
  const reports: ConversationReport[] = [];
  const queue: TwilioConversationRecord[] = [];
  // Every conversation, also with `since`: Twilio does not say that a new message moves a conversation's date_updated.
  for await (const conversation of conversationsOf(options.source, { conversations: options.conversations })) queue.push(conversation);
  // The report lists conversations in Twilio's order, whichever finished first.
  const order = new Map(queue.map((conversation, i) => [conversation.sid, i]));
  run.progress.conversationsTotal = queue.length;
  run.report();
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      reports.push(await run.conversation(next));
      run.progress.conversationsDone++;
      run.report();
    }
  });
  await Promise.all(workers);
  const users = await run.copyProfiles();
  reports.sort((a, b) => order.get(a.sid)! - order.get(b.sid)!);
  return { startedAt, finishedAt: new Date(), conversations: reports, users, totals: totalsOf(reports) };
}

type CheckpointStore = DirectoryStore & Required<Pick<DirectoryStore, "importCheckpointOf" | "putImportCheckpoint">>;

async function* conversationsOf(source: TwilioSource, options: { conversations?: readonly string[] | undefined; since?: Date | undefined }): AsyncIterable<TwilioConversationRecord> {
  if (options.conversations?.length) {
    for (const wanted of options.conversations) yield await source.conversation(wanted);
    return;
  }
  yield* source.conversations(options.since ? { since: options.since } : {});
}

const isChatParticipant = (participant: TwilioParticipantRecord): participant is TwilioParticipantRecord & { identity: string } =>
  participant.messagingBinding === null && typeof participant.identity === "string" && participant.identity.length > 0;

/** Twilio's attributes are JSON text; text that is not JSON is carried as a string value. */
function parseAttributes(text: string, item: string, omitted: Omission[]): JSONValue {
  try {
    return JSON.parse(text) as JSONValue;
  } catch {
    omitted.push({ item, reason: "Twilio's attributes are not JSON: kept as a string" });
    return text;
  }
}

/** Twilio's attributes as this library keeps them in ACS metadata ("{}" for none). */
const encodedAttributesOf = (text: string, item: string, omitted: Omission[]): string => encodeAttributes(parseAttributes(text, item, omitted), "attributes");

/** The same token for the same conversation, run after run: ACS answers a repeated creation with the thread it made. */
function idempotencyTokenOf(conversationSid: string): string {
  const hex = createHash("sha256").update(`twilio-conversations-acs import ${conversationSid}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

class ImportRun {
  readonly progress: ImportProgress = { conversationsDone: 0, conversationsTotal: 0, messagesImported: 0, messagesKnown: 0 };
  readonly #options: ImportFromTwilioOptions;
  readonly #pieces: KitPieces;
  readonly #store: CheckpointStore;
  readonly #budget: RateBudget;
  readonly #chats = new Map<string, Promise<{ chat: ChatClient; renewAt: number }>>();
  readonly #senders = new Map<string, Promise<{ chat: ChatClient; renewAt: number }>>();
  /** Identities whose profiles to copy at the end (each once per run). */
  readonly #identities = new Set<string>();

  constructor(options: ImportFromTwilioOptions, pieces: KitPieces, store: CheckpointStore) {
    this.#options = options;
    this.#pieces = pieces;
    this.#store = store;
    const scale = options.rateLimits === false ? Number.POSITIVE_INFINITY : (options.rateLimits?.scale ?? 1);
    this.#budget = new RateBudget("", Date.now, scale, { foreground: 1, background: 1 });
  }

  report(): void {
    this.#options.onProgress?.({ ...this.progress });
  }

  #checkAborted(): void {
    if (this.#options.signal?.aborted) throw new ImportStopped();
  }

  /**
   * A chat client acting as one ACS user, its requests in the run's budget; renewed before its
   * token ends. `forSends`: one that never retries, since ACS has no idempotent send and a retry
   * after a lost answer would send the message twice (sends are retried here, after a check).
   */
  async #chatOf(userId: string, forSends = false): Promise<ChatClient> {
    const clients = forSends ? this.#senders : this.#chats;
    const cached = clients.get(userId);
    if (cached) {
      const { chat, renewAt } = await cached;
      if (Date.now() < renewAt) return chat;
    }
    const made = (async () => {
      const { token, expiresOn } = await this.#pieces.acsTokenFor(userId);
      const options = this.#pieces.acsClientOptions ?? {};
      const chat = new ChatClient(this.#pieces.endpoint, new AzureCommunicationTokenCredential(token), {
        ...options,
        ...(forSends ? { retryOptions: { maxRetries: 0 } } : {}),
        additionalPolicies: [...(options.additionalPolicies ?? []), { policy: this.#budget.policy(userId), position: "perRetry" }],
      });
      return { chat, renewAt: expiresOn.getTime() - 10 * 60_000 };
    })();
    clients.set(userId, made);
    made.catch(() => clients.delete(userId));
    return (await made).chat;
  }

  async #threadOf(userId: string, threadId: string): Promise<ChatThreadClient> {
    return (await this.#chatOf(userId)).getChatThreadClient(threadId);
  }

  async conversation(conversation: TwilioConversationRecord): Promise<ConversationReport> {
    const report: ConversationReport = {
      sid: conversation.sid,
      friendlyName: conversation.friendlyName,
      uniqueName: conversation.uniqueName,
      outcome: "imported",
      messagesImported: 0,
      messagesInAcs: 0,
      participantsImported: 0,
      receiptsWritten: 0,
      mediaImported: 0,
      omitted: [],
    };
    try {
      await this.#importConversation(conversation, report);
    } catch (error) {
      report.outcome = "failed";
      report.reason = error instanceof ImportStopped ? "stopped before it finished" : describe(error);
    }
    return report;
  }

  async #importConversation(conversation: TwilioConversationRecord, report: ConversationReport): Promise<void> {
    const readAt = Date.now();
    const earlier = await this.#store.importCheckpointOf(conversation.sid);
    const finishedBefore = earlier?.done === true;
    if (earlier?.done) {
      const skip = (reason: string): void => void Object.assign(report, { outcome: "skipped", reason, threadId: earlier.threadId, messagesInAcs: earlier.imported });
      const since = this.#options.since;
      if (!since) return skip("imported by an earlier run (use --since for what changed after it)");
      // A delta pass: a conversation changed since (Twilio's date_updated), or with a message after the last one imported.
      const newest = await this.#options.source.newestMessageIndex(conversation.sid);
      if (conversation.dateUpdated < since && (newest === undefined || newest <= (earlier.lastIndex ?? -1))) return skip(`nothing new since ${since.toISOString()}`);
    }
    this.#checkAborted();
    const participants: Array<TwilioParticipantRecord & { identity: string }> = [];
    for await (const participant of this.#options.source.participants(conversation.sid)) {
      if (isChatParticipant(participant)) participants.push(participant);
      else report.omitted.push({ item: `participant ${participant.sid}`, reason: "not a chat participant (SMS, WhatsApp or another messaging binding): ACS Chat has no such participants" });
    }
    if (participants.length > MAX_IMPORTED_PARTICIPANTS) {
      Object.assign(report, { outcome: "skipped", reason: `${participants.length} chat participants: an ACS thread holds at most ${ACS_LIMITS.participantsPerThread}, the server kit's user included` });
      return;
    }
    const serviceUserId = await this.#pieces.serviceUserId();
    const members = new Map<string, { identity: string; attributes: JSONValue; record: TwilioParticipantRecord }>();
    for (const participant of participants) {
      const userId = await this.#pieces.userIdOf(participant.identity);
      members.set(userId, { identity: participant.identity, attributes: parseAttributes(participant.attributes, `participant ${participant.sid} attributes`, report.omitted), record: participant });
      this.#identities.add(participant.identity);
    }
    const checkpoint: ImportCheckpoint = earlier ?? { conversationSid: conversation.sid, imported: 0, skipped: 0, done: false, readAt };
    checkpoint.readAt = readAt;
    checkpoint.done = false;
    const threadId = checkpoint.threadId ?? (await this.#createThread(conversation, serviceUserId, members, report));
    report.threadId = threadId;
    if (!checkpoint.threadId) {
      checkpoint.threadId = threadId;
      await this.#store.putImportCheckpoint(checkpoint);
    }
    if (finishedBefore) await this.#refreshProperties(conversation, serviceUserId, threadId, report);
    const inThread = await this.#participantsOf(serviceUserId, threadId);
    // A delta pass (or a resumed run) adds who joined since.
    const joined = [...members].filter(([userId]) => !inThread.has(userId));
    if (joined.length > 0) await this.#add(serviceUserId, threadId, joined.map(([userId, m]) => this.#acsParticipant(userId, m.identity, m.attributes, report)), inThread);
    report.participantsImported = members.size;

    await this.#messages(conversation, checkpoint, serviceUserId, inThread, report);
    await this.#finish(serviceUserId, threadId, members, inThread, report);
    checkpoint.done = true;
    await this.#store.putImportCheckpoint(checkpoint);
    report.messagesInAcs = checkpoint.imported;
  }

  /** A delta pass: the friendly name and attributes as Twilio has them now (each written only if it changed: a topic change is an ACS system message). */
  async #refreshProperties(conversation: TwilioConversationRecord, serviceUserId: string, threadId: string, report: ConversationReport): Promise<void> {
    const thread = await this.#threadOf(serviceUserId, threadId);
    const current = await thread.getProperties();
    const topic = conversation.friendlyName ?? "";
    const attributes = encodedAttributesOf(conversation.attributes, "conversation attributes", report.omitted);
    const changes: { topic?: string; metadata?: Record<string, string> } = {};
    if ((current.topic ?? "") !== topic) changes.topic = topic;
    if ((current.metadata?.[METADATA_KEYS.attributes] ?? "{}") !== attributes) {
      const metadata = { ...current.metadata, [METADATA_KEYS.attributes]: attributes };
      if (metadataSize(metadata) <= ACS_LIMITS.metadataBytes) changes.metadata = { [METADATA_KEYS.attributes]: attributes };
      else report.omitted.push({ item: "conversation attributes", reason: `larger than ACS's ${ACS_LIMITS.metadataBytes} bytes of thread metadata, with the rest of it` });
    }
    if (changes.topic !== undefined || changes.metadata) await thread.updateProperties(changes);
  }

  #acsParticipant(userId: string, identity: string, attributes: JSONValue, report: ConversationReport): ChatParticipant {
    const withAttributes = toAcsParticipant(userId, identity, attributes);
    if (metadataSize(withAttributes.metadata) <= ACS_LIMITS.metadataBytes) return withAttributes;
    report.omitted.push({ item: `attributes of participant ${identity}`, reason: `larger than ACS's ${ACS_LIMITS.metadataBytes} bytes of participant metadata` });
    return toAcsParticipant(userId, identity, undefined);
  }

  async #createThread(
    conversation: TwilioConversationRecord,
    serviceUserId: string,
    members: Map<string, { identity: string; attributes: JSONValue }>,
    report: ConversationReport,
  ): Promise<string> {
    const metadata: Record<string, string> = { [IMPORTED_THREAD_KEYS.dateCreated]: conversation.dateCreated.toISOString() };
    const attributes = encodedAttributesOf(conversation.attributes, "conversation attributes", report.omitted);
    if (attributes !== "{}") metadata[METADATA_KEYS.attributes] = attributes;
    let uniqueName = conversation.uniqueName;
    if (uniqueName) {
      const claim = await this.#store.uniqueNameClaim(uniqueName);
      if (claim) {
        report.omitted.push({ item: "unique name", reason: `'${uniqueName}' names another conversation in the directory (thread ${claim.threadId})` });
        uniqueName = null;
      } else {
        metadata[METADATA_KEYS.uniqueName] = uniqueName;
      }
    }
    // Room for what the finish writes: the last message's time, and up to when the thread's activity is the import's.
    const finishing = { [IMPORTED_THREAD_KEYS.lastMessageOn]: ISO_SAMPLE, [IMPORTED_THREAD_KEYS.importedUpTo]: ISO_SAMPLE };
    if (metadataSize({ ...metadata, ...finishing }) > ACS_LIMITS.metadataBytes) {
      delete metadata[METADATA_KEYS.attributes];
      report.omitted.push({ item: "conversation attributes", reason: `larger than ACS's ${ACS_LIMITS.metadataBytes} bytes of thread metadata, with the unique name` });
    }
    const all = [...members].map(([userId, m]) => this.#acsParticipant(userId, m.identity, m.attributes, report));
    const first = all.slice(0, ACS_LIMITS.participantsPerRequest - 1);
    const chat = await this.#chatOf(serviceUserId);
    const created = await chat.createChatThread(
      { topic: conversation.friendlyName ?? "" },
      {
        participants: [{ id: { communicationUserId: serviceUserId }, displayName: SERVICE_DISPLAY_NAME, metadata: {} }, ...first],
        ...(Object.keys(metadata).length ? { metadata } : {}),
        idempotencyToken: idempotencyTokenOf(conversation.sid),
      },
    );
    const threadId = created.chatThread?.id;
    if (!threadId) throw new Error(`ACS created no thread: ${created.invalidParticipants?.[0]?.message ?? "no reason given"}`);
    if (uniqueName && !(await this.#store.claimUniqueName(uniqueName, threadId))) {
      report.omitted.push({ item: "unique name", reason: `'${uniqueName}' was claimed by another conversation meanwhile` });
    }
    return threadId;
  }

  async #participantsOf(serviceUserId: string, threadId: string): Promise<Set<string>> {
    const thread = await this.#threadOf(serviceUserId, threadId);
    const ids = new Set<string>();
    for await (const participant of thread.listParticipants({ maxPageSize: ACS_LIMITS.maxPageSize })) {
      const id = rawUserIdOf(participant.id);
      if (id) ids.add(id);
    }
    return ids;
  }

  async #add(serviceUserId: string, threadId: string, participants: ChatParticipant[], inThread: Set<string>): Promise<void> {
    const thread = await this.#threadOf(serviceUserId, threadId);
    for (let i = 0; i < participants.length; i += ACS_LIMITS.participantsPerRequest) {
      const batch = participants.slice(i, i + ACS_LIMITS.participantsPerRequest);
      const result = await thread.addParticipants({ participants: batch });
      if (result.invalidParticipants?.length) throw new Error(`ACS refused a participant: ${result.invalidParticipants[0]!.message}`);
      for (const participant of batch) inThread.add(rawUserIdOf(participant.id)!);
    }
  }

  async #messages(conversation: TwilioConversationRecord, checkpoint: ImportCheckpoint, serviceUserId: string, inThread: Set<string>, report: ConversationReport): Promise<void> {
    const threadId = checkpoint.threadId!;
    // A run that stopped between a send and its checkpoint: the thread's newest messages say what went.
    const sentLast = Math.max(-1, ...(await this.#newestImported(serviceUserId, threadId)).map((imported) => imported.index));
    if (sentLast > (checkpoint.lastIndex ?? -1)) {
      checkpoint.imported += 1;
      checkpoint.lastIndex = sentLast;
      await this.#store.putImportCheckpoint(checkpoint);
    }
    const after = checkpoint.lastIndex ?? -1;
    for await (const message of this.#options.source.messages(conversation.sid)) {
      if (message.index <= after) continue;
      this.progress.messagesKnown++;
      this.#checkAborted();
      const sent = await this.#message(conversation, message, threadId, serviceUserId, inThread, report);
      if (sent) {
        checkpoint.imported++;
        report.messagesImported++;
        this.progress.messagesImported++;
      } else {
        checkpoint.skipped++;
      }
      checkpoint.lastIndex = message.index;
      await this.#store.putImportCheckpoint(checkpoint);
      this.report();
    }
  }

  /** The thread's newest messages, newest first: what went last, whatever the checkpoint says. */
  async #newestMessages(serviceUserId: string, threadId: string): Promise<ChatMessage[]> {
    const page = await (await this.#threadOf(serviceUserId, threadId)).listMessages({ maxPageSize: 20 }).byPage().next();
    return page.done ? [] : page.value;
  }

  /** What the thread's newest messages say of their Twilio originals, newest first. */
  async #newestImported(serviceUserId: string, threadId: string): Promise<ImportedMessage[]> {
    return (await this.#newestMessages(serviceUserId, threadId)).flatMap((message) => decodeImportedMessage(message.metadata) ?? []);
  }

  /** Sends one message as its author; false when it was left out (reported). */
  async #message(conversation: TwilioConversationRecord, message: TwilioMessageRecord, threadId: string, serviceUserId: string, inThread: Set<string>, report: ConversationReport): Promise<boolean> {
    const item = `message ${message.sid} (index ${message.index})`;
    const author = message.author ?? NO_AUTHOR;
    const authorId = await this.#pieces.userIdOf(author);
    this.#identities.add(author);
    // Authors who left (or wrote over SMS) join for their messages; the finish removes them again.
    if (!inThread.has(authorId)) await this.#add(serviceUserId, threadId, [toAcsParticipant(authorId, author, undefined)], inThread);
    const body = message.body ?? "";
    const base: Record<string, string> = {
      ...encodeImportedMessage({ sid: message.sid, index: message.index, dateCreated: message.dateCreated, dateUpdated: message.dateUpdated }),
    };
    const attributes = encodedAttributesOf(message.attributes, `${item} attributes`, report.omitted);
    if (attributes !== "{}") base[METADATA_KEYS.attributes] = attributes;
    const sizeOf = (metadata: Record<string, string>) => utf8Length(body) + utf8Length(author) + metadataSize(metadata);
    if (sizeOf(base) > ACS_LIMITS.messageSizeBytes) {
      report.omitted.push({ item, reason: `${sizeOf(base)} bytes of body and attributes: more than ACS's ${ACS_LIMITS.messageSizeBytes} bytes per message` });
      return false;
    }
    const media = await this.#media(conversation, message, authorId, report);
    const metadata = { ...base, ...encodeMediaMetadata(media) };
    if (sizeOf(metadata) > ACS_LIMITS.messageSizeBytes) {
      await this.#discard(media);
      report.omitted.push({ item, reason: `${sizeOf(metadata)} bytes with the descriptions of its ${media.length} file(s): more than ACS's ${ACS_LIMITS.messageSizeBytes} bytes per message` });
      return false;
    }
    try {
      await this.#sendOnce(authorId, serviceUserId, threadId, message.sid, body, author, metadata);
    } catch (error) {
      // Refused (not sent): the files are nobody's. Unanswered: the next run looks for the message, and keeps them if it went.
      const status = statusOf(error);
      if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) await this.#discard(media);
      throw error;
    }
    report.mediaImported += media.length;
    return true;
  }

  /**
   * Sends a message once: after a failure that may have happened after ACS took it (no answer, or
   * a 5xx), the thread's newest messages are read first, and the send is retried only when the
   * message is not among them.
   */
  async #sendOnce(authorId: string, serviceUserId: string, threadId: string, twilioSid: string, content: string, senderDisplayName: string, metadata: Record<string, string>): Promise<void> {
    const thread = (await this.#chatOf(authorId, true)).getChatThreadClient(threadId);
    for (let attempt = 1; ; attempt++) {
      try {
        await thread.sendMessage({ content }, { senderDisplayName, metadata });
        return;
      } catch (error) {
        const status = statusOf(error);
        const refused = status !== undefined && status < 500 && status !== 408 && status !== 429;
        if (refused || attempt >= SEND_ATTEMPTS) throw error;
        await sleep(Math.min(30_000, retryAfterOf(error) ?? 500 * 2 ** attempt));
        if (status !== 429 && (await this.#newestImported(serviceUserId, threadId)).some((imported) => imported.sid === twilioSid)) return;
      }
    }
  }

  /** Copies a message's files to the media store, as its author's uploads. */
  async #media(conversation: TwilioConversationRecord, message: TwilioMessageRecord, authorId: string, report: ConversationReport): Promise<MediaDescriptor[]> {
    const records = message.media ?? [];
    if (records.length === 0) return [];
    const store = this.#pieces.mediaStore;
    if (!store) throw new Error(`message ${message.sid} has files, and the server kit has no media store (mediaStore) to copy them to`);
    const stored: MediaDescriptor[] = [];
    try {
      for (const record of records) {
        let content;
        try {
          content = await this.#options.source.mediaContent(conversation.chatServiceSid, record);
        } catch (error) {
          // Gone at Twilio: nothing a re-run could fetch. Anything else stops the conversation here, to be continued.
          if ((error as { status?: number }).status === 404) {
            report.omitted.push({ item: `media ${record.sid} of message ${message.sid}`, reason: "Twilio no longer has the file (404)" });
            continue;
          }
          throw error;
        }
        const upload = await store.upload({ filename: record.filename, contentType: record.contentType || content.contentType, data: content.bytes });
        stored.push({
          sid: this.#pieces.mediaIdFor(upload.id, authorId),
          filename: record.filename,
          contentType: record.contentType || content.contentType,
          size: upload.size,
          category: record.category === "body" || record.category === "history" ? record.category : "media",
          url: upload.url,
          inStore: true,
        });
        // As the kit's own uploads: its upload sweep deletes the file if no message of its author ever carries it
        // (a run that stopped after the upload, where the next run uploads it again).
        await this.#pieces.store.trackUpload({ id: upload.id, uploaderUserId: authorId, uploadedAt: Date.now() });
      }
    } catch (error) {
      await this.#discard(stored);
      throw error;
    }
    return stored;
  }

  /** Deletes files copied for a message that will not carry them, and forgets them as uploads. */
  async #discard(media: MediaDescriptor[]): Promise<void> {
    const store = this.#pieces.mediaStore;
    await Promise.allSettled(
      media.map(async (m) => {
        // The kit's media id is `<store id>.<uploader's signature>`.
        const storeId = m.sid.slice(0, m.sid.lastIndexOf("."));
        await store?.delete(storeId);
        await this.#pieces.store.untrackUpload(storeId);
      }),
    );
  }

  /** Read horizons as receipts (where ACS keeps receipts), then those who joined only for their messages leave. */
  async #finish(
    serviceUserId: string,
    threadId: string,
    members: Map<string, { identity: string; record: TwilioParticipantRecord }>,
    inThread: Set<string>,
    report: ConversationReport,
  ): Promise<void> {
    const horizons = [...members].filter(([, m]) => m.record.lastReadMessageIndex !== null);
    if (horizons.length > 0 && members.size + 1 > ACS_LIMITS.receiptsAndTypingMaxParticipants) {
      report.omitted.push({ item: "read horizons", reason: `ACS keeps read receipts only in threads of at most ${ACS_LIMITS.receiptsAndTypingMaxParticipants} participants` });
    } else if (horizons.length > 0) {
      const byIndex = await this.#importedIds(serviceUserId, threadId);
      const indexes = [...byIndex.keys()].sort((a, b) => a - b);
      for (const [userId, member] of horizons) {
        const horizon = member.record.lastReadMessageIndex!;
        // The newest imported message at or below the horizon (one left out has no ACS id).
        const index = indexes.filter((i) => i <= horizon).pop();
        if (index === undefined) continue;
        await (await this.#threadOf(userId, threadId)).sendReadReceipt({ chatMessageId: byIndex.get(index)! });
        report.receiptsWritten++;
      }
    }
    const service = await this.#threadOf(serviceUserId, threadId);
    for (const userId of inThread) {
      if (userId === serviceUserId || members.has(userId)) continue;
      await service.removeParticipant({ communicationUserId: userId });
      inThread.delete(userId);
    }
    // The thread's last activity is the import's own: clients show the last message's Twilio time until something newer comes.
    const messages = await this.#newestMessages(serviceUserId, threadId);
    const lastImported = messages.map((message) => decodeImportedMessage(message.metadata)).find((imported) => imported !== undefined);
    if (lastImported && messages[0]) {
      await service.updateProperties({
        metadata: { [IMPORTED_THREAD_KEYS.lastMessageOn]: lastImported.dateCreated.toISOString(), [IMPORTED_THREAD_KEYS.importedUpTo]: messages[0].createdOn.toISOString() },
      });
    }
  }

  /** ACS message ids by Twilio index, from the thread itself (so a resumed run knows what earlier runs sent). */
  async #importedIds(serviceUserId: string, threadId: string): Promise<Map<number, string>> {
    const thread = await this.#threadOf(serviceUserId, threadId);
    const ids = new Map<number, string>();
    for await (const message of thread.listMessages({ maxPageSize: ACS_LIMITS.maxPageSize })) {
      const imported = decodeImportedMessage(message.metadata);
      if (imported && !message.deletedOn) ids.set(imported.index, message.id);
    }
    return ids;
  }

  /** Users' friendly names and attributes, to the directory's profiles (of every identity this run met). */
  async copyProfiles(): Promise<ImportReport["users"]> {
    const users: ImportReport["users"] = { copied: 0, omitted: [] };
    for (const identity of this.#identities) {
      if (this.#options.signal?.aborted) {
        users.omitted.push({ item: `profile of ${identity}`, reason: "stopped before it was copied" });
        continue;
      }
      try {
        const user = await this.#options.source.user(identity);
        // No Twilio User (a phone number, "system", or never made): nothing to copy.
        if (!user) continue;
        await this.#pieces.store.putProfile(identity, { friendlyName: user.friendlyName, attributes: parseAttributes(user.attributes, `attributes of user ${identity}`, users.omitted) });
        users.copied++;
      } catch (error) {
        users.omitted.push({ item: `profile of ${identity}`, reason: describe(error) });
      }
    }
    return users;
  }
}

/** Tries of one send (a 429 or a failure that may have lost ACS's answer is tried again, after a check). */
const SEND_ATTEMPTS = 6;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds of a 429's retry-after, in ms. */
function retryAfterOf(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
  const value = Number(headers?.get?.("retry-after"));
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

class ImportStopped extends Error {
  constructor() {
    super("The import was stopped.");
    this.name = "ImportStopped";
  }
}

function describe(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return status !== undefined ? `${message} (HTTP ${status})` : message;
}
