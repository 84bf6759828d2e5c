/**
 * The whole media path with Azure Blob Storage: two Twilio-shaped clients whose media store is a
 * BlobMediaStore on Azurite (started by this test). Alice sends two files and text; Bob gets
 * `messageAdded` with `attachedMedia` and downloads both through fresh SAS URLs, byte for byte.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Client, Message } from "../../src/index.js";
import { BlobMediaStore } from "../../src/server/index.js";
import { startBlobStorage, type BlobStorage } from "../helpers/storage.js";
import { startTarget, type Target } from "../helpers/target.js";
import { createSession, initialized, TestDirectory } from "../helpers/twilio-clients.js";

let emulator: Target;
let azurite: BlobStorage;
let aliceClient: Client;
let bobClient: Client;

beforeAll(async () => {
  [emulator, azurite] = await Promise.all([startTarget(), startBlobStorage()]);
  const store = BlobMediaStore.fromConnectionString(azurite.connectionString, "chat-media", { createContainer: true });
  const directory = new TestDirectory();
  const alice = await createSession(emulator, "alice", directory);
  const bob = await createSession(emulator, "bob", directory);
  aliceClient = alice.client({ mediaStore: store });
  bobClient = bob.client({ mediaStore: store, eventSource: "polling", polling: { minIntervalInMs: 20, maxIntervalInMs: 100 } });
  await Promise.all([initialized(aliceClient), initialized(bobClient)]);
});

afterAll(async () => {
  await Promise.all([aliceClient?.shutdown(), bobClient?.shutdown()]);
  await emulator?.close();
  await azurite?.stop();
});

it("alice sends two files and text through Azure Blob Storage; bob downloads the same bytes through fresh URLs", async () => {
  const conversation = await aliceClient.createConversation({ friendlyName: "blob files" });
  await conversation.join();
  await conversation.add("bob");
  const theirs = await bobClient.getConversationBySid(conversation.sid);
  const arrived = new Promise<Message>((resolve) => theirs.once("messageAdded", resolve));

  const image = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256);
  const text = "quarterly numbers";
  await conversation
    .prepareMessage()
    .setBody("see attached")
    .addMedia({ contentType: "image/png", filename: "chart.png", media: image })
    .addMedia({ contentType: "text/plain", filename: "numbers.txt", media: new Blob([text], { type: "text/plain" }) })
    .build()
    .send();

  const message = await arrived;
  expect([message.type, message.body]).toEqual(["media", "see attached"]);
  const [chart, numbers] = message.attachedMedia!;
  expect([chart!.filename, chart!.size, numbers!.filename, numbers!.contentType]).toEqual(["chart.png", image.length, "numbers.txt", "text/plain"]);
  const first = (await chart!.getContentTemporaryUrl())!;
  const second = (await chart!.getContentTemporaryUrl())!;
  expect(first).not.toBe(second);
  for (const url of [first, second]) expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(image);
  expect(await (await fetch((await numbers!.getContentTemporaryUrl())!)).text()).toBe(text);
});

it("serves Blob Storage to clients through the server kit: its tokens name it as the media endpoint", async () => {
  const { createServerKit } = await import("../../src/server/index.js");
  const { serveFetch } = await import("../helpers/fetch-server.js");
  const { Client } = await import("../../src/index.js");
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  const server = await serveFetch((request) => handle(request));
  const kit = createServerKit({
    connectionString: emulator.connectionString,
    signingSecret: "a-signing-secret-of-at-least-32-bytes!!",
    publicUrl: server.url,
    authenticate: (request) => request.headers.get("x-test-user") ?? undefined,
    mediaStore: BlobMediaStore.fromConnectionString(azurite.connectionString, "kit-media", { createContainer: true }),
    acsClientOptions: emulator.clientOptions,
  });
  handle = kit.handle;
  try {
    const tokenOf = async (user: string) => ((await (await fetch(`${server.url}/token`, { method: "POST", headers: { "x-test-user": user } })).json()) as { token: string }).token;
    const options = { eventSource: "none" as const, chatClientOptions: emulator.clientOptions };
    const alice = new Client(await tokenOf("alice"), options);
    await initialized(alice);
    const conversation = await alice.createConversation({ friendlyName: "kit media" });
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    await conversation.sendMessage({ contentType: "application/octet-stream", filename: "data.bin", media: bytes });
    const [message] = (await conversation.getMessages()).items;
    const url = (await message!.media!.getContentTemporaryUrl())!;
    expect(url.startsWith(azurite.blobEndpoint)).toBe(true);
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(bytes);
    // The kit's media endpoint takes only its own tokens.
    expect((await fetch(`${server.url}/media/${message!.media!.sid}/temporary-url`)).status).toBe(401);

    // Only the uploader deletes a file: every participant can read its id in the message metadata.
    const as = async (user: string) => ({ authorization: `Bearer ${await tokenOf(user)}` });
    const mallory = await as("mallory");
    const deleteAs = (headers: Record<string, string>, id = message!.media!.sid) => fetch(`${server.url}/media/${encodeURIComponent(id)}`, { method: "DELETE", headers });
    expect((await deleteAs(mallory)).status).toBe(403);
    expect((await deleteAs(mallory, message!.media!.sid.split(".")[0]!)).status).toBe(404); // the bare store id names no file of the kit's
    expect((await deleteAs(mallory, "not-a-file-id")).status).toBe(404);
    expect((await fetch((await message!.media!.getContentTemporaryUrl())!)).status).toBe(200);
    expect((await deleteAs(await as("alice"))).status).toBe(204);
    expect((await fetch((await message!.media!.getContentTemporaryUrl())!)).status).toBe(404);

    // Oversized uploads are refused before they are read.
    const upload = (headers: Record<string, string>, body: Blob) => fetch(`${server.url}/media`, { method: "POST", headers: { ...headers, "content-type": "application/octet-stream" }, body });
    expect((await upload(await as("alice"), new Blob([new Uint8Array(25 * 1024 * 1024 + 1)]))).status).toBe(413);
    await alice.shutdown();
  } finally {
    await server.close();
  }
});
