/**
 * ACS Identity: users, their access tokens and revocation, and the check of a chat request's
 * bearer token against them.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { badRequest, forbidden, notFound, unauthorized } from "./api-error.js";
import { signUserToken, verifyUserToken } from "./auth.js";
import { ACS_LIMITS } from "./limits.js";
import type { createIdentitySchema, issueTokenSchema } from "./requests.js";
import type { EmulatorState, UserRecord } from "./state.js";

export class IdentityService {
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
    return this.token(this.user(userId), body.scopes, tokenLifetime(body.expiresInMinutes));
  }

  revokeTokens(userId: string): void {
    this.user(userId).tokenGeneration++;
  }

  deleteUser(userId: string): void {
    this.user(userId);
    this.state.users.delete(userId);
  }

  /** The ACS user id a chat request's `Authorization: Bearer` token proves; 401/403 otherwise. */
  authenticateChat(authorization: string | undefined): string {
    const token = authorization?.match(/^Bearer (.+)$/i)?.[1];
    if (!token) throw unauthorized("The request has no bearer access token.");
    const claims = verifyUserToken(token, this.state.tokenSigningKey, this.now());
    const user = this.state.users.get(`8:${claims.skypeid}`);
    if (!user) throw unauthorized("The identity of the access token no longer exists.");
    if (claims.tgen !== user.tokenGeneration) throw unauthorized("The access token has been revoked.");
    if (!claims.acsScope.split(",").some((scope) => scope.startsWith("chat"))) {
      throw forbidden("The access token does not have the chat scope.");
    }
    return user.id;
  }

  private user(userId: string): UserRecord {
    const user = this.state.users.get(userId);
    if (!user) throw notFound(`Identity ${userId} not found.`);
    return user;
  }

  private token(user: UserRecord, scopes: string[], lifetimeMinutes: number) {
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresAt = issuedAt + lifetimeMinutes * 60;
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
    return { token, expiresOn: new Date(expiresAt * 1000).toISOString() };
  }
}

function tokenLifetime(expiresInMinutes: number | undefined): number {
  const { min, max } = ACS_LIMITS.tokenMinutes;
  if (expiresInMinutes === undefined) return max;
  if (expiresInMinutes < min || expiresInMinutes > max) {
    throw badRequest(`expiresInMinutes must be from ${min} to ${max}; got ${expiresInMinutes}.`, "expiresInMinutes");
  }
  return expiresInMinutes;
}
