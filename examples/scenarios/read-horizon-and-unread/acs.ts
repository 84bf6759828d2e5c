import { ChatClient, type ChatThreadClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential, getIdentifierRawId } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const bob = await acs.user(`bob-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Standup" },
    { participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob" }] },
  );
  const aliceThread = aliceChat.getChatThreadClient(chatThread!.id);
  for (const text of ["Morning", "Standup at 10", "Bring the slides"]) await aliceThread.sendMessage({ content: text }, { senderDisplayName: "alice" });

  // ACS keeps no unread count: it is the number of user messages after the message of bob's read receipt.
  const bobThread = bobChat.getChatThreadClient(chatThread!.id);
  const receiptOf = async (thread: ChatThreadClient, userId: string) => {
    for await (const receipt of thread.listReadReceipts()) if (getIdentifierRawId(receipt.sender) === userId) return receipt;
    return undefined;
  };
  const texts = async () => {
    const messages = [];
    for await (const message of bobThread.listMessages()) if (message.type === "text") messages.unshift(message);
    return messages;
  };
  const unread = async () => {
    const receipt = await receiptOf(bobThread, bob.userId);
    if (!receipt) return null;
    const messages = await texts();
    return messages.length - 1 - messages.findIndex((message) => message.id === receipt.chatMessageId);
  };
  observe(`bob's unread count before reading: ${await unread()}`);
  const messages = await texts();
  await bobThread.sendReadReceipt({ chatMessageId: messages[0]!.id });
  observe(`bob read "${messages[0]!.content?.message}": ${await unread()} unread`);
  await bobThread.sendReadReceipt({ chatMessageId: messages.at(-1)!.id });
  observe(`bob read everything: ${await unread()} unread`);
  observe(`bob's unread count now: ${await unread()}`);

  const bobsReceipt = await receiptOf(aliceThread, bob.userId);
  const lastSeen = await aliceThread.getMessage(bobsReceipt!.chatMessageId);
  observe(`alice sees bob has read up to "${lastSeen.content?.message}"`);
}
