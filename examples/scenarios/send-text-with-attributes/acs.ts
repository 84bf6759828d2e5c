import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const bob = await acs.user(`bob-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  // Node has no realtime notifications: find the new message by listing (a browser app would use chatMessageReceived).
  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Order 1234" },
    { participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob" }] },
  );
  const thread = aliceChat.getChatThreadClient(chatThread!.id);
  await thread.sendMessage(
    { content: "Your order shipped" },
    { senderDisplayName: "alice", metadata: { attributes: JSON.stringify({ orderId: 1234, carrier: "DHL", tags: ["shipping"] }) } },
  );

  for await (const message of bobChat.getChatThreadClient(chatThread!.id).listMessages()) {
    if (message.type !== "text") continue;
    observe(`bob received "${message.content?.message}" from ${message.senderDisplayName}`);
    observe(`attributes ${message.metadata?.attributes}`);
    break;
  }
}
