import { describe, expect, it } from "vitest";
import { Media } from "../../../src/conversations/media.js";
import {
  NotificationTypes,
  PushNotification,
  type PushNotificationDescriptor,
  parsePushNotification,
} from "../../../src/conversations/push-notification.js";

const NEW_MESSAGE = "twilio.conversations.new_message";

const apnsPayload = {
  aps: {
    alert: { title: "Team chat", body: "alice: hello" },
    sound: "default",
    badge: 4,
    category: "REPLY",
  },
  twi_message_type: NEW_MESSAGE,
  conversation_sid: "CH1",
  conversation_title: "Team chat",
  message_sid: "IM1",
  message_index: "17",
  media_count: 2,
};

const fcmPayload = {
  data: {
    twi_message_type: "twilio.conversations.added_to_conversation",
    twi_title: "Added",
    twi_body: "You were added to Team chat",
    twi_sound: "ding",
    twi_action: "OPEN_CONVERSATION",
    conversation_sid: "CH2",
    conversation_title: "Team chat",
    message_index: "3",
    media_count: "0",
  },
};

describe("NotificationTypes", () => {
  it("has Twilio's notification type strings", () => {
    expect(NotificationTypes.TYPING_INDICATOR).toBe("twilio.ipmsg.typing_indicator");
    expect(NotificationTypes.NEW_MESSAGE).toBe("twilio.conversations.new_message");
    expect(NotificationTypes.ADDED_TO_CONVERSATION).toBe("twilio.conversations.added_to_conversation");
    expect(NotificationTypes.REMOVED_FROM_CONVERSATION).toBe("twilio.conversations.removed_from_conversation");
    expect(NotificationTypes.CONSUMPTION_UPDATE).toBe("twilio.channel.consumption_update");
  });
});

describe("PushNotification", () => {
  const descriptor: PushNotificationDescriptor = {
    title: "t",
    body: "b",
    sound: "s",
    badge: 2,
    action: "a",
    type: NEW_MESSAGE,
    data: { conversationSid: "CH1", messageIndex: 5 },
  };

  it("holds the descriptor's fields", () => {
    const notification = new PushNotification(descriptor);
    expect(notification).toBeInstanceOf(PushNotification);
    expect({ ...notification }).toEqual(descriptor);
  });

  it("turns empty values and a zero badge into null, as Twilio does", () => {
    const notification = new PushNotification({ ...descriptor, title: "", body: "", sound: "", badge: 0, action: "" });
    expect([notification.title, notification.body, notification.sound, notification.badge, notification.action]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("keeps only the data fields that have the documented types", () => {
    const media = new Media("ME1", null, "image/png", 10, "media");
    const notification = new PushNotification({
      ...descriptor,
      data: { conversationSid: 1, messageSid: "IM1", messageIndex: "5", mediaCount: 1, media, extra: true },
    });
    expect(notification.data).toEqual({ messageSid: "IM1", mediaCount: 1, media });
    expect(notification.data.media).toBe(media);
  });
});

describe("parsePushNotification: APNs", () => {
  it("reads the alert, sound, badge, category, type and data fields", () => {
    const notification = parsePushNotification(apnsPayload);
    expect(notification).toBeInstanceOf(PushNotification);
    expect({ ...notification }).toEqual({
      title: "Team chat",
      body: "alice: hello",
      sound: "default",
      badge: 4,
      action: "REPLY",
      type: NEW_MESSAGE,
      data: {
        conversationSid: "CH1",
        conversationTitle: "Team chat",
        messageSid: "IM1",
        messageIndex: 17,
        mediaCount: 2,
      },
    });
  });

  it("takes a string alert as the body, without a title", () => {
    const notification = parsePushNotification({ aps: { alert: "hello" }, twi_message_type: NEW_MESSAGE });
    expect(notification.title).toBeNull();
    expect(notification.body).toBe("hello");
    expect(notification.sound).toBeNull();
    expect(notification.badge).toBeNull();
    expect(notification.action).toBeNull();
    expect(notification.data).toEqual({});
  });

  it("reads no title or body from an aps without alert", () => {
    const notification = parsePushNotification({ aps: { "content-available": 1 }, twi_message_type: NEW_MESSAGE });
    expect([notification.title, notification.body]).toEqual([null, null]);
  });

  it("passes other Twilio notification types through", () => {
    const notification = parsePushNotification({ aps: {}, twi_message_type: NotificationTypes.CONSUMPTION_UPDATE });
    expect(notification.type).toBe("twilio.channel.consumption_update");
  });

  it("skips message_index and media_count values that are not numbers", () => {
    const notification = parsePushNotification({ ...apnsPayload, message_index: "seventeen", media_count: "" });
    expect(notification.data.messageIndex).toBeUndefined();
    expect(notification.data.mediaCount).toBeUndefined();
    expect(notification.data.conversationSid).toBe("CH1");
  });

  it("rejects a payload without twi_message_type", () => {
    const { twi_message_type: _omitted, ...withoutType } = apnsPayload;
    expect(() => parsePushNotification(withoutType)).toThrow(
      "Provided push notification payload does not contain Programmable Chat push notification type",
    );
    expect(() => parsePushNotification({ ...apnsPayload, twi_message_type: "" })).toThrow(/does not contain/);
  });
});

describe("parsePushNotification: FCM", () => {
  it("reads the twi_ fields, the type and the data fields", () => {
    const notification = parsePushNotification(fcmPayload);
    expect(notification).toBeInstanceOf(PushNotification);
    expect({ ...notification }).toEqual({
      title: "Added",
      body: "You were added to Team chat",
      sound: "ding",
      badge: null,
      action: "OPEN_CONVERSATION",
      type: "twilio.conversations.added_to_conversation",
      data: { conversationSid: "CH2", conversationTitle: "Team chat", messageIndex: 3, mediaCount: 0 },
    });
  });

  it("ignores top-level fields of an FCM payload", () => {
    const notification = parsePushNotification({ ...fcmPayload, conversation_sid: "CH-top", twi_title: "top" });
    expect(notification.data.conversationSid).toBe("CH2");
    expect(notification.title).toBe("Added");
  });

  it("rejects data without twi_message_type", () => {
    expect(() => parsePushNotification({ data: { twi_body: "x" } })).toThrow(/does not contain Programmable Chat push notification type/);
    expect(() => parsePushNotification({ data: null })).toThrow(/does not contain/);
  });
});

describe("parsePushNotification: media", () => {
  const withMedia = (media: unknown) => parsePushNotification({ data: { twi_message_type: NEW_MESSAGE, media } });

  it("builds a Media from the media JSON", () => {
    const media = withMedia(JSON.stringify({ sid: "ME1", filename: "cat.png", content_type: "image/png", size: 2048 })).data.media;
    expect(media).toBeInstanceOf(Media);
    expect(media && [media.sid, media.filename, media.contentType, media.size, media.category]).toEqual([
      "ME1",
      "cat.png",
      "image/png",
      2048,
      "media",
    ]);
  });

  it("accepts camelCase contentType, a numeric string size, no filename and a category", () => {
    const media = withMedia(JSON.stringify({ sid: "ME2", contentType: "text/plain", size: "12", category: "body" })).data.media;
    expect(media && [media.sid, media.filename, media.contentType, media.size, media.category]).toEqual([
      "ME2",
      null,
      "text/plain",
      12,
      "body",
    ]);
  });

  it.each([
    ["invalid JSON", "{not json"],
    ["a JSON array", "[]"],
    ["no sid", JSON.stringify({ content_type: "image/png", size: 1 })],
    ["no content type", JSON.stringify({ sid: "ME3", size: 1 })],
    ["no size", JSON.stringify({ sid: "ME3", content_type: "image/png" })],
    ["a negative size", JSON.stringify({ sid: "ME3", content_type: "image/png", size: -1 })],
    ["an unknown category", JSON.stringify({ sid: "ME3", content_type: "image/png", size: 1, category: "x" })],
    ["a non-string filename", JSON.stringify({ sid: "ME3", content_type: "image/png", size: 1, filename: 5 })],
    ["an object instead of JSON text", { sid: "ME3", content_type: "image/png", size: 1 }],
  ])("leaves media undefined for %s", (_case, media) => {
    const notification = withMedia(media);
    expect(notification.data.media).toBeUndefined();
    expect("media" in notification.data).toBe(false);
  });
});

describe("parsePushNotification: invalid payloads", () => {
  it.each([
    ["null", null, "got null"],
    ["undefined", undefined, "got undefined"],
    ["a string", "{}", "got a string"],
    ["a number", 42, "got a number"],
    ["an array", [{ aps: {} }], "got an array"],
  ])("rejects %s", (_case, payload, detail) => {
    expect(() => parsePushNotification(payload)).toThrow(/must be a non-null, non-array object/);
    expect(() => parsePushNotification(payload)).toThrow(detail);
  });

  it("rejects an object that is neither APNs nor FCM", () => {
    expect(() => parsePushNotification({ notification: { title: "x" } })).toThrow(
      "Provided push notification payload is not Programmable Chat notification",
    );
  });
});
