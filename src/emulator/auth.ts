import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { unauthorized } from "./api-error.js";

/** How far `x-ms-date` may be from the emulator's clock, as in ACS. */
export const MAX_REQUEST_DATE_SKEW_MS = 15 * 60 * 1000;

export const ACS_TOKEN_SCOPES = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] as const;

/** The claims of an emulator user token: those of a real ACS token, plus the revocation generation. */
export interface UserTokenClaims {
  skypeid: string;
  scp: number;
  csi: string;
  exp: number;
  acsScope: string;
  resourceId: string;
  iat: number;
  /** Emulator-only: matches the user's token generation until tokens are revoked. */
  tgen: number;
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** Signs an HS256 JWT. Real ACS tokens are RS256; clients never check either signature. */
export function signUserToken(claims: UserTokenClaims, signingKey: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "acs-emulator" }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", Buffer.from(signingKey, "base64")).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${base64url(signature)}`;
}

/**
 * Checks the signature and expiry of a user token; user existence and revocation are the
 * caller's to check. Throws a 401 ApiError naming what is wrong.
 */
export function verifyUserToken(token: string, signingKey: string, nowMs: number): UserTokenClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw unauthorized("The access token is malformed.");
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac("sha256", Buffer.from(signingKey, "base64")).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized("The access token was not issued by this resource.");
  }
  let claims: UserTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as UserTokenClaims;
  } catch {
    throw unauthorized("The access token is malformed.");
  }
  if (typeof claims.exp !== "number" || typeof claims.skypeid !== "string") {
    throw unauthorized("The access token is malformed.");
  }
  if (claims.exp * 1000 <= nowMs) throw unauthorized("The access token has expired.");
  return claims;
}

export const contentHash = (body: Buffer | string): string => createHash("sha256").update(body).digest("base64");

export function hmacSignature(accessKey: string, toSign: string): string {
  return createHmac("sha256", Buffer.from(accessKey, "base64")).update(toSign, "utf8").digest("base64");
}

export interface SignedRequest {
  method: string;
  /** The request target exactly as received (`req.url`): path still percent-encoded. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Verifies ACS HMAC-SHA256 request signing the way the service does: the body hash, the date
 * skew, and the signature over verb, path and query, date, host and hash.
 */
export function verifyHmacRequest(request: SignedRequest, accessKey: string, nowMs: number): void {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const authorization = header("authorization");
  const match = authorization?.match(/^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/);
  if (!match) throw unauthorized("Missing or malformed HMAC-SHA256 Authorization header.");
  const signedHeaders = match[1]!.toLowerCase().split(";");
  const signature = match[2]!;
  const date = header("x-ms-date") ?? header("date");
  const host = header("host");
  const hash = header("x-ms-content-sha256");
  if (!date || !host || !hash) throw unauthorized("Missing x-ms-date, host or x-ms-content-sha256 header.");
  for (const required of ["x-ms-date", "host", "x-ms-content-sha256"]) {
    if (!signedHeaders.includes(required)) throw unauthorized(`SignedHeaders must include ${required}.`);
  }
  if (hash !== contentHash(request.body)) throw unauthorized("The content hash does not match the request body.");
  const dateMs = Date.parse(date);
  if (Number.isNaN(dateMs) || Math.abs(nowMs - dateMs) > MAX_REQUEST_DATE_SKEW_MS) {
    throw unauthorized("The request date is missing or more than 15 minutes from the service's clock.");
  }
  const url = new URL(request.rawUrl, "https://placeholder");
  const query = url.searchParams.toString();
  const pathAndQuery = url.pathname + (query ? `?${query}` : "");
  const values: Record<string, string> = { "x-ms-date": date, host, "x-ms-content-sha256": hash };
  // ACS signs the listed headers in the listed order; the SDK lists x-ms-date;host;x-ms-content-sha256.
  const signedValues = signedHeaders.map((name) => values[name] ?? header(name) ?? "").join(";");
  const expected = hmacSignature(accessKey, `${request.method.toUpperCase()}\n${pathAndQuery}\n${signedValues}`);
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw unauthorized("The HMAC signature does not match.");
}
