import { ChatClient, type ChatMessage } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
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
  for (let i = 1; i <= 5; i++) await aliceThread.sendMessage({ content: `msg ${i}` }, { senderDisplayName: "alice" });

  // ACS lists newest first, with its system messages (participant added, topic set) in the same feed.
  const texts = (messages: ChatMessage[]) => messages.filter((m) => m.type === "text").map((m) => m.content!.message!);
  const bobThread = bobChat.getChatThreadClient(chatThread!.id);
  // No events in Node: bob lists what arrived (a browser app would use chatMessageReceived).
  const arrived: ChatMessage[] = [];
  for await (const message of bobThread.listMessages()) arrived.push(message);
  observe(`bob received: ${texts(arrived).reverse().join(", ")}`);

  // History, two at a time: read pages newest first, keep the text messages, show each screen oldest first.
  const pages = bobThread.listMessages({ maxPageSize: 2 }).byPage();
  const unread: string[] = []; // newest first
  let done = false;
  const readUntil = async (count: number) => {
    while (unread.length < count && !done) {
      const next = await pages.next();
      if (next.done) done = true;
      else unread.push(...texts(next.value));
    }
  };
  for (;;) {
    await readUntil(3); // two to show, one more to know whether older ones exist
    const page = unread.splice(0, 2).reverse();
    observe(`page: ${page.join(", ")} (older: ${unread.length > 0 ? "yes" : "no"})`);
    if (unread.length === 0) break;
  }
}
