/**
 * ACS Identity: users, their access tokens and revocation, and the check of a chat request's
 * bearer token against them.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ApiError, badRequest, forbidden, notFound, unauthorized } from "./api-error.js";
import { signUserToken, verifyUserToken } from "./auth.js";
import { ACS_LIMITS } from "./limits.js";
import type { createIdentitySchema, issueTokenSchema } from "./requests.js";
import type { EmulatorState, UserRecord } from "./state.js";

/** Who a user token proves, and until when. */
export interface TokenHolder {
  userId: string;
  /** Epoch ms at which the token expires. */
  expiresOn: number;
  /** The user's token generation the token was issued in: revocation moves it on. */
  generation: number;
}

export class IdentityService {
  /** Called after a user's tokens are revoked or the user is deleted (realtime connections end then). */
  onTokensRevoked: (userId: string) => void = () => undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly now: () => number,
  ) {}

  createUser(body: z.infer<typeof createIdentitySchema>) {
    const scopes = body.createTokenWithScopes;
    if (body.expiresInMinutes !== undefined && !scopes) {
      throw badRequest("expiresInMinutes needs createTokenWithScopes.", "expiresInMinutes");
    }
    const lifetime = tokenLifetime(body.expiresInMinutes);
    const user: UserRecord = {
      id: `8:acs:${this.state.resourceId}_${randomUUID()}`,
      createdOn: this.now(),
      tokenGeneration: 0,
    };
    this.state.users.set(user.id, user);
    return {
      identity: { id: user.id },
      ...(scopes ? { accessToken: this.token(user, scopes, lifetime) } : {}),
    };
  }

  issueToken(userId: string, body: z.infer<typeof issueTokenSchema>) {
    const user = this.user(userId);
    // recording_throws_an_error_when_attempting_to_issue_a_token_without_any_scopes.json
    if (!body.scopes || body.scopes.length === 0) {
      throw new ApiError(400, "ValidationError", "Invalid scopes - Scopes field is required.", "scopes");
    }
    return this.token(user, body.scopes, tokenLifetime(body.expiresInMinutes));
  }

  revokeTokens(userId: string): void {
    this.user(userId).tokenGeneration++;
    this.onTokensRevoked(userId);
  }

  deleteUser(userId: string): void {
    this.user(userId);
    this.state.users.delete(userId);
    this.onTokensRevoked(userId);
  }

  /** The ACS user id a chat request's `Authorization: Bearer` token proves; 401/403 otherwise. */
  authenticateChat(authorization: string | undefined): string {
    const token = authorization?.match(/^Bearer (.+)$/i)?.[1];
    if (!token) throw unauthorized("The request has no bearer access token.");
    return this.verifyChatToken(token).userId;
  }

  /** Checks a chat user token (signature, expiry, user, revocation, chat scope); 401/403 otherwise. */
  verifyChatToken(token: string): TokenHolder {
    const claims = verifyUserToken(token, this.state.tokenSigningKey, this.now());
    const user = this.state.users.get(`8:${claims.skypeid}`);
    if (!user) throw unauthorized("The identity of the access token no longer exists.");
    if (claims.tgen !== user.tokenGeneration) throw unauthorized("The access token has been revoked.");
    if (!claims.acsScope.split(",").some((scope) => scope.startsWith("chat"))) {
      throw forbidden("The access token does not have the chat scope.");
    }
    return { userId: user.id, expiresOn: claims.exp * 1000, generation: claims.tgen };
  }

  /** Whether a token checked earlier still holds: not expired, not revoked, its user not deleted. */
  stillValid(holder: TokenHolder): boolean {
    const user = this.state.users.get(holder.userId);
    return user !== undefined && user.tokenGeneration === holder.generation && holder.expiresOn > this.now();
  }

  private user(userId: string): UserRecord {
    // recording_throws_an_error_when_attempting_to_{issue_a_token_for,revoke_a_token_from,delete}_an_invalid_user
    if (!userId.startsWith(`8:acs:${this.state.resourceId}_`)) {
      throw new ApiError(401, "IdentityNotOwned", "Provided identity doesn't belong to the resource.");
    }
    const user = this.state.users.get(userId);
    if (!user) throw notFound(`Identity ${userId} not found.`);
    return user;
  }

  private token(user: UserRecord, scopes: string[], lifetimeMinutes: number) {
    const issuedMs = this.now();
    const issuedAt = Math.floor(issuedMs / 1000);
    const expiresMs = issuedMs + lifetimeMinutes * 60_000;
    const expiresAt = Math.floor(expiresMs / 1000);
    const token = signUserToken(
      {
        skypeid: user.id.slice(2),
        scp: 1792,
        csi: String(issuedAt),
        exp: expiresAt,
        acsScope: [...new Set(scopes)].join(","),
        resourceId: this.state.resourceId,
        iat: issuedAt,
        tgen: user.tokenGeneration,
      },
      this.state.tokenSigningKey,
    );
    return { token, expiresOn: dotNetOffsetDate(expiresMs) };
  }
}

function tokenLifetime(expiresInMinutes: number | undefined): number {
  const { min, max } = ACS_LIMITS.tokenMinutes;
  if (expiresInMinutes === undefined) return max;
  // recording_throws_an_error_when_attempting_to_issue_a_token_with_{min,max}_invalid_expiration.json
  if (expiresInMinutes < min || expiresInMinutes > max) {
    throw new ApiError(400, "ValidationError", `ExpiresInMinutes value ${expiresInMinutes} is invalid.`, "ExpiresInMinutes");
  }
  return expiresInMinutes;
}

/**
 * `2022-05-27T07:59:25.9595888+00:00`: .NET's round-trip form, seven fraction digits and an
 * offset, as Identity writes `expiresOn` (chatclient_chat_operations/recording_successfully_creates_a_thread.json).
 * The emulator's clock has milliseconds, so the last four digits are zeros.
 */
export const dotNetOffsetDate = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000+00:00");
