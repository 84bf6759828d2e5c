/**
 * What a live run adds to every ACS SDK client it makes: pacing to ACS's documented rate limits
 * (the same table the emulator enforces with `rateLimits: true`), a retry policy that waits out
 * 429s for as long as `Retry-After` says, and a record of the users and threads created, which
 * `cleanUpLive()` deletes when the test file ends.
 */
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { acsChatOperationOf, RateWindows } from "../../src/acs/limits.js";
import type { AcsCredentials } from "./target-env.js";

/**
 * The SDK's throttling retry already waits for `Retry-After` on 429 and 503; live needs more
 * attempts than the tests' fast emulator settings, with real back-off for other transient errors.
 */
export const LIVE_RETRY = { maxRetries: 8, retryDelayInMs: 1_000, maxRetryDelayInMs: 30_000 };

/** Users and threads this test file created on the live resource. */
export class LiveRecorder {
  readonly users = new Set<string>();
  readonly threads = new Set<string>();
}

/**
 * Sliding windows per rate-limit key, shared by every client of the process (ACS counts per
 * thread across users): a request waits until each of its windows has room.
 */
export class Pacer {
  private readonly windows: RateWindows;

  constructor(now: () => number = Date.now, private readonly sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))) {
    this.windows = new RateWindows(now);
  }

  /** How long the request must wait now; 0 means it was counted and may go. */
  tryAdmit(operation: string, user: string, threadId: string | undefined): number {
    const wait = this.windows.waitFor(operation, user, threadId);
    if (wait === 0) this.windows.count(operation, user, threadId);
    return wait;
  }

  async admit(operation: string, user: string, threadId: string | undefined): Promise<void> {
    // A little margin: ACS's clock and ours disagree by some milliseconds.
    for (let wait = this.tryAdmit(operation, user, threadId); wait > 0; wait = this.tryAdmit(operation, user, threadId)) await this.sleep(wait + 100);
  }
}

const pacer = new Pacer();

function pacingPolicy(): PipelinePolicy {
  return {
    name: "liveAcsPacing",
    async sendRequest(request: PipelineRequest, next) {
      const found = acsChatOperationOf(request.method, new URL(request.url).pathname);
      // The bearer token stands for its user: one user may hold several, which only makes the pacing looser.
      if (found) await pacer.admit(found.operation, request.headers.get("authorization") ?? "", found.threadId);
      return next(request);
    },
  };
}

function recordingPolicy(recorder: LiveRecorder): PipelinePolicy {
  return {
    name: "liveAcsRecorder",
    async sendRequest(request: PipelineRequest, next) {
      const response = await next(request);
      if (request.method !== "POST" || response.status !== 201 || !response.bodyAsText) return response;
      const path = new URL(request.url).pathname.replace(/\/+$/, "");
      try {
        const body = JSON.parse(response.bodyAsText) as { identity?: { id?: string }; chatThread?: { id?: string } };
        if (path === "/identities" && body.identity?.id) recorder.users.add(body.identity.id);
        if (path === "/chat/threads" && body.chatThread?.id) recorder.threads.add(body.chatThread.id);
      } catch {
        // Not JSON: nothing created that we could name.
      }
      return response;
    },
  };
}

export function livePolicies(recorder: LiveRecorder): NonNullable<import("@azure/communication-chat").ChatClientOptions["additionalPolicies"]> {
  return [
    { policy: recordingPolicy(recorder), position: "perCall" },
    // Per retry: a retried request counts against the limits again.
    { policy: pacingPolicy(), position: "perRetry" },
  ];
}

/**
 * Deletes every thread the recorded users are in (and any recorded thread they are no longer
 * in, where a recorded user still may), then the users. Failures are reported, not thrown:
 * the test results stand, and what could not be deleted is named for a manual clean-up.
 */
export async function cleanUpLive(acs: AcsCredentials, recorder: LiveRecorder): Promise<void> {
  const options = { retryOptions: LIVE_RETRY, additionalPolicies: [{ policy: pacingPolicy(), position: "perRetry" as const }] };
  const identity = new CommunicationIdentityClient(acs.connectionString, options);
  const problems: string[] = [];
  const deleted = new Set<string>();
  const chats: ChatClient[] = [];
  for (const userId of recorder.users) {
    try {
      const { token } = await identity.getToken({ communicationUserId: userId }, ["chat"]);
      const chat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(token), options);
      chats.push(chat);
      for await (const thread of chat.listChatThreads()) {
        if (deleted.has(thread.id) || thread.deletedOn) continue;
        await chat.deleteChatThread(thread.id);
        deleted.add(thread.id);
      }
    } catch (error) {
      // A user a test deleted, or whose tokens it revoked for good, has nothing left to list.
      if ((error as { statusCode?: number }).statusCode !== 404) problems.push(`threads of ${userId}: ${(error as Error).message}`);
    }
  }
  for (const threadId of recorder.threads) {
    if (deleted.has(threadId)) continue;
    let gone = false;
    for (const chat of chats) {
      try {
        await chat.deleteChatThread(threadId);
        gone = true;
        break;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) {
          gone = true;
          break;
        }
      }
    }
    if (!gone) problems.push(`thread ${threadId}: no recorded user may delete it`);
  }
  for (const userId of recorder.users) {
    try {
      await identity.deleteUser({ communicationUserId: userId });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) problems.push(`user ${userId}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) console.warn(`Live clean-up left ${problems.length} item(s) on ${acs.endpoint}:\n  ${problems.join("\n  ")}`);
}
