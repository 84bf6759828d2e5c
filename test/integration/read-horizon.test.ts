/**
 * Read horizons and unread counts from ACS read receipts, through our classes over the real SDK
 * against the emulator: Twilio's null before any receipt, a count (not an index difference),
 * never backwards by accident, coalesced writes, participants' horizons on the other side,
 * delivery receipts derived from them, and the degraded mode above 20 participants.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedFeatureError, type Client, type Participant } from "../../src/index.js";
import { rejection } from "../helpers/acs.js";
import { createSession, initialized, sharedConversation, startTwoUsersOnTarget, type TestDirectory, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { requestsDuring } from "../helpers/observe.js";
import { emulatorOnly, type Target } from "../helpers/target.js";

let users: TwoUsers<Target>;
let emulator: Target;
let directory: TestDirectory;
let alice: TestSession;
let bob: TestSession;
let aliceClient: Client;
let bobClient: Client;

const shared = (name: string) => sharedConversation(aliceClient, bobClient, name);

beforeAll(async () => {
  ({ emulator, directory, alice, bob, aliceClient, bobClient } = users = await startTwoUsersOnTarget());
});

afterAll(() => users?.close());

describe("read horizon and unread counts", () => {
  it("is null before any receipt, then counts user messages after the horizon through read, send, read", async () => {
    const { mine, theirs } = await shared("unread");
    const sent = [await mine.sendMessage("one"), await mine.sendMessage("two"), await mine.sendMessage("three")];
    expect(await theirs.getUnreadMessagesCount()).toBeNull();
    expect(theirs.lastReadMessageIndex).toBeNull();

    expect(await theirs.advanceLastReadMessageIndex(sent[1]!)).toBe(1);
    expect(theirs.lastReadMessageIndex).toBe(sent[1]);
    // Never backwards by accident.
    expect(await theirs.advanceLastReadMessageIndex(sent[0]!)).toBe(1);
    expect(theirs.lastReadMessageIndex).toBe(sent[1]);

    // A participant joining writes an ACS system message between user messages: it is not counted.
    const carol = await createSession(emulator, "carol", directory);
    await mine.add(carol.identity);
    sent.push(await mine.sendMessage("four"));
    expect(await theirs.getUnreadMessagesCount()).toBe(2);

    // Explicitly backwards is allowed, as in Twilio.
    expect(await theirs.updateLastReadMessageIndex(sent[0]!)).toBe(3);
    expect(await theirs.setAllMessagesRead()).toBe(0);
    expect(theirs.lastReadMessageIndex).toBe(sent[3]);
    sent.push(await mine.sendMessage("five"));
    expect(await theirs.getUnreadMessagesCount()).toBe(1);
    // The other side's own horizon is untouched.
    expect(await mine.getUnreadMessagesCount()).toBeNull();
  });

  it("refuses to un-read with UnsupportedFeatureError: an ACS receipt cannot be withdrawn", async () => {
    const { theirs } = await shared("no unread");
    for (const call of [() => theirs.setAllMessagesUnread(), () => theirs.updateLastReadMessageIndex(null)]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(UnsupportedFeatureError);
      expect((error as unknown as UnsupportedFeatureError).migrationSection).toBe("Read horizon and unread counts");
    }
  });

  emulatorOnly("counts requests")("coalesces calls made on every render into few receipts, ending at the highest index", async () => {
    const { mine, theirs } = await shared("coalesce");
    const sent: number[] = [];
    for (let i = 0; i < 6; i++) sent.push(await mine.sendMessage(`m${i}`));
    const { requests } = await requestsDuring(emulator, async () => {
      await Promise.all(sent.concat(sent).map((index) => theirs.advanceLastReadMessageIndex(index)));
    });
    const receipts = requests.filter((r) => r.operation === "POST /chat/threads/{threadId}/readReceipts");
    expect(receipts.length).toBeGreaterThanOrEqual(1);
    expect(receipts.length).toBeLessThanOrEqual(2);
    expect(theirs.lastReadMessageIndex).toBe(sent[5]);
    expect(await theirs.getUnreadMessagesCount()).toBe(0);
  });

  it("shows the other participant's horizon, with participantUpdated, and delivery receipts from it", async () => {
    const { mine, theirs } = await shared("seen by");
    const index = await mine.sendMessage("did you read this?");
    const [message] = (await mine.getMessages()).items;

    // A client of alice's with events on: it re-reads the receipts of conversations it watches.
    const watching = alice.client({ eventSource: "polling", polling: { minIntervalInMs: 20, maxIntervalInMs: 100, watchIntervalInMs: 100 } });
    await initialized(watching);
    const watched = await watching.getConversationBySid(mine.sid);
    // No read-horizon call of alice's own: listing participants is enough, as in Twilio.
    const bobOnAlicesSide = (await watched.getParticipantByIdentity("bob")) as Participant;
    const updated = new Promise<string[]>((resolve) => bobOnAlicesSide.on("updated", ({ updateReasons }) => resolve(updateReasons)));
    await theirs.setAllMessagesRead();
    const updates = await updated;
    await watching.shutdown();
    expect(bobOnAlicesSide.lastReadMessageIndex).toBe(index);
    expect(bobOnAlicesSide.lastReadTimestamp).toBeInstanceOf(Date);
    expect(updates).toEqual(expect.arrayContaining(["lastReadMessageIndex", "lastReadTimestamp"]));
  });

  it("lists participants with their read horizons, as Twilio does, without a read-horizon call first", async () => {
    const { mine, theirs } = await shared("horizons on the roster");
    const index = await mine.sendMessage("read me");
    await theirs.setAllMessagesRead();
    const fresh = alice.client({ eventSource: "none" });
    await initialized(fresh);
    const conversation = await fresh.getConversationBySid(mine.sid);
    // Reading the horizons with the roster is state, not news: no update events.
    const events: string[] = [];
    conversation.on("participantUpdated", () => events.push("participantUpdated"));
    conversation.on("updated", () => events.push("updated"));
    const participants = await conversation.getParticipants();
    await fresh.shutdown();
    const horizons = participants.map((p) => [p.identity, p.lastReadMessageIndex]);
    expect(horizons).toEqual(expect.arrayContaining([["bob", index]]));
    expect(events).toEqual([]);
  });

  emulatorOnly("counts requests")("answers delivery receipts as Twilio does for chat messages, without a request, however often the app asks", async () => {
    const { mine, theirs } = await shared("receipts for all");
    for (let i = 0; i < 8; i++) await mine.sendMessage(`m${i}`);
    await theirs.setAllMessagesRead();
    const { items } = await mine.getMessages();
    // The demo app's habit: every rendered message asks for its status, on every render.
    const { requests } = await requestsDuring(emulator, async () => {
      for (let render = 0; render < 10; render++) {
        for (const message of items) {
          expect(message.aggregatedDeliveryReceipt).toBeNull();
          expect(await message.getDetailedDeliveryReceipts()).toEqual([]);
        }
      }
    });
    expect(items).toHaveLength(8);
    expect(requests).toEqual([]);
    // "Read" comes from the horizons, as in Twilio apps.
    const bobHere = (await mine.getParticipantByIdentity("bob"))!;
    expect(bobHere.lastReadMessageIndex).toBe(items.at(-1)!.index);
  });

  emulatorOnly("counts requests")("keeps the horizon on this client alone above 20 participants, where ACS has no receipts, without errors", async () => {
    const mine = await aliceClient.createConversation({ friendlyName: "crowd" });
    await mine.join();
    // ACS allows 10 additions per 10 s per thread: the crowd comes in one request, as a native client adds people.
    const crowd = await Promise.all(Array.from({ length: 21 }, (_, i) => createSession(emulator, `crowd-${i}`, directory)));
    await mine.acs.threadClient.addParticipants({ participants: crowd.map((extra) => ({ id: { communicationUserId: extra.userId }, displayName: extra.identity })) });
    const index = await mine.sendMessage("hello crowd");
    const { requests } = await requestsDuring(emulator, () => mine.advanceLastReadMessageIndex(index));
    expect(requests.filter((r) => r.operation === "POST /chat/threads/{threadId}/readReceipts")).toEqual([]);
    expect(mine.lastReadMessageIndex).toBe(index);
    expect(await mine.getUnreadMessagesCount()).toBe(0);
    const { requests: typing } = await requestsDuring(emulator, () => mine.typing());
    expect(typing.filter((r) => r.operation === "POST /chat/threads/{threadId}/typing")).toEqual([]);
  });
});
