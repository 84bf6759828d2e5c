/**
 * Twilio apps name users by identity ("alice"); ACS names them `8:acs:...`. One resolver maps
 * between them: the client knows its own pair and asks the app's resolver (the server kit's
 * directory) for the rest. What participants write into ACS (display names, metadata) is never
 * taken for an identity: any participant can write anything there.
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
  /** The identities of many ACS user ids in one call, where the resolver can batch; unknown ids are left out. */
  identitiesOf?(userIds: string[]): Promise<Map<string, string>>;
  /** The user's profile (friendlyName, attributes), where the directory keeps profiles. */
  getProfile?(identity: string): Promise<UserProfile | undefined>;
  /** Stores profile changes, where the directory keeps profiles. */
  updateProfile?(identity: string, changes: Partial<UserProfile>): Promise<UserProfile>;
}

/** How long an id the resolver did not know stays unknown before it is asked again. */
const UNKNOWN_FOR_MS = 5 * 60_000;
/** How long an id stays unknown after the resolver failed to answer. */
const FAILED_FOR_MS = 10_000;

/**
 * The pairs this client knows, in memory, in front of the app's resolver. Synchronous getters
 * (`Message.author`, `Participant.identity`) read it; the data paths call `resolveAll` with the
 * user ids they are about to show, so each id costs at most one lookup (shared by concurrent
 * callers, batched where the resolver can). Without a resolver, and for ids the resolver does not
 * know, a user's identity is its ACS user id: an id cannot be forged, a display name can.
 */
export class KnownIdentities {
  readonly #userIds = new Map<string, string>();
  readonly #identities = new Map<string, string>();
  /** Ids the resolver did not know (or failed on), until when. */
  readonly #unknownUntil = new Map<string, number>();
  readonly #pending = new Map<string, Promise<void>>();

  readonly #now: () => number;

  constructor(
    readonly resolver?: IdentityResolver,
    now: () => number = Date.now,
  ) {
    this.#now = now;
  }

  /** A pair from a trusted source: this client's session, the app's resolver, or the user id it resolved to add. */
  remember(identity: string, userId: string): void {
    this.#userIds.set(identity, userId);
    this.#identities.set(userId, identity);
    this.#unknownUntil.delete(userId);
  }

  /** The identity of a user id: the trusted one when known, else the ACS user id itself. */
  identityOf(userId: string): string {
    return this.#identities.get(userId) ?? userId;
  }

  /** The identity, if this client knows it from a trusted source. */
  knownIdentityOf(userId: string): string | undefined {
    return this.#identities.get(userId);
  }

  /**
   * Learns the identities of these user ids from the resolver, once each. Never rejects: an id
   * that cannot be resolved shows as itself.
   */
  async resolveAll(userIds: Iterable<string | null | undefined>): Promise<void> {
    const resolver = this.resolver;
    if (!resolver) return;
    const now = this.#now();
    const waits: Array<Promise<void>> = [];
    const missing: string[] = [];
    for (const userId of new Set(userIds)) {
      if (!userId || this.#identities.has(userId) || (this.#unknownUntil.get(userId) ?? 0) > now) continue;
      const pending = this.#pending.get(userId);
      if (pending) waits.push(pending);
      else missing.push(userId);
    }
    if (missing.length > 0) {
      const lookup = this.#lookup(resolver, missing);
      for (const userId of missing) this.#pending.set(userId, lookup);
      void lookup.finally(() => missing.forEach((userId) => this.#pending.get(userId) === lookup && this.#pending.delete(userId)));
      waits.push(lookup);
    }
    await Promise.all(waits);
  }

  async #lookup(resolver: IdentityResolver, userIds: string[]): Promise<void> {
    let found: Map<string, string>;
    try {
      found = resolver.identitiesOf
        ? await resolver.identitiesOf(userIds)
        : new Map(
            (await Promise.all(userIds.map(async (userId) => [userId, await resolver.identityOf(userId)] as const))).filter(
              (pair): pair is readonly [string, string] => typeof pair[1] === "string",
            ),
          );
    } catch {
      for (const userId of userIds) this.#unknownUntil.set(userId, this.#now() + FAILED_FOR_MS);
      return;
    }
    for (const userId of userIds) {
      const identity = found.get(userId);
      // A resolver answer that is not a non-empty string is no identity.
      if (typeof identity === "string" && identity) this.remember(identity, userId);
      else this.#unknownUntil.set(userId, this.#now() + UNKNOWN_FOR_MS);
    }
  }

  /**
   * The ACS user id of an identity. An identity that is an ACS user id (`8:...`, how unknown users
   * show) addresses that user: it is never sent to the resolver, which could create a user by that name.
   */
  async userIdOf(identity: string): Promise<string | undefined> {
    if (isAcsUserId(identity)) return identity;
    const known = this.#userIds.get(identity);
    if (known) return known;
    const resolved = await this.resolver?.userIdOf(identity);
    if (resolved) this.remember(identity, resolved);
    return resolved;
  }
}

/** ACS communication user ids: `8:acs:...` (and `8:spool:...`, `8:gcch-acs:...` and other clouds). */
export const isAcsUserId = (value: string): boolean => value.startsWith("8:");
