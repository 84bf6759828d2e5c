/**
 * What this library does for each public member of `@twilio/conversations` 3.0.1: one row per
 * member of every exported Twilio class (taken from Twilio's `builds/lib.d.ts`, private and
 * `_`-prefixed internals left out), plus the event-emitter members Twilio's classes inherit.
 *
 * MIGRATION.md's "API support" table is generated from this file (`npm run docs:migration`), and
 * `test/conformance/capabilities.test.ts` checks the table against Twilio's typings, against our
 * classes at runtime, and that every "unsupported" or "planned" method throws or rejects
 * `UnsupportedFeatureError`. Describe what the code does today, not what it will do.
 */
import type { MigrationSection } from "./errors.js";

/**
 * - `native`: does what Twilio's member does, through the matching ACS call (or needs no service).
 * - `emulated`: works, but built from other ACS features or with a fixed answer; `how` says what differs.
 * - `unsupported`: ACS has no such feature; methods throw or reject `UnsupportedFeatureError`.
 * - `planned`: not implemented yet, arriving with a later milestone of this library.
 */
export type CapabilityStatus = "native" | "emulated" | "unsupported" | "planned";

export interface Capability {
  /**
   * `Class.member` for instance members, `static Class.member` for static ones,
   * `Class.constructor` for a constructor Twilio documents for apps.
   */
  member: string;
  status: CapabilityStatus;
  /** One sentence: the ACS call(s), the emulation, or why it is unsupported. */
  how: string;
  /** The MIGRATION.md section that explains the gap (the one `UnsupportedFeatureError` names). */
  migrationSection?: MigrationSection;
}

const PUSH: MigrationSection = "Push notifications";
const MEDIA: MigrationSection = "Media";
const CONTENT: MigrationSection = "Content templates";
const EMAIL: MigrationSection = "Email";
const NON_CHAT: MigrationSection = "SMS, WhatsApp and email participants";
const READ_HORIZON: MigrationSection = "Read horizon and unread counts";
const PROFILES: MigrationSection = "Users and profiles";
const IDENTITIES: MigrationSection = "Identities";
const ATTRIBUTES_OF_OTHERS: MigrationSection = "Attributes of others";

/** The classes in the order the table shows them. */
export const CAPABILITY_GROUPS = [
  "Client",
  "Conversation",
  "Message",
  "Participant",
  "User",
  "MessageBuilder",
  "UnsentMessage",
  "Media",
  "RestPaginator",
  "AggregatedDeliveryReceipt",
  "DetailedDeliveryReceipt",
  "PushNotification",
  "NotificationTypes",
  "ContentTemplate",
  "ContentTemplateVariable",
  "ChannelMetadata",
  "EmailRecipientDescriptor",
  "UnknownRecipientDescriptor",
  "CancellablePromise",
  "ReplayEventEmitter",
  "EventEmitter",
] as const;

export type CapabilityGroup = (typeof CAPABILITY_GROUPS)[number];

/** What the table says under each class heading, where the class needs a word of context. */
const GROUP_NOTES: Partial<Record<CapabilityGroup, string>> = {
  ReplayEventEmitter:
    "Twilio's `Client`, `Conversation`, `Message`, `Participant` and `User` extend `@twilio/replay-event-emitter`; ours extend a replaying emitter built, like Twilio's, on Node's `EventEmitter` (the `events` package in browsers, which the ACS SDK already bundles).",
  EventEmitter:
    "Node's `EventEmitter` members, inherited as in Twilio.",
};

function row(member: string, status: CapabilityStatus, how: string, migrationSection?: MigrationSection): Capability {
  return migrationSection === undefined ? { member, status, how } : { member, status, how, migrationSection };
}

/** Every public member of @twilio/conversations 3.0.1: how this library provides it (MIGRATION.md's table is generated from this). */
export const CAPABILITIES: readonly Capability[] = [
  // ---- Client ----
  row("static Client.conversationAdded", "emulated", "For each thread found at initialization, each thread this client creates, and each thread it is added to later, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Client.conversationJoined", "emulated", "For each thread found at initialization or added to later, and when join() ends a created conversation's notParticipating status, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Client.conversationLeft", "emulated", "When this user leaves or is removed, or the thread is deleted, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Client.conversationRemoved", "emulated", "When a thread is deleted or this user is no longer in it, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Client.conversationUpdated", "emulated", "Re-emits every conversation's `updated`."),
  row("static Client.participantJoined", "emulated", "From ACS's participantAdded system messages, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Client.participantLeft", "emulated", "From ACS's participantRemoved system messages, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Client.participantUpdated", "emulated", "Re-emits every conversation's participantUpdated."),
  row("static Client.messageAdded", "emulated", "New messages, own ones too, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order: each thread's change feed (listMessages with startTime) is announced strictly up the index."),
  row("static Client.messageRemoved", "emulated", "Deletions from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order (in polling mode, within a poll interval in active conversations, within the sweep in the others)."),
  row("static Client.messageUpdated", "emulated", "Edits and attribute changes (reactions included) from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order, with Twilio's update reasons. ACS does not list a thread as changed for edits: in polling mode, active conversations are re-read every cycle, the others by a sweep."),
  row("static Client.tokenAboutToExpire", "emulated", "From a timer on the ACS token's exp claim: a minute before expiry, or half the remaining lifetime for shorter tokens (ACS pushes no such event)."),
  row("static Client.tokenExpired", "emulated", "From a timer at the ACS token's exp claim; updateToken() at any time (also after expiry, or while denied) keeps the session and resumes."),
  row("static Client.typingEnded", "emulated", "ACS has no typing-ended event: a timer (typingIndicatorTimeoutOverride, default 9 s, as ACS senders repeat at most every 8 s) or the typist's next message ends it."),
  row("static Client.typingStarted", "emulated", "From ACS realtime typing notifications (browsers and React Native only: ACS keeps no typing state that polling or Event Grid could read); never for this client's own user."),
  row("static Client.pushNotification", "unsupported", "Never emitted: ACS Chat's JavaScript SDK has no push notifications.", PUSH),
  row("static Client.userSubscribed", "emulated", "Emitted when getUser() first returns a user: subscriptions are this client's own list, as ACS has no user objects."),
  row("static Client.userUnsubscribed", "emulated", "Emitted when User.unsubscribe() drops a user from this client's list."),
  row("static Client.userUpdated", "emulated", "Re-emits each User's `updated` (profile changes through this client; ACS has no user events for changes made elsewhere)."),
  row("static Client.stateChanged", "native", "Emitted once with `initialized` after listChatThreads succeeded, or `failed` when it did not, and replayed to later onWithReplay listeners."),
  row("static Client.initialized", "native", "Emitted once after listChatThreads succeeded, and replayed to later onWithReplay listeners."),
  row("static Client.initFailed", "native", "Emitted with `{ error }` when the initial listChatThreads fails (for example a 401 for a bad token)."),
  row("static Client.connectionStateChanged", "emulated", "ACS has no socket for REST: connecting, then connected once ACS answered; disconnected while reads fail (polling retries with back-off) and connected again when they succeed; denied when ACS refuses the token (401); disconnected after shutdown()."),
  row("static Client.connectionError", "emulated", "Emitted for each failed read (initialization, polling, catch-ups), terminal for 401/403 at initialization."),
  row("static Client.version", "emulated", "This library's version, not the version of Twilio's SDK."),
  row("Client.version", "emulated", "This library's version, not the version of Twilio's SDK."),
  row("Client.connectionState", "emulated", "The emulated connection state described under connectionStateChanged."),
  row("Client.constructor", "native", "Builds an ACS ChatClient from the server kit's token (or an ACS user token with options.endpoint and options.identity) and starts initializing: listChatThreads, then getProperties for each thread."),
  row("Client.user", "native", "The logged-in user, named by the Twilio identity the token carries."),
  row("Client.reachabilityEnabled", "emulated", "Always false: ACS has no presence."),
  row("Client.token", "native", "The token string the app passed to the constructor or to updateToken()."),
  row("static Client.create", "native", "Deprecated in Twilio: constructs the client and resolves once listChatThreads succeeded."),
  row("static Client.parsePushNotification", "unsupported", "Throws UnsupportedFeatureError: ACS sends no push notifications, so there are no Twilio payloads to parse.", PUSH),
  row("static Client.populateInitRegistrations", "unsupported", "Throws: ACS Chat's JavaScript SDK has no push notification registration.", PUSH),
  row("Client.shutdown", "native", "Stops events and token timers, disposes the ACS token credential, and moves connectionState to disconnected; later calls of this client reject (the escape hatch client.acs.chatClient is the app's own to stop using)."),
  row("Client.updateToken", "native", "Swaps the token the ACS ChatClient's credential hands out from the next request on; a token for another user or endpoint is refused with InvalidArgumentError."),
  row("Client.getConversationBySid", "native", "The conversation from the threads listed at initialization, else ChatThreadClient.getProperties; NotFoundError when the thread is not visible to the user."),
  row("Client.peekConversationBySid", "emulated", "Same as getConversationBySid: ACS shows a thread only to its participants, so there is nothing to peek at."),
  row("Client.getConversationByUniqueName", "emulated", "Through the server kit's conversation directory when the token names one (a conversation the user is not in comes back notParticipating, ready to join()); else among the unique names in the metadata of the user's threads."),
  row("Client.getSubscribedConversations", "native", "One page holding every thread listChatThreads returned (all ACS pages are read at initialization) plus those created or fetched since."),
  row("Client.createConversation", "emulated", "ChatClient.createChatThread (friendlyName as topic, attributes and uniqueName in metadata, the server kit's user added so it can add joiners later); the unique name is claimed in the directory, and a conversation that loses a race for it is deleted (ConflictError 50353). Reports notParticipating until join(), as Twilio."),
  row("Client.setPushRegistrationId", "unsupported", "Rejects: ACS Chat's JavaScript SDK has no push notification registration.", PUSH),
  row("Client.unsetPushRegistrationId", "unsupported", "Rejects: ACS Chat's JavaScript SDK has no push notification registration.", PUSH),
  row("Client.removePushRegistrations", "unsupported", "Rejects: ACS Chat's JavaScript SDK has no push notification registration.", PUSH),
  row("Client.parsePushNotification", "unsupported", "The static member, reachable from the instance as in Twilio: throws UnsupportedFeatureError.", PUSH),
  row("Client.handlePushNotification", "unsupported", "Rejects UnsupportedFeatureError: ACS Chat's JavaScript SDK has no push notifications.", PUSH),
  row("Client.getUser", "emulated", "ACS has no user directory: the identity is resolved through the server kit's directory (or options.identityResolver), which creates the ACS user on first use and keeps profiles; NotFoundError when neither knows the user."),
  row("Client.getSubscribedUsers", "emulated", "The users this client fetched with getUser(), plus its own user."),
  row("Client.getTemporaryContentUrlsForMediaSids", "emulated", "Fresh temporary URLs from the client's media store (ClientOptions.mediaStore: the emulator's or the server kit's media endpoint, or Azure Blob Storage), by media sid.", MEDIA),
  row("Client.getTemporaryContentUrlsForMedia", "emulated", "Asks each Media for a fresh URL."),
  row("Client.getContentTemplates", "unsupported", "Rejects: content templates are a Twilio Content API feature.", CONTENT),

  // ---- Conversation ----
  row("static Conversation.participantJoined", "emulated", "From ACS's participantAdded system messages, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Conversation.participantLeft", "emulated", "From ACS's participantRemoved system messages, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Conversation.participantUpdated", "emulated", "Participant attribute changes (their snapshot control message or thread-metadata pointer), from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Conversation.messageAdded", "emulated", "New messages, own ones too, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order: each thread's change feed (listMessages with startTime) is announced strictly up the index."),
  row("static Conversation.messageRemoved", "emulated", "Deletions from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order (in polling mode, within a poll interval in active conversations, within the sweep in the others)."),
  row("static Conversation.messageUpdated", "emulated", "Edits and attribute changes (reactions included) from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order, with Twilio's update reasons. ACS does not list a thread as changed for edits: in polling mode, active conversations are re-read every cycle, the others by a sweep."),
  row("static Conversation.typingEnded", "emulated", "ACS has no typing-ended event: a timer (typingIndicatorTimeoutOverride, default 9 s, as ACS senders repeat at most every 8 s) or the typist's next message ends it."),
  row("static Conversation.typingStarted", "emulated", "From ACS realtime typing notifications (browsers and React Native only: ACS keeps no typing state that polling or Event Grid could read); never for this client's own user."),
  row("static Conversation.updated", "emulated", "Friendly name (a topicUpdated system message), attributes and unique name (thread metadata, read at once when another client of this library signals a change in the thread feed, else re-read for active conversations every 10 s, by the sweep for the others, and on property notifications), status and lastMessage, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("static Conversation.removed", "emulated", "When the thread is deleted or this user is removed, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order; removals are also noticed by a full thread listing every 30 s."),
  row("Conversation.sid", "native", "The ACS thread id."),
  row("Conversation.uniqueName", "emulated", "Kept in thread metadata, shown only where the server kit's conversation directory (atomic claim) gives the name to this thread; without the kit, unique among the conversations this client sees."),
  row("Conversation.status", "emulated", "`joined` for threads listed at initialization; a conversation this client creates reports notParticipating until join(), although ACS made the creator a participant."),
  row("Conversation.friendlyName", "native", "The ACS thread topic."),
  row("Conversation.dateUpdated", "emulated", "The thread's last message time when listed (else its creation time), then the time of each change this client makes or sees."),
  row("Conversation.dateCreated", "native", "The ACS thread's createdOn; for a conversation imported from Twilio, its Twilio date_created (never later than ACS's)."),
  row("Conversation.createdBy", "emulated", "The identity resolver's identity for the thread's creator (createdBy), else its ACS user id; an empty string when ACS names no creator.", IDENTITIES),
  row("Conversation.attributes", "emulated", "JSON kept in thread metadata (ACS allows 1 KB of metadata per thread)."),
  row("Conversation.lastReadMessageIndex", "emulated", "The index of the message this user's ACS read receipt names; null before any receipt (or before receipts were read: a read-horizon call reads them).", READ_HORIZON),
  row("Conversation.lastMessage", "emulated", "The thread's lastMessageReceivedOn as dateCreated when listed (for an imported conversation with nothing newer, its last message's Twilio time); the index once this client has read or been told of a newer message (its own or announced)."),
  row("Conversation.notificationLevel", "emulated", "This user's level, kept per user and conversation by the server kit's directory (loaded with the conversations, re-read every poll cycle, 304 when unchanged); `default` without the kit. ACS's web SDK sends no push notifications for it to silence.", PUSH),
  row("Conversation.bindings", "emulated", "Always `{}`: ACS threads have no email or SMS bindings (an internal member in Twilio)."),
  row("Conversation.limits", "emulated", "Media limits from ClientOptions.media (default 10 files of 25 MB: their descriptions must fit ACS's 28 KB message); no email content types."),
  row("Conversation.state", "emulated", "Always undefined, as Twilio reports when conversation states are off: ACS threads have no active/inactive/closed state."),
  row("Conversation.add", "native", "ChatThreadClient.addParticipants for the ACS user the server kit's directory gives (created on first use), with identity and attributes in participant metadata; resolves to Twilio's REST participant JSON."),
  row("Conversation.addNonChatParticipant", "unsupported", "Rejects: ACS chat threads hold chat users only.", NON_CHAT),
  row("Conversation.advanceLastReadMessageIndex", "emulated", "ChatThreadClient.sendReadReceipt for the newest user message at or below the index, never moving back; calls are coalesced to one receipt per 2 s (ACS allows 30 a minute). Above 20 participants (no receipts in ACS) the horizon is kept by this client only.", READ_HORIZON),
  row("Conversation.delete", "native", "ChatClient.deleteChatThread."),
  row("Conversation.getAttributes", "native", "ChatThreadClient.getProperties, attributes read from thread metadata."),
  row("Conversation.getMessages", "native", "ChatThreadClient.listMessages pages through a per-conversation cache that the change feed keeps current (a warm first page costs no request while an event source runs), with Twilio's paging (items ascending, prevPage toward older); index is the ACS sequenceId, with gaps where system messages sit."),
  row("Conversation.getParticipants", "native", "The first call reads getProperties and listParticipants (plus the participant-attributes snapshot, and listReadReceipts so that participants come with their read horizons); afterwards, as Twilio answers from its subscription, the roster the change feed keeps current, without a request; after leaving, the roster as it was."),
  row("Conversation.getParticipantsCount", "emulated", "Counts getParticipants() (no request once the roster is loaded): ACS keeps no participant count."),
  row("Conversation.getParticipantBySid", "native", "Looks the ACS user id up in the participant list (listParticipants, and once listReadReceipts, when not loaded); rejects when not found, as Twilio does."),
  row("Conversation.getParticipantByIdentity", "native", "Looks the identity up in the participant list (listParticipants, and once listReadReceipts, when not loaded); rejects when not found, as Twilio does."),
  row("Conversation.getMessagesCount", "emulated", "Reads the whole thread once with listMessages and counts the user messages (ACS keeps no count); afterwards the change feed keeps the count current without a request."),
  row("Conversation.getUnreadMessagesCount", "emulated", "Null before this user's first receipt (and after leaving), as Twilio; else the number of user messages after the horizon (a count: ACS indexes have gaps), from the messages the change feed keeps current (no request when warm).", READ_HORIZON),
  row("Conversation.join", "emulated", "In ACS only participants add people: for a conversation the user is already in (the creator is), join() reports joined; otherwise the server kit's user, which conversations created with its tokens include, adds them when the app's authorizeJoin allows."),
  row("Conversation.leave", "native", "ChatThreadClient.removeParticipant for the user itself."),
  row("Conversation.removeParticipant", "native", "ChatThreadClient.removeParticipant for the participant given by identity (as resolved), sid or object; NotFoundError for an identity that is no participant."),
  row("Conversation.sendMessage", "emulated", "Text: ChatThreadClient.sendMessage (attributes in metadata), then the change feed for the index. A file (SendMediaOptions or FormData): checked, uploaded to the client's media store (ClientOptions.mediaStore: the emulator's or the server kit's media endpoint, or Azure Blob Storage), then sent with its description in the message metadata (fileSharingMetadata and attachmentUrl, which native ACS clients read); a failed send deletes the upload. Sent but its index unreadable: MessageSentError (never a failure to retry). emailOptions.subject throws UnsupportedFeatureError (no email channel).", MEDIA),
  row("Conversation.prepareMessage", "native", "Returns a MessageBuilder whose message is sent with ChatThreadClient.sendMessage."),
  row("Conversation.setAllMessagesRead", "emulated", "A read receipt for the newest user message (coalesced as advanceLastReadMessageIndex).", READ_HORIZON),
  row("Conversation.setAllMessagesUnread", "unsupported", "Rejects UnsupportedFeatureError: an ACS read receipt cannot be withdrawn, there is no un-read.", READ_HORIZON),
  row("Conversation.setUserNotificationLevel", "emulated", "Stores the level in the server kit's directory (PUT /directory/notification-levels/{sid}); conversationUpdated with reason notificationLevel on all the user's clients; rejects UnsupportedFeatureError without the kit (or a store that keeps no levels).", PUSH),
  row("Conversation.typing", "native", "ChatThreadClient.sendTypingNotification (the SDK sends at most one per 8 s); no request above 20 participants, where ACS has no typing."),
  row("Conversation.updateAttributes", "emulated", "ChatThreadClient.updateProperties with the attributes as JSON in thread metadata (1 KB per thread in all), then a hidden control message so that other clients read the change at once."),
  row("Conversation.updateFriendlyName", "native", "ChatThreadClient.updateTopic."),
  row("Conversation.updateLastReadMessageIndex", "emulated", "As advanceLastReadMessageIndex, also backwards; null rejects UnsupportedFeatureError: an ACS read receipt cannot be withdrawn.", READ_HORIZON),
  row("Conversation.updateUniqueName", "emulated", "Claims the name in the server kit's conversation directory (ConflictError 50353 when taken), writes it to thread metadata, releases the old one; a hidden control message tells other clients."),
  row("Conversation.getMessageRecipients", "emulated", "An empty page: recipients are email recipients, and Twilio answers none for chat conversations too."),

  // ---- Message ----
  row("Message.conversation", "native", "The Conversation the message belongs to."),
  row("static Message.updated", "emulated", "Edits and attribute changes (reactions included), from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order, with Twilio's update reasons."),
  row("Message.sid", "native", "The ACS message id."),
  row("Message.author", "emulated", "The identity resolver's identity for the ACS sender id, else the sender's ACS user id; never the sender display name, which any sender can set.", IDENTITIES),
  row("Message.subject", "emulated", "Always null: subjects belong to email, which ACS Chat does not have."),
  row("Message.contentSid", "emulated", "Always null: content templates are a Twilio Content API feature."),
  row("Message.body", "native", "The ACS message content."),
  row("Message.dateUpdated", "native", "The ACS message's editedOn, else its createdOn; for a message imported from Twilio and not edited since, its Twilio date_updated (never later than ACS's)."),
  row("Message.index", "emulated", "The ACS sequenceId: increasing, with gaps where ACS system messages sit."),
  row("Message.lastUpdatedBy", "emulated", "The author once the message was edited (ACS lets only the sender edit), else null."),
  row("Message.dateCreated", "native", "The ACS message's createdOn; for a message imported from Twilio, its Twilio date_created (never later than ACS's)."),
  row("Message.attributes", "emulated", "JSON kept in message metadata, with attribute updates by other users folded in from control messages."),
  row("Message.type", "emulated", "`media` when the message metadata describes files (ours, or a native ACS client's fileSharingMetadata), else `text`."),
  row("Message.media", "emulated", "Deprecated in Twilio: the first attached file, or null."),
  row("Message.attachedMedia", "emulated", "Media for the files the message metadata describes (fileSharingMetadata, or hasAttachment/attachmentUrl of the migration guide); null for a text message."),
  row("Message.participantSid", "native", "The sender's ACS user id, which is the sid of its Participant."),
  row("Message.aggregatedDeliveryReceipt", "native", "Null, as Twilio answers for chat messages (its delivery receipts come only from SMS and WhatsApp channels); who read a message is told by participants' lastReadMessageIndex.", READ_HORIZON),
  row("Message.getMediaByCategory", "emulated", "Deprecated in Twilio: the attached media of the given categories."),
  row("Message.getMediaByCategories", "emulated", "The attached media of the given categories (null for a text message)."),
  row("Message.getEmailBody", "emulated", "Always null: ACS Chat has no email."),
  row("Message.getEmailHistory", "emulated", "Always null: ACS Chat has no email."),
  row("Message.getParticipant", "native", "Finds the sender in the conversation's participant list (listParticipants when not loaded)."),
  row("Message.getDetailedDeliveryReceipts", "native", "Resolves to [] without a request, as Twilio answers for chat messages; who read a message is told by participants' lastReadMessageIndex.", READ_HORIZON),
  row("Message.remove", "native", "ChatThreadClient.deleteMessage."),
  row("Message.updateBody", "native", "ChatThreadClient.updateMessage, keeping the metadata (ACS lets only the sender edit)."),
  row("Message.updateAttributes", "emulated", "Own messages: ChatThreadClient.updateMessage of the metadata; others' messages: a control message every client folds in within its sender's rights (the attribute policy; PermissionDeniedError before sending otherwise), since ACS lets only the sender edit.", ATTRIBUTES_OF_OTHERS),
  row("Message.attachTemporaryUrlsFor", "emulated", "Deprecated in Twilio: resolves to the media given, unchanged."),
  row("Message.getTemporaryContentUrlsForMedia", "emulated", "Asks each given Media for a fresh URL."),
  row("Message.getTemporaryContentUrlsForMediaSids", "emulated", "Fresh URLs for the attached media with those sids."),
  row("Message.getTemporaryContentUrlsForAttachedMedia", "emulated", "Fresh URLs for every attached file, by media sid."),
  row("Message.getContentData", "emulated", "Resolves to null, as Twilio does for a message without a content template."),
  row("Message.getChannelMetadata", "emulated", "Resolves to null: channel metadata describes SMS/WhatsApp channels, as Twilio answers for chat."),
  row("Message.getMessageRecipients", "emulated", "Resolves to `[]`: recipients are email recipients, as Twilio answers for chat."),

  // ---- Participant ----
  row("Participant.conversation", "native", "The Conversation the participant belongs to."),
  row("Participant.sid", "native", "The participant's ACS user id."),
  row("Participant.attributes", "emulated", "JSON from participant metadata, overridden by the latest snapshot control message (ACS cannot update participant metadata)."),
  row("Participant.dateCreated", "emulated", "Known only for participants this client added (ACS participants carry no dates), else null."),
  row("Participant.dateUpdated", "emulated", "Known only for participants this client added (ACS participants carry no dates), else null."),
  row("Participant.identity", "emulated", "The identity resolver's identity for the participant's ACS user id, else that user id; never what participant metadata or display names claim.", IDENTITIES),
  row("Participant.isTyping", "emulated", "True between typingStarted and typingEnded (realtime typing notifications only)."),
  row("Participant.lastReadMessageIndex", "emulated", "The index of the message the participant's ACS read receipt names; null before any (and above 20 participants).", READ_HORIZON),
  row("Participant.lastReadTimestamp", "emulated", "The readOn time of the participant's ACS read receipt.", READ_HORIZON),
  row("Participant.roleSid", "emulated", "Always an empty string: ACS has no roles."),
  row("Participant.type", "emulated", "Always `chat`: ACS threads hold chat participants only."),
  row("Participant.bindings", "emulated", "Always `{}`: ACS participants have no email bindings."),
  row("static Participant.typingStarted", "emulated", "From ACS realtime typing notifications (browsers and React Native); never for this client's own user."),
  row("static Participant.typingEnded", "emulated", "A timer after the last typing notification, or the participant's next message."),
  row("static Participant.updated", "emulated", "Attribute changes, from the event stream (ACS realtime notifications in browsers, polling in Node, or the Event Grid source), read back from ACS so each change arrives once and in index order."),
  row("Participant.getUser", "emulated", "Client.getUser() for the participant's identity, through the identity resolver."),
  row("Participant.remove", "native", "ChatThreadClient.removeParticipant."),
  row("Participant.updateAttributes", "emulated", "ACS cannot update participant metadata: a snapshot control message carries the attributes and thread metadata (updateProperties) points at the latest one; each entry counts only within its setter's rights (the attribute policy).", ATTRIBUTES_OF_OTHERS),

  // ---- User ----
  row("User.updated", "emulated", "Emitted for updateFriendlyName()/updateAttributes() through this client; ACS has no user events for profile changes made elsewhere."),
  row("User.userSubscribed", "emulated", "Emitted on the User (and by the Client) when getUser() first returns it: subscriptions are this client's own list."),
  row("User.userUnsubscribed", "emulated", "Emitted on the User (and by the Client) by unsubscribe()."),
  row("User.identity", "native", "The Twilio identity; its setter (Twilio's internal plumbing) does nothing."),
  row("User.entityName", "emulated", "Twilio's internal Sync entity name setter, public in its typings: accepted and ignored, as there is no Sync entity."),
  row("User.attributes", "emulated", "From the identity resolver's profile when it keeps profiles, else `{}`: ACS has no user profiles.", PROFILES),
  row("User.friendlyName", "emulated", "From the identity resolver's profile when it keeps profiles, else null: ACS has no user profiles.", PROFILES),
  row("User.isOnline", "emulated", "Always null, as Twilio reports with reachability off: ACS has no presence."),
  row("User.isNotifiable", "emulated", "Always null, as Twilio reports with reachability off: ACS has no presence."),
  row("User.isSubscribed", "emulated", "True until unsubscribe(): subscriptions are this client's own list."),
  row("User.updateAttributes", "emulated", "Stored through the identity resolver's updateProfile (the server kit's directory); rejects UnsupportedFeatureError when the resolver keeps no profiles.", PROFILES),
  row("User.updateFriendlyName", "emulated", "Stored through the identity resolver's updateProfile (the server kit's directory); rejects UnsupportedFeatureError when the resolver keeps no profiles.", PROFILES),
  row("User.unsubscribe", "emulated", "Drops the user from this client's list and emits userUnsubscribed on the Client."),

  // ---- MessageBuilder ----
  row("MessageBuilder.setBody", "native", "Sets the ACS message content."),
  row("MessageBuilder.setSubject", "unsupported", "Throws: ACS Chat has no email channel.", EMAIL),
  row("MessageBuilder.setAttributes", "native", "Sets the attributes, sent as JSON in message metadata."),
  row("MessageBuilder.setEmailBody", "unsupported", "Throws: ACS Chat has no email channel.", EMAIL),
  row("MessageBuilder.setEmailHistory", "unsupported", "Throws: ACS Chat has no email channel.", EMAIL),
  row("MessageBuilder.setContentTemplate", "unsupported", "Throws: content templates are a Twilio Content API feature.", CONTENT),
  row("MessageBuilder.addMedia", "emulated", "Checks the payload (content type; the store is there) and adds it; the bytes are read, checked (not empty, within the size limit, an allowed type) and uploaded at send.", MEDIA),
  row("MessageBuilder.build", "native", "Returns the UnsentMessage; throws LimitExceededError for more files than limits.mediaAttachmentsCountLimit, as Twilio's throws."),
  row("MessageBuilder.buildAndSend", "native", "build().send()."),

  // ---- UnsentMessage ----
  row("UnsentMessage.text", "native", "The body to send as the ACS message content."),
  row("UnsentMessage.attributes", "native", "The attributes to send as JSON in message metadata."),
  row("UnsentMessage.mediaContent", "emulated", "The files added with addMedia(), as Twilio's `[category, payload]` pairs.", MEDIA),
  row("UnsentMessage.emailOptions", "emulated", "Always `{}` and never sent: ACS Chat has no email.", EMAIL),
  row("UnsentMessage.contentSid", "emulated", "Never set: setContentTemplate() throws.", CONTENT),
  row("UnsentMessage.contentVariables", "emulated", "Never set: setContentTemplate() throws.", CONTENT),
  row("UnsentMessage.send", "emulated", "Uploads the files one by one (all checked first), then one ChatThreadClient.sendMessage; resolves to the index. cancel() stops between uploads and deletes what was uploaded; a failed send deletes the uploads too."),

  // ---- Media ----
  row("Media.sid", "emulated", "The store's id of the file (a native client's id for its files)."),
  row("Media.filename", "emulated", "The file name the sender gave."),
  row("Media.contentType", "emulated", "The MIME type."),
  row("Media.size", "emulated", "The size in bytes (0 when a native client did not say)."),
  row("Media.category", "emulated", "`media` (Twilio's email categories do not arise)."),
  row("Media.getContentTemporaryUrl", "emulated", "A fresh, short-lived URL from the media store each call; for a native client's file, the URL its message states if it is https at the media store's origin or at one in options.media.allowedUrlOrigins, else null."),

  // ---- RestPaginator ----
  row("RestPaginator.hasNextPage", "native", "Whether a newer (getMessages) or further page exists."),
  row("RestPaginator.hasPrevPage", "native", "Whether an older (getMessages) or earlier page exists."),
  row("RestPaginator.items", "native", "The items of this page."),
  row("RestPaginator.nextPage", "native", "Resolves to a new paginator for the next page (from the ACS page cache or listMessages); rejects when there is none."),
  row("RestPaginator.prevPage", "native", "Resolves to a new paginator for the previous page (from the ACS page cache or listMessages); rejects when there is none."),

  // ---- AggregatedDeliveryReceipt ----
  // Twilio builds these only from SMS and WhatsApp delivery data: for chat messages it answers null and [], and so does this library.
  row("AggregatedDeliveryReceipt.total", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("AggregatedDeliveryReceipt.sent", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("AggregatedDeliveryReceipt.delivered", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("AggregatedDeliveryReceipt.read", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("AggregatedDeliveryReceipt.undelivered", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("AggregatedDeliveryReceipt.failed", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),

  // ---- DetailedDeliveryReceipt ----
  // Twilio builds these only from SMS and WhatsApp delivery data: for chat messages it answers null and [], and so does this library.
  row("DetailedDeliveryReceipt.sid", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.messageSid", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.conversationSid", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.channelMessageSid", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.participantSid", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.status", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.errorCode", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.dateCreated", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),
  row("DetailedDeliveryReceipt.dateUpdated", "native", "As Twilio's class; like Twilio, the library creates none for chat messages (receipts come from SMS and WhatsApp channels).", READ_HORIZON),

  // ---- PushNotification ----
  ...["title", "body", "sound", "badge", "action", "type", "data"].map((field) =>
    row(`PushNotification.${field}`, "native", "Same data class as Twilio's, for type annotations and instanceof checks (ACS sends no push notifications)."),
  ),

  // ---- NotificationTypes ----
  ...["TYPING_INDICATOR", "NEW_MESSAGE", "ADDED_TO_CONVERSATION", "REMOVED_FROM_CONVERSATION", "CONSUMPTION_UPDATE"].map((name) =>
    row(`static NotificationTypes.${name}`, "native", "The same constant as Twilio's."),
  ),

  // ---- ContentTemplate ----
  ...["sid", "friendlyName", "variables", "variants", "dateCreated", "dateUpdated"].map((field) =>
    row(`ContentTemplate.${field}`, "native", "Same data class as Twilio's; the client never returns one (getContentTemplates() rejects), apps may build it from a Content API response."),
  ),

  // ---- ContentTemplateVariable ----
  row("ContentTemplateVariable.name", "native", "Same data class as Twilio's."),
  row("ContentTemplateVariable.value", "native", "Same data class as Twilio's."),
  row("ContentTemplateVariable.constructor", "native", "Same data class as Twilio's: new ContentTemplateVariable(name, value)."),
  row("ContentTemplateVariable.copyWithValue", "native", "A copy with another value, as Twilio's."),

  // ---- ChannelMetadata ----
  row("ChannelMetadata.type", "native", "Same data class as Twilio's; never produced (getChannelMetadata() resolves to null)."),
  row("ChannelMetadata.data", "native", "Same data class as Twilio's; never produced (getChannelMetadata() resolves to null)."),

  // ---- EmailRecipientDescriptor ----
  ...["type", "messageSid", "level", "name", "address"].map((field) =>
    row(`EmailRecipientDescriptor.${field}`, "native", "Same data class as Twilio's; never produced, since ACS Chat has no email recipients."),
  ),

  // ---- UnknownRecipientDescriptor ----
  ...["type", "messageSid", "rawData"].map((field) =>
    row(`UnknownRecipientDescriptor.${field}`, "native", "Same data class as Twilio's; never produced, since ACS Chat has no message recipients."),
  ),

  // ---- CancellablePromise ----
  row("CancellablePromise.constructor", "native", "Same as Twilio's (from @twilio/mcs-client): new CancellablePromise((resolve, reject, onCancel) => ...)."),
  row("CancellablePromise.cancel", "native", "Runs the onCancel handler and rejects with Error(\"Promise was cancelled\"), as Twilio's."),

  // ---- ReplayEventEmitter (inherited) ----
  row("ReplayEventEmitter.on", "native", "Node's EventEmitter on, typed with the class's events."),
  row("ReplayEventEmitter.once", "native", "Node's EventEmitter once, typed with the class's events."),
  row("ReplayEventEmitter.off", "native", "Node's EventEmitter off, typed with the class's events."),
  row("ReplayEventEmitter.emit", "native", "Node's EventEmitter emit, remembering each event's last arguments for the replay methods."),
  row("ReplayEventEmitter.addListener", "native", "Node's EventEmitter addListener, typed with the class's events."),
  row("ReplayEventEmitter.removeListener", "native", "Node's EventEmitter removeListener, typed with the class's events."),
  row("ReplayEventEmitter.addListenerWithReplay", "native", "Calls the listener with the event's last emission, if any, then subscribes it."),
  row("ReplayEventEmitter.onWithReplay", "native", "Calls the listener with the event's last emission, if any, then subscribes it."),
  row("ReplayEventEmitter.onceWithReplay", "native", "Calls the listener once: with the event's last emission if there was one, else with the next."),

  // ---- EventEmitter (Node's, inherited through Twilio's ReplayEventEmitter) ----
  row("EventEmitter.setMaxListeners", "native", "Node's EventEmitter setMaxListeners, inherited as in Twilio."),
  row("EventEmitter.getMaxListeners", "native", "Node's EventEmitter getMaxListeners, inherited as in Twilio."),
  row("EventEmitter.prependListener", "native", "Node's EventEmitter prependListener, inherited as in Twilio."),
  row("EventEmitter.prependOnceListener", "native", "Node's EventEmitter prependOnceListener, inherited as in Twilio."),
  row("EventEmitter.removeAllListeners", "native", "Node's EventEmitter removeAllListeners, inherited as in Twilio."),
  row("EventEmitter.listeners", "native", "Node's EventEmitter listeners, inherited as in Twilio."),
  row("EventEmitter.rawListeners", "native", "Node's EventEmitter rawListeners, inherited as in Twilio."),
  row("EventEmitter.listenerCount", "native", "Node's EventEmitter listenerCount, inherited as in Twilio."),
  row("EventEmitter.eventNames", "native", "Node's EventEmitter eventNames, inherited as in Twilio."),
];

/** The parts of a row's member name. */
export function parseMember(member: string): { group: string; name: string; isStatic: boolean } {
  const isStatic = member.startsWith("static ");
  const qualified = isStatic ? member.slice("static ".length) : member;
  const dot = qualified.indexOf(".");
  return { group: qualified.slice(0, dot), name: qualified.slice(dot + 1), isStatic };
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * The Markdown API table of MIGRATION.md: a legend and counts, then one table per class
 * (Member | Status | How) in {@link CAPABILITY_GROUPS} order, rows in {@link CAPABILITIES} order.
 * Deterministic: the same rows give the same text. Ends with a newline.
 */
export function renderCapabilityTable(capabilities: readonly Capability[] = CAPABILITIES): string {
  const counts = { native: 0, emulated: 0, unsupported: 0, planned: 0 };
  for (const capability of capabilities) counts[capability.status] += 1;
  const lines: string[] = [
    "Status: **native** does what Twilio's member does through the matching ACS call (or needs no service); " +
      "**emulated** works, built from other ACS features or with a fixed answer (the How column says what differs); " +
      "**unsupported** has no ACS counterpart (methods throw or reject `UnsupportedFeatureError`); " +
      "**planned** arrives with a later milestone of this library (methods throw or reject `UnsupportedFeatureError` until then).",
    "",
    `${capabilities.length} members: ${counts.native} native, ${counts.emulated} emulated, ${counts.unsupported} unsupported, ${counts.planned} planned.`,
  ];
  const groups = new Map<string, Capability[]>();
  for (const capability of capabilities) {
    const { group } = parseMember(capability.member);
    const list = groups.get(group) ?? [];
    list.push(capability);
    groups.set(group, list);
  }
  const order = [...CAPABILITY_GROUPS.filter((group) => groups.has(group)), ...[...groups.keys()].filter((group) => !(CAPABILITY_GROUPS as readonly string[]).includes(group))];
  for (const group of order) {
    lines.push("", `### ${group}`, "");
    const note = GROUP_NOTES[group as CapabilityGroup];
    if (note) lines.push(note, "");
    lines.push("| Member | Status | How |", "| --- | --- | --- |");
    for (const capability of groups.get(group) ?? []) {
      const see = capability.migrationSection ? ` See "${capability.migrationSection}".` : "";
      lines.push(`| \`${cell(capability.member)}\` | ${capability.status} | ${cell(capability.how + see)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
