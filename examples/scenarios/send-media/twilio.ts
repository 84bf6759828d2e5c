import { Client, type Message } from "@twilio/conversations";
import { until, type ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const bob = new Client(await token(`bob-${unique}`));
  await Promise.all([alice, bob].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));

  const received: Message[] = [];
  bob.on("messageAdded", (message) => received.push(message));

  const conversation = await alice.createConversation({ friendlyName: "Reports" });
  await conversation.join();
  await conversation.add(`bob-${unique}`);
  const report = Buffer.from("region,revenue\nnorth,1200\nsouth,950\n");
  await conversation.sendMessage({ contentType: "text/csv", filename: "q3.csv", media: report });

  await until(() => received.length === 1);
  const [file] = received[0]!.attachedMedia ?? [];
  observe(`bob received ${file?.filename} from ${received[0]!.author!.replace(`-${unique}`, "")}`);
  const response = await fetch((await file!.getContentTemporaryUrl())!);
  const bytes = Buffer.from(await response.arrayBuffer());
  observe(`bob downloaded ${bytes.length} bytes of ${file!.contentType}, same as sent: ${bytes.equals(report)}`);
  await Promise.all([alice.shutdown(), bob.shutdown()]);
}
