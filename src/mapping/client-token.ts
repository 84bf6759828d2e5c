/**
 * The one token string a Twilio app passes to `new Client(token)`. ACS needs an endpoint, a user
 * token and the ACS user id, and the app knows its users by Twilio identity: the server kit packs
 * all four (and where its directory lives) into one opaque string, so app code stays unchanged.
 */
import { InvalidArgumentError } from "../errors.js";
import { decodeBase64Url, encodeBase64Url } from "./base64url.js";

const PREFIX = "tcacs1.";

export interface ClientTokenFields {
  /** ACS resource endpoint, e.g. `https://contoso.communication.azure.com`. */
  endpoint: string;
  /** The ACS user access token (a JWT). */
  acsToken: string;
  /** The ACS user id, `8:acs:...`. */
  acsUserId: string;
  /** The app's own name for the user: Twilio's identity. */
  identity: string;
  /** Base URL of the server kit (directory, join, token refresh), when there is one. */
  serverUrl?: string;
  /** The server kit's own ACS user, which conversations include so that the server can add joiners. */
  serviceUserId?: string;
  /** Where the media endpoint is (the server kit's, or in demos the emulator's): the client's default media store. */
  mediaUrl?: string;
}

/** Throws InvalidArgumentError naming the bad field. */
export function encodeClientToken(fields: ClientTokenFields): string {
  return PREFIX + encodeBase64Url(JSON.stringify(checkFields(fields)));
}

/** The signed part of a token (`tcacs1.<fields>`) and its signature, if the token has one. */
export function splitClientToken(token: string): { signed: string; signature: string | undefined } {
  const dot = token.indexOf(".", PREFIX.length);
  return dot < 0 ? { signed: token, signature: undefined } : { signed: token.slice(0, dot), signature: token.slice(dot + 1) };
}

/** The token's fields, checked one by one (hand-written: this ships to browsers, see arguments.ts). */
function checkFields(json: unknown): ClientTokenFields {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InvalidArgumentError("token", "expected the token's fields");
  const value = json as Record<string, unknown>;
  const text = (key: keyof ClientTokenFields, what: string, valid: (v: string) => boolean = () => true): string => {
    const field = value[key];
    if (typeof field !== "string" || field.length === 0 || !valid(field)) throw new InvalidArgumentError(`token.${key}`, `expected ${what}`);
    return field;
  };
  const fields: ClientTokenFields = {
    endpoint: text("endpoint", "an https:// URL", (v) => isUrl(v, ["https:"])),
    acsToken: text("acsToken", "the ACS user access token"),
    acsUserId: text("acsUserId", "an ACS user id (8:acs:...)", (v) => /^8:.+/.test(v)),
    identity: text("identity", "the Twilio identity"),
  };
  if (value.serverUrl !== undefined) fields.serverUrl = text("serverUrl", "an http(s) URL", (v) => isUrl(v, ["https:", "http:"]));
  if (value.serviceUserId !== undefined) fields.serviceUserId = text("serviceUserId", "an ACS user id (8:acs:...)", (v) => /^8:.+/.test(v));
  if (value.mediaUrl !== undefined) fields.mediaUrl = text("mediaUrl", "an http(s) URL", (v) => isUrl(v, ["https:", "http:"]));
  return fields;
}

function isUrl(text: string, protocols: string[]): boolean {
  try {
    const url = new URL(text);
    return protocols.includes(url.protocol) && text.startsWith(`${url.protocol}//`) && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export function isClientToken(token: string): boolean {
  return token.startsWith(PREFIX);
}

/** Throws InvalidArgumentError naming what is wrong with the token. */
export function decodeClientToken(token: string): ClientTokenFields {
  if (!isClientToken(token)) throw new InvalidArgumentError("token", `expected a token issued by twilio-conversations-acs (starting '${PREFIX}')`);
  let json: unknown;
  try {
    // `tcacs1.<fields>[.<signature>]`: the server kit signs its tokens; clients read the fields only.
    json = JSON.parse(decodeBase64Url(token.slice(PREFIX.length).split(".")[0]!));
  } catch {
    throw new InvalidArgumentError("token", "the token is corrupt (not base64url JSON)");
  }
  return checkFields(json);
}

/** The claims of an ACS user token this library reads: expiry and the user it names. */
export interface AcsTokenClaims {
  /** Expiry, epoch seconds. */
  exp?: number;
  /** `acs:<resource>_<guid>`: the user id is `8:` followed by this. */
  skypeid?: string;
}

/** Reads a JWT's payload without checking its signature (ACS clients never can). */
export function readAcsTokenClaims(jwt: string): AcsTokenClaims {
  const payload = jwt.split(".")[1];
  if (payload === undefined) throw new InvalidArgumentError("token", "an ACS user token must be a JWT");
  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as Record<string, unknown>;
    return {
      ...(typeof claims.exp === "number" ? { exp: claims.exp } : {}),
      ...(typeof claims.skypeid === "string" ? { skypeid: claims.skypeid } : {}),
    };
  } catch {
    throw new InvalidArgumentError("token", "the ACS user token's payload is not base64url JSON");
  }
}
