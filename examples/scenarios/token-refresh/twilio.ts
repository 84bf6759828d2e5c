import { Client, type Message } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));

  // The usual refresh flow: a minute before the token expires, fetch a new one from the token endpoint.
  let fetched = "";
  const refresh = async () => alice.updateToken((fetched = await token(`alice-${unique}`)));
  alice.on("tokenAboutToExpire", refresh);

  const received: Message[] = [];
  bob.on("messageAdded", (message) => received.push(message));
  const conversation = await alice.createConversation({ friendlyName: "Long meeting" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);
  await conversation.sendMessage("before the refresh");

  await refresh(); // what tokenAboutToExpire does an hour in: we cannot wait that long
  observe(`alice's client uses the token its refresher fetched: ${alice.token === fetched}`);
  await conversation.sendMessage("after the refresh"); // the same conversation object
  await until(() => received.length === 2);
  observe(`bob received ${received.map((message) => `"${message.body}"`).join(", ")}`);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
