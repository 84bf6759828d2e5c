/**
 * Where the server kit keeps what ACS does not: which ACS user each Twilio identity is, users'
 * profiles, which thread each unique name names (and who claimed it), when each identity's tokens
 * were last revoked, and the uploads not yet known to be attached to a message. Writes that must be unique under
 * concurrency (a user per identity, a thread per unique name) are insert-if-absent: of two
 * concurrent writers, exactly one wins and both learn which.
 */
import type { UserProfile } from "../identity/identity-resolver.js";

/** A unique name's record. */
export interface UniqueNameClaim {
  uniqueName: string;
  threadId: string;
  /** The identity that claimed it; absent for claims stored before claimers were recorded. */
  claimedBy?: string;
}

/** Twilio's notification levels: "muted" conversations send their users no push notifications. */
export type NotificationLevelSetting = "default" | "muted";

/** An upload the kit has not yet seen attached to a message. */
export interface PendingUpload {
  /** The media store's id of the file. */
  id: string;
  /** The ACS user who uploaded it. */
  uploaderUserId: string;
  /** When, in ms since the epoch (the kit's clock). */
  uploadedAt: number;
}

/**
 * How far the import of one Twilio conversation got (`importFromTwilio`): written after each step,
 * so that a run that stops anywhere is continued, not repeated, by the next.
 */
export interface ImportCheckpoint {
  /** The Twilio conversation (`CH...`). */
  conversationSid: string;
  /** The ACS thread made for it, once made. */
  threadId?: string;
  /** The Twilio index of the last message known to be in ACS; absent before the first. */
  lastIndex?: number;
  /** Messages imported so far, and passed over (reported) so far. */
  imported: number;
  skipped: number;
  /** All its messages are in: the run that wrote this finished the conversation (receipts, leavers removed). */
  done: boolean;
  /** When the run that wrote this read the conversation from Twilio (ms since the epoch): `--since` passes compare with it. */
  readAt: number;
}

export interface DirectoryStore {
  /** The ACS user id of an identity, if one was stored. */
  userIdOf(identity: string): Promise<string | undefined>;
  /** The identity of an ACS user id, if one was stored. */
  identityOf(userId: string): Promise<string | undefined>;
  /**
   * Stores identity -> userId unless the identity already has a user; resolves to the user id
   * stored for the identity afterwards (the caller's, or the one that won).
   */
  putUserIfAbsent(identity: string, userId: string): Promise<string>;

  profileOf(identity: string): Promise<UserProfile | undefined>;
  putProfile(identity: string, profile: UserProfile): Promise<void>;

  /** The thread a unique name names, if any. */
  threadIdOf(uniqueName: string): Promise<string | undefined>;
  /** A unique name's record (thread and claimer), if it is claimed. */
  uniqueNameClaim(uniqueName: string): Promise<UniqueNameClaim | undefined>;
  /** Every unique name claimed for a thread. */
  uniqueNameClaimsOf(threadId: string): Promise<UniqueNameClaim[]>;
  /**
   * Claims a unique name for a thread unless it is taken, recording who claimed it; true when
   * this call claimed it (or the thread already had it).
   */
  claimUniqueName(uniqueName: string, threadId: string, claimedBy?: string): Promise<boolean>;
  /** Releases a unique name if it names this thread. */
  releaseUniqueName(uniqueName: string, threadId: string): Promise<void>;

  /** Tokens of this identity issued before this time (ms since the epoch) are revoked; undefined when never revoked. */
  tokensRevokedBefore(identity: string): Promise<number | undefined>;
  /** Revokes the identity's tokens issued before `time`; an earlier time than the one stored changes nothing. */
  revokeTokensBefore(identity: string, time: number): Promise<void>;

  /**
   * The conversations this identity muted (Twilio's notification level "muted"), by thread id.
   * Optional for stores written before notification levels: without it the kit answers 501 and
   * clients keep rejecting `setUserNotificationLevel` as unsupported.
   */
  mutedThreadsOf?(identity: string): Promise<string[]>;
  /** Mutes or unmutes one conversation for this identity; the other conversations' levels stay as they are. */
  putNotificationLevel?(identity: string, threadId: string, level: NotificationLevelSetting): Promise<void>;

  /** The checkpoint of a conversation's import from Twilio, if one was written. Optional: without it, the importer refuses to run. */
  importCheckpointOf?(conversationSid: string): Promise<ImportCheckpoint | undefined>;
  /** Replaces a conversation's import checkpoint. */
  putImportCheckpoint?(checkpoint: ImportCheckpoint): Promise<void>;

  /** Records an upload as pending (not yet seen in a message). */
  trackUpload(upload: PendingUpload): Promise<void>;
  /** Up to `limit` pending uploads made before `uploadedBefore`, in no particular order. */
  pendingUploads(uploadedBefore: number, limit: number): Promise<PendingUpload[]>;
  /** Forgets an upload (attached to a message, or deleted). */
  untrackUpload(id: string): Promise<void>;
}

/** The default store: in memory, for tests, demos and single-process servers. */
export class MemoryDirectoryStore implements DirectoryStore {
  private readonly users = new Map<string, string>();
  private readonly identities = new Map<string, string>();
  private readonly profiles = new Map<string, UserProfile>();
  private readonly names = new Map<string, UniqueNameClaim>();
  private readonly revocations = new Map<string, number>();
  private readonly uploads = new Map<string, PendingUpload>();
  private readonly muted = new Map<string, Set<string>>();
  private readonly checkpoints = new Map<string, ImportCheckpoint>();

  async userIdOf(identity: string): Promise<string | undefined> {
    return this.users.get(identity);
  }
  async identityOf(userId: string): Promise<string | undefined> {
    return this.identities.get(userId);
  }
  async putUserIfAbsent(identity: string, userId: string): Promise<string> {
    const existing = this.users.get(identity);
    if (existing) return existing;
    this.users.set(identity, userId);
    this.identities.set(userId, identity);
    return userId;
  }
  async profileOf(identity: string): Promise<UserProfile | undefined> {
    const profile = this.profiles.get(identity);
    return profile && structuredClone(profile);
  }
  async putProfile(identity: string, profile: UserProfile): Promise<void> {
    this.profiles.set(identity, structuredClone(profile));
  }
  async threadIdOf(uniqueName: string): Promise<string | undefined> {
    return this.names.get(uniqueName)?.threadId;
  }
  async uniqueNameClaim(uniqueName: string): Promise<UniqueNameClaim | undefined> {
    const claim = this.names.get(uniqueName);
    return claim && { ...claim };
  }
  async uniqueNameClaimsOf(threadId: string): Promise<UniqueNameClaim[]> {
    return [...this.names.values()].filter((claim) => claim.threadId === threadId).map((claim) => ({ ...claim }));
  }
  async claimUniqueName(uniqueName: string, threadId: string, claimedBy?: string): Promise<boolean> {
    const holder = this.names.get(uniqueName);
    if (holder !== undefined) return holder.threadId === threadId;
    this.names.set(uniqueName, { uniqueName, threadId, ...(claimedBy !== undefined ? { claimedBy } : {}) });
    return true;
  }
  async releaseUniqueName(uniqueName: string, threadId: string): Promise<void> {
    if (this.names.get(uniqueName)?.threadId === threadId) this.names.delete(uniqueName);
  }
  async tokensRevokedBefore(identity: string): Promise<number | undefined> {
    return this.revocations.get(identity);
  }
  async revokeTokensBefore(identity: string, time: number): Promise<void> {
    this.revocations.set(identity, Math.max(time, this.revocations.get(identity) ?? time));
  }
  async mutedThreadsOf(identity: string): Promise<string[]> {
    return [...(this.muted.get(identity) ?? [])];
  }
  async putNotificationLevel(identity: string, threadId: string, level: NotificationLevelSetting): Promise<void> {
    const muted = this.muted.get(identity) ?? new Set<string>();
    if (level === "muted") muted.add(threadId);
    else muted.delete(threadId);
    this.muted.set(identity, muted);
  }
  async importCheckpointOf(conversationSid: string): Promise<ImportCheckpoint | undefined> {
    const checkpoint = this.checkpoints.get(conversationSid);
    return checkpoint && { ...checkpoint };
  }
  async putImportCheckpoint(checkpoint: ImportCheckpoint): Promise<void> {
    this.checkpoints.set(checkpoint.conversationSid, { ...checkpoint });
  }
  async trackUpload(upload: PendingUpload): Promise<void> {
    this.uploads.set(upload.id, { ...upload });
  }
  async pendingUploads(uploadedBefore: number, limit: number): Promise<PendingUpload[]> {
    return [...this.uploads.values()].filter((upload) => upload.uploadedAt < uploadedBefore).slice(0, limit).map((upload) => ({ ...upload }));
  }
  async untrackUpload(id: string): Promise<void> {
    this.uploads.delete(id);
  }
}
