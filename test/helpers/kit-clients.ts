/**
 * Clients of a server kit mounted at `server.url` (as the examples mount it): each signs in with
 * the `x-test-user` header that the tests' `authenticate` reads, then starts a Twilio-shaped
 * Client on the kit's token. `shutdownAll()` stops every client made.
 */
import { expect } from "vitest";
import { Client, type ClientOptions } from "../../src/index.js";
import { clientOptionsOf, type TargetLike } from "./target.js";
import { initialized } from "./twilio-clients.js";

export function kitClients(server: () => { url: string }, emulator: () => TargetLike) {
  const clients: Client[] = [];

  async function tokenFor(identity: string): Promise<string> {
    const response = await fetch(`${server().url}/token`, { method: "POST", headers: { "x-test-user": identity } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  async function clientFor(identity: string, options: ClientOptions = {}): Promise<Client> {
    const client = new Client(await tokenFor(identity), { eventSource: "none", chatClientOptions: clientOptionsOf(emulator()), ...options });
    clients.push(client);
    await initialized(client);
    return client;
  }

  return { tokenFor, clientFor, shutdownAll: () => Promise.all(clients.splice(0).map((client) => client.shutdown())) };
}
