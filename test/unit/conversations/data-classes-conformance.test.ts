/**
 * Conformance of the data-holder classes with `@twilio/conversations` 3.0.1.
 *
 * Type level (checked by `tsc --noEmit`): every public member of Twilio's class exists on ours
 * with the same type, the constructors accept what Twilio's accept, and the exported types are
 * identical. Twilio's classes have private members, so members are compared one by one (through
 * `Pick` over Twilio's public keys), never whole classes. `_`-prefixed members are Twilio
 * internals and are left out.
 *
 * Runtime (checked by vitest): Twilio's own classes, built from the same input, expose the same
 * member names and values as ours.
 */
import * as Twilio from "@twilio/conversations";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as cancellable from "../../../src/conversations/cancellable-promise.js";
import * as channel from "../../../src/conversations/channel-metadata.js";
import * as content from "../../../src/conversations/content-template.js";
import * as delivery from "../../../src/conversations/delivery-receipts.js";
import type { Media } from "../../../src/conversations/media.js";
import * as push from "../../../src/conversations/push-notification.js";
import * as recipients from "../../../src/conversations/recipients.js";

/** Twilio's public member names: `keyof` drops private members; `_`-prefixed ones are internal. */
type PublicKeys<T> = Exclude<keyof T, `_${string}`>;
/** Twilio's public members. */
type Public<T> = Pick<T, PublicKeys<T>>;

/** Asserts at runtime that both objects have each member, with equal values (or both methods). */
function expectSameMembers(ours: object, twilio: object, names: readonly PropertyKey[]): void {
  for (const name of names) {
    const label = String(name);
    expect(name in ours, `ours lacks ${label}`).toBe(true);
    expect(name in twilio, `Twilio lacks ${label}`).toBe(true);
    const twilioValue: unknown = Reflect.get(twilio, name);
    const ourValue: unknown = Reflect.get(ours, name);
    if (typeof twilioValue === "function") {
      expect(typeof ourValue, label).toBe("function");
    } else {
      expect(ourValue, label).toEqual(twilioValue);
    }
  }
}

describe("AggregatedDeliveryReceipt", () => {
  type Theirs = Twilio.AggregatedDeliveryReceipt;
  const members = ["total", "sent", "delivered", "read", "undelivered", "failed"] as const;

  it("has each public member of Twilio's with the same type", () => {
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<delivery.AggregatedDeliveryReceipt, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof delivery.AggregatedDeliveryReceipt>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.AggregatedDeliveryReceipt>
    >();
    expectTypeOf<delivery.DeliveryAmount>().toEqualTypeOf<Twilio.DeliveryAmount>();
  });

  it("reads the same values as Twilio's from the same descriptor", () => {
    const descriptor: delivery.AggregatedDeliveryDescriptor = {
      total: 5,
      sent: "all",
      delivered: "some",
      read: "none",
      undelivered: "some",
      failed: "none",
    };
    expectSameMembers(new delivery.AggregatedDeliveryReceipt(descriptor), new Twilio.AggregatedDeliveryReceipt(descriptor), members);
  });
});

describe("DetailedDeliveryReceipt", () => {
  type Theirs = Twilio.DetailedDeliveryReceipt;
  const members = [
    "sid",
    "messageSid",
    "conversationSid",
    "channelMessageSid",
    "participantSid",
    "status",
    "errorCode",
    "dateCreated",
    "dateUpdated",
  ] as const;
  const descriptor: delivery.DetailedDeliveryReceiptDescriptor = {
    sid: "DY1",
    message_sid: "IM1",
    conversation_sid: "CH1",
    channel_message_sid: "SM1",
    participant_sid: "MB1",
    status: "read",
    error_code: "30008",
    date_created: "2024-01-01T00:00:00Z",
    date_updated: "2024-01-01T00:00:01Z",
  };

  it("has each public member of Twilio's with the same type", () => {
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<delivery.DetailedDeliveryReceipt, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof delivery.DetailedDeliveryReceipt>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.DetailedDeliveryReceipt>
    >();
    expectTypeOf<delivery.DeliveryStatus>().toEqualTypeOf<Twilio.DeliveryStatus>();
  });

  it.each([
    ["a full descriptor", descriptor],
    ["no error code", { ...descriptor, error_code: null }],
  ])("reads the same values as Twilio's from %s", (_case, input) => {
    expectSameMembers(new delivery.DetailedDeliveryReceipt(input), new Twilio.DetailedDeliveryReceipt(input), members);
  });
});

describe("PushNotification, NotificationTypes", () => {
  type Theirs = Twilio.PushNotification;
  const members = ["title", "body", "sound", "badge", "action", "type", "data"] as const;
  const notificationTypes = [
    "TYPING_INDICATOR",
    "NEW_MESSAGE",
    "ADDED_TO_CONVERSATION",
    "REMOVED_FROM_CONVERSATION",
    "CONSUMPTION_UPDATE",
  ] as const;

  it("has each public member of Twilio's PushNotification with the same type (media is our Media)", () => {
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    type NotData = Exclude<PublicKeys<Theirs>, "data">;
    expectTypeOf<Pick<push.PushNotification, NotData>>().toEqualTypeOf<Pick<Theirs, NotData>>();
    expectTypeOf<Omit<push.PushNotificationData, "media">>().toEqualTypeOf<Omit<Twilio.PushNotificationData, "media">>();
    expectTypeOf<keyof push.PushNotificationData>().toEqualTypeOf<keyof Twilio.PushNotificationData>();
    expectTypeOf<push.PushNotificationData["media"]>().toEqualTypeOf<Media | undefined>();
    expectTypeOf<push.PushNotification["data"]>().toEqualTypeOf<push.PushNotificationData>();
    expectTypeOf<push.PushNotificationType>().toEqualTypeOf<Twilio.PushNotificationType>();
    expectTypeOf<push.PushNotificationDescriptor>().toEqualTypeOf<Twilio.PushNotificationDescriptor>();
    expectTypeOf<ConstructorParameters<typeof push.PushNotification>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.PushNotification>
    >();
  });

  it("has Twilio's NotificationTypes constants, with the same literal types and values", () => {
    type TheirStatics = typeof Twilio.NotificationTypes;
    expectTypeOf<(typeof notificationTypes)[number]>().toEqualTypeOf<Exclude<keyof TheirStatics, "prototype">>();
    expectTypeOf<Pick<typeof push.NotificationTypes, (typeof notificationTypes)[number]>>().toEqualTypeOf<
      Pick<TheirStatics, (typeof notificationTypes)[number]>
    >();
    expectSameMembers(push.NotificationTypes, Twilio.NotificationTypes, notificationTypes);
  });

});

describe("ContentTemplateVariable and ContentTemplate", () => {
  const response: content.ContentTemplateResponse = {
    sid: "HX1",
    account_sid: "AC1",
    friendly_name: "order update",
    variables: JSON.stringify({ 1: "order", 2: "date" }),
    variants: {
      "twilio/text": { body: "Order {{1}}" },
      "twilio/media": { media: ["https://example.com/m.jpg"] },
      "twilio/location": { latitude: 1.5, longitude: 2.5 },
      "twilio/quick-reply": { body: "ok?", actions: [{ title: "Yes", id: "1" }] },
      "twilio/call-to-action": {
        body: "act",
        actions: [
          { type: "URL", title: "u", url: "https://example.com" },
          { type: "PHONE_NUMBER", title: "p", phone: "+1555" },
          { type: "QUICK_REPLY", title: "r", id: "x", index: 1 },
          { type: "VOICE_CALL", title: "v" },
        ],
      },
      "twilio/list-picker": { body: "pick", button: "open", items: [{ id: "a", item: "A", description: "d" }] },
      "twilio/card": { title: "card", media: ["https://example.com/c.jpg"], actions: [{ type: "QUICK_REPLY", title: "r" }] },
    },
    date_created: "2024-03-01T00:00:00Z",
    date_updated: "2024-03-02T00:00:00Z",
  };

  it("ContentTemplateVariable has each public member of Twilio's with the same type", () => {
    type Theirs = Twilio.ContentTemplateVariable;
    const members = ["name", "value", "copyWithValue"] as const;
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<content.ContentTemplateVariable, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof content.ContentTemplateVariable>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.ContentTemplateVariable>
    >();
    const ours = new content.ContentTemplateVariable("1", "a");
    const theirs = new Twilio.ContentTemplateVariable("1", "a");
    expectSameMembers(ours, theirs, members);
    expectSameMembers(ours.copyWithValue("b"), theirs.copyWithValue("b"), ["name", "value"]);
  });

  it("ContentTemplate has each public member of Twilio's with the same type", () => {
    type Theirs = Twilio.ContentTemplate;
    const members = ["sid", "friendlyName", "variables", "variants", "dateCreated", "dateUpdated"] as const;
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<content.ContentTemplate, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof content.ContentTemplate>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.ContentTemplate>
    >();
    expectSameMembers(new content.ContentTemplate(response), new Twilio.ContentTemplate(response), members);
  });

  it("exports the ContentData types exactly as Twilio does", () => {
    expectTypeOf<content.ContentDataActionUrl>().toEqualTypeOf<Twilio.ContentDataActionUrl>();
    expectTypeOf<content.ContentDataActionPhone>().toEqualTypeOf<Twilio.ContentDataActionPhone>();
    expectTypeOf<content.ContentDataActionReply>().toEqualTypeOf<Twilio.ContentDataActionReply>();
    expectTypeOf<content.ContentDataActionOther>().toEqualTypeOf<Twilio.ContentDataActionOther>();
    expectTypeOf<content.ContentDataAction>().toEqualTypeOf<Twilio.ContentDataAction>();
    expectTypeOf<content.ContentDataText>().toEqualTypeOf<Twilio.ContentDataText>();
    expectTypeOf<content.ContentDataMedia>().toEqualTypeOf<Twilio.ContentDataMedia>();
    expectTypeOf<content.ContentDataLocation>().toEqualTypeOf<Twilio.ContentDataLocation>();
    expectTypeOf<content.ContentDataReply>().toEqualTypeOf<Twilio.ContentDataReply>();
    expectTypeOf<content.ContentDataQuickReply>().toEqualTypeOf<Twilio.ContentDataQuickReply>();
    expectTypeOf<content.ContentDataCallToAction>().toEqualTypeOf<Twilio.ContentDataCallToAction>();
    expectTypeOf<content.ContentDataListPicker>().toEqualTypeOf<Twilio.ContentDataListPicker>();
    expectTypeOf<content.ContentDataListItem>().toEqualTypeOf<Twilio.ContentDataListItem>();
    expectTypeOf<content.ContentDataCard>().toEqualTypeOf<Twilio.ContentDataCard>();
    expectTypeOf<content.ContentDataOther>().toEqualTypeOf<Twilio.ContentDataOther>();
    expectTypeOf<content.ContentData>().toEqualTypeOf<Twilio.ContentData>();
    // Runtime: each variant converts to the same ContentData as Twilio's.
    const ours = new content.ContentTemplate(response).variants;
    const theirs = new Twilio.ContentTemplate(response).variants;
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    for (const [type, data] of theirs) {
      expect(ours.get(type), type).toEqual(data);
    }
  });
});

describe("ChannelMetadata", () => {
  it("has each public member of Twilio's with the same type", () => {
    type Theirs = Twilio.ChannelMetadata;
    const members = ["type", "data"] as const;
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<channel.ChannelMetadata, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof channel.ChannelMetadata>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.ChannelMetadata>
    >();
    expectSameMembers(new channel.ChannelMetadata("whatsapp", { a: 1 }), new Twilio.ChannelMetadata("whatsapp", { a: 1 }), members);
  });
});

describe("EmailRecipientDescriptor, UnknownRecipientDescriptor", () => {
  const email: recipients.MessageRecipient = {
    message_sid: "IM1",
    type: "email",
    level: "to",
    name: "Ada",
    address: "ada@example.com",
  };

  it("EmailRecipientDescriptor has each public member of Twilio's with the same type", () => {
    type Theirs = Twilio.EmailRecipientDescriptor;
    const members = ["type", "messageSid", "level", "name", "address"] as const;
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<recipients.EmailRecipientDescriptor, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof Twilio.EmailRecipientDescriptor>>().toExtend<
      ConstructorParameters<typeof recipients.EmailRecipientDescriptor>
    >();
    expectSameMembers(new recipients.EmailRecipientDescriptor(email), new Twilio.EmailRecipientDescriptor(email), members);
  });

  it("UnknownRecipientDescriptor has each public member of Twilio's with the same type", () => {
    type Theirs = Twilio.UnknownRecipientDescriptor;
    const members = ["type", "messageSid", "rawData"] as const;
    expectTypeOf<(typeof members)[number]>().toEqualTypeOf<PublicKeys<Theirs>>();
    expectTypeOf<Pick<recipients.UnknownRecipientDescriptor, PublicKeys<Theirs>>>().toEqualTypeOf<Public<Theirs>>();
    expectTypeOf<ConstructorParameters<typeof Twilio.UnknownRecipientDescriptor>>().toExtend<
      ConstructorParameters<typeof recipients.UnknownRecipientDescriptor>
    >();
    expectSameMembers(new recipients.UnknownRecipientDescriptor(email), new Twilio.UnknownRecipientDescriptor(email), members);
  });

  it("exports RecipientDescriptor and EmailRecipientLevel as Twilio does", () => {
    expectTypeOf<recipients.EmailRecipientLevel>().toEqualTypeOf<Twilio.EmailRecipientLevel>();
    expectTypeOf<recipients.RecipientDescriptor>().toEqualTypeOf<Twilio.RecipientDescriptor>();
    expect(new recipients.EmailRecipientDescriptor(email).type).toBe(new Twilio.EmailRecipientDescriptor(email).type);
  });
});

describe("CancellablePromise", () => {
  type Theirs = Twilio.CancellablePromise<string>;
  type Ours = cancellable.CancellablePromise<string>;

  it("has each public member of Twilio's with the same type", () => {
    expectTypeOf<PublicKeys<Theirs>>().toEqualTypeOf<"cancel" | "then" | "catch" | "finally" | typeof Symbol.toStringTag>();
    type PromiseMembers = Exclude<PublicKeys<Theirs>, "cancel">;
    expectTypeOf<Pick<Ours, PromiseMembers>>().toEqualTypeOf<Pick<Theirs, PromiseMembers>>();
    // cancel(): this — the same parameters, and it returns the promise itself.
    expectTypeOf<Ours["cancel"]>().parameters.toEqualTypeOf<Parameters<Theirs["cancel"]>>();
    expectTypeOf<Ours["cancel"]>().returns.toEqualTypeOf<Ours>();
    expectTypeOf<Ours>().toExtend<Promise<string>>();
    expectTypeOf<ConstructorParameters<typeof cancellable.CancellablePromise<string>>>().toEqualTypeOf<
      ConstructorParameters<typeof Twilio.CancellablePromise<string>>
    >();
  });

  it("cancels like Twilio's: handler called, rejection with the same message", async () => {
    const calls: string[] = [];
    const ours = new cancellable.CancellablePromise<string>((_resolve, _reject, onCancel) => onCancel(() => calls.push("ours")));
    const theirs = new Twilio.CancellablePromise<string>((_resolve, _reject, onCancel) => onCancel(() => calls.push("theirs")));
    expectSameMembers(ours, theirs, ["cancel", "then", "catch", "finally"]);
    expect(ours.cancel()).toBe(ours);
    expect(theirs.cancel()).toBe(theirs);
    expect(calls).toEqual(["ours", "theirs"]);
    const ourError = await ours.then(
      () => undefined,
      (error: unknown) => error,
    );
    const theirError = await theirs.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ourError).toBeInstanceOf(Error);
    expect(ourError).toEqual(theirError);
  });
});

function captureError(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return undefined;
}
