import { Client, type Conversation } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

const ready = (client: Client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()));

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  await ready(alice);
  const added: Conversation[] = [];
  const joined: Conversation[] = [];
  alice.on("conversationAdded", (conversation) => added.push(conversation));
  alice.on("conversationJoined", (conversation) => joined.push(conversation));

  const conversation = await alice.createConversation({ friendlyName: "Support", attributes: { priority: "high", tags: ["billing"] } });
  // Until join(), the creator is not a participant: status is "notParticipating" (Twilio's model, kept by the library).
  await conversation.join();
  observe(`status ${conversation.status}`);
  await until(() => added.length === 1 && joined.length === 1);
  observe(`alice's list shows "${added[0]!.friendlyName}"`);
  observe(`alice joined "${joined[0]!.friendlyName}"`);

  // Read back on another device of alice's.
  const otherTab = new Client(await token(`alice-${unique}`));
  await ready(otherTab);
  const readBack = await otherTab.getConversationBySid(conversation.sid);
  observe(`read back "${readBack.friendlyName}"`);
  observe(`attributes ${JSON.stringify(readBack.attributes)}`);
  await Promise.all([alice.shutdown(), otherTab.shutdown()]);
}
