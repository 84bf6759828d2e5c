import { Client, type Message } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));
  const who = (identity: string | null) => identity?.replace(`-${unique}`, "");

  const received: Message[] = [];
  const events: string[] = [];
  bob.on("messageAdded", (message) => received.push(message));
  bob.on("messageUpdated", ({ message, updateReasons }) => {
    if (updateReasons.includes("body")) events.push(`bob sees ${who(message.author)}'s message edited to "${message.body}"`);
  });
  bob.on("messageRemoved", (message) => events.push(`bob sees ${who(message.author)}'s message "${message.body}" deleted`));
  alice.on("messageUpdated", ({ message, updateReasons }) => {
    if (!updateReasons.includes("attributes")) return;
    const { reactions } = message.attributes as { reactions: Record<string, string[]> };
    events.push(`alice's message shows reactions ${JSON.stringify(reactions).replaceAll(`-${unique}`, "")}`);
  });

  const conversation = await alice.createConversation({ friendlyName: "Edits" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);
  await conversation.sendMessage("Hi bob");
  await conversation.sendMessage("Wrong chat, sorry");
  await until(() => received.length === 2);
  observe(`bob received ${received.map((message) => `"${message.body}"`).join(", ")}`);

  const [hello, wrong] = (await conversation.getMessages()).items;
  await hello!.updateBody("Hi bob, welcome!");
  await until(() => events.length === 1, 30_000);
  await received[0]!.updateAttributes({ reactions: { "👍": [bob.user.identity] } }); // bob reacts to alice's message
  await until(() => events.length === 2, 30_000);
  await wrong!.remove();
  await until(() => events.length === 3, 30_000);
  events.forEach(observe);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
