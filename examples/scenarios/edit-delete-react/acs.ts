import { ChatClient, type ChatMessage } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const bob = await acs.user(`bob-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Edits" },
    { participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob" }] },
  );
  const aliceThread = aliceChat.getChatThreadClient(chatThread!.id);
  const bobThread = bobChat.getChatThreadClient(chatThread!.id);
  const { id: helloId } = await aliceThread.sendMessage({ content: "Hi bob" }, { senderDisplayName: "alice" });
  const { id: wrongId } = await aliceThread.sendMessage({ content: "Wrong chat, sorry" }, { senderDisplayName: "alice" });

  // Node has no realtime notifications: bob lists the thread (newest first) where a browser would get events.
  const textMessages = async (thread = bobThread) => {
    const messages: ChatMessage[] = [];
    for await (const message of thread.listMessages()) if (message.type === "text") messages.unshift(message);
    return messages;
  };
  const seen = new Map((await textMessages()).map((message) => [message.id, message]));
  observe(`bob received ${[...seen.values()].map((message) => `"${message.content?.message}"`).join(", ")}`);

  await aliceThread.updateMessage(helloId, { content: "Hi bob, welcome!" });
  const edited = (await textMessages()).find((message) => message.id === helloId && message.editedOn);
  observe(`bob sees ${edited?.senderDisplayName}'s message edited to "${edited?.content?.message}"`);

  // Only the sender may update a message in ACS: bob's reaction is a message of his own that points at alice's.
  await bobThread.sendMessage({ content: "👍" }, { senderDisplayName: "bob", metadata: { reactionTo: helloId } });
  const aliceView = await textMessages(aliceThread);
  const reactions: Record<string, string[]> = {};
  for (const reaction of aliceView.filter((message) => message.metadata?.reactionTo === helloId)) {
    (reactions[reaction.content!.message!] ??= []).push(reaction.senderDisplayName!);
  }
  observe(`alice's message shows reactions ${JSON.stringify(reactions)}`);

  await aliceThread.deleteMessage(wrongId);
  const deleted = (await textMessages()).find((message) => message.id === wrongId && message.deletedOn);
  observe(`bob sees ${deleted?.senderDisplayName}'s message "${seen.get(wrongId)?.content?.message}" deleted`);
}
