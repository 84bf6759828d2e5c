/**
 * Test plumbing: real @azure/communication-chat and @azure/communication-identity clients
 * pointed at an emulator, trusting its certificate through `tlsOptions` (never by turning TLS
 * checks off), or at the live target of `startTarget()` with its options.
 */
import { ChatClient, type ChatThreadClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { clientOptionsOf, type TargetLike } from "./target.js";

export interface TestUser {
  id: string;
  token: string;
  chat: ChatClient;
  thread(threadId: string): ChatThreadClient;
}

export function identityClient(emulator: TargetLike): CommunicationIdentityClient {
  return new CommunicationIdentityClient(emulator.connectionString, clientOptionsOf(emulator));
}

/** Short retries for the emulator: tests that count retries set their own; the default back-off would slow failures. */
export const FAST_RETRY = { maxRetries: 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 };

export function chatClientFor(emulator: TargetLike, token: string): ChatClient {
  // A live target's own retry options (waiting out 429s) win over the fast ones.
  return new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), { retryOptions: FAST_RETRY, ...clientOptionsOf(emulator) });
}

export async function createUser(emulator: TargetLike, identity = identityClient(emulator)): Promise<TestUser> {
  const { user, token } = await identity.createUserAndToken(["chat"]);
  const chat = chatClientFor(emulator, token);
  return { id: user.communicationUserId, token, chat, thread: (threadId) => chat.getChatThreadClient(threadId) };
}

export const userRef = (user: { id: string }) => ({ communicationUserId: user.id });

/** Collects every item of a paged ACS list. */
export async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Whatever the promise rejects with, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
