/**
 * The README's quickstart: `npx tsx examples/quickstart.ts`. Starts a local ACS emulator and the
 * server kit (your new token server), then runs Twilio Conversations code for two users on them.
 * In your app, the import is `twilio-conversations-acs` (or `@twilio/conversations`, aliased).
 */
import { startEmulator } from "../src/emulator/index.js";
import { Client, type Message } from "../src/index.js";
import { startExampleServer } from "./server/node-http.js";

// 1. ACS (here the emulator) and the server kit. In production: your ACS connection string.
const emulator = await startEmulator();
const server = await startExampleServer({ connectionString: emulator.connectionString, ca: emulator.caPem });

// 2. Your app fetches a token from the server kit, as it did from its Twilio token server.
async function fetchToken(identity: string): Promise<string> {
  const response = await fetch(`${server.url}/token`, { method: "POST", headers: { "x-demo-user": identity } });
  return ((await response.json()) as { token: string }).token;
}
// Only because the emulator's certificate is self-signed; against Azure, `new Client(token)` is all.
const trustEmulator = { chatClientOptions: { tlsOptions: { ca: emulator.caPem } } };

// 3. Unchanged Twilio code.
const alice = new Client(await fetchToken("alice"), trustEmulator);
const bob = new Client(await fetchToken("bob"), trustEmulator);
await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));

const received = new Promise<Message>((resolve) => bob.on("messageAdded", resolve));
const conversation = await alice.createConversation({ friendlyName: "Support", attributes: { priority: "high" } });
await conversation.join();
await conversation.add("bob");
await conversation.sendMessage("Hello Bob!", { importance: 1 });

const message = await received;
console.log(`bob got "${message.body}" from ${message.author} in "${message.conversation.friendlyName}", attributes ${JSON.stringify(message.attributes)}`);
const page = await message.conversation.getMessages();
console.log(`bob's first page: ${page.items.map((m) => `#${m.index} ${m.author}: ${m.body}`).join(", ")}`);

await Promise.all([alice.shutdown(), bob.shutdown(), server.close()]);
await emulator.close();
