/**
 * What a careless caller or listener must not break: a throwing event listener, a user named
 * twice in one request, a forged continuation token, uploaded HTML, and the data file's secrets.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { all, createUser, userRef, type TestUser } from "../helpers/acs.js";
import { fetchTrusting } from "../helpers/https-fetch.js";

let emulator: Emulator;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  emulator = await startEmulator();
  [alice, bob] = await Promise.all([createUser(emulator), createUser(emulator)]);
});
afterAll(async () => {
  await emulator?.close();
});

it("stores a change once even when an event listener throws", async () => {
  const { chatThread } = await alice.chat.createChatThread({ topic: "listeners" });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on("uncaughtException", onUncaught);
  const throwing = () => {
    throw new Error("listener bug");
  };
  emulator.events.on("Microsoft.Communication.ChatMessageReceivedInThread", throwing);
  try {
    await alice.thread(chatThread!.id).sendMessage({ content: "once" });
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    emulator.events.off("Microsoft.Communication.ChatMessageReceivedInThread", throwing);
    process.off("uncaughtException", onUncaught);
  }
  const texts = (await all(alice.thread(chatThread!.id).listMessages())).filter((m) => m.type === "text");
  expect(texts.map((m) => m.content?.message)).toEqual(["once"]);
  expect(uncaught).toEqual([new Error("listener bug")]);
});

it("counts a user named twice in one request once", async () => {
  const { chatThread } = await alice.chat.createChatThread({ topic: "twice" }, { participants: [{ id: userRef(bob) }, { id: userRef(bob) }] });
  const participants = await all(alice.thread(chatThread!.id).listParticipants());
  expect(participants).toHaveLength(2);
});

it("answers 400 to a forged thread-list continuation token", async () => {
  const forged = Buffer.from(JSON.stringify({})).toString("base64url");
  const response = await fetchTrusting(emulator.caPem)(`${emulator.endpoint}/chat/threads?api-version=2024-03-07&syncState=${forged}`, {
    headers: { authorization: `Bearer ${alice.token}` },
  });
  expect(response.status).toBe(400);
});

it("keeps the data file (keys, certificate key) readable by its owner only", async () => {
  const folder = mkdtempSync(join(tmpdir(), "emulator-mode-"));
  try {
    const dataFile = join(folder, "state.json");
    const persisted = await startEmulator({ dataFile });
    await persisted.close();
    expect(statSync(dataFile).mode & 0o077).toBe(0);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
