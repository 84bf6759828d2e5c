/**
 * `npm run bench` (media part): sending a 1 MB file, ours vs raw, in one process against one
 * ACS emulator and one Azurite.
 *
 * - ours: `conversation.sendMessage({ contentType, filename, media })` on our client with a
 *   `BlobMediaStore`: checks, uploads, sends the message with the file's description, and reads
 *   the change feed to learn the index Twilio's sendMessage resolves to.
 * - raw: `@azure/storage-blob` `BlockBlobClient.uploadData` (content type set) + a 7-day read SAS
 *   + a raw `sendMessage` with the ACS UI Library's `fileSharingMetadata`, `hasAttachment` and
 *   `attachmentUrl` written by hand: what a native ACS app does.
 *
 * Both use the real ChatClient against `startEmulator()`. Prints the median per send of each
 * side over the measured runs (after warm-up runs; ours and raw interleaved, alternating who goes
 * first), the ratio ours/raw, and the requests per send. Asserts nothing. MEDIA_BENCH_RUNS=n
 * measures n sends per side instead of 15.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { BlobSASPermissions, BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { startEmulator, type RequestLogEntry } from "../src/emulator/index.js";
import { Client, createClientToken } from "../src/index.js";
import { BlobMediaStore } from "../src/media/blob-media-store.js";
import { createUser, userRef } from "../test/helpers/acs.js";
import { startAzurite } from "../test/helpers/azurite.js";

const WARM_UP_RUNS = 3;
const MEASURED_RUNS = Number(process.env.MEDIA_BENCH_RUNS ?? 15);
const FILE_BYTES = 1024 * 1024;
const CONTAINER = "bench-media";
const REFERENCE_URL_TTL_MS = 7 * 24 * 60 * 60 * 1000;

interface BenchFile {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
  const [emulator, azurite] = await Promise.all([startEmulator(), startAzurite()]);
  const alice = await createUser(emulator);
  const bob = await createUser(emulator);
  const { chatThread } = await alice.chat.createChatThread({ topic: "media bench" }, { participants: [{ id: userRef(bob) }] });
  const thread: ChatThreadClient = alice.thread(chatThread!.id);

  const container: ContainerClient = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
  await container.create();
  const store = BlobMediaStore.fromConnectionString(azurite.connectionString, CONTAINER);

  // ---- the two sides: one send of one file each ----

  // Ours: alice's Twilio-shaped client with the Blob store, sending as a Twilio app does.
  const client = new Client(createClientToken({ endpoint: emulator.endpoint, acsToken: alice.token, acsUserId: alice.id, identity: "alice" }), {
    eventSource: "none",
    mediaStore: store,
    chatClientOptions: { tlsOptions: { ca: emulator.caPem } },
    media: { maxSizeInMb: 2 },
  });
  const conversation = await client.getConversationBySid(thread.threadId);

  /** Ours: `conversation.sendMessage({ contentType, filename, media })`, which also learns the new index. */
  async function sendOurs(file: BenchFile): Promise<void> {
    await conversation.sendMessage({ contentType: file.contentType, filename: file.filename, media: file.data });
  }

  /** Raw: what a native ACS app writes, with the SDKs only. */
  async function sendRaw(file: BenchFile): Promise<void> {
    const blob = container.getBlockBlobClient(globalThis.crypto.randomUUID());
    await blob.uploadData(file.data, { blobHTTPHeaders: { blobContentType: file.contentType } });
    const url = await blob.generateSasUrl({ permissions: BlobSASPermissions.parse("r"), expiresOn: new Date(Date.now() + REFERENCE_URL_TTL_MS) });
    const extension = file.filename.split(".").pop() ?? "";
    await thread.sendMessage(
      { content: "" },
      {
        metadata: {
          fileSharingMetadata: JSON.stringify([{ id: blob.name, name: file.filename, extension, url }]),
          hasAttachment: "true",
          attachmentUrl: url,
        },
      },
    );
  }

  const sides = { ours: sendOurs, raw: sendRaw } as const;
  type Side = keyof typeof sides;
  /** A new 1 MB file per send (same size, different bytes), made outside the timed part. */
  const newFile = (): BenchFile => ({ filename: "photo.jpg", contentType: "image/jpeg", data: randomBytes(FILE_BYTES) });

  const samples: Record<Side, number[]> = { ours: [], raw: [] };
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run++) {
    const order: Side[] = run % 2 === 0 ? ["ours", "raw"] : ["raw", "ours"];
    for (const side of order) {
      const file = newFile();
      const started = performance.now();
      await sides[side](file);
      const ms = performance.now() - started;
      if (run >= WARM_UP_RUNS) samples[side].push(ms);
    }
  }

  // ACS requests per send (the blob side is one Put Blob each: 1 MB is under the SDK's single-shot size).
  async function countAcsRequests(side: Side): Promise<number> {
    const seen: RequestLogEntry[] = [];
    const listener = (entry: RequestLogEntry) => seen.push(entry);
    emulator.requests.on("request", listener);
    try {
      await sides[side](newFile());
    } finally {
      emulator.requests.off("request", listener);
    }
    return seen.length;
  }
  const acsRequests: Record<Side, number> = { ours: await countAcsRequests("ours"), raw: await countAcsRequests("raw") };

  // What a recipient sees: both messages carry a URL that reads the file.
  const messages = [];
  for await (const message of bob.thread(thread.threadId).listMessages({ maxPageSize: 2 })) {
    if (message.type === "text") messages.push(message);
    if (messages.length === 2) break;
  }
  const readable = await Promise.all(messages.map(async (message) => (await fetch(message.metadata!.attachmentUrl!)).arrayBuffer()));

  await emulator.close();
  await azurite.stop();

  const ours = median(samples.ours);
  const raw = median(samples.raw);
  console.log(`\nMedia benchmark: send a ${FILE_BYTES / 1024 / 1024} MB file, twilio-conversations-acs vs raw SDKs (node ${process.version}, ${cpus().length} cores)`);
  console.log(`  one ACS emulator + one Azurite (in-memory), one process; median of ${MEASURED_RUNS} sends per side after ${WARM_UP_RUNS} warm-up sends, interleaved`);
  const header = ["side", "median ms", "min ms", "max ms", "ACS req/send", "blob req/send"];
  const rows = [
    ["ours: conversation.sendMessage(media)", fmt(ours), fmt(Math.min(...samples.ours)), fmt(Math.max(...samples.ours)), String(acsRequests.ours), "1"],
    ["raw: uploadData + SAS + sendMessage", fmt(raw), fmt(Math.min(...samples.raw)), fmt(Math.max(...samples.raw)), String(acsRequests.raw), "1"],
  ];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((width) => "-".repeat(width)).join("  ")}`);
  for (const row of rows) console.log(`  ${line(row)}`);
  const pairedRatios = samples.ours.map((o, i) => o / samples.raw[i]!);
  console.log(`  ratio ours/raw (medians): ${fmt(ours / raw)}   (median of the ${MEASURED_RUNS} per-run ratios: ${fmt(median(pairedRatios))})`);
  console.log(`  check: the last two messages' attachmentUrl read ${readable.map((bytes) => bytes.byteLength).join(" and ")} bytes`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
