/**
 * Twilio-shaped clients of this library for tests: each user gets an ACS identity and token from
 * the emulator, packed into the one token string the server kit will issue. A shared in-memory
 * directory stands in for the server kit's identity directory.
 */
import { Client, createClientToken, type ClientOptions, type IdentityResolver } from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { identityClient } from "./acs.js";

export class TestDirectory implements IdentityResolver {
  readonly userIds = new Map<string, string>();
  async userIdOf(identity: string) {
    return this.userIds.get(identity);
  }
  async identityOf(userId: string) {
    return [...this.userIds].find(([, id]) => id === userId)?.[0];
  }
}

export interface TestSession {
  identity: string;
  userId: string;
  token: string;
  acsToken: string;
  /** A new Client for this user (each call makes a new one); events only for its own actions unless `eventSource` is given. */
  client(options?: ClientOptions): Client;
}

export async function createSession(emulator: Emulator, identity: string, directory: TestDirectory): Promise<TestSession> {
  const { user, token: acsToken } = await identityClient(emulator).createUserAndToken(["chat"]);
  directory.userIds.set(identity, user.communicationUserId);
  const token = createClientToken({ endpoint: emulator.endpoint, acsToken, acsUserId: user.communicationUserId, identity });
  return {
    identity,
    userId: user.communicationUserId,
    token,
    acsToken,
    client: (options) =>
      new Client(token, {
        identityResolver: directory,
        // Tests of the core API count requests and events of their own calls: no background polling
        // unless a test asks for an event source (the events tests do).
        eventSource: "none",
        chatClientOptions: { tlsOptions: { ca: emulator.caPem }, retryOptions: { maxRetries: 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 } },
        ...options,
      }),
  };
}

/** Resolves when the client is initialized; rejects with its initFailed error. */
export function initialized(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.onceWithReplay("initialized", () => resolve());
    client.onceWithReplay("initFailed", ({ error }) => reject(new Error(error?.message ?? "initFailed")));
  });
}
