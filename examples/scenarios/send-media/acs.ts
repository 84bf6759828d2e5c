import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  const alice = await acs.user(`alice-${unique}`);
  const bob = await acs.user(`bob-${unique}`);
  const aliceChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(alice.token));
  const bobChat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(bob.token));

  const { chatThread } = await aliceChat.createChatThread(
    { topic: "Reports" },
    { participants: [{ id: { communicationUserId: bob.userId }, displayName: "bob" }] },
  );
  // ACS Chat stores no files: upload to your own storage (here the emulator's media endpoint), then send a message
  // whose metadata points at the file, in the ACS UI Library's fileSharingMetadata format.
  const report = Buffer.from("region,revenue\nnorth,1200\nsouth,950\n");
  const upload = await fetch(`${acs.endpoint}/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${alice.token}`, "content-type": "text/csv", "x-file-name": "q3.csv" },
    body: report,
  });
  const { id, url } = (await upload.json()) as { id: string; url: string };
  await aliceChat.getChatThreadClient(chatThread!.id).sendMessage(
    { content: "" },
    { senderDisplayName: "alice", metadata: { fileSharingMetadata: JSON.stringify([{ id, name: "q3.csv", extension: "csv", url }]) } },
  );

  for await (const message of bobChat.getChatThreadClient(chatThread!.id).listMessages()) {
    if (message.type !== "text" || !message.metadata?.fileSharingMetadata) continue;
    const [file] = JSON.parse(message.metadata.fileSharingMetadata) as Array<{ name: string; url: string }>;
    observe(`bob received ${file?.name} from ${message.senderDisplayName}`);
    const response = await fetch(file!.url);
    const bytes = Buffer.from(await response.arrayBuffer());
    observe(`bob downloaded ${bytes.length} bytes of ${response.headers.get("content-type")}, same as sent: ${bytes.equals(report)}`);
    break;
  }
}
