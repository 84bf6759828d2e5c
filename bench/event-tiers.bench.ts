/**
 * Events by type in polling mode: the latency from a native ACS client's change to the Twilio
 * event on our client, in an active conversation (default pace) and in an idle one (a sweep scaled
 * down to 5 s so that the run stays short); then the ACS requests of a client that only follows 10,
 * 100 and 1,000 idle conversations: per poll cycle (the thread listing) and the sweep's reads per
 * second beside it. Prints figures; asserts nothing.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { startEmulator, type Emulator, type RequestLogEntry } from "../src/emulator/index.js";
import type { Client, ClientEvents, PollingOptions } from "../src/index.js";
import { chatClientFor } from "../test/helpers/acs.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../test/helpers/twilio-clients.js";

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SAMPLES = { active: 5, idle: 3 };
const IDLE: PollingOptions = { activeForMs: 1000, sweepIntervalInMs: 5000 };
/**
 * The sweep scaled down to 5 s has room for 15 idle conversations (3 visits a second), where the
 * default 30 s has room for 90: in the idle run each event type has a follower of its own, which
 * follows only that type's few conversations. TIERS_IDLE_FOLLOWER=shared keeps the active run's
 * follower instead (it then follows 40 conversations and more, beyond the sweep's room).
 */
const SHARED_IDLE_FOLLOWER = process.env.TIERS_IDLE_FOLLOWER === "shared";

/** How long a sample waits for its event before it counts as never told. */
const GIVE_UP_MS = 20_000;

/** Resolves with the time the client tells the event, for the first one `match` accepts; Infinity when it never does. */
function when<E extends keyof ClientEvents>(client: Client, event: E, match: (...args: Parameters<ClientEvents[E]>) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off(event, listener as never);
      resolve(Number.POSITIVE_INFINITY);
    }, GIVE_UP_MS);
    const listener = ((...args: Parameters<ClientEvents[E]>) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      client.off(event, listener as never);
      resolve(performance.now());
    }) as ClientEvents[E];
    client.on(event, listener as never);
  });
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : `> ${GIVE_UP_MS / 1000} s`);

interface Kind {
  name: string;
  /** Makes the change in the thread; resolves when the client has told it. */
  run(thread: ChatThreadClient, client: Client, sid: string, i: number): Promise<[number, number]>;
}

/** `settle` lets a conversation go idle again after a preparatory message (a no-op for the active run). */
function kinds(alice: TestSession, carol: TestSession, settle: () => Promise<void>, aliceClient: Client): Kind[] {
  const timed = async (action: () => Promise<unknown>, told: Promise<number>): Promise<[number, number]> => {
    const started = performance.now();
    await action();
    return [started, await told];
  };
  return [
    {
      name: "messageAdded",
      run: (thread, client, sid, i) => timed(() => thread.sendMessage({ content: `new ${i}` }), when(client, "messageAdded", (m) => m.conversation.sid === sid && m.body === `new ${i}`)),
    },
    {
      name: "messageUpdated",
      run: async (thread, client, sid, i) => {
        const { id } = await thread.sendMessage({ content: `to edit ${i}` });
        await when(client, "messageAdded", (m) => m.sid === id);
        await settle();
        return timed(() => thread.updateMessage(id, { content: `edited ${i}` }), when(client, "messageUpdated", ({ message }) => message.sid === id));
      },
    },
    {
      name: "messageRemoved",
      run: async (thread, client, sid, i) => {
        const { id } = await thread.sendMessage({ content: `to delete ${i}` });
        await when(client, "messageAdded", (m) => m.sid === id);
        await settle();
        return timed(() => thread.deleteMessage(id), when(client, "messageRemoved", (m) => m.sid === id));
      },
    },
    {
      name: "conversationUpdated (friendlyName)",
      run: (thread, client, sid, i) => timed(() => thread.updateTopic(`topic ${i}`), when(client, "conversationUpdated", ({ conversation }) => conversation.sid === sid && conversation.friendlyName === `topic ${i}`)),
    },
    {
      name: "conversationUpdated (attributes, native)",
      run: (thread, client, sid, i) =>
        timed(
          () => thread.updateProperties({ metadata: { twilioAttributes: JSON.stringify({ round: i }) } }),
          when(client, "conversationUpdated", ({ conversation, updateReasons }) => conversation.sid === sid && updateReasons.includes("attributes")),
        ),
    },
    {
      // The same, with the conversation open in the app (a listener on it): its properties are read every 2 s.
      name: "conversationUpdated (attributes, native, open)",
      run: async (thread, client, sid, i) => {
        const open = await client.getConversationBySid(sid);
        const onUpdated = () => undefined;
        open.on("updated", onUpdated);
        try {
          return await timed(
            () => thread.updateProperties({ metadata: { twilioAttributes: JSON.stringify({ round: i }) } }),
            when(client, "conversationUpdated", ({ conversation, updateReasons }) => conversation.sid === sid && updateReasons.includes("attributes")),
          );
        } finally {
          open.off("updated", onUpdated);
        }
      },
    },
    {
      name: "conversationUpdated (attributes, this library)",
      run: async (thread, client, sid, i) => {
        const conversation = await aliceClient.getConversationBySid(sid);
        return timed(
          () => conversation.updateAttributes({ round: i }),
          when(client, "conversationUpdated", ({ conversation, updateReasons }) => conversation.sid === sid && updateReasons.includes("attributes")),
        );
      },
    },
    {
      name: "participantJoined / participantLeft",
      run: async (thread, client, sid) => {
        const joined = when(client, "participantJoined", (p) => p.conversation.sid === sid && p.sid === carol.userId);
        const started = performance.now();
        await thread.addParticipants({ participants: [{ id: { communicationUserId: carol.userId } }] });
        const told = await joined;
        const left = when(client, "participantLeft", (p) => p.conversation.sid === sid && p.sid === carol.userId);
        await thread.removeParticipant({ communicationUserId: carol.userId });
        await left;
        return [started, told];
      },
    },
    {
      name: "participantUpdated (lastReadMessageIndex)",
      run: async (thread, client, sid, i) => {
        const { id } = await thread.sendMessage({ content: `to read ${i}` });
        await when(client, "messageAdded", (m) => m.sid === id);
        await settle();
        return timed(
          () => thread.sendReadReceipt({ chatMessageId: id }),
          when(client, "participantUpdated", ({ participant, updateReasons }) => participant.conversation.sid === sid && participant.sid === alice.userId && updateReasons.includes("lastReadMessageIndex")),
        );
      },
    },
  ];
}

async function latencies(emulator: Emulator, directory: TestDirectory, alice: TestSession, bob: TestSession, carol: TestSession, idle: boolean): Promise<Array<[string, number, number]>> {
  const raw = chatClientFor(emulator, alice.acsToken);
  const clientOf = (follower: TestSession) => follower.client({ eventSource: "polling", ...(idle ? { polling: IDLE } : {}) });
  const shared = !idle || SHARED_IDLE_FOLLOWER ? clientOf(bob) : undefined;
  const aliceClient = alice.client({ eventSource: "none" });
  await Promise.all([shared && initialized(shared), initialized(aliceClient)]);
  const rows: Array<[string, number, number]> = [];
  try {
    const settle = idle ? async () => void (await sleep(IDLE.activeForMs! + 1500)) : async () => undefined;
    for (const kind of kinds(alice, carol, settle, aliceClient)) {
      const follower = shared ? bob : await createSession(emulator, `bob ${kind.name}`, directory);
      const client = shared ?? clientOf(follower);
      try {
        await initialized(client);
        const samples: number[] = [];
        for (let i = 0; i < SAMPLES[idle ? "idle" : "active"]; i++) {
          const topic = `${kind.name} ${idle ? "idle" : "active"} ${i}`;
          const joined = when(client, "conversationJoined", (c) => c.friendlyName === topic);
          const { chatThread } = await raw.createChatThread({ topic }, { participants: [{ id: { communicationUserId: alice.userId } }, { id: { communicationUserId: follower.userId } }] });
          await joined;
          const thread = raw.getChatThreadClient(chatThread!.id);
          if (idle) await sleep(IDLE.activeForMs! + 1500);
          else await sleep(300 + Math.random() * 1000);
          const [started, told] = await kind.run(thread, client, chatThread!.id, i);
          samples.push(told - started);
        }
        rows.push([kind.name, percentile(samples, 50), percentile(samples, 95)]);
      } finally {
        if (client !== shared) await client.shutdown();
      }
    }
  } finally {
    await Promise.all([shared?.shutdown(), aliceClient.shutdown()]);
  }
  return rows;
}

interface IdleCost {
  /** Poll cycles in the window (thread listings). */
  cycles: number;
  /** Requests that are not the sweep's: the listing and anything else, per cycle. */
  perCycle: number;
  /** The sweep's reads (change feeds, receipts, properties, first roster reads) per second. */
  sweepPerSecond: number;
  byOperation: Map<string, number>;
}

/** Long enough to take in the first sweep round, 30 s after start. */
const WINDOW_MS = 45_000;

async function idleCost(emulator: Emulator, directory: TestDirectory, size: number): Promise<IdleCost> {
  const owner = await createSession(emulator, `owner ${size}`, directory);
  const follower = await createSession(emulator, `follower ${size}`, directory);
  const raw = chatClientFor(emulator, owner.acsToken);
  for (let i = 0; i < size; i++) {
    await raw.createChatThread({ topic: `idle ${i}` }, { participants: [{ id: { communicationUserId: owner.userId } }, { id: { communicationUserId: follower.userId } }] });
  }
  // Quiet for longer than a conversation stays active, so every one is idle.
  await sleep(2500);
  const client = follower.client({ eventSource: "polling", polling: { activeForMs: 1000 } });
  await initialized(client);
  await client.getSubscribedConversations();
  await sleep(5000);
  const requests: RequestLogEntry[] = [];
  const count = (entry: RequestLogEntry) => entry.userId === follower.userId && requests.push(entry);
  emulator.requests.on("request", count);
  await sleep(WINDOW_MS);
  emulator.requests.off("request", count);
  await client.shutdown();
  // Nothing changes in these threads: every per-thread read is the sweep's.
  const listings = requests.filter((r) => r.operation === "GET /chat/threads").length;
  const cycles = Math.max(1, listings);
  const byOperation = new Map<string, number>();
  for (const r of requests) byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
  return { cycles, perCycle: listings / cycles, sweepPerSecond: (requests.length - listings) / (WINDOW_MS / 1000), byOperation };
}

async function main() {
  const emulator = await startEmulator();
  const directory = new TestDirectory();
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((name) => createSession(emulator, name, directory)));
  const active = await latencies(emulator, directory, alice!, bob!, carol!, false);
  const idle = await latencies(emulator, directory, alice!, bob!, carol!, true);
  const costs: Array<[number, Awaited<ReturnType<typeof idleCost>>]> = [];
  // TIERS_IDLE_SIZES=10,100 for a shorter run (1,000 conversations take minutes to load within ACS's limits).
  for (const size of (process.env.TIERS_IDLE_SIZES ?? "10,100,1000").split(",").map(Number)) costs.push([size, await idleCost(emulator, directory, size)]);
  await emulator.close();

  console.log(`Events by type, polling mode (node ${process.version}); ${SAMPLES.active} samples active, ${SAMPLES.idle} idle; active: default pace; idle: sweep every ${IDLE.sweepIntervalInMs! / 1000} s, ${SHARED_IDLE_FOLLOWER ? "the active run's follower (40 conversations and more)" : "a follower for each event type (3 conversations)"}`);
  console.log(`  ${"event".padEnd(44)} active p50  active p95  idle p50  idle p95`);
  active.forEach(([name, p50, p95], i) => {
    const [, idle50, idle95] = idle[i]!;
    console.log(`  ${name.padEnd(44)} ${ms(p50).padStart(10)}  ${ms(p95).padStart(10)}  ${ms(idle50).padStart(8)}  ${ms(idle95).padStart(8)}`);
  });
  console.log(`  ACS requests of a client following only idle conversations, steady state (${WINDOW_MS / 1000} s window; sweep every 30 s, at most 3 visits a second):`);
  console.log(`  ${"conversations".padStart(13)}  cycles  per idle cycle (target <= 1)  sweep reads/s  by operation`);
  for (const [size, { cycles, perCycle, sweepPerSecond, byOperation }] of costs) {
    console.log(`  ${String(size).padStart(13)}  ${String(cycles).padStart(6)}  ${perCycle.toFixed(2).padStart(28)}  ${sweepPerSecond.toFixed(2).padStart(13)}  ${[...byOperation].map(([op, n]) => `${n} × ${op}`).join(", ")}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
