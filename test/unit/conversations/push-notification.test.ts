import { describe, expect, it } from "vitest";
import { Media } from "../../../src/conversations/media.js";
import {
  NotificationTypes,
  PushNotification,
  type PushNotificationDescriptor,
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
