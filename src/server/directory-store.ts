/**
 * Where the server kit keeps what ACS does not: which ACS user each Twilio identity is, users'
 * profiles, and which thread each unique name names. Writes that must be unique under
 * concurrency (a user per identity, a thread per unique name) are insert-if-absent: of two
 * concurrent writers, exactly one wins and both learn which.
 */
import type { UserProfile } from "../identity/identity-resolver.js";

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
  /** Claims a unique name for a thread unless it is taken; true when this call claimed it (or the thread already had it). */
  claimUniqueName(uniqueName: string, threadId: string): Promise<boolean>;
  /** Releases a unique name if it names this thread. */
  releaseUniqueName(uniqueName: string, threadId: string): Promise<void>;
}

/** The default store: in memory, for tests, demos and single-process servers. */
export class MemoryDirectoryStore implements DirectoryStore {
  private readonly users = new Map<string, string>();
  private readonly identities = new Map<string, string>();
  private readonly profiles = new Map<string, UserProfile>();
  private readonly names = new Map<string, string>();

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
    return this.names.get(uniqueName);
  }
  async claimUniqueName(uniqueName: string, threadId: string): Promise<boolean> {
    const holder = this.names.get(uniqueName);
    if (holder !== undefined) return holder === threadId;
    this.names.set(uniqueName, threadId);
    return true;
  }
  async releaseUniqueName(uniqueName: string, threadId: string): Promise<void> {
    if (this.names.get(uniqueName) === threadId) this.names.delete(uniqueName);
  }
}
