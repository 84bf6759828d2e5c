/**
 * Twilio's push notification model. ACS Chat's JS SDK has no push delivery, so nothing in this
 * library produces these (`Client.parsePushNotification` throws UnsupportedFeatureError); the
 * classes exist so that apps keep their type annotations and `instanceof` checks.
 */
import { Media } from "./media.js";

/** The kinds of Conversations push notifications. */
export type PushNotificationType =
  | "twilio.conversations.new_message"
  | "twilio.conversations.added_to_conversation"
  | "twilio.conversations.removed_from_conversation";

/** Input of {@link PushNotification}. `data` holds the {@link PushNotificationData} fields. */
export interface PushNotificationDescriptor {
  title: string | null;
  body: string | null;
  sound: string | null;
  badge: number | null;
  action: string | null;
  type: PushNotificationType;
  data: Record<string, unknown>;
}

/** Additional data of a push notification. */
export interface PushNotificationData {
  /** SID of the conversation. */
  conversationSid?: string;
  /** Title of the conversation. */
  conversationTitle?: string;
  /** Index of the message in the conversation. */
  messageIndex?: number;
  /** SID of the message in the conversation. */
  messageSid?: string;
  /** Media of the notification (the first attachment of the message). */
  media?: Media;
  /** Count of the media attached to the message. */
  mediaCount?: number;
}

/** A push notification for a Conversations client. */
export class PushNotification {
  /** Title of the notification. */
  readonly title: string | null;
  /** Text of the notification. */
  readonly body: string | null;
  /** Sound of the notification. */
  readonly sound: string | null;
  /** Number of the badge. */
  readonly badge: number | null;
  /** Notification action (`click_action` in FCM terms, `category` in APNs terms). */
  readonly action: string | null;
  /** Type of the notification. */
  readonly type: PushNotificationType;
  /** Additional data of the notification. */
  readonly data: PushNotificationData;

  constructor(descriptor: PushNotificationDescriptor) {
    // Twilio turns every falsy value (including "" and a 0 badge) into null.
    this.title = descriptor.title || null;
    this.body = descriptor.body || null;
    this.sound = descriptor.sound || null;
    this.badge = descriptor.badge || null;
    this.action = descriptor.action || null;
    this.type = descriptor.type;
    this.data = pickNotificationData(descriptor.data ?? {});
  }
}

/** The notification type strings Twilio's services use. */
export class NotificationTypes {
  static readonly TYPING_INDICATOR = "twilio.ipmsg.typing_indicator";
  static readonly NEW_MESSAGE = "twilio.conversations.new_message";
  static readonly ADDED_TO_CONVERSATION = "twilio.conversations.added_to_conversation";
  static readonly REMOVED_FROM_CONVERSATION = "twilio.conversations.removed_from_conversation";
  static readonly CONSUMPTION_UPDATE = "twilio.channel.consumption_update";
}

/** Keeps the {@link PushNotificationData} fields of a descriptor's `data` that have the right types. */
function pickNotificationData(source: Record<string, unknown>): PushNotificationData {
  const result: PushNotificationData = {};
  if (typeof source.conversationSid === "string") result.conversationSid = source.conversationSid;
  if (typeof source.conversationTitle === "string") result.conversationTitle = source.conversationTitle;
  if (typeof source.messageSid === "string") result.messageSid = source.messageSid;
  if (typeof source.messageIndex === "number") result.messageIndex = source.messageIndex;
  if (typeof source.mediaCount === "number") result.mediaCount = source.mediaCount;
  if (source.media instanceof Media) result.media = source.media;
  return result;
}
