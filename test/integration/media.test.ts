/**
 * Media through our classes over the real SDK, with the emulator's in-memory media endpoint as
 * the store: files sent by one side arrive as `attachedMedia` on the other with the same bytes
 * through fresh URLs; native ACS messages with `fileSharingMetadata` read as media; bad input is
 * refused before any upload; a failed upload sends nothing and a failed send leaves no file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator, RequestLogEntry } from "../../src/emulator/index.js";
import { InvalidArgumentError, LimitExceededError, UnsupportedFeatureError, type MessageSentError, type Client, type ClientOptions, type Message } from "../../src/index.js";
import { chatClientFor, rejection } from "../helpers/acs.js";
import { fetchTrusting } from "../helpers/https-fetch.js";
import { initialized, sharedConversation, startTwoUsers, type TestSession, type TwoUsers } from "../helpers/twilio-clients.js";
import { requestsDuring, until } from "../helpers/observe.js";

let users: TwoUsers;
let emulator: Emulator;
let trustedFetch: typeof fetch;
let alice: TestSession;
let bob: TestSession;
let aliceClient: Client;
let bobClient: Client;

const bytes = (size: number, seed: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256);
const download = async (url: string) => new Uint8Array(await (await trustedFetch(url)).arrayBuffer());

const withMedia = (session: TestSession, options: ClientOptions = {}) =>
  session.client({ mediaStore: { url: emulator.endpoint, fetch: trustedFetch }, ...options });

const shared = (name: string) => sharedConversation(aliceClient, bobClient, name);

beforeAll(async () => {
  users = await startTwoUsers({
    emulator: { media: { maxBytes: 2 * 1024 * 1024 } },
    // withMedia reads both.
    prepare: async (started) => {
      emulator = started;
      trustedFetch = fetchTrusting(started.caPem);
    },
    aliceClient: (session) => withMedia(session, { media: { maxSizeInMb: 1 } }),
    bobClient: (session) => withMedia(session, { eventSource: "polling", polling: { minIntervalInMs: 20, maxIntervalInMs: 100 } }),
  });
  ({ alice, bob, aliceClient, bobClient } = users);
});

afterAll(() => users?.close());

describe("sending and receiving files", () => {
  it("alice sends two files and text; bob gets messageAdded with attachedMedia and downloads the same bytes", async () => {
    const { mine, theirs } = await shared("files");
    const photo = bytes(70_000, 1);
    const notes = "meeting notes ✓";
    const arrived = new Promise<Message>((resolve) => theirs.once("messageAdded", resolve));
    const index = await mine
      .prepareMessage()
      .setBody("two files")
      .setAttributes({ album: "trip" })
      .addMedia({ contentType: "image/png", filename: "photo.png", media: photo })
      .addMedia({ contentType: "text/plain", filename: "notes.txt", media: notes })
      .build()
      .send();
    const message = await arrived;
    expect(message.index).toBe(index);
    expect([message.type, message.body, message.attributes]).toEqual(["media", "two files", { album: "trip" }]);
    const media = message.attachedMedia!;
    expect(media.map((m) => [m.filename, m.contentType, m.size, m.category])).toEqual([
      ["photo.png", "image/png", photo.length, "media"],
      ["notes.txt", "text/plain", new TextEncoder().encode(notes).length, "media"],
    ]);
    expect(message.media).toBe(media[0]);

    const firstUrl = (await media[0]!.getContentTemporaryUrl())!;
    const secondUrl = (await media[0]!.getContentTemporaryUrl())!;
    expect(firstUrl).not.toBe(secondUrl);
    expect(await download(firstUrl)).toEqual(photo);
    expect(await download(secondUrl)).toEqual(photo);
    expect(new TextDecoder().decode(await download((await media[1]!.getContentTemporaryUrl())!))).toBe(notes);

    const urls = await message.getTemporaryContentUrlsForAttachedMedia();
    expect([...urls.keys()]).toEqual(media.map((m) => m.sid));
    const bySid = await bobClient.getTemporaryContentUrlsForMediaSids([media[1]!.sid]);
    expect(new TextDecoder().decode(await download(bySid.get(media[1]!.sid)!))).toBe(notes);
  });

  it("sendMessage takes SendMediaOptions with a Blob or ArrayBuffer, and FormData with a File", async () => {
    const { mine } = await shared("single files");
    const blob = new Blob([bytes(1000, 7)], { type: "application/pdf" });
    await mine.sendMessage({ contentType: "application/pdf", filename: "doc.pdf", media: blob });
    await mine.sendMessage({ contentType: "application/octet-stream", filename: "raw.bin", media: bytes(64, 3).buffer as ArrayBuffer });
    const form = new FormData();
    form.set("upload", new File([bytes(500, 9)], "pic.jpg", { type: "image/jpeg" }), "pic.jpg");
    await mine.sendMessage(form);
    const page = await mine.getMessages();
    expect(page.items.map((m) => m.attachedMedia!.map((x) => [x.filename, x.contentType, x.size])[0])).toEqual([
      ["doc.pdf", "application/pdf", 1000],
      ["raw.bin", "application/octet-stream", 64],
      ["pic.jpg", "image/jpeg", 500],
    ]);
    expect(await download((await page.items[2]!.media!.getContentTemporaryUrl())!)).toEqual(bytes(500, 9));
  });

  it("reads a native ACS message with fileSharingMetadata as media, reached at its stated URL when the app allows its origin", async () => {
    const { mine } = await shared("native files");
    const allowing = withMedia(bob, { media: { allowedUrlOrigins: ["https://files.example"] } });
    await initialized(allowing);
    const theirs = await allowing.getConversationBySid(mine.sid);
    const raw = chatClientFor(emulator, alice.acsToken).getChatThreadClient(mine.sid);
    const url = "https://files.example/report.pdf?sig=abc";
    await raw.sendMessage(
      { content: "from the ACS UI Library" },
      { metadata: { fileSharingMetadata: JSON.stringify([{ id: "native-1", name: "report.pdf", extension: "pdf", url }]) } },
    );
    const [message] = (await theirs.getMessages()).items;
    expect(message!.type).toBe("media");
    const [media] = message!.attachedMedia!;
    expect([media!.sid, media!.filename, media!.contentType]).toEqual(["native-1", "report.pdf", "application/pdf"]);
    expect(await media!.getContentTemporaryUrl()).toBe(url);
    await allowing.shutdown();
  });

  it("writes both conventions native ACS clients read: fileSharingMetadata and hasAttachment/attachmentUrl", async () => {
    const { mine } = await shared("for native clients");
    await mine.sendMessage({ contentType: "image/gif", filename: "wave.gif", media: bytes(300, 4) });
    const [message] = (await mine.getMessages()).items;
    const metadata = message!.acs.message.metadata!;
    const [item] = JSON.parse(metadata.fileSharingMetadata!) as Array<{ id: string; name: string; extension: string; url: string }>;
    expect([item!.id, item!.name, item!.extension]).toEqual([message!.media!.sid, "wave.gif", "gif"]);
    expect(metadata.hasAttachment).toBe("true");
    expect(metadata.attachmentUrl).toBe(item!.url);
    expect(await download(item!.url)).toEqual(bytes(300, 4));
  });
});

describe("bad input and failures", () => {
  const mediaRequests = (requests: RequestLogEntry[]) => requests.filter((r) => r.path.startsWith("/media"));

  it("refuses a missing content type, an empty, oversized or disallowed file with typed errors, uploading nothing", async () => {
    const { mine } = await shared("bad files");
    const picky = withMedia(alice, { media: { allowedContentTypes: ["image/*"] } });
    await initialized(picky);
    const pickyView = await picky.getConversationBySid(mine.sid);
    const cases: Array<[() => unknown, new (...args: never[]) => Error, string]> = [
      [() => mine.sendMessage({ contentType: "", media: "x" }), InvalidArgumentError, "media.contentType"],
      [() => mine.prepareMessage().addMedia({ contentType: null, media: "x" }), InvalidArgumentError, "media.contentType"],
      [() => mine.sendMessage({ contentType: "text/plain", media: "" }), InvalidArgumentError, "media.media"],
      [() => mine.sendMessage({ contentType: "text/plain", media: null }), InvalidArgumentError, "media.media"],
      [() => mine.sendMessage({ contentType: "image/png", media: bytes(1024 * 1024 + 1, 2) }), LimitExceededError, ""],
      [() => pickyView.sendMessage({ contentType: "application/x-msdownload", filename: "a.exe", media: "MZ" }), InvalidArgumentError, "media.contentType"],
    ];
    for (const [call, type, field] of cases) {
      const { requests } = await requestsDuring(emulator, async () => {
        const error = await rejection(Promise.resolve().then(call));
        expect(error, field).toBeInstanceOf(type);
        if (field) expect((error as unknown as InvalidArgumentError).field).toBe(field);
      });
      expect(mediaRequests(requests)).toEqual([]);
    }
    await picky.shutdown();
  });

  it("without a media store, sending a file is UnsupportedFeatureError pointing to MIGRATION.md's Media section", async () => {
    const plain = alice.client();
    await initialized(plain);
    const conversation = await plain.createConversation({ friendlyName: "no store" });
    const error = await rejection(conversation.sendMessage({ contentType: "text/plain", media: "x" }));
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as unknown as UnsupportedFeatureError).migrationSection).toBe("Media");
    await plain.shutdown();
  });

  it("a failed upload sends no message; a failed send leaves no file behind", async () => {
    const { mine } = await shared("failures");
    const filesBefore = emulator.mediaCount();
    emulator.faults.inject({ method: "POST", path: "/media", fault: { kind: "status", status: 500 } });
    expect(await rejection(mine.sendMessage({ contentType: "text/plain", filename: "a.txt", media: "upload fails" }))).toBeInstanceOf(Error);
    expect(await mine.getMessagesCount()).toBe(0);
    expect(emulator.mediaCount()).toBe(filesBefore);

    // ACS refuses the message (a 400 the SDK does not retry): the uploaded files are deleted again.
    emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "status", status: 400 } });
    const failed = mine.prepareMessage().addMedia({ contentType: "text/plain", filename: "b.txt", media: "send fails" }).addMedia({ contentType: "text/plain", filename: "c.txt", media: "me too" });
    expect(await rejection(failed.build().send())).toBeInstanceOf(Error);
    expect(await mine.getMessagesCount()).toBe(0);
    expect(emulator.mediaCount()).toBe(filesBefore);
  });

  it("a message sent whose index cannot be read back is reported as sent, and keeps its files", async () => {
    const { mine } = await shared("sent but unread");
    const filesBefore = emulator.mediaCount();
    // Every read of the thread's messages fails (403: not retried by the SDK), the send itself works.
    const reads = emulator.faults.inject({ method: "GET", path: /\/messages/, count: 10_000, fault: { kind: "status", status: 403 } });
    const error = await rejection(mine.sendMessage({ contentType: "text/plain", filename: "kept.txt", media: "sent" }));
    reads.cancel();
    expect((error as unknown as MessageSentError).name).toBe("MessageSentError");
    const sid = (error as unknown as MessageSentError).messageSid;
    expect(emulator.mediaCount()).toBe(filesBefore + 1);
    const [message] = (await mine.getMessages()).items;
    expect([message!.sid, message!.attachedMedia!.map((m) => m.filename)]).toEqual([sid, ["kept.txt"]]);
    expect(await mine.getMessagesCount()).toBe(1);
  });

  it("cancelling a send stops the uploads and sends nothing", async () => {
    const { mine } = await shared("cancelled");
    const filesBefore = emulator.mediaCount();
    emulator.faults.inject({ method: "POST", path: "/media", fault: { kind: "delay", delayInMs: 300 } });
    const sending = mine.prepareMessage().addMedia({ contentType: "text/plain", filename: "slow.txt", media: "slow" }).build().send();
    setTimeout(() => sending.cancel(), 50);
    expect(await rejection(sending)).toBeInstanceOf(Error);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await mine.getMessagesCount()).toBe(0);
    await until(() => emulator.mediaCount() === filesBefore);
  });
});
