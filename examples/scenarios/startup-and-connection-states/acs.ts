import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { ScenarioContext } from "../scenario.js";

export async function run({ acs, observe, unique }: ScenarioContext): Promise<void> {
  // ACS knows users by id only: who the app signed in is what it asked its token server for.
  const identity = `alice-${unique}`;
  const alice = await acs.user(identity);
  const credential = new AzureCommunicationTokenCredential(alice.token);
  const chat = new ChatClient(acs.endpoint, credential);

  // ACS Chat in Node is plain REST, with no connection: the client is usable once ACS answers a first request.
  const states = ["connecting"];
  let outcome: string;
  try {
    await chat.listChatThreads({ maxPageSize: 1 }).byPage().next();
    states.push("connected");
    outcome = "initialized";
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    states.push(status === 401 ? "denied" : "error");
    outcome = `initFailed: ${(error as Error).message}`;
  }
  observe(outcome);
  observe(`connection states: ${states.join(" → ")}`);
  observe(`connection state now: ${states.at(-1)}`);
  observe(`signed in as ${identity.replace(`-${unique}`, "")}`);

  // No events to replay: a screen mounted later reads the app's own "ready" state.
  const lateListenerHeard = outcome === "initialized";
  observe(`late listener heard initialized: ${lateListenerHeard}`);

  credential.dispose();
}
