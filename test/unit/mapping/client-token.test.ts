import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import { type ClientTokenFields, decodeClientToken, encodeClientToken, isClientToken, readAcsTokenClaims } from "../../../src/mapping/client-token.js";

/** A token built by hand (Node's base64url), independent of encodeClientToken. */
const tokenOf = (payloadText: string) => `tcacs1.${Buffer.from(payloadText, "utf8").toString("base64url")}`;
const tokenOfJson = (payload: unknown) => tokenOf(JSON.stringify(payload));

const valid: ClientTokenFields = {
  endpoint: "https://contoso.communication.azure.com",
  acsToken: "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.sig",
  acsUserId: "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000020-0000-0000-0000-000000000000",
  identity: "alice",
  serverUrl: "http://localhost:3000/twilio",
};

/** The InvalidArgumentError `fn` throws. */
function invalidArgument(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error("expected an InvalidArgumentError, nothing was thrown");
}

const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const validFields: fc.Arbitrary<ClientTokenFields> = fc.record(
  {
    endpoint: fc.webUrl({ validSchemes: ["https"], withQueryParameters: true, withFragments: true }),
    acsToken: text,
    acsUserId: fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }).map((rest) => `8:${rest}`),
    identity: text,
    serverUrl: fc.webUrl({ validSchemes: ["http", "https"] }),
  },
  { requiredKeys: ["endpoint", "acsToken", "acsUserId", "identity"] },
);

describe("encodeClientToken / decodeClientToken", () => {
  it("round-trips any valid fields", () => {
    fc.assert(
      fc.property(validFields, (fields) => {
        const token = encodeClientToken(fields);
        expect(token.startsWith("tcacs1.")).toBe(true);
        expect(token.slice("tcacs1.".length)).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(isClientToken(token)).toBe(true);
        expect(decodeClientToken(token)).toEqual(fields);
      }),
    );
  });

  it("carries the fields as base64url JSON after the prefix", () => {
    const token = encodeClientToken(valid);
    expect(JSON.parse(Buffer.from(token.slice("tcacs1.".length), "base64url").toString("utf8"))).toEqual(valid);
  });

  it("decodes a token built by hand", () => {
    const { serverUrl: _, ...withoutServer } = valid;
    expect(decodeClientToken(tokenOfJson(valid))).toEqual(valid);
    expect(decodeClientToken(tokenOfJson(withoutServer))).toEqual(withoutServer);
  });

  it("drops unknown fields", () => {
    expect(decodeClientToken(tokenOfJson({ ...valid, extra: 1 }))).toEqual(valid);
  });

  it("refuses to encode invalid fields", () => {
    expect(() => encodeClientToken({ ...valid, endpoint: "http://contoso.communication.azure.com" })).toThrow();
    expect(() => encodeClientToken({ ...valid, identity: "" })).toThrow();
  });

  it.each([
    ["an empty string", ""],
    ["a raw JWT", valid.acsToken],
    ["another version", `tcacs2.${Buffer.from(JSON.stringify(valid)).toString("base64url")}`],
    ["the prefix in capitals", `TCACS1.${Buffer.from(JSON.stringify(valid)).toString("base64url")}`],
    ["a leading space", ` ${tokenOfJson(valid)}`],
  ])("refuses %s as not ours, naming 'token'", (_, token) => {
    expect(isClientToken(token)).toBe(false);
    const error = invalidArgument(() => decodeClientToken(token));
    expect(error.field).toBe("token");
    expect(error.message).toContain("tcacs1.");
  });

  it.each([
    ["an empty payload", "tcacs1."],
    ["characters outside base64url", "tcacs1.!!!!"],
    ["a padded payload", `${tokenOfJson(valid)}=`],
    ["standard base64 '+' and '/'", tokenOf("~~~???").replace("-", "+").replace("_", "/")],
    ["a truncated payload", "tcacs1.eyJ"],
    ["text that is not JSON", tokenOf("not json")],
    ["truncated JSON", tokenOf('{"endpoint":')],
  ])("refuses %s as corrupt, naming 'token'", (_, token) => {
    expect(isClientToken(token)).toBe(true);
    const error = invalidArgument(() => decodeClientToken(token));
    expect(error.field).toBe("token");
    expect(error.message).toMatch(/corrupt/);
  });

  it.each([["42"], ["null"], ["[]"], ['"text"'], ["true"]])("refuses JSON %s that is not an object, naming 'token'", (json) => {
    const error = invalidArgument(() => decodeClientToken(tokenOf(json)));
    expect(error.field).toBe("token");
  });

  it.each(["endpoint", "acsToken", "acsUserId", "identity"] as const)("refuses a token without %s, naming it", (field) => {
    const { [field]: _, ...rest } = valid;
    const error = invalidArgument(() => decodeClientToken(tokenOfJson(rest)));
    expect(error.field).toBe(`token.${field}`);
    expect(error.message).toContain(`token.${field}`);
  });

  it.each<[string, Partial<Record<keyof ClientTokenFields, unknown>>, string]>([
    ["an http endpoint", { endpoint: "http://contoso.communication.azure.com" }, "token.endpoint"],
    ["a ws endpoint", { endpoint: "wss://contoso.communication.azure.com" }, "token.endpoint"],
    ["an endpoint that is not a URL", { endpoint: "contoso.communication.azure.com" }, "token.endpoint"],
    ["an endpoint that is a number", { endpoint: 443 }, "token.endpoint"],
    ["an empty ACS token", { acsToken: "" }, "token.acsToken"],
    ["an ACS token that is not a string", { acsToken: { jwt: "x" } }, "token.acsToken"],
    ["a user id without 8:", { acsUserId: "acs:1b5cc06b" }, "token.acsUserId"],
    ["a user id that is only the prefix", { acsUserId: "8:" }, "token.acsUserId"],
    ["a user id that is null", { acsUserId: null }, "token.acsUserId"],
    ["an empty identity", { identity: "" }, "token.identity"],
    ["an identity that is a number", { identity: 7 }, "token.identity"],
    ["a server URL that is not a URL", { serverUrl: "not a url" }, "token.serverUrl"],
    ["a server URL that is not a string", { serverUrl: 1 }, "token.serverUrl"],
  ])("refuses %s, naming %s", (_, override, field) => {
    const error = invalidArgument(() => decodeClientToken(tokenOfJson({ ...valid, ...override })));
    expect(error.field).toBe(field);
  });

  it("accepts a token without serverUrl", () => {
    const { serverUrl: _, ...rest } = valid;
    expect(decodeClientToken(encodeClientToken(rest))).toEqual(rest);
    expect("serverUrl" in decodeClientToken(encodeClientToken(rest))).toBe(false);
  });
});

describe("isClientToken", () => {
  it("recognises the prefix only", () => {
    expect(isClientToken("tcacs1.")).toBe(true);
    expect(isClientToken("tcacs1.anything")).toBe(true);
    expect(isClientToken("tcacs1")).toBe(false);
    expect(isClientToken("xtcacs1.abc")).toBe(false);
    expect(isClientToken("")).toBe(false);
  });
});

describe("readAcsTokenClaims", () => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  const jwt = (payload: unknown) => `${part({ alg: "RS256", kid: "5", x5t: "oP1aqBlQ", typ: "JWT" })}.${part(payload)}.c2lnbmF0dXJl-_`;

  it("reads exp and skypeid from an ACS-like user token", () => {
    const token = jwt({
      skypeid: "acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000020-7f4c-0b4e-6a0b-343a0d00a1b2",
      scp: 1792,
      csi: "1700000000",
      exp: 1700086400,
      rgn: "amer",
      acsScope: "chat,voip",
      resourceId: "1b5cc06b-f352-4571-b1e6-d9b259b7c776",
      resourceLocation: "unitedstates",
      iat: 1700000000,
    });
    expect(readAcsTokenClaims(token)).toEqual({
      exp: 1700086400,
      skypeid: "acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000020-7f4c-0b4e-6a0b-343a0d00a1b2",
    });
  });

  it("reads a payload with non-ASCII text (UTF-8 JSON)", () => {
    expect(readAcsTokenClaims(jwt({ skypeid: "acs:ré_sumé✓", exp: 1 }))).toEqual({ skypeid: "acs:ré_sumé✓", exp: 1 });
  });

  it("leaves out claims of the wrong type or absent", () => {
    expect(readAcsTokenClaims(jwt({ exp: "1700086400", skypeid: 42 }))).toEqual({});
    expect(readAcsTokenClaims(jwt({}))).toEqual({});
    expect(readAcsTokenClaims(jwt({ exp: 5 }))).toEqual({ exp: 5 });
  });

  it("does not check the signature", () => {
    expect(readAcsTokenClaims(`${part({ alg: "none" })}.${part({ exp: 9 })}.`)).toEqual({ exp: 9 });
    expect(readAcsTokenClaims(`x.${part({ exp: 9 })}`)).toEqual({ exp: 9 });
  });

  it.each([
    ["text without dots", "junk"],
    ["an empty string", ""],
    ["an empty payload", "a..c"],
    ["a payload outside base64url", "a.!!!.c"],
    ["a payload of one character", "a.b.c"],
    ["a payload that is not JSON", `a.${Buffer.from("hello").toString("base64url")}.c`],
    ["a JSON null payload", `a.${Buffer.from("null").toString("base64url")}.c`],
  ])("refuses %s with an InvalidArgumentError on 'token'", (_, token) => {
    const error = invalidArgument(() => readAcsTokenClaims(token));
    expect(error.field).toBe("token");
  });
});
