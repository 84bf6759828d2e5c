/**
 * The page the realtime browser tests and the bench drive: the real browser build of
 * `@azure/communication-chat` (its `startRealtimeNotifications()` and events), and this library's
 * `Client` over it. Everything it sees is recorded on `window.seen` with the page's clock, as
 * plain JSON (dates as ISO strings), for the test to read.
 */
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { Client, type ClientOptions } from "../../../src/index.js";

const SDK_EVENTS = [
  "chatMessageReceived",
  "chatMessageEdited",
  "chatMessageDeleted",
  "typingIndicatorReceived",
  "readReceiptReceived",
  "chatThreadCreated",
  "chatThreadPropertiesUpdated",
  "chatThreadDeleted",
  "participantsAdded",
  "participantsRemoved",
  "realTimeNotificationConnected",
  "realTimeNotificationDisconnected",
] as const;

export interface Seen {
  source: "sdk" | "library";
  event: string;
  /** performance.timeOrigin + performance.now(): epoch ms, comparable with the test's Date.now(). */
  at: number;
  payload: unknown;
}

declare global {
  interface Window {
    seen: Seen[];
    sdkListen(endpoint: string, token: string): Promise<void>;
    sdkStop(): Promise<void>;
    libraryStart(token: string, identities: Record<string, string>, options?: Partial<ClientOptions>): Promise<void>;
    libraryShutdown(): Promise<void>;
    /** Sends through the library; resolves with the page-clock time the send began (epoch ms). */
    librarySend(conversationSid: string, body: string): Promise<number>;
  }
}

window.seen = [];
const record = (source: Seen["source"], event: string, payload: unknown) =>
  window.seen.push({ source, event, at: performance.timeOrigin + performance.now(), payload: JSON.parse(JSON.stringify(payload ?? null)) as unknown });

let chatClient: ChatClient | undefined;
window.sdkListen = async (endpoint, token) => {
  chatClient = new ChatClient(endpoint, new AzureCommunicationTokenCredential(token));
  // The connection events may be subscribed before starting; the others only after.
  for (const event of ["realTimeNotificationConnected", "realTimeNotificationDisconnected"] as const) {
    chatClient.on(event as "realTimeNotificationConnected", () => record("sdk", event, null));
  }
  await chatClient.startRealtimeNotifications();
  for (const event of SDK_EVENTS.slice(0, 10)) {
    chatClient.on(event as "chatMessageReceived", (payload) => record("sdk", event, payload));
  }
};
window.sdkStop = async () => chatClient?.stopRealtimeNotifications();

let client: Client | undefined;
window.libraryStart = async (token, identities, options = {}) => {
  const byUserId = new Map(Object.entries(identities).map(([identity, userId]) => [userId, identity]));
  client = new Client(token, {
    identityResolver: {
      userIdOf: async (identity: string) => identities[identity],
      identityOf: async (userId: string) => byUserId.get(userId),
    },
    ...options,
  } as ClientOptions);
  client.on("messageAdded", (message) => record("library", "messageAdded", { conversation: message.conversation.sid, index: message.index, body: message.body }));
  client.on("typingStarted", (participant) => record("library", "typingStarted", { conversation: participant.conversation.sid, identity: participant.identity }));
  client.on("connectionStateChanged", (state) => record("library", "connectionStateChanged", state));
  await new Promise<void>((resolve, reject) => {
    client!.onceWithReplay("initialized", () => resolve());
    client!.onceWithReplay("initFailed", ({ error }) => reject(new Error(error?.message ?? "initFailed")));
  });
};
window.libraryShutdown = async () => client?.shutdown();
window.librarySend = async (conversationSid, body) => {
  const conversation = await client!.getConversationBySid(conversationSid);
  const startedAt = performance.timeOrigin + performance.now();
  await conversation.sendMessage(body);
  return startedAt;
};
