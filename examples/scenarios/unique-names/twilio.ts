import { Client } from "@twilio/conversations";
import type { ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const alice = new Client(await token(`alice-${unique}`));
  const carol = new Client(await token(`carol-${unique}`));
  await Promise.all([alice, carol].map((client) => new Promise<void>((resolve) => client.onWithReplay("initialized", () => resolve()))));
  const uniqueName = `standup-${unique}`;

  const conversation = await alice.createConversation({ uniqueName, friendlyName: "Daily standup" });
  await conversation.join();
  observe(`alice created "${conversation.uniqueName!.replace(`-${unique}`, "")}"`);

  // Carol is not in it yet: she looks it up by name and joins.
  const found = await carol.getConversationByUniqueName(uniqueName);
  await found.join();
  observe(`carol found "${found.friendlyName}" by its unique name`);
  observe(`carol's status: ${found.status}`);

  try {
    await alice.createConversation({ uniqueName, friendlyName: "Another standup" });
    observe("second create with the same name: created");
  } catch (error) {
    const code = (error as { code?: number }).code;
    observe(`second create with the same name: ${code === 50353 ? "refused, name taken" : `failed (${code})`}`);
  }
  await Promise.all([alice.shutdown(), carol.shutdown()]);
}
