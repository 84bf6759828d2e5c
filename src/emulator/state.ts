/**
 * The emulator's data: identities, threads, messages, participants and read receipts, with the
 * indexes the request handlers need, and the snapshot form that `--data` persists.
 * Times are epoch milliseconds here; the wire layer turns them into ISO strings.
 */
export type ChatMessageType = "text" | "html" | "topicUpdated" | "participantAdded" | "participantRemoved";

export interface UserRecord {
  id: string;
  createdOn: number;
  /** Bumped by revokeAccessTokens: a token is valid only while it carries the current generation. */
  tokenGeneration: number;
}

export interface ParticipantRecord {
  rawId: string;
  displayName?: string;
  shareHistoryTime: number;
  metadata?: Record<string, string>;
}

export interface MessageRecord {
  id: string;
  type: ChatMessageType;
  sequenceId: number;
  version: string;
  createdOn: number;
  senderRawId?: string;
  senderDisplayName?: string;
  message?: string;
  topic?: string;
  participants?: ParticipantRecord[];
  initiatorRawId?: string;
  metadata?: Record<string, string>;
  editedOn?: number;
  deletedOn?: number;
}

export interface ReadReceiptRecord {
  senderRawId: string;
  chatMessageId: string;
  readOn: number;
}

export type RetentionPolicy = { kind: "none" } | { kind: "threadCreationDate"; deleteThreadAfterDays: number };

export interface ThreadRecord {
  id: string;
  topic: string;
  createdOn: number;
  createdByRawId: string;
  metadata?: Record<string, string>;
  retentionPolicy?: RetentionPolicy;
  deletedOn?: number;
  lastMessageReceivedOn: number;
  /** Insertion order is join order, which participant listing and `skip` rely on. */
  participants: Map<string, ParticipantRecord>;
  /** `messages[i].sequenceId === i + 1`: nothing is ever removed, deleted messages keep `deletedOn`. */
  messages: MessageRecord[];
  messageSequenceById: Map<string, number>;
  /** The latest receipt of each participant, in the order they were first sent. */
  readReceipts: Map<string, ReadReceiptRecord>;
}

export interface CreateThreadResult {
  chatThread: { id: string };
  invalidParticipants?: Array<{ code: string; message: string; target: string }>;
}

export interface CreateRequestRecord {
  threadId: string;
  callerRawId: string;
  /** The answer first given, replayed for a repeated `repeatability-request-id`. */
  body: CreateThreadResult;
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

export class EmulatorState {
  readonly users = new Map<string, UserRecord>();
  readonly threads = new Map<string, ThreadRecord>();
  /** `repeatability-request-id` of createChatThread -> the answer first given. */
  readonly createRequests = new Map<string, CreateRequestRecord>();
  private lastIssuedId = 0;

  constructor(
    readonly resourceId: string,
    readonly accessKey: string,
    readonly tokenSigningKey: string,
    /** Kept so that clients trusting the certificate keep working across restarts. */
    public tls?: TlsMaterial,
  ) {}

  /**
   * Message ids and versions are epoch-millisecond strings in ACS. They must also be unique,
   * so two in the same millisecond take the next free number.
   */
  nextMessageId(now: number): string {
    this.lastIssuedId = Math.max(now, this.lastIssuedId + 1);
    return String(this.lastIssuedId);
  }

  toSnapshot(): EmulatorSnapshot {
    return {
      formatVersion: 1,
      resourceId: this.resourceId,
      accessKey: this.accessKey,
      tokenSigningKey: this.tokenSigningKey,
      tls: this.tls,
      lastIssuedId: this.lastIssuedId,
      users: [...this.users.values()],
      threads: [...this.threads.values()].map((thread) => ({
        id: thread.id,
        topic: thread.topic,
        createdOn: thread.createdOn,
        createdByRawId: thread.createdByRawId,
        metadata: thread.metadata,
        retentionPolicy: thread.retentionPolicy,
        deletedOn: thread.deletedOn,
        lastMessageReceivedOn: thread.lastMessageReceivedOn,
        participants: [...thread.participants.values()],
        messages: thread.messages,
        readReceipts: [...thread.readReceipts.values()],
      })),
      createRequests: [...this.createRequests.entries()].map(([requestId, record]) => ({ requestId, ...record })),
    };
  }

  static fromSnapshot(snapshot: EmulatorSnapshot): EmulatorState {
    const state = new EmulatorState(snapshot.resourceId, snapshot.accessKey, snapshot.tokenSigningKey, snapshot.tls);
    state.lastIssuedId = snapshot.lastIssuedId;
    for (const user of snapshot.users) state.users.set(user.id, user);
    for (const saved of snapshot.threads) {
      state.threads.set(saved.id, {
        ...saved,
        participants: new Map(saved.participants.map((p) => [p.rawId, p])),
        messages: saved.messages,
        messageSequenceById: new Map(saved.messages.map((m) => [m.id, m.sequenceId])),
        readReceipts: new Map(saved.readReceipts.map((r) => [r.senderRawId, r])),
      });
    }
    for (const { requestId, ...record } of snapshot.createRequests) state.createRequests.set(requestId, record);
    return state;
  }
}

export interface EmulatorSnapshot {
  formatVersion: 1;
  resourceId: string;
  accessKey: string;
  tokenSigningKey: string;
  tls?: TlsMaterial;
  lastIssuedId: number;
  users: UserRecord[];
  threads: Array<
    Omit<ThreadRecord, "participants" | "messageSequenceById" | "readReceipts"> & {
      participants: ParticipantRecord[];
      readReceipts: ReadReceiptRecord[];
    }
  >;
  createRequests: Array<CreateRequestRecord & { requestId: string }>;
}
