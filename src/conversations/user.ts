import type { UserProfile } from "../identity/identity-resolver.js";
import type { JSONValue } from "../mapping/json.js";
import { ReplayEventEmitter } from "./replay-event-emitter.js";
import type { UserUpdateReason } from "./types.js";

export type UserEvents = {
  updated: (data: { user: User; updateReasons: UserUpdateReason[] }) => void;
  userSubscribed: (user: User) => void;
  userUnsubscribed: (user: User) => void;
};

/** Where a user's profile is kept: ACS has no user profiles, the app's directory may. */
export interface UserHost {
  updateProfile(user: User, changes: Partial<UserProfile>): Promise<UserProfile>;
  unsubscribe(user: User): void;
}

/**
 * A user known by Twilio identity. ACS has no profiles or presence: `friendlyName` and
 * `attributes` come from the identity directory when it keeps profiles; `isOnline` and
 * `isNotifiable` are null, as Twilio reports them when reachability is off.
 */
export class User extends ReplayEventEmitter<UserEvents> {
  readonly updated = "updated";
  readonly userSubscribed = "userSubscribed";
  readonly userUnsubscribed = "userUnsubscribed";

  #profile: UserProfile;
  #subscribed = true;

  readonly #userIdentity: string;
  readonly #host: UserHost;

  /** Built by the Client (public, as in Twilio's typings). */
  constructor(
    userIdentity: string,
    /** The ACS user id, when known. */
    readonly acsUserId: string | undefined,
    profile: UserProfile | undefined,
    host: UserHost,
  ) {
    super();
    this.#userIdentity = userIdentity;
    this.#host = host;
    this.#profile = profile ?? { friendlyName: null, attributes: {} };
  }

  get identity(): string {
    return this.#userIdentity;
  }
  set identity(_identity: string) {
    // Twilio exposes a setter for its internal use; an identity never changes here.
  }
  /** Twilio's internal naming hook, public in its typings; nothing to name here. */
  set entityName(_name: string) {
    // no entity behind an ACS user
  }
  get friendlyName(): string | null {
    return this.#profile.friendlyName;
  }
  get attributes(): JSONValue {
    return this.#profile.attributes;
  }
  get isOnline(): boolean | null {
    return null;
  }
  get isNotifiable(): boolean | null {
    return null;
  }
  get isSubscribed(): boolean {
    return this.#subscribed;
  }

  updateAttributes(attributes: JSONValue): Promise<User> {
    return this.#applyProfile({ attributes });
  }

  updateFriendlyName(friendlyName: string): Promise<User> {
    return this.#applyProfile({ friendlyName });
  }

  async unsubscribe(): Promise<void> {
    if (!this.#subscribed) return;
    this.#subscribed = false;
    this.emit("userUnsubscribed", this);
    this.#host.unsubscribe(this);
  }

  /** @internal The directory's profile, read after construction. */
  _setProfile(profile: UserProfile): void {
    this.#profile = profile;
  }

  async #applyProfile(changes: Partial<UserProfile>): Promise<User> {
    const next = await this.#host.updateProfile(this, changes);
    const reasons: UserUpdateReason[] = [];
    if (next.friendlyName !== this.#profile.friendlyName) reasons.push("friendlyName");
    if (JSON.stringify(next.attributes) !== JSON.stringify(this.#profile.attributes)) reasons.push("attributes");
    this.#profile = next;
    if (reasons.length > 0) this.emit("updated", { user: this, updateReasons: reasons });
    return this;
  }
}
