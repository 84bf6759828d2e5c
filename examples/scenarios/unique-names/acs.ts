import { ChatClient, type ChatThreadProperties } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

/** ACS has no unique names: they live in thread metadata, and only threads the user is in can be searched. */
async function findByUniqueName(chat: ChatClient, uniqueName: string): Promise<ChatThreadProperties | undefined> {
  for await (const item of chat.listChatThreads()) {
    const properties = await chat.getChatThreadClient(item.id).getProperties();
    if (properties.metadata?.uniqueName === uniqueName) return properties;
  }
  return undefined;
}

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const carol = await acs.user(`carol-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const carolChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(carol.token));
  const uniqueName = `standup-${unique}`;

  const { chatThread } = await aliceChat.createChatThread({ topic: "Daily standup" }, { metadata: { uniqueName } });
  observe(`alice created "${chatThread!.metadata!.uniqueName!.replace(`-${unique}`, "")}"`);

  // ACS has no self-join: a participant must add carol (the server kit's join does this for the Twilio app).
  await aliceChat.getChatThreadClient(chatThread!.id).addParticipants({
    participants: [{ id: { communicationUserId: carol.userId }, displayName: "carol" }],
  });
  const found = await findByUniqueName(carolChat, uniqueName);
  observe(`carol found "${found!.topic}" by its unique name`);
  const participants = [];
  for await (const participant of carolChat.getChatThreadClient(found!.id).listParticipants()) participants.push(participant);
  const isIn = participants.some((p) => "communicationUserId" in p.id && p.id.communicationUserId === carol.userId);
  observe(`carol's status: ${isIn ? "joined" : "notParticipating"}`);

  // Check before creating. Not atomic: two creates at once can both pass; and it sees only alice's threads.
  if (await findByUniqueName(aliceChat, uniqueName)) observe("second create with the same name: refused, name taken");
  else {
    await aliceChat.createChatThread({ topic: "Another standup" }, { metadata: { uniqueName } });
    observe("second create with the same name: created");
  }
}
