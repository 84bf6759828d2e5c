/**
 * Twilio's push notification model and payload parser. ACS Chat's JS SDK has no push delivery,
 * so nothing in this library produces these payloads; apps that relay Twilio-shaped pushes from
 * their own server can still parse them with {@link parsePushNotification} (pure, no client).
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

const NO_TYPE_MESSAGE = "Provided push notification payload does not contain Programmable Chat push notification type";
const NOT_CHAT_MESSAGE = "Provided push notification payload is not Programmable Chat notification";

/**
 * Parses a push notification payload as Twilio's `Client.parsePushNotification` does:
 *
 * * APNs: a payload with an `aps` key. `twi_message_type` and the data fields sit at the top
 *   level; title and body come from `aps.alert` (a string is the body), plus `aps.sound`,
 *   `aps.badge` and `aps.category` (the action).
 * * FCM: a payload with a `data` key holding `twi_message_type`, `twi_title`, `twi_body`,
 *   `twi_sound`, `twi_action` and the data fields; FCM has no badge.
 *
 * Data fields: `conversation_sid`, `conversation_title`, `message_sid`, `message_index` and
 * `media_count` (numbers or numeric strings), and `media` (a JSON string describing the
 * first attachment, see {@link PushNotificationData.media}).
 *
 * @throws Error when the payload is not an object, has neither `aps` nor `data`, or has no
 *   notification type.
 */
export function parsePushNotification(payload: unknown): PushNotification {
  if (!isRecord(payload)) {
    throw new Error(
      `parsePushNotification: the push notification payload must be a non-null, non-array object, got ${describe(payload)}`,
    );
  }

  if (payload.aps !== undefined) {
    const type = payload.twi_message_type;
    if (!isNonEmptyString(type)) {
      throw new Error(NO_TYPE_MESSAGE);
    }
    const aps = isRecord(payload.aps) ? payload.aps : {};
    let title: string | null = null;
    let body: string | null;
    if (typeof aps.alert === "string") {
      body = aps.alert || null;
    } else {
      const alert = isRecord(aps.alert) ? aps.alert : {};
      title = stringOrNull(alert.title);
      body = stringOrNull(alert.body);
    }
    return new PushNotification({
      title,
      body,
      sound: stringOrNull(aps.sound),
      badge: typeof aps.badge === "number" && Number.isFinite(aps.badge) ? aps.badge : null,
      action: stringOrNull(aps.category),
      // Twilio passes any type through (e.g. a consumption update); so do we.
      type: type as PushNotificationType,
      data: parseChatData(payload),
    });
  }

  if (payload.data !== undefined) {
    const data = isRecord(payload.data) ? payload.data : {};
    const type = data.twi_message_type;
    if (!isNonEmptyString(type)) {
      throw new Error(NO_TYPE_MESSAGE);
    }
    return new PushNotification({
      title: stringOrNull(data.twi_title),
      body: stringOrNull(data.twi_body),
      sound: stringOrNull(data.twi_sound),
      badge: null,
      action: stringOrNull(data.twi_action),
      type: type as PushNotificationType,
      data: parseChatData(data),
    });
  }

  throw new Error(NOT_CHAT_MESSAGE);
}

/**
 * Maps the snake_case push fields to the {@link PushNotificationData} fields (the descriptor's
 * `data`), skipping values of the wrong type.
 */
function parseChatData(source: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const conversationSid = source.conversation_sid;
  if (typeof conversationSid === "string") result.conversationSid = conversationSid;
  const conversationTitle = source.conversation_title;
  if (typeof conversationTitle === "string") result.conversationTitle = conversationTitle;
  const messageSid = source.message_sid;
  if (typeof messageSid === "string") result.messageSid = messageSid;
  const messageIndex = toNumber(source.message_index);
  if (messageIndex !== undefined) result.messageIndex = messageIndex;
  const mediaCount = toNumber(source.media_count);
  if (mediaCount !== undefined) result.mediaCount = mediaCount;
  const media = source.media;
  if (typeof media === "string") {
    const built = mediaFromPush(media);
    if (built) result.media = built;
  }
  return result;
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

const MEDIA_CATEGORIES = ["media", "body", "history"] as const;
type PushMediaCategory = (typeof MEDIA_CATEGORIES)[number];

/**
 * Builds a {@link Media} from the JSON text of a push's `media` field, e.g.
 * `{"sid":"ME...","filename":"a.png","content_type":"image/png","size":1024}` (camelCase
 * `contentType` is accepted too). Returns undefined when the text is not JSON or lacks the sid,
 * content type or size; a missing filename is null and a missing category is `"media"`.
 * Twilio itself stores the parsed JSON object as is, which is not a working `Media`.
 */
function mediaFromPush(text: string): Media | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const sid = parsed.sid;
  const contentType = parsed.content_type ?? parsed.contentType;
  const size = toNumber(parsed.size);
  const filename = parsed.filename ?? null;
  const category = parsed.category ?? "media";
  if (!isNonEmptyString(sid) || !isNonEmptyString(contentType) || size === undefined || size < 0) return undefined;
  if (filename !== null && typeof filename !== "string") return undefined;
  if (!isMediaCategory(category)) return undefined;
  return new Media(sid, filename, contentType, size, category);
}

function isMediaCategory(value: unknown): value is PushMediaCategory {
  return typeof value === "string" && (MEDIA_CATEGORIES as readonly string[]).includes(value);
}

/** A finite number, or a non-blank string that reads as one (Twilio's `parseToNumber`). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function stringOrNull(value: unknown): string | null {
  return isNonEmptyString(value) ? value : null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "undefined";
  return `a ${typeof value}`;
}
