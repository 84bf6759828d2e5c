import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const bob = await acs.user(`bob-${unique}`);
  // The refresher fetches tokens from the token endpoint: the first one, and a new one ten minutes before each expires.
  let fetched = "";
  const credential = new AzureCommunicationTokenCredential({
    tokenRefresher: async () => (fetched = (await acs.user(`alice-${unique}`)).token),
    refreshProactively: true,
  });
  const aliceChat = new ChatClient(acs.endpoint, credential);
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Long meeting" },
    { participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob" }] },
  );
  const thread = aliceChat.getChatThreadClient(chatThread!.id);
  await thread.sendMessage({ content: "before the refresh" }, { senderDisplayName: "alice" });

  // ACS has no updateToken: the credential swaps tokens by itself, so there is nothing to call here.
  observe(`alice's client uses the token its refresher fetched: ${(await credential.getToken()).token === fetched}`);
  await thread.sendMessage({ content: "after the refresh" }, { senderDisplayName: "alice" }); // the same thread client

  const texts: string[] = [];
  for await (const message of bobChat.getChatThreadClient(chatThread!.id).listMessages()) {
    if (message.type === "text") texts.unshift(`"${message.content?.message}"`);
  }
  observe(`bob received ${texts.join(", ")}`);
  credential.dispose(); // stops the proactive refresh timer
}
