/**
 * Hostile participants: mallory uses the native ACS SDK (a plain ChatThreadClient with her own
 * token) and writes whatever she likes into a thread shared with two of our clients: file
 * descriptions with a non-string extension, attributes nested 9,000 levels deep then an edit,
 * `javascript:` and cloud-metadata URLs, garbage control markers. Both clients still receive every
 * message exactly once and in order, getMessages() keeps working (in a fresh client too), and bad
 * media yields no URL. A property test then drives her with generated metadata and content.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import type { Client, ClientOptions, Conversation, Message } from "../../src/index.js";
import { createUser, type TestUser } from "../helpers/acs.js";
import { fetchTrusting } from "../helpers/https-fetch.js";
import { until } from "../helpers/observe.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

const FAST = { minIntervalInMs: 20, maxIntervalInMs: 100, watchIntervalInMs: 150, removalCheckIntervalInMs: 1000 };
const deepArray = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

let emulator: Emulator;
let trustedFetch: typeof fetch;
const directory = new TestDirectory();
let alice: TestSession;
let bob: TestSession;
let mallory: TestUser;
let aliceClient: Client;
let bobClient: Client;
const warnings: string[] = [];

const clientFor = (session: TestSession, options: ClientOptions = {}) =>
  session.client({
    eventSource: "polling",
    polling: FAST,
    mediaStore: { url: emulator.endpoint, fetch: trustedFetch },
    logger: { warn: (message) => void warnings.push(message) },
    ...options,
  });

/** A conversation of alice's with bob and mallory in it: both our clients' views, mallory's raw thread client, and what each client announced. */
async function hostileThread(name: string) {
  const mine = await aliceClient.createConversation({ friendlyName: name });
  await mine.join();
  await mine.add("bob");
  await mine.add("mallory");
  const theirs = await bobClient.getConversationBySid(mine.sid);
  const announced = { alice: [] as Message[], bob: [] as Message[] };
  mine.on("messageAdded", (message) => announced.alice.push(message));
  theirs.on("messageAdded", (message) => announced.bob.push(message));
  return { mine, theirs, raw: mallory.thread(mine.sid), announced };
}

/** Mallory's message; resolves to its id. */
async function malloryWrites(raw: ChatThreadClient, content: string, metadata?: Record<string, string>, type: "text" | "html" = "text"): Promise<string> {
  return (await raw.sendMessage({ content }, { senderDisplayName: "mallory", type, ...(metadata ? { metadata } : {}) })).id;
}

beforeAll(async () => {
  emulator = await startEmulator();
  trustedFetch = fetchTrusting(emulator.caPem);
  alice = await createSession(emulator, "alice", directory);
  bob = await createSession(emulator, "bob", directory);
  mallory = await createUser(emulator);
  directory.userIds.set("mallory", mallory.id);
  aliceClient = clientFor(alice);
  bobClient = clientFor(bob);
  await Promise.all([initialized(aliceClient), initialized(bobClient)]);
});

afterAll(async () => {
  await Promise.all([aliceClient?.shutdown(), bobClient?.shutdown()]);
  await emulator?.close();
});

const bodies = (messages: Message[]) => messages.map((m) => m.body);

/** Waits until both clients announced `expected` (and a few polls more, to catch a message announced twice). */
async function expectAnnouncedOnce(announced: { alice: Message[]; bob: Message[] }, expected: string[]): Promise<void> {
  await until(() => announced.alice.length >= expected.length && announced.bob.length >= expected.length, 5000, "every message announced to both").catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(bodies(announced.alice)).toEqual(expected);
  expect(bodies(announced.bob)).toEqual(expected);
}

/** getMessages() works, twice (the second read updates what the first made), in a client that starts afresh. */
async function expectFreshPage(sid: string, expected: string[]): Promise<Message[]> {
  const fresh = clientFor(bob, { eventSource: "none" });
  try {
    await initialized(fresh);
    const conversation = await fresh.getConversationBySid(sid);
    expect(bodies((await conversation.getMessages(50)).items)).toEqual(expected);
    const page = await conversation.getMessages(50);
    expect(bodies(page.items)).toEqual(expected);
    return page.items;
  } finally {
    await fresh.shutdown();
  }
}

async function urlsOf(message: Message): Promise<Array<string | null>> {
  return Promise.all((message.attachedMedia ?? []).map((m) => m.getContentTemporaryUrl().then((url) => url, () => null)));
}

describe("a native ACS sender writing malformed data", () => {
  it("a file description with a non-string extension is delivered (typed from nothing) and breaks nothing", async () => {
    const { mine, raw, announced } = await hostileThread("bad extension");
    await mine.sendMessage("good 1");
    await malloryWrites(raw, "bad extension", { fileSharingMetadata: JSON.stringify([{ id: "f1", name: "photo", extension: 7, url: "https://files.example/f1" }]) });
    await malloryWrites(raw, "good 2");
    const expected = ["good 1", "bad extension", "good 2"];
    await expectAnnouncedOnce(announced, expected);
    const [, bad] = await expectFreshPage(mine.sid, expected);
    expect(bad!.attachedMedia!.map((m) => [m.sid, m.filename, m.contentType])).toEqual([["f1", "photo", "application/octet-stream"]]);
  });

  it("attributes nested 9,000 levels deep, then an edit, lose no message after them and keep getMessages() working", async () => {
    const { mine, raw, announced } = await hostileThread("deep attributes");
    // A client without background events reads the feed when it pages: the edit and the messages after it come in one read.
    const quiet = clientFor(bob, { eventSource: "none" });
    await initialized(quiet);
    const quietView = await quiet.getConversationBySid(mine.sid);
    const quietAnnounced: Message[] = [];
    quietView.on("messageAdded", (message) => quietAnnounced.push(message));
    await mine.sendMessage("good 1");
    const deepId = await malloryWrites(raw, "deep", { twilioAttributes: deepArray(9000) });
    await quietView.getMessages();
    await raw.updateMessage(deepId, { content: "deep, edited" });
    await malloryWrites(raw, "good 2");
    await mine.sendMessage("good 3");
    const page = await quietView.getMessages();
    const expected = ["good 1", "deep, edited", "good 2", "good 3"];
    expect(bodies(page.items)).toEqual(expected);
    expect(bodies(quietAnnounced)).toEqual(["good 1", "deep, edited", "good 2", "good 3"].map((b, i) => (i === 1 ? expect.stringMatching(/^deep/) : b)));
    expect(page.items[1]!.attributes).toBe(deepArray(9000)); // the raw text, not a 9,000-level value
    await expectAnnouncedOnce(announced, ["good 1", expect.stringMatching(/^deep/) as unknown as string, "good 2", "good 3"]);
    await expectFreshPage(mine.sid, expected);
    expect(warnings.some((w) => /kept as text/.test(w))).toBe(true);
    await quiet.shutdown();
  });

  it("her javascript:, cloud-metadata and tracking links yield no URL, with a store or without, even claiming our store", async () => {
    const { mine, raw, announced } = await hostileThread("links");
    await malloryWrites(raw, "script link", { hasAttachment: "true", attachmentUrl: "javascript:alert(document.cookie)" });
    await malloryWrites(raw, "metadata service", { fileSharingMetadata: JSON.stringify([{ id: "imds", name: "creds.json", extension: "json", url: "http://169.254.169.254/latest/meta-data/iam/security-credentials/" }]) });
    await malloryWrites(raw, "claims our store", { fileSharingMetadata: JSON.stringify([{ id: "../../admin", name: "x.png", extension: "png", url: "https://tracker.example/pixel.png", twilioMedia: true }, { id: "c0ffee", name: "y.png", url: "https://tracker.example/y.png", twilioMedia: true }]) });
    await malloryWrites(raw, "good");
    const expected = ["script link", "metadata service", "claims our store", "good"];
    await expectAnnouncedOnce(announced, expected);
    const storeless = clientFor(bob, { eventSource: "none", mediaStore: undefined });
    await initialized(storeless);
    const storelessItems = (await (await storeless.getConversationBySid(mine.sid)).getMessages(50)).items;
    for (const items of [announced.alice, announced.bob, storelessItems]) {
      for (const message of items.slice(0, 3)) {
        expect(message.attachedMedia?.length, message.body!).toBeGreaterThan(0);
        expect(await urlsOf(message), message.body!).toEqual(message.attachedMedia!.map(() => null));
      }
    }
    expect(warnings.some((w) => /outside the allowed origins/.test(w))).toBe(true);
    await storeless.shutdown();
  });

  it("garbage control markers are ignored, and one aimed at a message cannot make it unreadable", async () => {
    const { mine, raw, announced } = await hostileThread("control markers");
    await mine.sendMessage("target");
    const [target] = (await mine.getMessages()).items;
    await malloryWrites(raw, "control 1", { twilioControl: "messageAttributes", twilioControlTarget: target!.sid, twilioAttributes: deepArray(9000) });
    await malloryWrites(raw, "control 2", { twilioControl: "participantAttributes", twilioAttributes: "[1,2" });
    await malloryWrites(raw, "control 3", { twilioControl: "🙃" });
    await malloryWrites(raw, "good");
    await expectAnnouncedOnce(announced, ["target", "good"]);
    await expectFreshPage(mine.sid, ["target", "good"]);
    expect((await mine.getMessages()).items[0]!.attributes).toEqual({});
  });
});

describe("a native ACS sender writing generated data", () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 4 }),
    fc.integer({ min: 30, max: 9000 }).map(deepArray),
    fc.integer({ min: 0, max: 9000 }).map((n) => "x".repeat(n)),
    fc.constantFrom("javascript:alert(1)", "http://169.254.169.254/latest/meta-data/", "true", "messageAttributes", "participantAttributes", "[1,", "null"),
  );
  const anyValue = fc.oneof(fc.anything({ maxDepth: 2 }), anyText);
  const fileSharing = fc
    .array(fc.record({ id: anyValue, name: anyValue, extension: anyValue, url: anyValue, contentType: anyValue, size: anyValue, category: anyValue, twilioMedia: anyValue, unnamed: anyValue }, { requiredKeys: [] }), { maxLength: 4 })
    .map((items) => JSON.stringify(items));
  const key = fc.oneof(
    fc.constantFrom("twilioAttributes", "twilioControl", "twilioControlTarget", "twilioIdentity", "fileSharingMetadata", "hasAttachment", "attachmentUrl"),
    fc.string({ minLength: 1, maxLength: 20 }),
  );
  const metadata = fc.dictionary(key, fc.oneof(anyText, fileSharing), { maxKeys: 5 }).filter((m) => JSON.stringify(m).length < 20_000);
  const hostileMessage = fc.record({
    content: fc.string({ minLength: 1, maxLength: 500 }),
    type: fc.constantFrom("text" as const, "html" as const),
    metadata,
    editWith: fc.option(fc.record({ content: fc.string({ minLength: 1, maxLength: 100 }), metadata }), { nil: undefined }),
  });

  it("loses no good message and breaks no client, whatever she writes", async () => {
    const { mine, theirs, raw, announced } = await hostileThread("generated");
    const good: string[] = [];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(hostileMessage, async ({ content, type, metadata: written, editWith }) => {
        run++;
        // ACS may refuse some of it (too large, say): that is ACS's answer, not ours to test.
        const id = await malloryWrites(raw, content, written, type).catch(() => undefined);
        if (id && editWith) await raw.updateMessage(id, editWith).catch(() => undefined);
        const marker = `good ${run}`;
        await malloryWrites(raw, marker);
        good.push(marker);
        const arrived = (messages: Message[]) => messages.filter((m) => m.body?.startsWith("good ")).map((m) => m.body);
        await until(() => arrived(announced.alice).length === good.length && arrived(announced.bob).length === good.length, 10_000, `${marker} at both`);
        expect(arrived(announced.alice)).toEqual(good);
        expect(arrived(announced.bob)).toEqual(good);
        const page = await theirs.getMessages(5);
        expect(page.items[page.items.length - 1]!.body).toBe(marker);
      }),
      { numRuns: 20 },
    );
    // Every message once, in index order, at both; a fresh client pages the whole thread.
    for (const list of [announced.alice, announced.bob]) {
      const indexes = list.map((m) => m.index);
      expect(indexes).toEqual([...new Set(indexes)].sort((a, b) => a - b));
    }
    const fresh = clientFor(alice, { eventSource: "none" });
    await initialized(fresh);
    const page = await (await fresh.getConversationBySid(mine.sid)).getMessages(200);
    expect(page.items.map((m) => m.body).filter((b) => b?.startsWith("good "))).toEqual(good);
    await Promise.all(page.items.flatMap((m) => (m.attachedMedia ?? []).map((media) => media.getContentTemporaryUrl().catch(() => null))));
    await fresh.shutdown();
  });
});
