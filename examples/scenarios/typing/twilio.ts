import { Client, type Participant } from "@twilio/conversations";
import type { ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));

  const typists: Participant[] = [];
  bob.on("typingStarted", (participant) => typists.push(participant));

  const conversation = await alice.createConversation({ friendlyName: "Typing" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);

  // Apps call typing() on every keystroke; the SDK sends at most one notification per 8 s (see the request counts).
  await conversation.typing();
  observe("alice typing: notification sent");
  await conversation.typing();
  observe("alice typing again within 8 s: nothing sent");

  // Others see typingStarted only through ACS realtime notifications, which exist in browsers, not in Node.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  observe(`typing visible to bob: ${typists.length > 0 ? "yes" : "only in browsers (realtime)"}`);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
