/**
 * Crash and resume: runs of `importFromTwilio` are stopped at random points, by faults in the
 * emulator (503s, dropped connections, sends carried out whose answers are lost), in the Twilio
 * stand-in (an outage from a random request on), in the checkpoint store (a crash between a
 * write to ACS and its checkpoint) and by Ctrl-C (an abort at a random time). Each scenario runs
 * the import again until it reports nothing failed; then every Twilio message is in its ACS
 * thread exactly once, in order, with one thread per conversation and no participant twice.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { startEmulator, type Emulator, type FaultHandle } from "../../src/emulator/index.js";
import { decodeImportedMessage } from "../../src/mapping/imported-message.js";
import { importFromTwilio } from "../../src/migrate/import/importer.js";
import { TwilioRestSource } from "../../src/migrate/import/twilio-source.js";
import { createServerKit, MemoryDirectoryStore, type ImportCheckpoint } from "../../src/server/index.js";
import { clientOptionsOf } from "../helpers/target.js";
import { standInSid, startTwilioStandIn, type StandInConversation, type TwilioStandIn } from "../helpers/twilio-stand-in.js";

const ACCOUNT = standInSid("AC", 9);
const TOKEN = "resume-test-auth-token";
const SCENARIOS = 8;
const MAX_RUNS = 25;

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimits: true });
});
afterAll(async () => {
  await emulator?.close();
});

/** A seeded generator (mulberry32): a failing scenario can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A directory whose checkpoint writes fail when told to: the process dying right after a write to ACS. */
class CrashingStore extends MemoryDirectoryStore {
  checkpointsUntilCrash = Number.POSITIVE_INFINITY;
  override async putImportCheckpoint(checkpoint: ImportCheckpoint): Promise<void> {
    if (this.checkpointsUntilCrash-- <= 0) throw new Error("crashed before the checkpoint was written");
    return super.putImportCheckpoint(checkpoint);
  }
}

function history(scenario: number): StandInConversation[] {
  return Array.from({ length: 3 }, (_, c) => ({
    sid: standInSid("CH", scenario * 100 + c + 1),
    friendlyName: `scenario ${scenario} conversation ${c}`,
    ...(c === 0 ? { uniqueName: `scenario-${scenario}` } : {}),
    participants: [{ identity: `ann${scenario}`, lastReadMessageIndex: 2 }, { identity: `ben${scenario}` }],
    messages: Array.from({ length: 8 }, (_, i) => ({ author: [`ann${scenario}`, `ben${scenario}`, `cy${scenario}`][i % 3]!, body: `message ${i}` })),
  }));
}

it(`imports every message exactly once, in order, however often the runs are stopped (${SCENARIOS} seeded scenarios)`, async () => {
  /** The faults that stopped a run, by kind: each kind must have stopped some. */
  const stoppedBy = new Map<string, number>();
  for (let scenario = 1; scenario <= SCENARIOS; scenario++) {
    const seed = 1000 + scenario;
    const rng = random(seed);
    const conversations = history(scenario);
    const twilio: TwilioStandIn = await startTwilioStandIn({ accountSid: ACCOUNT, authToken: TOKEN, data: { conversations } });
    const store = new CrashingStore();
    const kit = createServerKit({
      connectionString: emulator.connectionString,
      signingSecret: "a-signing-secret-of-at-least-32-bytes!!",
      publicUrl: "https://kit.invalid",
      store,
      authenticate: () => undefined,
      acsClientOptions: { ...clientOptionsOf(emulator), retryOptions: { retryDelayInMs: 50, maxRetryDelayInMs: 200 } },
    });
    const source = new TwilioRestSource({ accountSid: ACCOUNT, authToken: TOKEN, conversationsUrl: twilio.url, mcsUrl: twilio.mcsUrl, retry: { maxRetries: 1, baseDelayMs: 20, maxDelayMs: 50 } });
    let runs = 0;
    try {
      for (;;) {
        runs++;
        expect(runs, `seed ${seed}: still failing after ${MAX_RUNS} runs`).toBeLessThanOrEqual(MAX_RUNS);
        const calm = runs > MAX_RUNS - 3;
        const faults: FaultHandle[] = [];
        const abort = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const kinds: string[] = [];
        // Two faults a run, of six kinds, until the last runs (which heal).
        for (let i = 0; i < 2 && !calm; i++) {
          const pick = Math.floor(rng() * 6);
          if (pick === 0) {
            kinds.push("lost send answers");
            faults.push(emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "dropAnswer" }, count: 1 + Math.floor(rng() * 3) }));
          } else if (pick === 1) {
            kinds.push("ACS 503s");
            faults.push(emulator.faults.inject({ path: /^\/chat\//, fault: { kind: "status", status: 503 }, count: 5 + Math.floor(rng() * 10) }));
          } else if (pick === 2) {
            kinds.push("lost thread creation answer");
            faults.push(emulator.faults.inject({ method: "POST", path: "/chat/threads", fault: { kind: "dropAnswer" }, count: 1 }));
          } else if (pick === 3) {
            kinds.push("Twilio outage");
            twilio.failFrom(twilio.requests.length + 1 + Math.floor(rng() * 12));
          } else if (pick === 4) {
            kinds.push("crash before a checkpoint");
            store.checkpointsUntilCrash = Math.floor(rng() * 12);
          } else {
            kinds.push("Ctrl-C");
            timer = setTimeout(() => abort.abort(), Math.floor(rng() * 1500));
          }
        }
        const report = await importFromTwilio({ kit, source, signal: abort.signal }).finally(() => {
          clearTimeout(timer);
          for (const fault of faults) fault.cancel();
          twilio.heal();
          store.checkpointsUntilCrash = Number.POSITIVE_INFINITY;
        });
        if (report.totals.conversations.failed === 0) break;
        for (const kind of kinds) stoppedBy.set(kind, (stoppedBy.get(kind) ?? 0) + 1);
      }

      const serviceUserId = await kit.serviceUserId();
      const identity = new CommunicationIdentityClient(emulator.connectionString, clientOptionsOf(emulator));
      const { token } = await identity.getToken({ communicationUserId: serviceUserId }, ["chat"]);
      const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), clientOptionsOf(emulator));
      const threads: string[] = [];
      for await (const thread of chat.listChatThreads()) if (thread.topic?.startsWith(`scenario ${scenario} `)) threads.push(thread.id);
      expect(threads.length, `seed ${seed}: one thread per conversation`).toBe(conversations.length);
      for (const conversation of conversations) {
        const threadId = (await store.importCheckpointOf(conversation.sid!))!.threadId!;
        const sids: string[] = [];
        for await (const message of chat.getChatThreadClient(threadId).listMessages()) {
          const imported = decodeImportedMessage(message.metadata);
          if (imported) sids.unshift(`${imported.index}`);
        }
        expect(sids, `seed ${seed}: ${conversation.sid}`).toEqual(conversation.messages!.map((_, i) => `${i}`));
        const participants: string[] = [];
        for await (const participant of chat.getChatThreadClient(threadId).listParticipants()) participants.push(participant.displayName ?? "");
        expect(participants.sort(), `seed ${seed}: ${conversation.sid}`).toEqual(["", `ann${scenario}`, `ben${scenario}`]);
      }
      expect(await store.threadIdOf(`scenario-${scenario}`)).toBe((await store.importCheckpointOf(conversations[0]!.sid!))!.threadId);
    } finally {
      await twilio.close();
    }
  }
  // Every kind of fault stopped some run: otherwise the scenarios did not test what they say.
  expect([...stoppedBy.keys()].sort()).toEqual(["ACS 503s", "Ctrl-C", "Twilio outage", "crash before a checkpoint", "lost send answers", "lost thread creation answer"].sort());
}, 240_000);
