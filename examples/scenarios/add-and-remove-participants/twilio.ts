import { Client, type Conversation } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));
  const bobsConversations: Conversation[] = [];
  bob.on("conversationJoined", (conversation) => bobsConversations.push(conversation));

  const conversation = await alice.createConversation({ friendlyName: "Project X" });
  await conversation.join();
  await conversation.add(`bob-${unique}`, { role: "reviewer" });
  const names = async () => (await conversation.getParticipants()).map((p) => p.identity!.replace(`-${unique}`, "")).sort().join(", ");
  observe(`participants: ${await names()}`);
  const bobParticipant = await conversation.getParticipantByIdentity(`bob-${unique}`);
  observe(`bob's attributes ${JSON.stringify(bobParticipant!.attributes)}`);

  await until(() => bobsConversations.length === 1);
  observe(`bob sees "${bobsConversations[0]!.friendlyName}"`);

  await conversation.removeParticipant(`bob-${unique}`);
  observe(`participants after removing bob: ${await names()}`);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
