/**
 * The server kit's directories, seen from the client: identities and profiles (as the client's
 * identity resolver), unique names and joining. Browser-safe: `fetch` only. Requests carry the
 * token the server kit issued, which its directory endpoints check.
 */
import { HttpStatusError } from "../errors.js";
import type { JSONValue } from "../mapping/json.js";
import type { IdentityResolver, UserProfile } from "./identity-resolver.js";

/** User ids per lookup request: the kit's limit. */
const LOOKUP_BATCH = 200;

export class ServerDirectory implements IdentityResolver {
  readonly #baseUrl: string;

  readonly #token: () => string;
  readonly #send: typeof fetch;

  constructor(
    baseUrl: string,
    token: () => string,
    send: typeof fetch = (...args) => fetch(...args),
  ) {
    this.#token = token;
    this.#send = send;
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
  }

  async userIdOf(identity: string): Promise<string | undefined> {
    return (await this.#get<{ userId: string }>(`/directory/users/${encodeURIComponent(identity)}`))?.userId;
  }

  async identityOf(userId: string): Promise<string | undefined> {
    return (await this.#get<{ identity: string }>(`/directory/user-ids/${encodeURIComponent(userId)}`))?.identity;
  }

  /** One request for many user ids (ACS pages hold up to 200 messages). */
  async identitiesOf(userIds: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < userIds.length; i += LOOKUP_BATCH) {
      const response = await this.#request("POST", "/directory/user-ids", { userIds: userIds.slice(i, i + LOOKUP_BATCH) });
      const { identities } = (await response.json()) as { identities: Record<string, string> };
      for (const [userId, identity] of Object.entries(identities)) found.set(userId, identity);
    }
    return found;
  }

  async getProfile(identity: string): Promise<UserProfile | undefined> {
    return this.#get<UserProfile>(`/directory/users/${encodeURIComponent(identity)}/profile`);
  }

  async updateProfile(identity: string, changes: Partial<UserProfile>): Promise<UserProfile> {
    return (await this.#request("PUT", `/directory/users/${encodeURIComponent(identity)}/profile`, changes)).json() as Promise<UserProfile>;
  }

  /** The conversation a unique name names, if any. */
  async conversationSidOf(uniqueName: string): Promise<string | undefined> {
    return (await this.#get<{ conversationSid: string }>(`/directory/conversations/${encodeURIComponent(uniqueName)}`))?.conversationSid;
  }

  /** Claims a unique name for a conversation; false when another conversation has it. */
  async claimUniqueName(uniqueName: string, conversationSid: string): Promise<boolean> {
    const response = await this.#request("PUT", `/directory/conversations/${encodeURIComponent(uniqueName)}`, { conversationSid }, [409]);
    return response.status !== 409;
  }

  async releaseUniqueName(uniqueName: string, conversationSid: string): Promise<void> {
    await this.#request("DELETE", `/directory/conversations/${encodeURIComponent(uniqueName)}`, { conversationSid });
  }

  /**
   * The conversations this user muted; `unchanged` when they are as at `etag` (the kit answers 304),
   * `unsupported` when the kit's directory keeps no notification levels (501).
   */
  async mutedConversations(etag: string | undefined): Promise<{ muted: string[]; etag: string | undefined } | "unchanged" | "unsupported"> {
    const send = this.#send;
    const response = await send(`${this.#baseUrl}/directory/notification-levels`, {
      headers: { authorization: `Bearer ${this.#token()}`, ...(etag ? { "if-none-match": etag } : {}) },
    });
    if (response.status === 304) return "unchanged";
    if (response.status === 501) return "unsupported";
    if (!response.ok) throw new HttpStatusError(`Server kit: GET /directory/notification-levels answered ${response.status}`, response.status);
    const { muted } = (await response.json()) as { muted?: unknown };
    // The kit's answer, checked all the same: a list of thread ids.
    const threadIds = Array.isArray(muted) ? muted.filter((id): id is string => typeof id === "string" && id.length <= 256) : [];
    return { muted: threadIds, etag: response.headers.get("etag") ?? undefined };
  }

  async setNotificationLevel(conversationSid: string, level: "default" | "muted"): Promise<void> {
    await this.#request("PUT", `/directory/notification-levels/${encodeURIComponent(conversationSid)}`, { level });
  }

  /** Asks the server to add this user to a conversation they are not in (its `authorizeJoin` decides). */
  async join(conversationSid: string): Promise<void> {
    await this.#request("POST", `/conversations/${encodeURIComponent(conversationSid)}/join`, {});
  }

  async #get<T>(path: string): Promise<T | undefined> {
    const response = await this.#request("GET", path, undefined, [404]);
    return response.status === 404 ? undefined : ((await response.json()) as T);
  }

  async #request(method: string, path: string, body?: JSONValue | Partial<UserProfile>, expected: number[] = []): Promise<Response> {
    const send = this.#send; // an app-supplied window.fetch must not be called as a method of this object
    const response = await send(`${this.#baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.#token()}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (response.ok || expected.includes(response.status)) return response;
    const detail = ((await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined)?.error?.message;
    throw new HttpStatusError(`Server kit: ${method} ${path} answered ${response.status}${detail ? `: ${detail}` : ""}`, response.status);
  }
}
