import { Client, type ConnectionState } from "@twilio/conversations";
import type { ScenarioContext } from "../scenario.js";

export async function run({ token, observe, unique }: ScenarioContext): Promise<void> {
  const client = new Client(await token(`alice-${unique}`));
  const states: ConnectionState[] = [];
  client.on("connectionStateChanged", (state) => states.push(state));

  // The client connects on its own; the app waits for one of the two outcomes.
  const outcome = await new Promise<string>((resolve) => {
    client.once("initialized", () => resolve("initialized"));
    client.once("initFailed", ({ error }) => resolve(`initFailed: ${error?.message}`));
  });
  observe(outcome);
  observe(`connection states: ${states.join(" → ")}`);
  observe(`connection state now: ${client.connectionState}`);
  observe(`signed in as ${client.user.identity.replace(`-${unique}`, "")}`);

  // A screen mounted later still learns that the client is ready.
  let lateListenerHeard = false;
  client.onWithReplay("initialized", () => (lateListenerHeard = true));
  observe(`late listener heard initialized: ${lateListenerHeard}`);

  await client.shutdown();
}
