import { Client, type Participant } from "@twilio/conversations";
import type { ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));

  const conversation = await alice.createConversation({ friendlyName: "Standup" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);
  for (const text of ["Morning", "Standup at 10", "Bring the slides"]) await conversation.sendMessage(text);

  const bobsView = await bob.getConversationBySid(conversation.sid);
  observe(`bob's unread count before reading: ${await bobsView.getUnreadMessagesCount()}`);
  const { items } = await bobsView.getMessages();
  observe(`bob read "${items[0]!.body}": ${await bobsView.advanceLastReadMessageIndex(items[0]!.index)} unread`);
  observe(`bob read everything: ${await bobsView.setAllMessagesRead()} unread`);
  observe(`bob's unread count now: ${await bobsView.getUnreadMessagesCount()}`);

  // alice shows "seen" marks from the participants' read horizons, which participantUpdated keeps current.
  const { items: aliceMessages } = await conversation.getMessages();
  const newest = aliceMessages[aliceMessages.length - 1]!;
  const isBob = (participant: Participant) => participant.identity === `bob-${unique}`;
  let bobAsParticipant = (await conversation.getParticipants()).find(isBob);
  if ((bobAsParticipant?.lastReadMessageIndex ?? -1) < newest.index) {
    bobAsParticipant = await new Promise<Participant>((resolve) =>
      conversation.on("participantUpdated", ({ participant }) => {
        if (isBob(participant) && (participant.lastReadMessageIndex ?? -1) >= newest.index) resolve(participant);
      }),
    );
  }
  const lastSeen = aliceMessages.find((message) => message.index === bobAsParticipant?.lastReadMessageIndex);
  observe(`alice sees bob has read up to "${lastSeen?.body}"`);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
