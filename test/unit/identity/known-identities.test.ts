/**
 * Identity pairs: trusted ones (session, resolver, own adds) decide whom an identity addresses;
 * hints from participant data, which any participant can write, only name users.
 */
import { describe, expect, it } from "vitest";
import { KnownIdentities, type IdentityResolver } from "../../../src/identity/identity-resolver.js";

const directory = (pairs: Record<string, string>): IdentityResolver => ({
  userIdOf: async (identity) => pairs[identity],
  identityOf: async (userId) => Object.keys(pairs).find((identity) => pairs[identity] === userId),
});

describe("KnownIdentities", () => {
  it("with a resolver, a participant named 'alice' by a stranger does not receive what is meant for alice", async () => {
    const known = new KnownIdentities(directory({ alice: "8:acs:alice" }));
    known.hint("alice", "8:acs:impostor");
    expect(await known.userIdOf("alice")).toBe("8:acs:alice");
  });

  it("never lets a hint rename a user known from a trusted source", () => {
    const known = new KnownIdentities(directory({}));
    known.remember("alice", "8:acs:alice");
    known.hint("mallory", "8:acs:alice");
    expect(known.knownIdentityOf("8:acs:alice")).toBe("alice");
  });

  it("names users from hints, and without a resolver resolves identities through them", async () => {
    const known = new KnownIdentities();
    known.hint("bob", "8:acs:bob");
    expect(known.knownIdentityOf("8:acs:bob")).toBe("bob");
    expect(await known.userIdOf("bob")).toBe("8:acs:bob");
  });
});
