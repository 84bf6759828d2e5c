/**
 * A user in 100 conversations, 10 of them busy, on an emulator that enforces ACS's rate limits:
 * the client starts (every conversation announced complete, the most recent first), follows every
 * change at its default pace, and ACS never answers 429. Before the rate budget, start-up alone
 * read 100 thread properties in one burst, past ACS's 50 thread reads per 10 s per user.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import type { Client, Conversation } from "../../src/index.js";
import { chatClientFor } from "../helpers/acs.js";
import { until } from "../helpers/observe.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

const CONVERSATIONS = 100;
const BUSY = 10;
/** ACS lets one user create 10 threads per 10 s: ten creators make ten each. */
const CREATORS = 10;

let emulator: Emulator;
let carol: TestSession;
let client: Client | undefined;
const threads: ChatThreadClient[] = [];
const throttled: RequestLogEntry[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ rateLimits: true });
  emulator.requests.on("request", (entry) => entry.status === 429 && throttled.push(entry));
  const directory = new TestDirectory();
  carol = await createSession(emulator, "carol", directory);
  const creators = await Promise.all(Array.from({ length: CREATORS }, (_, i) => createSession(emulator, `creator-${i}`, directory)));
  await Promise.all(
    creators.map(async (creator, c) => {
      const chat = chatClientFor(emulator, creator.acsToken);
      for (let k = 0; k < CONVERSATIONS / CREATORS; k++) {
        const n = c * (CONVERSATIONS / CREATORS) + k;
        const { chatThread } = await chat.createChatThread(
          { topic: `room ${n}` },
          { participants: [{ id: { communicationUserId: creator.userId } }, { id: { communicationUserId: carol.userId } }], metadata: { twilioAttributes: JSON.stringify({ n }) } },
        );
        threads[n] = chat.getChatThreadClient(chatThread!.id);
      }
    }),
  );
}, 60_000);

afterAll(async () => {
  await client?.shutdown();
  await emulator?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`starts in ${CONVERSATIONS} conversations and follows ${BUSY} busy ones at the default pace without a single 429`, async () => {
  // The busy ones had a message lately: they are loaded first.
  for (let n = 0; n < BUSY; n++) await threads[n]!.sendMessage({ content: `before start ${n}` });
  const joined: Conversation[] = [];
  const started = Date.now();
  client = carol.client({ eventSource: "polling" });
  client.on("conversationJoined", (conversation) => joined.push(conversation));
  const received: string[] = [];
  client.on("messageAdded", (message) => received.push(message.body ?? ""));
  await initialized(client);
  const initializedAfter = Date.now() - started;

  // Activity while the client still loads: each busy conversation gets a message and an edit.
  for (let round = 0; round < 2; round++) {
    for (let n = 0; n < BUSY; n++) {
      const { id } = await threads[n]!.sendMessage({ content: `round ${round} in ${n}` });
      await threads[n]!.updateMessage(id, { content: `round ${round} in ${n}, edited` });
    }
    await sleep(1000);
  }
  await until(() => joined.length === CONVERSATIONS, 60_000, `all ${CONVERSATIONS} conversations announced`);
  const allJoinedAfter = Date.now() - started;
  await until(() => received.filter((body) => body.startsWith("round")).length === 2 * BUSY, 20_000, "every message of the busy conversations");

  console.log(`${CONVERSATIONS} conversations: initialized after ${initializedAfter} ms, all announced after ${allJoinedAfter} ms`);
  expect(throttled).toEqual([]);
  // Complete when announced, each once, the recently active first.
  expect(new Set(joined.map((c) => c.sid)).size).toBe(CONVERSATIONS);
  for (const conversation of joined) {
    const n = Number(conversation.friendlyName!.replace("room ", ""));
    expect(conversation.attributes).toEqual({ n });
  }
  expect(joined.slice(0, BUSY).map((c) => c.friendlyName).sort()).toEqual(Array.from({ length: BUSY }, (_, n) => `room ${n}`).sort());
}, 120_000);
