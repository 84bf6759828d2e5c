import { ChatClient, type ChatParticipant } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const bob = await acs.user(`bob-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  // Display names are set when a participant is added: the creator lists herself to get one.
  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Project X" },
    { participants: [{ id: { communicationUserId: alice.userId }, displayName: "alice" }] },
  );
  const thread = aliceChat.getChatThreadClient(chatThread!.id);
  // Participant metadata holds strings only (and cannot be changed later): attributes go in as JSON.
  await thread.addParticipants({
    participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob", metadata: { attributes: JSON.stringify({ role: "reviewer" }) } }],
  });
  const participants = async () => {
    const list: ChatParticipant[] = [];
    for await (const participant of thread.listParticipants()) list.push(participant);
    return list;
  };
  const names = (list: ChatParticipant[]) => list.map((p) => p.displayName).sort().join(", ");
  const before = await participants();
  observe(`participants: ${names(before)}`);
  observe(`bob's attributes ${before.find((p) => p.displayName === "bob")!.metadata?.attributes}`);

  // No events in Node: bob finds the thread in his list.
  for await (const item of bobChat.listChatThreads()) if (item.id === chatThread!.id) observe(`bob sees "${item.topic}"`);

  await thread.removeParticipant({ communicationUserId: bob.userId });
  observe(`participants after removing bob: ${names(await participants())}`);
}
