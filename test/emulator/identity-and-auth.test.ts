/**
 * ACS Identity through the real CommunicationIdentityClient (users, tokens, scopes, expiry,
 * revocation, deletion), its HMAC-SHA256 request signing, and the checks of user tokens on chat
 * calls through the real ChatClient: expired, revoked, malformed, foreign, deleted-user and
 * wrong-scope tokens.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { all, chatClientFor, identityClient, rejection } from "../helpers/acs.js";

interface TokenClaims {
  exp: number;
  iat: number;
  skypeid: string;
  resourceId: string;
  acsScope: string;
}

const claimsOf = (token: string): TokenClaims => {
  const payload = token.split(".")[1];
  if (payload === undefined) throw new Error(`not a JWT: ${token}`);
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
};

const MINUTE = 60_000;

let emulator: Emulator;
let identity: CommunicationIdentityClient;
/** Added to the real time to make the emulator's clock. */
let clockOffsetMs = 0;

/** Runs `body` with the emulator's clock moved by `offsetMs`, then puts it back. */
async function withEmulatorClock<T>(offsetMs: number, body: () => Promise<T>): Promise<T> {
  clockOffsetMs = offsetMs;
  try {
    return await body();
  } finally {
    clockOffsetMs = 0;
  }
}

/** A chat call that needs nothing but a valid chat token; returns the new thread's id. */
async function chatWorks(token: string): Promise<string> {
  const result = await chatClientFor(emulator, token).createChatThread({ topic: "auth check" });
  const id = result.chatThread?.id;
  expect(id).toMatch(/^19:.+@thread\.v2$/);
  return id!;
}

const unknownUser = () => ({ communicationUserId: `8:acs:${emulator.resourceId}_${randomUUID()}` });

beforeAll(async () => {
  emulator = await startEmulator({ now: () => Date.now() + clockOffsetMs });
  identity = identityClient(emulator);
});

afterAll(async () => {
  await emulator?.close();
});

describe("identity operations", () => {
  it("createUser returns a new ACS user id of this resource", async () => {
    const first = await identity.createUser();
    const second = await identity.createUser();
    const pattern = new RegExp(`^8:acs:${emulator.resourceId}_[0-9a-f-]{36}$`);
    expect(first.communicationUserId).toMatch(pattern);
    expect(second.communicationUserId).toMatch(pattern);
    expect(second.communicationUserId).not.toBe(first.communicationUserId);
  });

  it("createUserAndToken issues a chat token whose claims name the user", async () => {
    const before = Date.now();
    const { user, token, expiresOn } = await identity.createUserAndToken(["chat"]);
    const claims = claimsOf(token);
    expect(`8:${claims.skypeid}`).toBe(user.communicationUserId);
    expect(claims.resourceId).toBe(emulator.resourceId);
    expect(claims.acsScope).toBe("chat");
    expect(Number.isInteger(claims.iat)).toBe(true);
    expect(Number.isInteger(claims.exp)).toBe(true);
    // Default lifetime: 24 hours.
    expect(claims.exp - claims.iat).toBe(1440 * 60);
    expect(claims.iat * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(claims.iat * 1000).toBeLessThanOrEqual(Date.now());
    expect(expiresOn).toBeInstanceOf(Date);
    expect(Math.floor(expiresOn.getTime() / 1000)).toBe(claims.exp); // expiresOn has sub-second digits, exp whole seconds
    // The token works for chat.
    await chatWorks(token);
  });

  it.each([
    { scopes: ["voip"] as const, acsScope: ["voip"] },
    { scopes: ["chat", "voip"] as const, acsScope: ["chat", "voip"] },
  ])("createUserAndToken with scopes $scopes", async ({ scopes, acsScope }) => {
    const { user, token } = await identity.createUserAndToken([...scopes]);
    const claims = claimsOf(token);
    expect(claims.acsScope.split(",").sort()).toEqual(acsScope);
    expect(`8:${claims.skypeid}`).toBe(user.communicationUserId);
  });

  it.each([60, 61, 720, 1440])("createUserAndToken honours tokenExpiresInMinutes=%i", async (minutes) => {
    const { token, expiresOn } = await identity.createUserAndToken(["chat"], { tokenExpiresInMinutes: minutes });
    const claims = claimsOf(token);
    expect(claims.exp - claims.iat).toBe(minutes * 60);
    expect(Math.floor(expiresOn.getTime() / 1000)).toBe(claims.exp); // expiresOn has sub-second digits, exp whole seconds
    // expiresOn is counted from now, not from some other origin.
    expect(Math.abs(expiresOn.getTime() - (Date.now() + minutes * MINUTE))).toBeLessThan(MINUTE);
  });

  it("getToken issues a further token for an existing user, with the asked scopes and lifetime", async () => {
    const user = await identity.createUser();
    const chatToken = await identity.getToken(user, ["chat"], { tokenExpiresInMinutes: 90 });
    const chatClaims = claimsOf(chatToken.token);
    expect(`8:${chatClaims.skypeid}`).toBe(user.communicationUserId);
    expect(chatClaims.acsScope).toBe("chat");
    expect(chatClaims.exp - chatClaims.iat).toBe(90 * 60);
    expect(Math.floor(chatToken.expiresOn.getTime() / 1000)).toBe(chatClaims.exp); // expiresOn has sub-second digits, exp whole seconds
    await chatWorks(chatToken.token);

    const both = await identity.getToken(user, ["voip", "chat"]);
    const bothClaims = claimsOf(both.token);
    expect(bothClaims.acsScope.split(",").sort()).toEqual(["chat", "voip"]);
    expect(bothClaims.exp - bothClaims.iat).toBe(1440 * 60);
  });

  it("revokeTokens invalidates the user's earlier tokens for chat", async () => {
    const { user, token } = await identity.createUserAndToken(["chat"]);
    await chatWorks(token);
    await identity.revokeTokens(user);
    const error = await rejection(all(chatClientFor(emulator, token).listChatThreads()));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("Unauthorized");
  });

  it("deleteUser removes the user: no more tokens for it", async () => {
    const user = await identity.createUser();
    await identity.getToken(user, ["chat"]);
    await identity.deleteUser(user);
    const error = await rejection(identity.getToken(user, ["chat"]));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("NotFound");
    expect(error.message).toBeTruthy();
  });

  it.each([0, 59, 1441, 100_000])("tokenExpiresInMinutes=%i is refused with 400 (the SDK does not check it)", async (minutes) => {
    const created = await rejection(identity.createUserAndToken(["chat"], { tokenExpiresInMinutes: minutes }));
    expect(created.statusCode).toBe(400);
    expect(created.code).toBe("ValidationError");
    expect(created.message).toBe(`ExpiresInMinutes value ${minutes} is invalid.`);

    const user = await identity.createUser();
    const issued = await rejection(identity.getToken(user, ["chat"], { tokenExpiresInMinutes: minutes }));
    expect(issued.statusCode).toBe(400);
    expect(issued.code).toBe("ValidationError");
    expect(issued.message).toBe(`ExpiresInMinutes value ${minutes} is invalid.`);
  });

  it.each([
    ["getToken", () => identity.getToken(unknownUser(), ["chat"])],
    ["revokeTokens", () => identity.revokeTokens(unknownUser())],
    ["deleteUser", () => identity.deleteUser(unknownUser())],
  ] as const)("%s for an unknown user answers 404", async (_name, call) => {
    const error = await rejection(call());
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("NotFound");
    expect(error.message).toBeTruthy();
  });

  it("deleting a user twice answers 404 the second time", async () => {
    const user = await identity.createUser();
    await identity.deleteUser(user);
    const error = await rejection(identity.deleteUser(user));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("NotFound");
  });
});

describe("HMAC-SHA256 request signing", () => {
  it("a connection string with another access key gets 401", async () => {
    const otherKey = randomBytes(32).toString("base64");
    expect(otherKey).not.toBe(emulator.accessKey);
    const wrong = new CommunicationIdentityClient(`endpoint=${emulator.endpoint}/;accesskey=${otherKey}`, {
      tlsOptions: { ca: emulator.caPem },
    });
    const created = await rejection(wrong.createUser());
    expect(created.statusCode).toBe(401);
    expect(created.code).toBe("Unauthorized");
    expect(created.message).toBeTruthy();

    const user = await identity.createUser();
    const issued = await rejection(wrong.getToken(user, ["chat"]));
    expect(issued.statusCode).toBe(401);
    expect(issued.code).toBe("Unauthorized");
  });

  it("a body changed after signing gets 401", async () => {
    const inner = createDefaultHttpClient();
    let tamper = false;
    let tampered = 0;
    const httpClient: HttpClient = {
      sendRequest: async (request) => {
        if (tamper && typeof request.body === "string" && request.body.includes('"chat"')) {
          // Same length, other scope: only the content hash can tell.
          request.body = request.body.replace('"chat"', '"voip"');
          tampered++;
        }
        return inner.sendRequest(request);
      },
    };
    const client = new CommunicationIdentityClient(emulator.connectionString, {
      tlsOptions: { ca: emulator.caPem },
      httpClient,
    });

    // The wrapper alone changes nothing: untampered requests pass.
    const { user, token } = await client.createUserAndToken(["chat"]);
    expect(claimsOf(token).acsScope).toBe("chat");

    tamper = true;
    const created = await rejection(client.createUserAndToken(["chat"]));
    expect(created.statusCode).toBe(401);
    expect(created.code).toBe("Unauthorized");
    const issued = await rejection(client.getToken(user, ["chat"]));
    expect(issued.statusCode).toBe(401);
    expect(issued.code).toBe("Unauthorized");
    expect(tampered).toBe(2);
  });

  it("an x-ms-date 20 minutes from the emulator's clock gets 401; 10 minutes is tolerated", async () => {
    await withEmulatorClock(10 * MINUTE, async () => {
      const user = await identity.createUser();
      expect(user.communicationUserId).toMatch(/^8:acs:/);
    });
    const user = await identity.createUser();
    for (const offset of [20 * MINUTE, -20 * MINUTE]) {
      await withEmulatorClock(offset, async () => {
        const created = await rejection(identity.createUser());
        expect(created.statusCode).toBe(401);
        expect(created.code).toBe("Unauthorized");
        const revoked = await rejection(identity.revokeTokens(user));
        expect(revoked.statusCode).toBe(401);
        expect(revoked.code).toBe("Unauthorized");
      });
    }
    // Back in sync, the same client works again.
    await identity.revokeTokens(user);
  });
});

describe("user tokens on chat calls", () => {
  it("an expired token gets 401", async () => {
    const { token } = await identity.createUserAndToken(["chat"], { tokenExpiresInMinutes: 60 });
    await withEmulatorClock(59 * MINUTE, () => chatWorks(token));
    await withEmulatorClock(61 * MINUTE, async () => {
      const error = await rejection(chatClientFor(emulator, token).createChatThread({ topic: "late" }));
      expect(error.statusCode).toBe(401);
      expect(error.code).toBe("Unauthorized");
      expect(error.message).toMatch(/expired/i);
    });
  });

  it("a token issued before revokeTokens gets 401, one issued after works", async () => {
    const { user, token: oldToken } = await identity.createUserAndToken(["chat"]);
    const threadId = await chatWorks(oldToken);
    await identity.revokeTokens(user);

    const oldClient = chatClientFor(emulator, oldToken);
    const error = await rejection(oldClient.getChatThreadClient(threadId).getProperties());
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("Unauthorized");
    expect(error.message).toMatch(/revoked/i);

    const { token: newToken } = await identity.getToken(user, ["chat"]);
    const properties = await chatClientFor(emulator, newToken).getChatThreadClient(threadId).getProperties();
    expect(properties.id).toBe(threadId);
    expect(properties.createdBy).toEqual({ kind: "communicationUser", communicationUserId: user.communicationUserId });
    // The old token stays dead after new ones are issued.
    const again = await rejection(oldClient.getChatThreadClient(threadId).getProperties());
    expect(again.statusCode).toBe(401);
  });

  it("a JWT-shaped token with a numeric exp but a garbage signature gets 401", async () => {
    const { token } = await identity.createUserAndToken(["chat"]);
    const [header, payload] = token.split(".") as [string, string];
    // Real claims of a real user, so only the signature is wrong.
    const forged = `${header}.${payload}.${Buffer.from("not the signature").toString("base64url")}`;
    const error = await rejection(chatClientFor(emulator, forged).createChatThread({ topic: "forged" }));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("Unauthorized");

    const exp = Math.floor(Date.now() / 1000) + 3600;
    const junk = [
      Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url"),
      Buffer.from(JSON.stringify({ exp })).toString("base64url"),
      "x",
    ].join(".");
    const junkError = await rejection(all(chatClientFor(emulator, junk).listChatThreads()));
    expect(junkError.statusCode).toBe(401);
    expect(junkError.code).toBe("Unauthorized");
  });

  it("a token issued by another emulator gets 401", async () => {
    const other = await startEmulator();
    try {
      const { token } = await identityClient(other).createUserAndToken(["chat"]);
      // It is a good token where it came from.
      const threads = await all(chatClientFor(other, token).listChatThreads());
      expect(threads).toEqual([]);
      const error = await rejection(chatClientFor(emulator, token).createChatThread({ topic: "foreign" }));
      expect(error.statusCode).toBe(401);
      expect(error.code).toBe("Unauthorized");
    } finally {
      await other.close();
    }
  });

  it("a deleted user's token gets 401", async () => {
    const { user, token } = await identity.createUserAndToken(["chat"]);
    const threadId = await chatWorks(token);
    await identity.deleteUser(user);
    const error = await rejection(chatClientFor(emulator, token).getChatThreadClient(threadId).getProperties());
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("Unauthorized");
  });

  it("a voip-only token gets 403 on chat calls", async () => {
    const { token } = await identity.createUserAndToken(["voip"]);
    const created = await rejection(chatClientFor(emulator, token).createChatThread({ topic: "voip" }));
    expect(created.statusCode).toBe(403);
    expect(created.code).toBe("Forbidden");
    expect(created.message).toBeTruthy();
    const listed = await rejection(all(chatClientFor(emulator, token).listChatThreads()));
    expect(listed.statusCode).toBe(403);
    expect(listed.code).toBe("Forbidden");
  });
});
