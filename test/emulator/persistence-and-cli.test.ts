/**
 * `dataFile` / `--data`: the emulator's state survives a restart (same keys, certificate, users,
 * tokens, threads, messages, receipts and sequence numbers), the file is written atomically, and
 * the `emulator` CLI command prints what a client needs, stops cleanly on SIGINT and survives
 * SIGKILL. Restarting is the point here, so this file starts several emulators, one after another.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatClient, type ChatMessage } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { all, chatClientFor, createUser, identityClient, rejection, userRef } from "../helpers/acs.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
const running: Emulator[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "acs-emulator-persistence-"));
});

afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.close().catch(() => undefined)));
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function start(dataFile: string): Promise<Emulator> {
  const emulator = await startEmulator({ dataFile });
  running.push(emulator);
  return emulator;
}

async function stop(emulator: Emulator): Promise<void> {
  running.splice(running.indexOf(emulator), 1);
  await emulator.close();
}

const accessKeyOf = (connectionString: string) => /accesskey=([^;]+)/.exec(connectionString)?.[1];
const leftoverTempFiles = (folder: string) => readdirSync(folder).filter((name) => /^\..+\.\d+\.tmp$/.test(name));

/** The fields of a message that must survive a restart unchanged. */
const persistedFields = (message: ChatMessage) => ({
  id: message.id,
  type: message.type,
  sequenceId: message.sequenceId,
  version: message.version,
  content: message.content?.message,
  topic: message.content?.topic,
  senderDisplayName: message.senderDisplayName,
  createdOn: message.createdOn.toISOString(),
  editedOn: message.editedOn?.toISOString(),
  deletedOn: message.deletedOn?.toISOString(),
  metadata: message.metadata,
});

describe("startEmulator({ dataFile })", () => {
  it("brings back keys, certificate, users, tokens, threads, messages, participants and receipts after a restart", async () => {
    const dataFile = join(dir, "restart", "state.json");
    const first = await start(dataFile);
    const identity = identityClient(first);
    const alice = await createUser(first, identity);
    const bob = await createUser(first, identity);
    const carol = await createUser(first, identity);

    const created = await alice.chat.createChatThread(
      { topic: "Before restart" },
      {
        metadata: { project: "persist" },
        participants: [
          { id: userRef(bob), displayName: "Bob" },
          { id: userRef(carol), displayName: "Carol" },
        ],
      },
    );
    const threadId = created.chatThread!.id;
    const aliceThread = alice.thread(threadId);
    const bobThread = bob.thread(threadId);
    const m1 = await aliceThread.sendMessage({ content: "one" }, { senderDisplayName: "Alice", metadata: { k: "v" } });
    const m2 = await bobThread.sendMessage({ content: "<i>two</i>" }, { type: "html" });
    const m3 = await aliceThread.sendMessage({ content: "three" });
    await aliceThread.updateMessage(m1.id, { content: "one, edited" });
    await aliceThread.deleteMessage(m3.id);
    await aliceThread.updateTopic("After restart");
    await bobThread.sendReadReceipt({ chatMessageId: m1.id });
    await aliceThread.sendReadReceipt({ chatMessageId: m2.id });
    await identity.revokeTokens(userRef(carol));

    const before = {
      properties: await aliceThread.getProperties(),
      messages: (await all(aliceThread.listMessages())).map(persistedFields),
      participants: await all(aliceThread.listParticipants()),
      receipts: await all(aliceThread.listReadReceipts()),
    };
    expect(before.messages.map((m) => m.sequenceId)).toEqual(["6", "5", "4", "3", "2", "1"]);
    expect(before.receipts).toHaveLength(2);
    const firstEndpoint = first.endpoint;
    const { accessKey, resourceId, caPem } = first;
    await stop(first);

    // The file is a whole snapshot, and no temporary file is left next to it.
    const saved = JSON.parse(readFileSync(dataFile, "utf8")) as { formatVersion: number; threads: Array<{ id: string }> };
    expect(saved.formatVersion).toBe(1);
    expect(saved.threads.map((thread) => thread.id)).toEqual([threadId]);
    expect(readdirSync(join(dir, "restart"))).toEqual(["state.json"]);

    const second = await start(dataFile);
    expect(second.accessKey).toBe(accessKey);
    expect(accessKeyOf(second.connectionString)).toBe(accessKey);
    expect(second.resourceId).toBe(resourceId);
    expect(alice.id).toContain(resourceId);
    expect(second.caPem).toBe(caPem);
    expect(second.connectionString).toBe(`endpoint=${second.endpoint}/;accesskey=${accessKey}`);
    expect(firstEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    // Alice's token from before the restart, against the new endpoint.
    const aliceAgain = chatClientFor(second, alice.token);
    const threads = await all(aliceAgain.listChatThreads());
    expect(threads.map((thread) => thread.id)).toEqual([threadId]);
    const thread = aliceAgain.getChatThreadClient(threadId);
    const properties = await thread.getProperties();
    expect(properties).toEqual(before.properties);
    expect(properties.topic).toBe("After restart");
    expect(properties.metadata).toEqual({ project: "persist" });
    expect((await all(thread.listMessages())).map(persistedFields)).toEqual(before.messages);
    expect(await all(thread.listParticipants())).toEqual(before.participants);
    expect(await all(thread.listReadReceipts())).toEqual(before.receipts);

    // New messages continue the sequence and the id/version clock.
    const m4 = await chatClientFor(second, bob.token).getChatThreadClient(threadId).sendMessage({ content: "four" });
    const fourth = await thread.getMessage(m4.id);
    expect(fourth.sequenceId).toBe("7");
    expect(Number(m4.id)).toBeGreaterThan(Math.max(...before.messages.map((m) => Number(m.version))));

    // Revoked stays revoked; the user itself survived and gets a new token over HMAC with the same key.
    const revoked = await rejection(chatClientFor(second, carol.token).getChatThreadClient(threadId).getProperties());
    expect(revoked.statusCode).toBe(401);
    const { token } = await identityClient(second).getToken(userRef(carol), ["chat"]);
    expect((await chatClientFor(second, token).getChatThreadClient(threadId).getProperties()).id).toBe(threadId);

    await stop(second);
    const resaved = JSON.parse(readFileSync(dataFile, "utf8")) as { threads: Array<{ messages: Array<{ id: string }> }> };
    expect(resaved.threads[0]!.messages.map((m) => m.id)).toContain(m4.id);
    expect(leftoverTempFiles(join(dir, "restart"))).toEqual([]);
  });

  it("writes the file after changes without waiting for close(), and flush() writes at once", async () => {
    const dataFile = join(dir, "flush", "state.json");
    const emulator = await start(dataFile);
    const alice = await createUser(emulator);
    const created = await alice.chat.createChatThread({ topic: "flushed" });
    await emulator.flush();
    const saved = JSON.parse(readFileSync(dataFile, "utf8")) as { users: Array<{ id: string }>; threads: Array<{ id: string; topic: string }> };
    expect(saved.users.map((user) => user.id)).toEqual([alice.id]);
    expect(saved.threads).toMatchObject([{ id: created.chatThread!.id, topic: "flushed" }]);
    expect(leftoverTempFiles(join(dir, "flush"))).toEqual([]);
    await stop(emulator);
  });

  it("rejects a data file that is not valid JSON, naming the file", async () => {
    const dataFile = join(dir, "corrupt.json");
    writeFileSync(dataFile, '{"formatVersion":1,"users":[');
    const error = await rejection(startEmulator({ dataFile }));
    expect(error.message).toContain(dataFile);
    expect(error.message).toMatch(/not valid JSON/);
    // The corrupt file is left for the user to look at, not overwritten.
    expect(readFileSync(dataFile, "utf8")).toBe('{"formatVersion":1,"users":[');
  });

  it("removes temporary files a killed writer left behind, and keeps the snapshot", async () => {
    const folder = mkdtempSync(join(dir, "stale-"));
    const dataFile = join(folder, "state.json");
    const first = await start(dataFile);
    const alice = await createUser(first);
    await stop(first);
    // What a writer killed between its write and its rename leaves: a partial temporary file.
    writeFileSync(join(folder, ".state.json.99999.tmp"), '{"formatVersion":1,"thr');
    const second = await start(dataFile);
    expect(leftoverTempFiles(folder)).toEqual([]);
    await expect(chatClientFor(second, alice.token).createChatThread({ topic: "still valid" })).resolves.toHaveProperty("chatThread");
    await stop(second);
  });

  it("rejects JSON that is not an emulator snapshot, naming the file", async () => {
    const dataFile = join(dir, "not-a-snapshot.json");
    writeFileSync(dataFile, JSON.stringify({ hello: "world" }));
    const error = await rejection(startEmulator({ dataFile }));
    expect(error.message).toContain(dataFile);
    expect(error.message).toMatch(/not an emulator snapshot/);
  });
});

// ---- the CLI ----

const children = new Set<ChildProcess>();

interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface CliReady {
  endpoint: string;
  connectionString: string;
  caFile: string;
  ca: string;
}

function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: repoRoot,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Starts `emulator --port 0 --data FILE` and waits for the banner. */
async function startCli(dataFile: string): Promise<CliRun & CliReady> {
  const run = runCli(["emulator", "--port", "0", "--data", dataFile]);
  const ready = await new Promise<CliReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${run.stdout()}\n${run.stderr()}`)), 20_000);
    const check = () => {
      const text = run.stdout();
      if (!text.includes("Press Ctrl-C to stop.")) return;
      clearTimeout(timer);
      run.child.stdout!.off("data", check);
      const endpoint = /^\s*endpoint:\s+(\S+)$/m.exec(text)?.[1];
      const connectionString = /^\s*connection string:\s+(\S+)$/m.exec(text)?.[1];
      const caFile = /^\s*CA certificate:\s+(\S+)$/m.exec(text)?.[1];
      if (!endpoint || !connectionString || !caFile) return reject(new Error(`unexpected banner:\n${text}`));
      resolve({ endpoint, connectionString, caFile, ca: readFileSync(caFile, "utf8") });
    };
    run.child.stdout!.on("data", check);
    void run.exited.then(({ code }) => reject(new Error(`CLI exited with ${code}:\n${run.stdout()}\n${run.stderr()}`)));
  });
  return { ...run, ...ready };
}

async function interrupt(run: CliRun): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  run.child.kill("SIGINT");
  return run.exited;
}

const chatFor = (cli: CliReady, token: string, retries = 3) =>
  new ChatClient(cli.endpoint, new AzureCommunicationTokenCredential(token), {
    tlsOptions: { ca: cli.ca },
    retryOptions: { maxRetries: retries, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
const identityFor = (cli: CliReady) => new CommunicationIdentityClient(cli.connectionString, { tlsOptions: { ca: cli.ca } });

describe("the emulator CLI", () => {
  it("prints endpoint, connection string and CA path, serves the real SDKs, stops on SIGINT and keeps --data", async () => {
    const folder = mkdtempSync(join(dir, "cli-"));
    const dataFile = join(folder, "state.json");
    const cli = await startCli(dataFile);
    expect(cli.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.connectionString).toMatch(new RegExp(`^endpoint=${cli.endpoint.replace(/[.]/g, "\\.")}/;accesskey=[A-Za-z0-9+/]+=*$`));
    expect(cli.caFile).toBe(`${dataFile}.ca.pem`);
    expect(cli.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(cli.stdout()).toContain(`data file:         ${dataFile}`);

    const { user, token } = await identityFor(cli).createUserAndToken(["chat"]);
    const chat = chatFor(cli, token);
    const created = await chat.createChatThread({ topic: "from the CLI" });
    const threadId = created.chatThread!.id;
    const sent = await chat.getChatThreadClient(threadId).sendMessage({ content: "kept across restarts" });

    const stopped = await interrupt(cli);
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toMatch(/ACS emulator stopped\n$/);
    expect(cli.stderr()).toBe("");
    expect(leftoverTempFiles(folder)).toEqual([]);

    const again = await startCli(dataFile);
    expect(again.ca).toBe(cli.ca);
    expect(accessKeyOf(again.connectionString)).toBe(accessKeyOf(cli.connectionString));
    const thread = chatFor(again, token).getChatThreadClient(threadId);
    expect((await thread.getProperties()).topic).toBe("from the CLI");
    const message = await thread.getMessage(sent.id);
    expect(message.content?.message).toBe("kept across restarts");
    expect(message.sender).toEqual({ kind: "communicationUser", communicationUserId: user.communicationUserId });
    expect(await interrupt(again)).toEqual({ code: 0, signal: null });
  });

  it("creates the folders of --data (and of its certificate file) when they do not exist", async () => {
    const dataFile = join(dir, "not", "yet", "there", "state.json");
    const cli = await startCli(dataFile);
    expect(cli.caFile).toBe(`${dataFile}.ca.pem`);
    await identityFor(cli).createUser();
    expect(await interrupt(cli)).toEqual({ code: 0, signal: null });
    expect(JSON.parse(readFileSync(dataFile, "utf8")).users).toHaveLength(1);
  });

  it("leaves a whole, loadable snapshot when killed right after a burst of writes", async () => {
    const folder = mkdtempSync(join(dir, "crash-"));
    const dataFile = join(folder, "state.json");
    const cli = await startCli(dataFile);
    const { token } = await identityFor(cli).createUserAndToken(["chat"]);
    const chat = chatFor(cli, token);
    const threadIds: string[] = [];
    for (const topic of ["crash 1", "crash 2", "crash 3"]) threadIds.push((await chat.createChatThread({ topic })).chatThread!.id);

    // Wait until a snapshot with the threads is on disk, so the burst below races the next writes.
    const deadline = Date.now() + 5000;
    for (;;) {
      const text = (() => {
        try {
          return readFileSync(dataFile, "utf8");
        } catch {
          return "";
        }
      })();
      if (threadIds.every((id) => text.includes(id))) break;
      if (Date.now() > deadline) throw new Error("the threads never reached the data file");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const sent = new Map<string, string[]>(threadIds.map((id) => [id, []]));
    await Promise.all(
      threadIds.map(async (threadId) => {
        const thread = chat.getChatThreadClient(threadId);
        for (let i = 0; i < 30; i++) sent.get(threadId)!.push((await thread.sendMessage({ content: `burst ${i}` })).id);
      }),
    );
    cli.child.kill("SIGKILL");
    expect(await cli.exited).toEqual({ code: null, signal: "SIGKILL" });

    const snapshot = JSON.parse(readFileSync(dataFile, "utf8")) as { formatVersion: number; threads: Array<{ id: string }> };
    expect(snapshot.formatVersion).toBe(1);
    expect(snapshot.threads.map((thread) => thread.id).sort()).toEqual([...threadIds].sort());

    const again = await startCli(dataFile);
    const chatAgain = chatFor(again, token);
    expect((await all(chatAgain.listChatThreads())).map((thread) => thread.id).sort()).toEqual([...threadIds].sort());
    for (const threadId of threadIds) {
      const thread = chatAgain.getChatThreadClient(threadId);
      const messages = (await all(thread.listMessages())).reverse();
      // Sequence ids 1..n without gaps: the two creation system messages, then the sends that made it.
      expect(messages.map((m) => Number(m.sequenceId))).toEqual(messages.map((_, i) => i + 1));
      expect(messages.slice(0, 2).map((m) => m.type)).toEqual(["participantAdded", "topicUpdated"]);
      const texts = messages.slice(2);
      const ids = sent.get(threadId)!;
      // What survived is a prefix of what was sent, in order.
      expect(texts.map((m) => m.id)).toEqual(ids.slice(0, texts.length));
      expect(texts.map((m) => m.content?.message)).toEqual(texts.map((_, i) => `burst ${i}`));
      const next = await thread.sendMessage({ content: "after the crash" });
      expect((await thread.getMessage(next.id)).sequenceId).toBe(String(messages.length + 1));
    }
    expect(await interrupt(again)).toEqual({ code: 0, signal: null });
    expect(JSON.parse(readFileSync(dataFile, "utf8"))).toMatchObject({ formatVersion: 1 });
  });

  it("exits with code 2 and names --port when the port is not a number", async () => {
    const run = runCli(["emulator", "--port", "abc"]);
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain("--port");
    expect(run.stderr()).toContain("abc");
    expect(run.stdout()).not.toContain("listening");
  });
});
