/**
 * `twilio-conversations-acs`: the `@twilio/conversations` 3.x API on Azure Communication
 * Services Chat. Every name Twilio exports is exported here; change the import and keep the app.
 */

// ---- Twilio's runtime exports ----
export { Client, type ClientEvents } from "./conversations/client.js";
export { Conversation, type ConversationActivityEvents, type ConversationEvents } from "./conversations/conversation.js";
export { Message, type MessageEvents } from "./conversations/message.js";
export { MessageBuilder, UnsentMessage } from "./conversations/message-builder.js";
export { Participant, type ParticipantEvents } from "./conversations/participant.js";
export { User, type UserEvents } from "./conversations/user.js";
export { Media, type TemporaryUrlSource } from "./conversations/media.js";
export { RestPaginator } from "./conversations/rest-paginator.js";
export { AggregatedDeliveryReceipt, DetailedDeliveryReceipt, type DeliveryAmount, type DeliveryStatus } from "./conversations/delivery-receipts.js";
export {
  NotificationTypes,
  PushNotification,
  type PushNotificationData,
  type PushNotificationDescriptor,
  type PushNotificationType,
} from "./conversations/push-notification.js";
export {
  ContentTemplate,
  ContentTemplateVariable,
  type ContentData,
  type ContentDataAction,
  type ContentDataActionOther,
  type ContentDataActionPhone,
  type ContentDataActionReply,
  type ContentDataActionUrl,
  type ContentDataCallToAction,
  type ContentDataCard,
  type ContentDataListItem,
  type ContentDataListPicker,
  type ContentDataLocation,
  type ContentDataMedia,
  type ContentDataOther,
  type ContentDataQuickReply,
  type ContentDataReply,
  type ContentDataText,
} from "./conversations/content-template.js";
export { ChannelMetadata } from "./conversations/channel-metadata.js";
export {
  EmailRecipientDescriptor,
  UnknownRecipientDescriptor,
  type EmailRecipientLevel,
  type RawMessageRecipient,
  type RecipientDescriptor,
} from "./conversations/recipients.js";
export { CancellablePromise } from "./conversations/cancellable-promise.js";

// ---- Twilio's type exports ----
export type {
  ClientOptions,
  ConnectionState,
  ConversationBindings,
  ConversationEmailBinding,
  ConversationLimits,
  ConversationState,
  ConversationStatus,
  ConversationUpdatedEventArgs,
  ConversationUpdateReason,
  CreateConversationOptions,
  JSONArray,
  JSONObject,
  JSONValue,
  LastMessage,
  MediaCategory,
  MessageType,
  MessageUpdatedEventArgs,
  MessageUpdateReason,
  NotificationLevel,
  NotificationsChannelType,
  Paginator,
  ParticipantBindingOptions,
  ParticipantBindings,
  ParticipantEmailBinding,
  ParticipantEmailLevel,
  ParticipantType,
  ParticipantUpdatedEventArgs,
  ParticipantUpdateReason,
  SendEmailOptions,
  SendMediaOptions,
  State,
  UserUpdatedEventArgs,
  UserUpdateReason,
} from "./conversations/types.js";

// ---- this library's own ----
export {
  AbortError,
  AcsRequestError,
  ClientShutDownError,
  ConflictError,
  HttpStatusError,
  InitializationError,
  InvalidArgumentError,
  isGone,
  LimitExceededError,
  MessageSentError,
  NotFoundError,
  PermissionDeniedError,
  UnsupportedFeatureError,
  type MigrationSection,
} from "./errors.js";
export { twilioDefaultAttributePolicy, type AttributeChange, type AttributePolicy } from "./conversations/attribute-policy.js";
export type { IdentityResolver, UserProfile } from "./identity/identity-resolver.js";
export type { ExternalEventSource, Nudge, NudgeSink, ReadLimiter } from "./events/nudges.js";
export type { PollingOptions } from "./events/polling-source.js";
export { HttpMediaStore, type HttpMediaStoreOptions } from "./media/http-media-store.js";
export type { MediaStore, MediaUpload, StoredMedia } from "./media/media-store.js";
export type { RealtimePayload, RealtimeSignals } from "./events/realtime-source.js";
export { encodeClientToken as createClientToken, type ClientTokenFields } from "./mapping/client-token.js";
export { VERSION as version } from "./version.js";
