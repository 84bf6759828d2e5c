/**
 * The directory store, one behaviour suite run on both MemoryDirectoryStore (the reference) and
 * TableDirectoryStore against Azurite's table service (real @azure/data-tables, real HTTP):
 * both directions of the user map, insert-if-absent under concurrency, unique-name claims and
 * releases, profiles, and keys Table storage would refuse as they are. Then what only the table
 * store has: the row keys it writes, a restarted server seeing everything, the races an
 * insert-if-absent and a release must survive across processes (made deterministic by a pipeline
 * policy that acts between two of the store's requests), and the size limits.
 */
import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserProfile } from "../../src/identity/identity-resolver.js";
import { MemoryDirectoryStore, type DirectoryStore } from "../../src/server/directory-store.js";
import {
  directoryRowKey,
  MAX_KEY_LENGTH,
  MAX_PROPERTY_LENGTH,
  TableDirectoryStore,
} from "../../src/server/table-directory-store.js";
import { startAzuriteTables, type AzuriteTables } from "../helpers/azurite.js";

let azurite: AzuriteTables;

beforeAll(async () => {
  azurite = await startAzuriteTables();
});
afterAll(() => azurite?.stop());

let tableCount = 0;
/** A table name of its own for each test (letters and digits, starting with a letter). */
const freshTableName = () => `directory${process.pid}t${++tableCount}`;

const openTable = (tableName: string, clientOptions: TableServiceClientOptions = {}) =>
  TableDirectoryStore.fromConnectionString(azurite.connectionString, tableName, { createTable: true, clientOptions });

/** The table itself, past the store, as another tool (or a crashed process) would see it. */
const rawTable = (tableName: string) =>
  TableClient.fromConnectionString(azurite.connectionString, tableName, { allowInsecureConnection: true });

interface Subject {
  name: string;
  /** A fresh, empty directory. */
  open(): DirectoryStore;
  /** `count` stores over the same directory as `store`: for the table, new instances (other server processes). */
  peers(store: DirectoryStore, count: number): DirectoryStore[];
}

const subjects: Subject[] = [
  {
    name: "MemoryDirectoryStore",
    open: () => new MemoryDirectoryStore(),
    peers: (store, count) => Array.from({ length: count }, () => store),
  },
  {
    name: "TableDirectoryStore",
    open: () => openTable(freshTableName()),
    peers: (store, count) =>
      Array.from({ length: count }, () => openTable((store as TableDirectoryStore).tableClient.tableName)),
  },
];

/** Texts Table keys cannot hold as they are, or that are long enough to need hashing. */
const AWKWARD_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["slash", "team/alice"],
  ["hash", "#general"],
  ["question mark", "who?"],
  ["backslash", "DOMAIN\\alice"],
  ["spaces", "  alice  smith "],
  ["emoji", "😀🎉 party"],
  ["control characters", "a\u0001b\u001fc\u007fd\u0085e"],
  ["quotes and percent", "o'brien \"x\" 100% &amp; +plus"],
  ["empty", ""],
  ["case only differs (lower)", "casey"],
  ["case only differs (upper)", "CASEY"],
  // 383 bytes: "b" + 511 characters of base64url, a key of exactly MAX_KEY_LENGTH (512).
  ["just fits a base64url key", "k".repeat(383)],
  ["long ASCII (hashed)", "x".repeat(5000)],
  ["long ASCII, last character differs (hashed)", "x".repeat(4999) + "y"],
  ["long non-ASCII (hashed)", "ü€😀".repeat(200)],
];

describe.each(subjects)("$name", (subject) => {
  describe("users", () => {
    it("knows nothing of a user never stored", async () => {
      const store = subject.open();
      expect(await store.userIdOf("nobody")).toBeUndefined();
      expect(await store.identityOf("8:acs:nobody")).toBeUndefined();
    });

    it("stores identity -> user id both ways, and keeps the first user id of an identity", async () => {
      const store = subject.open();
      expect(await store.putUserIfAbsent("alice", "8:acs:alice-1")).toBe("8:acs:alice-1");
      expect(await store.userIdOf("alice")).toBe("8:acs:alice-1");
      expect(await store.identityOf("8:acs:alice-1")).toBe("alice");

      // A second user for the same identity loses: the first one stays, both ways.
      expect(await store.putUserIfAbsent("alice", "8:acs:alice-2")).toBe("8:acs:alice-1");
      expect(await store.userIdOf("alice")).toBe("8:acs:alice-1");
      expect(await store.identityOf("8:acs:alice-2")).toBeUndefined();
      // The same pair again is no change.
      expect(await store.putUserIfAbsent("alice", "8:acs:alice-1")).toBe("8:acs:alice-1");

      expect(await store.putUserIfAbsent("bob", "8:acs:bob")).toBe("8:acs:bob");
      expect(await store.userIdOf("bob")).toBe("8:acs:bob");
      expect(await store.identityOf("8:acs:bob")).toBe("bob");
      expect(await store.userIdOf("alice")).toBe("8:acs:alice-1");
    });

    it("20 concurrent putUserIfAbsent for one identity: one winner for all, and only the winner maps back", async () => {
      const first = subject.open();
      const stores = subject.peers(first, 20);
      const userIds = stores.map((_, i) => `8:acs:racer-${i}`);
      const results = await Promise.all(stores.map((store, i) => store.putUserIfAbsent("racer", userIds[i]!)));

      const winner = results[0]!;
      expect(userIds).toContain(winner);
      expect(new Set(results)).toEqual(new Set([winner]));
      expect(await first.userIdOf("racer")).toBe(winner);
      const reverse = await Promise.all(userIds.map((userId) => first.identityOf(userId)));
      expect(reverse).toEqual(userIds.map((userId) => (userId === winner ? "racer" : undefined)));
    });
  });

  describe("unique names", () => {
    it("claims a free name, keeps it from other threads, and releases it only for its holder", async () => {
      const store = subject.open();
      expect(await store.threadIdOf("lobby")).toBeUndefined();
      expect(await store.claimUniqueName("lobby", "19:thread-1")).toBe(true);
      expect(await store.threadIdOf("lobby")).toBe("19:thread-1");
      // Taken by another thread; the holder claiming again is fine.
      expect(await store.claimUniqueName("lobby", "19:thread-2")).toBe(false);
      expect(await store.claimUniqueName("lobby", "19:thread-1")).toBe(true);
      expect(await store.threadIdOf("lobby")).toBe("19:thread-1");

      // A release by a thread that does not hold the name does nothing.
      await store.releaseUniqueName("lobby", "19:thread-2");
      expect(await store.threadIdOf("lobby")).toBe("19:thread-1");
      // Releasing a name nobody holds is no error.
      await store.releaseUniqueName("never-claimed", "19:thread-1");
      expect(await store.threadIdOf("never-claimed")).toBeUndefined();

      await store.releaseUniqueName("lobby", "19:thread-1");
      expect(await store.threadIdOf("lobby")).toBeUndefined();
      // Released twice: still nothing, still no error.
      await store.releaseUniqueName("lobby", "19:thread-1");
      expect(await store.claimUniqueName("lobby", "19:thread-2")).toBe(true);
      expect(await store.threadIdOf("lobby")).toBe("19:thread-2");
    });

    it("keeps names apart", async () => {
      const store = subject.open();
      expect(await store.claimUniqueName("a", "19:t-a")).toBe(true);
      expect(await store.claimUniqueName("A", "19:t-A")).toBe(true);
      expect(await store.claimUniqueName("a ", "19:t-a-space")).toBe(true);
      expect(await store.threadIdOf("a")).toBe("19:t-a");
      expect(await store.threadIdOf("A")).toBe("19:t-A");
      expect(await store.threadIdOf("a ")).toBe("19:t-a-space");
      // Unique names and identities do not share a namespace.
      expect(await store.userIdOf("a")).toBeUndefined();
    });

    it("20 concurrent claims of one name: exactly one true, and the name names that thread", async () => {
      const first = subject.open();
      const stores = subject.peers(first, 20);
      const threadIds = stores.map((_, i) => `19:claimant-${i}`);
      const results = await Promise.all(stores.map((store, i) => store.claimUniqueName("contested", threadIds[i]!)));

      const winners = threadIds.filter((_, i) => results[i]);
      expect(winners).toHaveLength(1);
      expect(await first.threadIdOf("contested")).toBe(winners[0]);
    });

    it("a release racing 10 claims: at most one claim wins, and the name names exactly that claimant", async () => {
      const first = subject.open();
      expect(await first.claimUniqueName("handover", "19:old")).toBe(true);
      const [releaser, ...claimers] = subject.peers(first, 11);
      const threadIds = claimers.map((_, i) => `19:new-${i}`);
      const [, ...results] = await Promise.all([
        releaser!.releaseUniqueName("handover", "19:old").then(() => true),
        ...claimers.map((store, i) => store.claimUniqueName("handover", threadIds[i]!)),
      ]);

      const winners = threadIds.filter((_, i) => results[i]);
      expect(winners.length).toBeLessThanOrEqual(1);
      expect(await first.threadIdOf("handover")).toBe(winners[0]);
    });
  });

  describe("claimers, revocations and pending uploads", () => {
    it("records who claimed a name, and lists a thread's claims", async () => {
      const store = subject.open();
      expect(await store.claimUniqueName("room/1", "19:t-1", "alice")).toBe(true);
      expect(await store.claimUniqueName("room-2", "19:t-1", "bob")).toBe(true);
      expect(await store.claimUniqueName("legacy", "19:t-1")).toBe(true);
      expect(await store.claimUniqueName("elsewhere", "19:t-2", "carol")).toBe(true);
      // A losing claim changes no claimer.
      expect(await store.claimUniqueName("room/1", "19:t-3", "mallory")).toBe(false);
      expect(await store.uniqueNameClaim("room/1")).toEqual({ uniqueName: "room/1", threadId: "19:t-1", claimedBy: "alice" });
      expect(await store.uniqueNameClaim("legacy")).toEqual({ uniqueName: "legacy", threadId: "19:t-1" });
      expect(await store.uniqueNameClaim("nothing")).toBeUndefined();
      const claims = await store.uniqueNameClaimsOf("19:t-1");
      expect(claims.map((claim) => `${claim.uniqueName}:${claim.claimedBy ?? "-"}`).sort()).toEqual(["legacy:-", "room-2:bob", "room/1:alice"]);
      await store.releaseUniqueName("room-2", "19:t-1");
      expect((await store.uniqueNameClaimsOf("19:t-1")).map((claim) => claim.uniqueName).sort()).toEqual(["legacy", "room/1"]);
      expect(await store.uniqueNameClaimsOf("19:none")).toEqual([]);
    });

    it("keeps the latest revocation time of an identity", async () => {
      const store = subject.open();
      expect(await store.tokensRevokedBefore("alice")).toBeUndefined();
      await store.revokeTokensBefore("alice", 1_700_000_000_500);
      await store.revokeTokensBefore("alice", 1_700_000_000_100);
      expect(await store.tokensRevokedBefore("alice")).toBe(1_700_000_000_500);
      await store.revokeTokensBefore("alice", 1_700_000_009_999);
      expect(await store.tokensRevokedBefore("alice")).toBe(1_700_000_009_999);
      expect(await store.tokensRevokedBefore("bob")).toBeUndefined();
    });

    it("keeps each identity's muted conversations; 10 concurrent mutes of different conversations all stay", async () => {
      const first = subject.open();
      expect(await first.mutedThreadsOf!("alice")).toEqual([]);
      await first.putNotificationLevel!("alice", "19:a@thread.v2", "muted");
      await first.putNotificationLevel!("alice", "19:a@thread.v2", "muted");
      expect(await first.mutedThreadsOf!("alice")).toEqual(["19:a@thread.v2"]);
      expect(await first.mutedThreadsOf!("bob")).toEqual([]);
      const peers = subject.peers(first, 10);
      await Promise.all(peers.map((store, i) => store.putNotificationLevel!("alice", `19:c${i}@thread.v2`, "muted")));
      expect((await first.mutedThreadsOf!("alice")).sort()).toEqual(["19:a@thread.v2", ...peers.map((_, i) => `19:c${i}@thread.v2`)].sort());
      await first.putNotificationLevel!("alice", "19:a@thread.v2", "default");
      expect(await first.mutedThreadsOf!("alice")).not.toContain("19:a@thread.v2");
    });

    it("lists pending uploads made before a time, up to a limit, until they are untracked", async () => {
      const store = subject.open();
      const at = 1_700_000_000_000;
      for (let i = 0; i < 5; i++) await store.trackUpload({ id: `upload-${i}`, uploaderUserId: `8:acs:user-${i % 2}`, uploadedAt: at + i * 1000 });
      const due = await store.pendingUploads(at + 3000, 10);
      expect(due.map((upload) => upload.id).sort()).toEqual(["upload-0", "upload-1", "upload-2"]);
      expect(due.find((upload) => upload.id === "upload-1")).toEqual({ id: "upload-1", uploaderUserId: "8:acs:user-1", uploadedAt: at + 1000 });
      expect(await store.pendingUploads(at + 3000, 2)).toHaveLength(2);
      await store.untrackUpload("upload-0");
      await store.untrackUpload("never-tracked");
      expect((await store.pendingUploads(at + 10_000, 10)).map((upload) => upload.id).sort()).toEqual(["upload-1", "upload-2", "upload-3", "upload-4"]);
    });
  });

  describe("profiles", () => {
    it("has no profile for an identity never given one", async () => {
      expect(await subject.open().profileOf("nobody")).toBeUndefined();
    });

    it("round-trips friendly names and JSON attributes of every kind, the last write winning", async () => {
      const store = subject.open();
      const profiles: UserProfile[] = [
        {
          friendlyName: "Alice A.",
          attributes: { team: "blue", level: 3, ratio: -0.125, admin: false, none: null, tags: ["a", 1, [true]], deep: { deeper: { emoji: "😀", quote: "\"'\\" } } },
        },
        { friendlyName: null, attributes: "just a string" },
        { friendlyName: "", attributes: null },
        { friendlyName: "Ünïcødé 🎉", attributes: [1, "two", { three: 3 }] },
        { friendlyName: "n", attributes: 1e-7 },
        { friendlyName: "t", attributes: true },
        { friendlyName: null, attributes: {} },
      ];
      for (const profile of profiles) {
        await store.putProfile("alice", profile);
        expect(await store.profileOf("alice")).toEqual(profile);
      }
      expect(await store.profileOf("bob")).toBeUndefined();
    });

    it("gives copies: changing a profile read or written does not change the stored one", async () => {
      const store = subject.open();
      const written: UserProfile = { friendlyName: "Alice", attributes: { list: [1] } };
      await store.putProfile("alice", written);
      (written.attributes as { list: number[] }).list.push(2);
      const read = (await store.profileOf("alice"))!;
      (read.attributes as { list: number[] }).list.push(3);
      expect(await store.profileOf("alice")).toEqual({ friendlyName: "Alice", attributes: { list: [1] } });
    });
  });

  describe.each(AWKWARD_KEYS)("key with %s", (_label, text) => {
    it("works as identity, user id, unique name, thread id and profile key, and stays apart from its neighbours", async () => {
      const store = subject.open();
      const userId = `8:acs:${text}`;
      const threadId = `19:${text}`;
      expect(await store.putUserIfAbsent(text, userId)).toBe(userId);
      expect(await store.putUserIfAbsent("neighbour", "8:acs:neighbour")).toBe("8:acs:neighbour");
      expect(await store.userIdOf(text)).toBe(userId);
      expect(await store.identityOf(userId)).toBe(text);
      expect(await store.putUserIfAbsent(text, "8:acs:other")).toBe(userId);

      expect(await store.claimUniqueName(text, threadId)).toBe(true);
      expect(await store.claimUniqueName(text, "19:other")).toBe(false);
      expect(await store.threadIdOf(text)).toBe(threadId);

      const profile: UserProfile = { friendlyName: text, attributes: { text } };
      await store.putProfile(text, profile);
      expect(await store.profileOf(text)).toEqual(profile);

      // Its neighbours in the list are not confused with it.
      for (const [, other] of AWKWARD_KEYS) {
        if (other === text) continue;
        expect(await store.userIdOf(other)).toBeUndefined();
        expect(await store.threadIdOf(other)).toBeUndefined();
      }

      await store.releaseUniqueName(text, threadId);
      expect(await store.threadIdOf(text)).toBeUndefined();
    });
  });
});

describe("TableDirectoryStore only", () => {
  it("writes row keys of base64url text (prefix b) or of its SHA-256 (prefix h), which decode to the stored text", async () => {
    const tableName = freshTableName();
    const store = openTable(tableName);
    for (const [, text] of AWKWARD_KEYS) {
      await store.putUserIfAbsent(text, `8:acs:${text}`);
      await store.claimUniqueName(text, `19:${text}`);
      await store.putProfile(text, { friendlyName: null, attributes: null });
    }
    const fieldOf: Record<string, string> = { user: "identity", userId: "userId", profile: "identity", uniqueName: "uniqueName" };
    const perPartition = new Map<string, number>();
    let hashed = 0;
    for await (const entity of rawTable(tableName).listEntities<Record<string, unknown>>()) {
      const partitionKey = entity.partitionKey!;
      const rowKey = entity.rowKey!;
      perPartition.set(partitionKey, (perPartition.get(partitionKey) ?? 0) + 1);
      const text = entity[fieldOf[partitionKey]!];
      expect(typeof text).toBe("string");
      expect(rowKey).toMatch(/^[bh][A-Za-z0-9_-]*$/);
      expect(rowKey.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
      expect(rowKey).toBe(directoryRowKey("text", text as string));
      if (rowKey.startsWith("b")) {
        expect(Buffer.from(rowKey.slice(1), "base64url").toString("utf8")).toBe(text);
      } else {
        hashed++;
        expect(rowKey.slice(1)).toBe(createHash("sha256").update(text as string, "utf8").digest("base64url"));
      }
    }
    const n = AWKWARD_KEYS.length;
    expect(Object.fromEntries(perPartition)).toEqual({ user: n, userId: n, profile: n, uniqueName: n });
    // The three long texts in each of the four partitions, and the user id "8:acs:" + the one that just fits.
    expect(hashed).toBe(3 * 4 + 1);
  });

  it("row keys: base64url while it fits in 512 characters, hashed past that; lone surrogates refused", () => {
    const fits = "k".repeat(383); // "b" + ceil(383 * 4 / 3) = 512 characters
    expect(directoryRowKey("t", fits)).toMatch(/^b/);
    expect(directoryRowKey("t", fits)).toHaveLength(MAX_KEY_LENGTH);
    expect(directoryRowKey("t", fits + "k")).toMatch(/^h/); // would be 513
    expect(directoryRowKey("t", fits + "k")).toHaveLength(44);
    expect(directoryRowKey("t", "é".repeat(191))).toMatch(/^b/); // 382 bytes of UTF-8
    expect(directoryRowKey("t", "é".repeat(192))).toMatch(/^h/); // 384
    expect(directoryRowKey("t", "")).toBe("b");
    expect(directoryRowKey("t", "a/b#c?d\\e")).toBe("b" + Buffer.from("a/b#c?d\\e").toString("base64url"));
    expect(() => directoryRowKey("identity", "bad\uD800")).toThrow(RangeError);
    expect(() => directoryRowKey("identity", "bad\uDC00x")).toThrow(/identity is not well-formed Unicode/);
    expect(directoryRowKey("t", "😀")).toBe("b" + Buffer.from("😀").toString("base64url"));
  });

  it("a new instance on the same table (a server restart) sees users, profiles and unique names", async () => {
    const tableName = freshTableName();
    const before = openTable(tableName);
    await before.putUserIfAbsent("alice", "8:acs:alice");
    await before.putUserIfAbsent("team/bob?", "8:acs:bob");
    await before.putProfile("alice", { friendlyName: "Alice", attributes: { team: "blue" } });
    await before.claimUniqueName("#general", "19:general");
    await before.claimUniqueName("doomed", "19:doomed");
    await before.releaseUniqueName("doomed", "19:doomed");

    const after = TableDirectoryStore.fromConnectionString(azurite.connectionString, tableName);
    expect(await after.userIdOf("alice")).toBe("8:acs:alice");
    expect(await after.identityOf("8:acs:alice")).toBe("alice");
    expect(await after.userIdOf("team/bob?")).toBe("8:acs:bob");
    expect(await after.identityOf("8:acs:bob")).toBe("team/bob?");
    expect(await after.profileOf("alice")).toEqual({ friendlyName: "Alice", attributes: { team: "blue" } });
    expect(await after.threadIdOf("#general")).toBe("19:general");
    expect(await after.threadIdOf("doomed")).toBeUndefined();
    // And it keeps what was won before the restart.
    expect(await after.putUserIfAbsent("alice", "8:acs:alice-again")).toBe("8:acs:alice");
    expect(await after.claimUniqueName("#general", "19:usurper")).toBe(false);
    expect(await after.claimUniqueName("doomed", "19:reborn")).toBe(true);
  });

  it("completes the reverse map of a winner whose process died between its two writes", async () => {
    const tableName = freshTableName();
    const store = openTable(tableName);
    await store.userIdOf("warm-up"); // creates the table
    // What the crashed winner left: the forward entity only.
    await rawTable(tableName).createEntity({ partitionKey: "user", rowKey: directoryRowKey("identity", "carol"), identity: "carol", userId: "8:acs:carol" });
    expect(await store.identityOf("8:acs:carol")).toBeUndefined();

    expect(await store.putUserIfAbsent("carol", "8:acs:carol-late")).toBe("8:acs:carol");
    expect(await store.identityOf("8:acs:carol")).toBe("carol");
    expect(await store.identityOf("8:acs:carol-late")).toBeUndefined();
  });

  it("a release deletes only the claim it read: a name released and claimed again by others meanwhile stays claimed", async () => {
    const tableName = freshTableName();
    const others = openTable(tableName);
    expect(await others.claimUniqueName("room", "19:first")).toBe(true);
    // A second release of 19:first (say, a retry on another server) that stalls between reading
    // the claim and deleting it; meanwhile the first release completes and 19:second claims.
    const stalled = openTable(tableName, {
      additionalPolicies: [{ policy: beforeRequest("DELETE", async () => {
        await others.releaseUniqueName("room", "19:first");
        expect(await others.claimUniqueName("room", "19:second")).toBe(true);
      }), position: "perCall" }],
    });
    await stalled.releaseUniqueName("room", "19:first");
    expect(await others.threadIdOf("room")).toBe("19:second");
  });

  it("a claim that loses to a holder who releases before it can read the holder claims again, and wins", async () => {
    const tableName = freshTableName();
    const others = openTable(tableName);
    expect(await others.claimUniqueName("room", "19:holder")).toBe(true);
    // Between the claimant's 409 and its read of the holder, the holder lets go.
    const claimant = openTable(tableName, {
      additionalPolicies: [{ policy: beforeRequest("GET", () => others.releaseUniqueName("room", "19:holder")), position: "perCall" }],
    });
    expect(await claimant.claimUniqueName("room", "19:claimant")).toBe(true);
    expect(await others.threadIdOf("room")).toBe("19:claimant");
  });

  it("refuses attributes over 64 KiB of JSON with a RangeError naming the limit, and keeps the profile it had", async () => {
    const store = openTable(freshTableName());
    // The largest that fits: a JSON string of exactly 32768 UTF-16 code units, quotes included.
    const largest: UserProfile = { friendlyName: "big", attributes: "x".repeat(MAX_PROPERTY_LENGTH - 2) };
    await store.putProfile("alice", largest);
    expect(await store.profileOf("alice")).toEqual(largest);

    const tooLarge = { friendlyName: "bigger", attributes: { text: "😀".repeat(MAX_PROPERTY_LENGTH / 2) } };
    const error = await store.putProfile("alice", tooLarge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/profile\.attributes.*64 KiB \(32768 UTF-16 code units\)/);
    await expect(store.putProfile("alice", { friendlyName: "x".repeat(MAX_PROPERTY_LENGTH + 1), attributes: null })).rejects.toThrow(
      /profile\.friendlyName is 32769 UTF-16 code units.*64 KiB/,
    );
    expect(await store.profileOf("alice")).toEqual(largest);
  });

  it("refuses identities, user ids and names it could not store before writing anything", async () => {
    const tableName = freshTableName();
    const store = openTable(tableName);
    await expect(store.putUserIfAbsent("dave", "8:acs:\uD800")).rejects.toThrow(RangeError);
    expect(await store.userIdOf("dave")).toBeUndefined();
    await expect(store.putUserIfAbsent("x".repeat(MAX_PROPERTY_LENGTH + 1), "8:acs:long")).rejects.toThrow(/64 KiB/);
    await expect(store.claimUniqueName("lonely\uDBFF", "19:t")).rejects.toThrow(RangeError);
    await expect(store.claimUniqueName("room", "19:" + "t".repeat(MAX_PROPERTY_LENGTH))).rejects.toThrow(RangeError);
    expect(await store.threadIdOf("room")).toBeUndefined();
  });

  it("a missing table is an error (not an empty directory) unless createTable is set", async () => {
    const tableName = freshTableName();
    const withoutCreate = TableDirectoryStore.fromConnectionString(azurite.connectionString, tableName);
    await expect(withoutCreate.userIdOf("alice")).rejects.toMatchObject({ statusCode: 404, details: { errorCode: "TableNotFound" } });
    await expect(withoutCreate.claimUniqueName("room", "19:t")).rejects.toMatchObject({ statusCode: 404 });

    const withCreate = openTable(tableName);
    expect(await withCreate.userIdOf("alice")).toBeUndefined();
    expect(await withCreate.claimUniqueName("room", "19:t")).toBe(true);
    // Another instance with createTable on the existing table is fine too.
    expect(await openTable(tableName).threadIdOf("room")).toBe("19:t");
    expect(await withoutCreate.threadIdOf("room")).toBe("19:t");
  });
});

/** A pipeline policy that runs `action` once, before the first request with this method is sent. */
function beforeRequest(method: PipelineRequest["method"], action: () => Promise<unknown>): PipelinePolicy {
  let pending: (() => Promise<unknown>) | undefined = action;
  return {
    name: `before-first-${method}`,
    async sendRequest(request, next) {
      if (request.method === method && pending) {
        const run = pending;
        pending = undefined;
        await run();
      }
      return next(request);
    },
  };
}
