import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const bob = await acs.user(`bob-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Typing" },
    { participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob" }] },
  );
  const thread = aliceChat.getChatThreadClient(chatThread!.id);

  // sendTypingNotification answers whether it sent anything: at most one notification per 8 s.
  const first = await thread.sendTypingNotification({ senderDisplayName: "alice" });
  observe(`alice typing: ${first ? "notification sent" : "nothing sent"}`);
  const second = await thread.sendTypingNotification({ senderDisplayName: "alice" });
  observe(`alice typing again within 8 s: ${second ? "notification sent" : "nothing sent"}`);

  // Typing arrives only as realtime notifications (typingIndicatorReceived), which ACS's SDK has in browsers only.
  const visible = await bobChat.startRealtimeNotifications().then(() => "yes", () => "only in browsers (realtime)");
  observe(`typing visible to bob: ${visible}`);
}
