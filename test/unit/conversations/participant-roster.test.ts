/**
 * The participant roster through its host interface, with a thread of ACS data held in memory:
 * who is there, joins and departures after the first read, and participant-attribute snapshots
 * that count only within their setters' rights, merged so that none rolls an entry back.
 */
import type { ChatMessage, ChatParticipant, ChatThreadClient } from "@azure/communication-chat";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { twilioDefaultAttributePolicy } from "../../../src/conversations/attribute-policy.js";
import type { Conversation } from "../../../src/conversations/conversation.js";
import { Participant, type ParticipantHost } from "../../../src/conversations/participant.js";
import { ParticipantRoster, type RosterHost } from "../../../src/conversations/participant-roster.js";
import { KnownIdentities } from "../../../src/identity/identity-resolver.js";
import { encodeControlMessage } from "../../../src/mapping/control-message.js";
import type { JSONValue } from "../../../src/mapping/json.js";

const SERVICE = "8:acs:service";
const user = (name: string) => `8:acs:${name}`;
const participant = (name: string, attributes?: JSONValue): ChatParticipant => ({
  id: { communicationUserId: user(name) },
  displayName: name,
  metadata: attributes === undefined ? {} : { twilioAttributes: JSON.stringify(attributes) },
});

/** A thread in memory: its participants and its messages, read as ACS answers them. */
class Thread {
  participants: ChatParticipant[] = [];
  readonly messages = new Map<string, ChatMessage>();
  pointer: string | undefined;
  reads = 0;
  #sequence = 0;

  /** Sends a participant-attributes snapshot as `sender`; returns its id. */
  snapshot(sender: string, attributesByUserId: Record<string, JSONValue>, origins: Record<string, string> = {}): string {
    const { content, metadata } = encodeControlMessage({ kind: "participantAttributes", attributesByUserId, origins });
    const sequence = ++this.#sequence;
    const id = `m${sequence}`;
    this.messages.set(id, {
      id,
      type: "text",
      sequenceId: String(sequence),
      version: id,
      createdOn: new Date(sequence * 1000),
      content: { message: content },
      metadata,
      sender: { kind: "communicationUser", communicationUserId: user(sender) },
    });
    return id;
  }

  get client(): ChatThreadClient {
    const thread = this;
    return {
      listParticipants: () => ({
        async *[Symbol.asyncIterator]() {
          thread.reads++;
          yield* thread.participants;
        },
      }),
      getMessage: async (id: string) => {
        thread.reads++;
        const message = thread.messages.get(id);
        if (!message) throw Object.assign(new Error("not found"), { statusCode: 404 });
        return message;
      },
    } as unknown as ChatThreadClient;
  }
}

/** Participants here only show their data: the host methods they would call are not used. */
const participantHost = { identityOf: (userId: string) => userId } as unknown as ParticipantHost;

function setUp(thread: Thread, options: { serviceUserId?: string } = {}) {
  const events: string[] = [];
  const host: RosterHost = {
    thread: thread.client,
    identities: new KnownIdentities(),
    serviceUserId: options.serviceUserId,
    report: () => undefined,
    readPointer: async () => thread.pointer,
    allowed: (sender, owner, previous, next) =>
      twilioDefaultAttributePolicy({ kind: "participant", sender: { userId: sender, identity: sender }, owner: { userId: owner, identity: owner }, previous, next }),
    create: (raw, data, joinedOn) => new Participant({} as Conversation, raw, data, participantHost, joinedOn),
    joined: (p) => events.push(`joined ${p.sid}`),
    left: (p) => events.push(`left ${p.sid}`),
    updated: (p, reasons) => events.push(`updated ${p.sid} ${reasons.join(",")}`),
  };
  return { roster: new ParticipantRoster(host), events };
}

const attributesOf = (roster: ParticipantRoster, name: string) => roster.get(user(name))?.attributes;

describe("ParticipantRoster", () => {
  it("learns who is there on the first read, then reports joins and departures; hides the server kit's user", async () => {
    const thread = new Thread();
    thread.participants = [participant("alice"), participant("bob"), { id: { communicationUserId: SERVICE } }];
    const { roster, events } = setUp(thread, { serviceUserId: SERVICE });
    await roster.load();
    expect(roster.list().map((p) => p.sid)).toEqual([user("alice"), user("bob")]);
    expect(roster.acsCount()).toBe(3);
    expect(events).toEqual([]);
    thread.participants = [participant("alice"), participant("carol"), { id: { communicationUserId: SERVICE } }];
    await roster.load();
    expect(events).toEqual([`joined ${user("carol")}`, `left ${user("bob")}`]);
    roster.upsert(participant("dave"), new Date());
    roster.drop(user("alice"));
    expect(events.slice(2)).toEqual([`joined ${user("dave")}`, `left ${user("alice")}`]);
  });

  it("reads the list once for any number of ensureLoaded calls", async () => {
    const thread = new Thread();
    thread.participants = [participant("alice")];
    const { roster } = setUp(thread);
    await roster.ensureLoaded();
    await roster.ensureLoaded();
    expect(thread.reads).toBe(1);
  });

  it("takes from a snapshot only the entries their setters may set, and checks copied entries at their origin", async () => {
    const thread = new Thread();
    thread.participants = [participant("alice", { role: "owner" }), participant("bob"), participant("mallory")];
    const aliceSet = thread.snapshot("alice", { [user("alice")]: { role: "owner", v: 2 } });
    // Mallory copies alice's entry faithfully (allowed: alice set it), forges bob's, and sets her own.
    thread.pointer = thread.snapshot("mallory", { [user("alice")]: { role: "owner", v: 2 }, [user("bob")]: { role: "banned" }, [user("mallory")]: { role: "admin" } }, { [user("alice")]: aliceSet });
    const { roster } = setUp(thread);
    await roster.load();
    expect(attributesOf(roster, "alice")).toEqual({ role: "owner", v: 2 });
    expect(attributesOf(roster, "bob")).toEqual({});
    expect(attributesOf(roster, "mallory")).toEqual({ role: "admin" });
  });

  it("refuses a copied entry whose origin set another value, or whose origin is not a snapshot", async () => {
    const thread = new Thread();
    thread.participants = [participant("alice"), participant("mallory")];
    const aliceSet = thread.snapshot("alice", { [user("alice")]: { v: 1 } });
    thread.pointer = thread.snapshot("mallory", { [user("alice")]: { v: 999 } }, { [user("alice")]: aliceSet });
    const { roster } = setUp(thread);
    await roster.load();
    expect(attributesOf(roster, "alice")).toEqual({});
    thread.pointer = thread.snapshot("mallory", { [user("alice")]: { v: 1 } }, { [user("alice")]: "no-such-message" });
    await roster.refreshSnapshot(thread.pointer);
    expect(attributesOf(roster, "alice")).toEqual({});
  });

  it("never rolls an entry back, whatever order snapshots arrive in (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), async (versions, order) => {
        const thread = new Thread();
        thread.participants = [participant("alice")];
        // Alice sets her attributes several times; snapshots are then seen in any order (and some twice).
        const ids = versions.map((v) => thread.snapshot("alice", { [user("alice")]: { v } }));
        const { roster } = setUp(thread);
        await roster.load();
        for (const i of [...order, ...ids.keys()]) roster.applySnapshotMessage(thread.messages.get(ids[i % ids.length]!)!);
        await roster.refreshSnapshot(undefined);
        expect(attributesOf(roster, "alice")).toEqual({ v: versions[versions.length - 1] });
      }),
      { numRuns: 60 },
    );
  });

  it("builds the next snapshot from every entry it knows, each copied entry naming its origin", async () => {
    const thread = new Thread();
    thread.participants = [participant("alice"), participant("bob")];
    const aliceSet = thread.snapshot("alice", { [user("alice")]: { a: 1 } });
    thread.pointer = aliceSet;
    const { roster } = setUp(thread);
    await roster.load();
    const control = await roster.snapshotWith(user("bob"), { b: 2 }, thread.pointer);
    expect(control).toEqual({ kind: "participantAttributes", attributesByUserId: { [user("alice")]: { a: 1 }, [user("bob")]: { b: 2 } }, origins: { [user("alice")]: aliceSet } });
  });
});
