import type { ChatClient, ChatThreadProperties } from "@azure/communication-chat";
import type { ReportProblem } from "../mapping/foreign-data.js";
import type { AttributePolicy } from "./attribute-policy.js";
import type { KnownIdentities } from "../identity/identity-resolver.js";
import type { ServerDirectory } from "../identity/server-directory.js";
import type { MediaStore } from "../media/media-store.js";
import type { ClientEvents } from "./client.js";
import type { Conversation } from "./conversation.js";
import type { User } from "./user.js";

/** What the Client shares with its conversations: ACS access, who we are, and its events. */
export interface ClientContext {
  readonly chatClient: ChatClient;
  readonly self: { readonly identity: string; readonly userId: string };
  readonly identities: KnownIdentities;
  /** Who may change whose attributes. */
  readonly attributePolicy: AttributePolicy;
  /** Thread properties as they may be shown: creator resolved, unique name only where the server kit's directory confirms it. */
  vetProperties(properties: ChatThreadProperties): Promise<ChatThreadProperties>;
  /** Resolves once the client initialized; rejects with the reason when initialization failed. */
  ensureReady(): Promise<void>;
  /** Re-emits a conversation-level event on the client, as Twilio's client does for every conversation. */
  bubble<E extends "messageAdded" | "messageRemoved" | "messageUpdated" | "participantJoined" | "participantLeft" | "participantUpdated" | "conversationUpdated" | "typingStarted" | "typingEnded">(
    event: E,
    ...args: Parameters<ClientEvents[E]>
  ): void;
  conversationJoined(conversation: Conversation): void;
  conversationLeft(conversation: Conversation): void;
  conversationRemoved(conversation: Conversation): void;
  /**
   * Whether an event source follows this client's conversations (every `eventSource` but "none"):
   * then their rosters, message windows and horizons are kept current from the change feed, and
   * reads answer from them, as Twilio's do from its subscription.
   */
  followsEvents(): boolean;
  /** This user's notification level for a conversation ("default" unless the server kit keeps it "muted"). */
  notificationLevelOf(conversationSid: string): "default" | "muted";
  /** Stores it through the server kit; rejects `UnsupportedFeatureError` without one that keeps levels. */
  setNotificationLevel(conversation: Conversation, level: "default" | "muted"): Promise<void>;
  /** Another participant said the thread's properties changed: the event engine reads them soon. */
  propertiesSignalled(conversation: Conversation): void;
  /** Rejects with Twilio's conflict error when another conversation has the unique name. */
  assertUniqueNameFree(uniqueName: string, exceptSid?: string): Promise<void>;
  getUser(identity: string): Promise<User>;
  /** How long a typing indicator lasts without renewal. */
  readonly typingTimeoutInMs: number;
  /** The server kit's directories, when the token names a server. */
  readonly server: ServerDirectory | undefined;
  /** The server kit's own ACS user: in every conversation it can add joiners to, hidden from participant lists. */
  readonly serviceUserId: string | undefined;
  /** A conversation this user joined through the server: announce it as Twilio does. */
  joinedThroughServer(conversation: Conversation): void;
  /**
   * Marks a thread this client is bringing in itself (creating it, or joining it through the
   * server), so that event discovery does not add a second Conversation for it meanwhile.
   * Returns the release.
   */
  claim(threadId: string): () => void;
  /** Where attachments go, and the rules they must meet. */
  readonly media: {
    store: MediaStore | undefined;
    maxCount: number;
    maxBytes: number;
    allowedContentTypes?: string[];
    /** A URL from a file description as the app may get it, or null (reported) when it is not at an allowed origin. */
    checkedUrl(url: string): string | null;
  };
  /** Reports malformed or refused data that others wrote (the app's logger). */
  readonly report: ReportProblem;
}
