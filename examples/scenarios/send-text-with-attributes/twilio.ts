import { Client, type Message } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));

  const received: Message[] = [];
  bob.on("messageAdded", (message) => received.push(message));

  const conversation = await alice.createConversation({ friendlyName: "Order 1234" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);
  await conversation.sendMessage("Your order shipped", { orderId: 1234, carrier: "DHL", tags: ["shipping"] });

  await until(() => received.length === 1);
  const [message] = received;
  observe(`bob received "${message!.body}" from ${message!.author!.replace(`-${unique}`, "")}`);
  observe(`attributes ${JSON.stringify(message!.attributes)}`);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
