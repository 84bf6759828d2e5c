/**
 * Twilio apps name users by identity ("alice"); ACS names them `8:acs:...`. One resolver maps
 * between them: the client knows its own pair, learns the pairs carried in participant metadata,
 * and asks the app's resolver (the server kit's directory, later) for the rest.
 */
import type { JSONValue } from "../mapping/json.js";

export interface UserProfile {
  friendlyName: string | null;
  attributes: JSONValue;
}

export interface IdentityResolver {
  /** The ACS user id of a Twilio identity, creating the ACS user if the directory does that; undefined when unknown. */
  userIdOf(identity: string): Promise<string | undefined>;
  /** The Twilio identity of an ACS user id; undefined when unknown. */
  identityOf(userId: string): Promise<string | undefined>;
  /** The user's profile (friendlyName, attributes), where the directory keeps profiles. */
  getProfile?(identity: string): Promise<UserProfile | undefined>;
  /** Stores profile changes, where the directory keeps profiles. */
  updateProfile?(identity: string, changes: Partial<UserProfile>): Promise<UserProfile>;
}

/** The pairs this client knows, in memory, in front of the app's resolver. */
export class KnownIdentities implements IdentityResolver {
  readonly #userIds = new Map<string, string>();
  readonly #identities = new Map<string, string>();
  /** User ids whose identity came from a trusted source, which hints never overwrite. */
  readonly #trusted = new Set<string>();

  constructor(readonly fallback?: IdentityResolver) {}

  /** A pair from a trusted source: this client's session, the app's resolver, or the user id it just added. */
  remember(identity: string, userId: string): void {
    this.#userIds.set(identity, userId);
    this.#identities.set(userId, identity);
    this.#trusted.add(userId);
  }

  /**
   * A pair read from participant data, which whoever added the participant wrote. It names the
   * user (for `author`), but with a resolver it never decides whom an identity addresses, or a
   * participant named "alice" by a stranger would receive what is meant for alice.
   */
  hint(identity: string, userId: string): void {
    if (this.#trusted.has(userId)) return;
    this.#identities.set(userId, identity);
    if (!this.fallback && !this.#userIds.has(identity)) this.#userIds.set(identity, userId);
  }

  /** The identity, if this client already knows it: for synchronous getters such as `Message.author`. */
  knownIdentityOf(userId: string): string | undefined {
    return this.#identities.get(userId);
  }

  async userIdOf(identity: string): Promise<string | undefined> {
    const known = this.#userIds.get(identity);
    if (known) return known;
    const resolved = await this.fallback?.userIdOf(identity);
    if (resolved) this.remember(identity, resolved);
    return resolved;
  }

  async identityOf(userId: string): Promise<string | undefined> {
    const known = this.#identities.get(userId);
    if (known) return known;
    const resolved = await this.fallback?.identityOf(userId);
    if (resolved) this.remember(resolved, userId);
    return resolved;
  }
}
