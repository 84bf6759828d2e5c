/**
 * Identities come from trusted sources only (this client's session, the app's resolver); what
 * participants write into ACS never stands for one. Lookups are cached and shared.
 */
import { describe, expect, it } from "vitest";
import { KnownIdentities, type IdentityResolver } from "../../../src/identity/identity-resolver.js";

function directory(pairs: Record<string, string>, calls: string[][] = []): IdentityResolver {
  return {
    userIdOf: async (identity) => pairs[identity],
    identityOf: async (userId) => {
      calls.push([userId]);
      return Object.keys(pairs).find((identity) => pairs[identity] === userId);
    },
  };
}

describe("KnownIdentities", () => {
  it("shows an unknown user as its ACS user id, never as a name someone wrote", async () => {
    const known = new KnownIdentities(directory({ alice: "8:acs:alice" }));
    await known.resolveAll(["8:acs:alice", "8:acs:mallory"]);
    expect(known.identityOf("8:acs:alice")).toBe("alice");
    expect(known.identityOf("8:acs:mallory")).toBe("8:acs:mallory");
    expect(await known.userIdOf("alice")).toBe("8:acs:alice");
  });

  it("asks the resolver once per user id, concurrent callers and unknown ids included", async () => {
    const calls: string[][] = [];
    const known = new KnownIdentities(directory({ alice: "8:acs:alice" }, calls));
    await Promise.all([known.resolveAll(["8:acs:alice", "8:acs:x"]), known.resolveAll(["8:acs:alice", "8:acs:x", "8:acs:alice"])]);
    await known.resolveAll(["8:acs:alice", "8:acs:x"]);
    expect(calls.flat().sort()).toEqual(["8:acs:alice", "8:acs:x"]);
  });

  it("uses the resolver's batch lookup when it has one: one call for many ids", async () => {
    const batches: string[][] = [];
    const known = new KnownIdentities({
      userIdOf: async () => undefined,
      identityOf: async () => {
        throw new Error("single lookups must not be used when a batch lookup exists");
      },
      identitiesOf: async (userIds) => {
        batches.push(userIds);
        return new Map(userIds.filter((id) => id !== "8:acs:3").map((id) => [id, `user-${id.slice(-1)}`]));
      },
    });
    await known.resolveAll(["8:acs:1", "8:acs:2", "8:acs:3"]);
    expect(batches).toEqual([["8:acs:1", "8:acs:2", "8:acs:3"]]);
    expect([known.identityOf("8:acs:1"), known.identityOf("8:acs:2"), known.identityOf("8:acs:3")]).toEqual(["user-1", "user-2", "8:acs:3"]);
  });

  it("a failing resolver leaves ids unknown for a while, without rejecting, then asks again", async () => {
    let now = 0;
    let fail = true;
    const known = new KnownIdentities(
      {
        userIdOf: async () => undefined,
        identityOf: async () => {
          if (fail) throw new Error("directory down");
          return "bob";
        },
      },
      () => now,
    );
    await expect(known.resolveAll(["8:acs:bob"])).resolves.toBeUndefined();
    expect(known.identityOf("8:acs:bob")).toBe("8:acs:bob");
    fail = false;
    await known.resolveAll(["8:acs:bob"]);
    expect(known.identityOf("8:acs:bob")).toBe("8:acs:bob");
    now += 60_000;
    await known.resolveAll(["8:acs:bob"]);
    expect(known.identityOf("8:acs:bob")).toBe("bob");
  });

  it("without a resolver, an identity is the ACS user id; own pair from the session", async () => {
    const known = new KnownIdentities();
    known.remember("me", "8:acs:me");
    await known.resolveAll(["8:acs:bob"]);
    expect(known.identityOf("8:acs:bob")).toBe("8:acs:bob");
    expect(known.identityOf("8:acs:me")).toBe("me");
    expect(await known.userIdOf("8:acs:bob")).toBe("8:acs:bob");
    expect(await known.userIdOf("bob")).toBeUndefined();
  });

  it("never asks the resolver about an ACS user id (a directory could create a user by that name)", async () => {
    const asked: string[] = [];
    const known = new KnownIdentities({ userIdOf: async (identity) => (asked.push(identity), "8:acs:created"), identityOf: async () => undefined });
    expect(await known.userIdOf("8:acs:someone")).toBe("8:acs:someone");
    expect(asked).toEqual([]);
  });
});
