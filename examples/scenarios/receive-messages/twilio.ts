import { Client, type Message } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));
  const received: Message[] = [];
  bob.on("messageAdded", (message) => received.push(message));

  const conversation = await alice.createConversation({ friendlyName: "Standup" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);
  for (let i = 1; i <= 5; i++) await conversation.sendMessage(`msg ${i}`);

  await until(() => received.length === 5);
  observe(`bob received: ${received.map((m) => m.body).join(", ")}`);

  // History, two at a time: a page's items are oldest first, prevPage() goes back in time.
  let page = await received[0]!.conversation.getMessages(2);
  for (;;) {
    observe(`page: ${page.items.map((m) => m.body).join(", ")} (older: ${page.hasPrevPage ? "yes" : "no"})`);
    if (!page.hasPrevPage) break;
    page = await page.prevPage();
  }
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
