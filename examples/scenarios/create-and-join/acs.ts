import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const chat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));

  // The topic is the display name; metadata holds string values only, so attributes go in as JSON.
  const { chatThread } = await chat.createChatThread(
    { topic: "Support" },
    { metadata: { attributes: JSON.stringify({ priority: "high", tags: ["billing"] }) } },
  );
  // ACS has no join step: the creator is a participant from creation.
  const thread = chat.getChatThreadClient(chatThread!.id);
  const participants = [];
  for await (const participant of thread.listParticipants()) participants.push(participant);
  const isParticipant = participants.some((p) => "communicationUserId" in p.id && p.id.communicationUserId === alice.userId);
  observe(`status ${isParticipant ? "joined" : "notParticipating"}`);

  // No events in Node: the user's thread list says what the Twilio events say.
  for await (const item of chat.listChatThreads()) {
    if (item.id !== chatThread!.id) continue;
    observe(`alice's list shows "${item.topic}"`);
    if (isParticipant) observe(`alice joined "${item.topic}"`);
  }

  const properties = await thread.getProperties();
  observe(`read back "${properties.topic}"`);
  observe(`attributes ${properties.metadata?.attributes}`);
}
