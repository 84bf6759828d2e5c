/**
 * Twilio-shaped clients of this library for tests: each user gets an ACS identity and token from
 * the emulator, packed into the one token string the server kit will issue. A shared in-memory
 * directory stands in for the server kit's identity directory.
 */
import { Client, createClientToken, type ClientOptions, type Conversation, type IdentityResolver } from "../../src/index.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { FAST_RETRY, identityClient } from "./acs.js";
import { next } from "./observe.js";
import { clientOptionsOf, startTarget, type Target, type TargetLike } from "./target.js";

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

export async function createSession(emulator: TargetLike, identity: string, directory: TestDirectory): Promise<TestSession> {
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
        chatClientOptions: { retryOptions: FAST_RETRY, ...clientOptionsOf(emulator) },
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

/** `E`: an Emulator (`startTwoUsers`), or a Target, the emulator or the live ACS resource (`startTwoUsersOnTarget`). */
export interface TwoUsers<E extends TargetLike = Emulator> {
  emulator: E;
  directory: TestDirectory;
  alice: TestSession;
  bob: TestSession;
  /** Initialized. */
  aliceClient: Client;
  /** Initialized. */
  bobClient: Client;
  /** Shuts both clients down, then closes the emulator (on live: deletes the threads and users made). */
  close(): Promise<void>;
}

export interface TwoUsersOptions<E extends TargetLike = Emulator> {
  emulator?: EmulatorOptions;
  /** Runs once the emulator is up, before alice and bob are made (a webhook subscription, say). */
  prepare?: (emulator: E) => Promise<void>;
  /** Makes alice's client; default `alice.client()`. */
  aliceClient?: (alice: TestSession, emulator: E) => Client;
  /** Makes bob's client; default `bob.client()`. */
  bobClient?: (bob: TestSession, emulator: E) => Client;
}

/**
 * One test file's emulator with alice and bob in one directory, each with an initialized client
 * (for beforeAll; `close()` in afterAll). If set-up fails midway, what was started is stopped.
 */
export function startTwoUsers(options: TwoUsersOptions = {}): Promise<TwoUsers> {
  return startUsers(() => startEmulator(options.emulator), options);
}

/** The same on `startTarget()`: the emulator, or the live ACS resource in `npm run test:live`. */
export function startTwoUsersOnTarget(options: TwoUsersOptions<Target> = {}): Promise<TwoUsers<Target>> {
  return startUsers(() => startTarget(options.emulator), options);
}

async function startUsers<E extends TargetLike & { close(): Promise<void> }>(start: () => Promise<E>, options: TwoUsersOptions<E>): Promise<TwoUsers<E>> {
  const emulator = await start();
  const clients: Client[] = [];
  const close = async () => {
    await Promise.all(clients.map((client) => client.shutdown()));
    await emulator.close();
  };
  try {
    await options.prepare?.(emulator);
    const directory = new TestDirectory();
    const alice = await createSession(emulator, "alice", directory);
    const bob = await createSession(emulator, "bob", directory);
    const aliceClient = options.aliceClient?.(alice, emulator) ?? alice.client();
    clients.push(aliceClient);
    const bobClient = options.bobClient?.(bob, emulator) ?? bob.client();
    clients.push(bobClient);
    await Promise.all([initialized(aliceClient), initialized(bobClient)]);
    return { emulator, directory, alice, bob, aliceClient, bobClient, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A conversation `owner` created, joined and added `otherIdentity` to; the other side's view of it, read by sid. */
export async function sharedConversation(owner: Client, other: Client, friendlyName: string, otherIdentity = "bob"): Promise<{ mine: Conversation; theirs: Conversation }> {
  const mine = await owner.createConversation({ friendlyName });
  await mine.join();
  await mine.add(otherIdentity);
  return { mine, theirs: await other.getConversationBySid(mine.sid) };
}

/** The same, the other side's copy once its client announced it (`conversationJoined`) through its event source. */
export async function announcedConversation(owner: Client, other: Client, friendlyName: string, otherIdentity = "bob"): Promise<{ mine: Conversation; theirs: Conversation }> {
  const mine = await owner.createConversation({ friendlyName });
  await mine.join();
  const announced = next(other, "conversationJoined", (c) => c.sid === mine.sid);
  await mine.add(otherIdentity);
  const [theirs] = await announced;
  return { mine, theirs };
}

/**
 * The set-up of the event-tier tests: an emulator, alice (who writes through the native SDK) and
 * bob's client polling at `polling`. `close()` stops both.
 */
export async function startPollingFollower(polling: NonNullable<ClientOptions["polling"]>): Promise<{ emulator: Emulator; alice: TestSession; bob: TestSession; client: Client; close(): Promise<void> }> {
  const emulator = await startEmulator();
  const directory = new TestDirectory();
  const [alice, bob] = await Promise.all([createSession(emulator, "alice", directory), createSession(emulator, "bob", directory)]);
  const client = bob.client({ eventSource: "polling", polling });
  await initialized(client);
  return { emulator, alice, bob, client, close: async () => (await client.shutdown(), await emulator.close()) };
}
