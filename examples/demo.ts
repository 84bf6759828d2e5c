/**
 * `npm run demo`: starts the local ACS emulator and drives it through the real Azure SDKs, with
 * no Azure account, printing each step, the Event Grid events ACS would publish, and the REST
 * requests made. (Later milestones turn this into the side-by-side Twilio / ACS migration demo.)
 */
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { Client, type Message } from "../src/index.js";
import { startExampleServer } from "./server/node-http.js";

const step = (text: string) => console.log(`\n▶ ${text}`);
const show = (text: string) => console.log(`  ${text}`);

async function main() {
  const emulator = await startEmulator();
  console.log(`ACS emulator at ${emulator.endpoint} (HTTPS, self-signed certificate trusted through tlsOptions.ca)`);
  const tlsOptions = { ca: emulator.caPem };
  const requestCounts = new Map<string, number>();
  emulator.requests.on("request", (r) => {
    const key = `${r.status} ${r.operation}`;
    requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
  });
  const events: string[] = [];
    // Shorten ids in subjects for the terminal: 8:acs:<resource>_<guid> -> user-<first 8 of guid>.
  const shorten = (subject: string) => subject.replace(/thread\/19:[^/]+/, "thread/{id}").replace(/8:acs:[^_/]+_([0-9a-f]{8})[^/]*/g, "user-$1");
  emulator.events.on("*", (e) => events.push(`${e.eventType.replace("Microsoft.Communication.", "").padEnd(42)} ${shorten(e.subject)}`));

  step("Identity: create alice and bob with chat tokens (HMAC-signed requests)");
  const identity = new CommunicationIdentityClient(emulator.connectionString, { tlsOptions });
  const alice = await identity.createUserAndToken(["chat"]);
  const bob = await identity.createUserAndToken(["chat"], { tokenExpiresInMinutes: 60 });
  show(`alice = ${alice.user.communicationUserId}`);
  show(`bob   = ${bob.user.communicationUserId} (token expires ${bob.expiresOn.toISOString()})`);
  const chatFor = (token: string) => new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), { tlsOptions });
  const aliceChat = chatFor(alice.token);
  const bobChat = chatFor(bob.token);

  step("alice creates a thread with bob, carrying Twilio-style attributes in metadata");
  const created = await aliceChat.createChatThread(
    { topic: "Support #42" },
    {
      participants: [{ id: bob.user, displayName: "bob" }],
      metadata: { twilioUniqueName: "support-42", twilioAttributes: JSON.stringify({ priority: "high" }) },
    },
  );
  const threadId = created.chatThread!.id;
  show(`thread ${threadId}, metadata ${JSON.stringify(created.chatThread!.metadata)}`);

  step("alice sends two messages; bob replies");
  const aliceThread = aliceChat.getChatThreadClient(threadId);
  const bobThread = bobChat.getChatThreadClient(threadId);
  const first = await aliceThread.sendMessage({ content: "Hello Bob!" }, { senderDisplayName: "alice", metadata: { twilioAttributes: '{"importance":1}' } });
  await aliceThread.sendMessage({ content: "<b>Are you there?</b>" }, { type: "html", senderDisplayName: "alice" });
  await bobThread.sendMessage({ content: "Here!" }, { senderDisplayName: "bob" });

  step("bob lists the thread, newest first, in pages of 2 (sequenceId counts system messages too)");
  let page = 0;
  for await (const messages of bobThread.listMessages({ maxPageSize: 2 }).byPage()) {
    page++;
    for (const m of messages) {
      const text = m.content?.message ?? m.content?.topic ?? m.content?.participants?.map((p) => p.displayName ?? "(creator)").join(", ");
      show(`page ${page}  seq ${m.sequenceId.padStart(2)}  ${m.type.padEnd(16)} ${m.senderDisplayName ?? "(system)"}: ${text}`);
    }
  }

  step("alice edits her first message; bob tries to, and ACS says no");
  await aliceThread.updateMessage(first.id, { content: "Hello Bob! (edited)" });
  try {
    await bobThread.updateMessage(first.id, { content: "hijacked" });
  } catch (error) {
    const e = error as { statusCode?: number; code?: string; message: string };
    show(`bob's edit -> ${e.statusCode} ${e.code}: ${e.message}`);
  }

  step("bob marks the thread read; alice sees his receipt");
  await bobThread.sendReadReceipt({ chatMessageId: first.id });
  for await (const receipt of aliceThread.listReadReceipts()) {
    show(`read by ${receipt.sender.kind === "communicationUser" ? receipt.sender.communicationUserId.slice(-8) : "?"} up to message ${receipt.chatMessageId}`);
  }

  step("a 429 burst: the emulator throttles the next two sends, the SDK retries through it");
  const throttle = emulator.faults.throttle({ method: "POST", path: /\/messages$/, count: 2, retryAfterSeconds: 1 });
  await aliceThread.sendMessage({ content: "sent despite throttling" });
  show(`throttled ${throttle.triggered} times, then delivered`);

  step("alice removes bob; bob loses access");
  await aliceThread.removeParticipant(bob.user);
  try {
    await bobThread.listMessages().next();
  } catch (error) {
    const e = error as { statusCode?: number; code?: string };
    show(`bob lists messages -> ${e.statusCode} ${e.code}`);
  }

  step("Event Grid events ACS would publish for all of this");
  for (const line of events) show(line);

  step("REST requests made (status, operation)");
  for (const [operation, count] of requestCounts) show(`${String(count).padStart(3)} × ${operation}`);

  await twilioCodeOnAcs(emulator);

  await emulator.close();
  console.log("\nDone. Start a standalone emulator with: npx twilio-conversations-acs emulator");
}

/** The same kind of job written as a Twilio app writes it, running on this library over the emulator. */
async function twilioCodeOnAcs(emulator: Emulator) {
  console.log("\n━━ Your Twilio code on ACS: the same app code, `import { Client } from \"twilio-conversations-acs\"` ━━");
  step("The server kit (examples/server/node-http.ts) issues tokens for app identities");
  const server = await startExampleServer({ connectionString: emulator.connectionString, ca: emulator.caPem });
  const tokenOf = async (user: string) =>
    ((await (await fetch(`${server.url}/token`, { method: "POST", headers: { "x-demo-user": user } })).json()) as { token: string }).token;
  // Emulator only: trust its certificate and poll fast so the demo is snappy.
  const options = { chatClientOptions: { tlsOptions: { ca: emulator.caPem } }, polling: { minIntervalInMs: 100, maxIntervalInMs: 300 } };
  const alice = new Client(await tokenOf("alice"), options);
  const bob = new Client(await tokenOf("bob"), options);
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));
  show(`alice and bob initialized (connectionState: ${alice.connectionState})`);
  bob.on("conversationJoined", (c) => show(`bob's client: conversationJoined "${c.friendlyName}"`));
  const received = new Promise<Message>((resolve) => bob.on("messageAdded", (m) => m.author === "alice" && resolve(m)));

  step("alice: createConversation, join, add('bob'), sendMessage with attributes");
  const conversation = await alice.createConversation({ friendlyName: "Support #42", uniqueName: "support-42", attributes: { priority: "high" } });
  await conversation.join();
  await conversation.add("bob");
  const index = await conversation.sendMessage("Hello Bob!", { importance: 1 });
  show(`sent message index ${index}`);
  const message = await received;
  show(`bob's client: messageAdded #${message.index} from ${message.author}: "${message.body}" ${JSON.stringify(message.attributes)}`);

  step("bob reacts to alice's message (ACS lets only senders edit: carried as a control message)");
  const reacted = new Promise<void>((resolve) => alice.on("messageUpdated", ({ updateReasons }) => updateReasons.includes("attributes") && resolve()));
  await message.updateAttributes({ reactions: { "👍": ["bob"] } });
  await reacted;
  const [alicesCopy] = (await conversation.getMessages()).items;
  show(`alice sees: ${JSON.stringify(alicesCopy!.attributes)}`);

  step("bob finds the conversation by unique name, reads it and marks it read");
  const found = await bob.getConversationByUniqueName("support-42");
  show(`found "${found.friendlyName}", unread before: ${await found.getUnreadMessagesCount()}`);
  await found.setAllMessagesRead();
  show(`unread after setAllMessagesRead: ${await found.getUnreadMessagesCount()}`);

  await Promise.all([alice.shutdown(), bob.shutdown(), server.close()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
