/**
 * Type-level conformance with `@twilio/conversations` 3.0.1, checked by `tsc --noEmit -p .`
 * (`vitest run` does not type-check: the `expectTypeOf` lines below are no-ops at runtime, the
 * runtime tests check the export lists).
 *
 * Twilio's classes have private members, so they are never compared whole: each public member K
 * of Twilio's class (`keyof`, without `_`-prefixed internals, inherited emitter members included)
 * is compared with ours one by one:
 *
 * - K exists on ours;
 * - methods: Twilio's parameter types are assignable to ours (an app's arguments still compile),
 *   and our return type is assignable to Twilio's (what the app does with the result compiles);
 * - properties: our type is assignable to Twilio's.
 *
 * Types that name Twilio classes are mapped to ours first ({@link ToOurs}): `Promise<Conversation>`
 * of Twilio's becomes `Promise<Conversation>` of ours, `Media[]` our `Media[]`, and so on.
 *
 * Where a member cannot match, it is listed by name in a `Known...` type with the reason, so the
 * check still runs for every other member; when a gap closes, tsc fails until the name is removed.
 */
import type * as Twilio from "@twilio/conversations";
import * as TwilioRuntime from "@twilio/conversations";
import type { EventEmitter as NodeEventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as Ours from "../../src/index.js";
// Twilio's type exports, from our entry: tsc fails here if one is missing.
import type {
  ConversationBindings,
  ConversationEmailBinding,
  ConversationUpdateReason,
  ConversationStatus,
  NotificationLevel,
  ConversationState,
  ConversationUpdatedEventArgs,
  SendMediaOptions,
  SendEmailOptions,
  LastMessage,
  ParticipantUpdateReason,
  ParticipantType,
  ParticipantUpdatedEventArgs,
  ParticipantBindings,
  ParticipantEmailBinding,
  ParticipantEmailLevel,
  MessageUpdateReason,
  MessageType,
  MessageUpdatedEventArgs,
  MediaCategory,
  DeliveryAmount,
  DeliveryStatus,
  Paginator,
  ParticipantBindingOptions,
  UserUpdateReason,
  UserUpdatedEventArgs,
  PushNotificationType,
  PushNotificationDescriptor,
  PushNotificationData,
  State,
  ConnectionState,
  NotificationsChannelType,
  ClientOptions,
  CreateConversationOptions,
  ConversationLimits,
  JSONValue,
  JSONObject,
  JSONArray,
  ContentDataActionUrl,
  ContentDataActionPhone,
  ContentDataActionReply,
  ContentDataActionOther,
  ContentDataAction,
  ContentDataText,
  ContentDataMedia,
  ContentDataLocation,
  ContentDataReply,
  ContentDataQuickReply,
  ContentDataCallToAction,
  ContentDataListPicker,
  ContentDataListItem,
  ContentDataCard,
  ContentDataOther,
  ContentData,
  RecipientDescriptor,
  EmailRecipientLevel,
} from "../../src/index.js";

// ---------------------------------------------------------------------------------------------
// Twilio's types mapped to ours
// ---------------------------------------------------------------------------------------------

/**
 * A Twilio type with every Twilio class in it replaced by ours: through unions, arrays, tuples,
 * promises, paginators, maps, function types and the `{ x, updateReasons }` event arguments.
 * Twilio's classes with private members match nominally; the plain data classes match
 * structurally, which is all they are. Other object types are left as they are.
 */
export type ToOurs<T> =
  T extends Twilio.Client ? Ours.Client
  : T extends Twilio.Conversation ? Ours.Conversation
  : T extends Twilio.Message ? Ours.Message
  : T extends Twilio.Participant ? Ours.Participant
  : T extends Twilio.User ? Ours.User
  : T extends Twilio.MessageBuilder ? Ours.MessageBuilder
  : T extends Twilio.UnsentMessage ? Ours.UnsentMessage
  : T extends Twilio.Media ? Ours.Media
  : T extends Twilio.RestPaginator<infer U> ? Ours.RestPaginator<ToOurs<U>>
  : T extends Twilio.AggregatedDeliveryReceipt ? Ours.AggregatedDeliveryReceipt
  : T extends Twilio.CancellablePromise<infer U> ? Ours.CancellablePromise<ToOurs<U>>
  : T extends Promise<infer U> ? Promise<ToOurs<U>>
  : T extends Twilio.Paginator<infer U> ? Ours.Paginator<ToOurs<U>>
  : T extends Twilio.DetailedDeliveryReceipt ? Ours.DetailedDeliveryReceipt
  : T extends Twilio.PushNotification ? Ours.PushNotification
  : T extends Twilio.ContentTemplate ? Ours.ContentTemplate
  : T extends Twilio.ContentTemplateVariable ? Ours.ContentTemplateVariable
  : T extends Twilio.EmailRecipientDescriptor ? Ours.EmailRecipientDescriptor
  : T extends Twilio.UnknownRecipientDescriptor ? Ours.UnknownRecipientDescriptor
  : T extends Twilio.ChannelMetadata ? Ours.ChannelMetadata
  : T extends { conversation: Twilio.Conversation; updateReasons: infer R } ? { conversation: Ours.Conversation; updateReasons: R }
  : T extends { participant: Twilio.Participant; updateReasons: infer R } ? { participant: Ours.Participant; updateReasons: R }
  : T extends { message: Twilio.Message; updateReasons: infer R } ? { message: Ours.Message; updateReasons: R }
  : T extends { user: Twilio.User; updateReasons: infer R } ? { user: Ours.User; updateReasons: R }
  : T extends Map<infer K, infer V> ? Map<K, ToOurs<V>>
  : T extends Twilio.JSONValue ? T
  : T extends readonly unknown[] ? { [I in keyof T]: ToOurs<T[I]> }
  : T extends (...args: infer A) => infer R ? (...args: ToOurs<A>) => ToOurs<R>
  : T;

type AnyFunction = (...args: never[]) => unknown;

/** Twilio's public member names: `keyof` drops private members; `_`-prefixed ones are internal. */
type PublicKeys<T> = Exclude<keyof T, `_${string}`>;

/** Public members of Twilio's T that ours lacks. */
type Missing<T, O> = Exclude<PublicKeys<T>, keyof O>;

/**
 * The emitter methods generic in the event name. `Parameters<>` of a generic method takes the
 * constraint (every event at once), which says nothing about a call for one event: these are
 * compared event by event below ("emitter methods, event by event").
 */
type GenericEmitterMethods = "on" | "once" | "off" | "addListener" | "removeListener" | "addListenerWithReplay" | "onWithReplay" | "onceWithReplay";

/** Does our member conform to Twilio's (after mapping Twilio's classes to ours)? */
type Conforms<TK, OK> = [TK] extends [AnyFunction]
  ? [OK] extends [AnyFunction]
    ? [ToOurs<Parameters<TK>>] extends [Parameters<OK>]
      ? [ReturnType<OK>] extends [ToOurs<ReturnType<TK>>]
        ? true
        : false
      : false
    : false
  : [OK] extends [ToOurs<TK>]
    ? true
    : false;

/** The members both have whose types do not conform (the generic emitter methods aside). */
type Mismatches<T, O> = {
  [K in Exclude<PublicKeys<T> & keyof O, GenericEmitterMethods>]-?: Conforms<T[K], O[K]> extends true ? never : K;
}[Exclude<PublicKeys<T> & keyof O, GenericEmitterMethods>];

// ---- the utility itself ----

describe("ToOurs and the member checks", () => {
  it("map Twilio's classes to ours inside promises, arrays, tuples, unions, maps, functions and event arguments", () => {
    expectTypeOf<ToOurs<Promise<Twilio.Conversation>>>().toEqualTypeOf<Promise<Ours.Conversation>>();
    expectTypeOf<ToOurs<Twilio.Media[] | null>>().toEqualTypeOf<Ours.Media[] | null>();
    expectTypeOf<ToOurs<string | Twilio.Participant>>().toEqualTypeOf<string | Ours.Participant>();
    expectTypeOf<ToOurs<[Twilio.User, number]>>().toEqualTypeOf<[Ours.User, number]>();
    expectTypeOf<ToOurs<Twilio.CancellablePromise<Map<string, string>>>>().toEqualTypeOf<Ours.CancellablePromise<Map<string, string>>>();
    expectTypeOf<ToOurs<Promise<Twilio.Paginator<Twilio.Message>>>>().toEqualTypeOf<Promise<Ours.Paginator<Ours.Message>>>();
    expectTypeOf<ToOurs<Promise<Twilio.RestPaginator<Twilio.Message>>>>().toEqualTypeOf<Promise<Ours.RestPaginator<Ours.Message>>>();
    expectTypeOf<ToOurs<Promise<Readonly<Twilio.ContentTemplate[]>>>>().toEqualTypeOf<Promise<readonly Ours.ContentTemplate[]>>();
    expectTypeOf<ToOurs<(m: Twilio.Message) => void>>().toEqualTypeOf<(m: Ours.Message) => void>();
    expectTypeOf<ToOurs<Twilio.ConversationUpdatedEventArgs>>().toEqualTypeOf<Ours.ConversationUpdatedEventArgs>();
    expectTypeOf<ToOurs<Twilio.JSONValue>>().toEqualTypeOf<Twilio.JSONValue>();
    expectTypeOf<ToOurs<Twilio.SendMediaOptions>>().toEqualTypeOf<Twilio.SendMediaOptions>();
  });

  it("find missing and mismatching members, one by one", () => {
    class Theirs {
      private hidden = 1;
      a = "x";
      f(x: Twilio.Message): Promise<Twilio.Conversation> {
        return Promise.reject(x);
      }
      g(x: string): number {
        return x.length;
      }
      h = 1;
      k(): Promise<Twilio.Media[]> {
        return Promise.resolve([]);
      }
    }
    class Mine {
      a = "y";
      f(x: Ours.Message): Promise<Ours.Conversation> {
        return Promise.reject(x);
      }
      g(x: number): number {
        return x;
      }
      h = "1";
      k(): Promise<Ours.Media[] | null> {
        return Promise.resolve(null);
      }
    }
    void [new Theirs(), new Mine()];
    expectTypeOf<Missing<Theirs, Mine>>().toEqualTypeOf<never>();
    expectTypeOf<Mismatches<Theirs, Mine>>().toEqualTypeOf<"g" | "h" | "k">();
    expectTypeOf<Missing<Theirs & { extra: 1 }, Mine>>().toEqualTypeOf<"extra">();
  });
});

// ---------------------------------------------------------------------------------------------
// Classes, member by member
// ---------------------------------------------------------------------------------------------

/**
 * Since our classes extend Node's EventEmitter as Twilio's do, none of its members is missing or
 * narrowed any more: these stay as named empty sets so that a regression shows which kind it is.
 */
type KnownMissingOnEmitters = never;
type KnownNarrowedEmitterMethods = never;

/** Twilio's statics without Node EventEmitter's static helpers (`EventEmitter.once(emitter, name)`, ...). */
type TwilioStatics<C> = Exclude<PublicKeys<C>, keyof typeof NodeEventEmitter | "prototype">;

describe("Client", () => {
  type T = Twilio.Client;
  type O = Ours.Client;

  it("has every public member of Twilio's", () => {
    expectTypeOf<Missing<T, O>>().toEqualTypeOf<KnownMissingOnEmitters>();
  });

  it("conforms member by member", () => {
    /**
     * Push registration methods: Twilio types the channel as `@twilio/notifications`' ChannelType
     * ("apn" | "fcm" | "twilsock"); ours take NotificationsChannelType ("fcm" | "apn"), the two
     * Twilio accepts at runtime. All three reject UnsupportedFeatureError anyway.
     */
    type KnownClientMismatches = "setPushRegistrationId" | "unsetPushRegistrationId" | "removePushRegistrations";
    expectTypeOf<Mismatches<T, O>>().toEqualTypeOf<KnownNarrowedEmitterMethods | KnownClientMismatches>();
  });

  it("has Twilio's statics, and accepts Twilio's constructor arguments", () => {
    type Statics = TwilioStatics<typeof Twilio.Client>;
    expectTypeOf<Exclude<Statics, keyof typeof Ours.Client>>().toEqualTypeOf<never>();
    expectTypeOf<Mismatches<Pick<typeof Twilio.Client, Statics>, typeof Ours.Client>>().toEqualTypeOf<never>();
    expectTypeOf<ToOurs<ConstructorParameters<typeof Twilio.Client>>>().toExtend<ConstructorParameters<typeof Ours.Client>>();
  });
});

describe("Conversation", () => {
  type T = Twilio.Conversation;
  type O = Ours.Conversation;

  it("has every public member and static of Twilio's", () => {
    expectTypeOf<Missing<T, O>>().toEqualTypeOf<KnownMissingOnEmitters>();
    expectTypeOf<Exclude<TwilioStatics<typeof Twilio.Conversation>, keyof typeof Ours.Conversation>>().toEqualTypeOf<never>();
  });

  it("conforms member by member", () => {
    expectTypeOf<Mismatches<T, O>>().toEqualTypeOf<KnownNarrowedEmitterMethods>();
    expectTypeOf<Mismatches<Pick<typeof Twilio.Conversation, TwilioStatics<typeof Twilio.Conversation>>, typeof Ours.Conversation>>().toEqualTypeOf<never>();
  });
});

describe("Message", () => {
  type T = Twilio.Message;
  type O = Ours.Message;

  it("has every public member and static of Twilio's", () => {
    expectTypeOf<Missing<T, O>>().toEqualTypeOf<KnownMissingOnEmitters>();
    expectTypeOf<Exclude<TwilioStatics<typeof Twilio.Message>, keyof typeof Ours.Message>>().toEqualTypeOf<never>();
  });

  it("conforms member by member", () => {
    /**
     * attachTemporaryUrlsFor: Twilio declares `Promise<Media[]>`; ours returns
     * `CancellablePromise<Media[] | null>` (the argument handed back, which may be null), so
     * `(await message.attachTemporaryUrlsFor(media)).length` no longer compiles without a null check.
     */
    type KnownMessageMismatches = "attachTemporaryUrlsFor";
    expectTypeOf<Mismatches<T, O>>().toEqualTypeOf<KnownNarrowedEmitterMethods | KnownMessageMismatches>();
  });
});

describe("Participant", () => {
  type T = Twilio.Participant;
  type O = Ours.Participant;

  it("has every public member and static of Twilio's, and they conform", () => {
    expectTypeOf<Missing<T, O>>().toEqualTypeOf<KnownMissingOnEmitters>();
    expectTypeOf<Exclude<TwilioStatics<typeof Twilio.Participant>, keyof typeof Ours.Participant>>().toEqualTypeOf<never>();
    expectTypeOf<Mismatches<T, O>>().toEqualTypeOf<KnownNarrowedEmitterMethods>();
  });
});

describe("User", () => {
  type T = Twilio.User;
  type O = Ours.User;

  it("has every public member of Twilio's, and they conform", () => {
    expectTypeOf<Missing<T, O>>().toEqualTypeOf<KnownMissingOnEmitters>();
    expectTypeOf<Mismatches<T, O>>().toEqualTypeOf<KnownNarrowedEmitterMethods>();
  });
});

describe("MessageBuilder, UnsentMessage, Media", () => {
  it("have every public member of Twilio's, and they conform", () => {
    expectTypeOf<Missing<Twilio.MessageBuilder, Ours.MessageBuilder>>().toEqualTypeOf<never>();
    expectTypeOf<Mismatches<Twilio.MessageBuilder, Ours.MessageBuilder>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<Twilio.Media, Ours.Media>>().toEqualTypeOf<never>();
    expectTypeOf<Mismatches<Twilio.Media, Ours.Media>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<Twilio.UnsentMessage, Ours.UnsentMessage>>().toEqualTypeOf<never>();
    /**
     * mediaContent: our SendMediaOptions takes `media` as any Uint8Array or ArrayBuffer (Twilio's
     * `Buffer` is a Uint8Array), so our entries are wider than Twilio's: code reading `media` as
     * a Buffer no longer compiles; code adding Twilio-typed entries does.
     */
    expectTypeOf<Mismatches<Twilio.UnsentMessage, Ours.UnsentMessage>>().toEqualTypeOf<"mediaContent">();
    expectTypeOf<Twilio.UnsentMessage["mediaContent"]>().toExtend<Ours.UnsentMessage["mediaContent"]>();
  });
});

describe("RestPaginator", () => {
  type T = Twilio.RestPaginator<Twilio.Message>;
  type O = Ours.RestPaginator<Ours.Message>;

  it("has every public member of Twilio's", () => {
    expectTypeOf<Missing<T, O>>().toEqualTypeOf<never>();
  });

  it("conforms member by member", () => {
    /**
     * nextPage/prevPage: Twilio declares `Promise<RestPaginator<T>>`, ours `Promise<Paginator<T>>`
     * (the interface), so `const next: RestPaginator<Message> = await page.nextPage()` no longer
     * compiles; code typed with `Paginator<T>`, which Twilio's own methods return, does.
     */
    expectTypeOf<Mismatches<T, O>>().toEqualTypeOf<"nextPage" | "prevPage">();
    expectTypeOf<O>().toExtend<ToOurs<Twilio.Paginator<Twilio.Message>>>();
  });
});

// ---------------------------------------------------------------------------------------------
// Events: every Twilio event exists on ours, and our listeners' arguments fit Twilio's
// ---------------------------------------------------------------------------------------------

declare const twilioClient: Twilio.Client;
declare const twilioConversation: Twilio.Conversation;
declare const twilioMessage: Twilio.Message;
declare const twilioParticipant: Twilio.Participant;
declare const twilioUser: Twilio.User;

/** Twilio's event maps are not exported: read them off `on`, one event at a time. */
type ClientEventNames = Parameters<Twilio.Client["on"]>[0];
type TwilioClientEvents = { [E in ClientEventNames]: Parameters<typeof twilioClient.on<E>>[1] };
type ConversationEventNames = Parameters<Twilio.Conversation["on"]>[0];
type TwilioConversationEvents = { [E in ConversationEventNames]: Parameters<typeof twilioConversation.on<E>>[1] };
type MessageEventNames = Parameters<Twilio.Message["on"]>[0];
type TwilioMessageEvents = { [E in MessageEventNames]: Parameters<typeof twilioMessage.on<E>>[1] };
type ParticipantEventNames = Parameters<Twilio.Participant["on"]>[0];
type TwilioParticipantEvents = { [E in ParticipantEventNames]: Parameters<typeof twilioParticipant.on<E>>[1] };
type UserEventNames = Parameters<Twilio.User["on"]>[0];
type TwilioUserEvents = { [E in UserEventNames]: Parameters<typeof twilioUser.on<E>>[1] };

declare const ourClient: Ours.Client;
declare const ourConversation: Ours.Conversation;
declare const ourMessage: Ours.Message;
declare const ourParticipant: Ours.Participant;
declare const ourUser: Ours.User;

/** `method(event)` when a call for that one event with Twilio's argument types does not compile against ours. */
type CallFits<Method extends string, E extends string, TwilioParams, OurParams> = [ToOurs<TwilioParams>] extends [OurParams] ? never : `${Method}(${E})`;

/** The generic emitter methods of Client, instantiated for each of its events. */
type ClientEmitterMismatches = {
  [E in ClientEventNames]:
    | CallFits<"on", E, Parameters<typeof twilioClient.on<E>>, Parameters<typeof ourClient.on<E>>>
    | CallFits<"once", E, Parameters<typeof twilioClient.once<E>>, Parameters<typeof ourClient.once<E>>>
    | CallFits<"off", E, Parameters<typeof twilioClient.off<E>>, Parameters<typeof ourClient.off<E>>>
    | CallFits<"addListener", E, Parameters<typeof twilioClient.addListener<E>>, Parameters<typeof ourClient.addListener<E>>>
    | CallFits<"removeListener", E, Parameters<typeof twilioClient.removeListener<E>>, Parameters<typeof ourClient.removeListener<E>>>
    | CallFits<"addListenerWithReplay", E, Parameters<typeof twilioClient.addListenerWithReplay<E>>, Parameters<typeof ourClient.addListenerWithReplay<E>>>
    | CallFits<"onWithReplay", E, Parameters<typeof twilioClient.onWithReplay<E>>, Parameters<typeof ourClient.onWithReplay<E>>>
    | CallFits<"onceWithReplay", E, Parameters<typeof twilioClient.onceWithReplay<E>>, Parameters<typeof ourClient.onceWithReplay<E>>>
}[ClientEventNames];

/** The generic emitter methods of Conversation, instantiated for each of its events. */
type ConversationEmitterMismatches = {
  [E in ConversationEventNames]:
    | CallFits<"on", E, Parameters<typeof twilioConversation.on<E>>, Parameters<typeof ourConversation.on<E>>>
    | CallFits<"once", E, Parameters<typeof twilioConversation.once<E>>, Parameters<typeof ourConversation.once<E>>>
    | CallFits<"off", E, Parameters<typeof twilioConversation.off<E>>, Parameters<typeof ourConversation.off<E>>>
    | CallFits<"addListener", E, Parameters<typeof twilioConversation.addListener<E>>, Parameters<typeof ourConversation.addListener<E>>>
    | CallFits<"removeListener", E, Parameters<typeof twilioConversation.removeListener<E>>, Parameters<typeof ourConversation.removeListener<E>>>
    | CallFits<"addListenerWithReplay", E, Parameters<typeof twilioConversation.addListenerWithReplay<E>>, Parameters<typeof ourConversation.addListenerWithReplay<E>>>
    | CallFits<"onWithReplay", E, Parameters<typeof twilioConversation.onWithReplay<E>>, Parameters<typeof ourConversation.onWithReplay<E>>>
    | CallFits<"onceWithReplay", E, Parameters<typeof twilioConversation.onceWithReplay<E>>, Parameters<typeof ourConversation.onceWithReplay<E>>>
}[ConversationEventNames];

/** The generic emitter methods of Message, instantiated for each of its events. */
type MessageEmitterMismatches = {
  [E in MessageEventNames]:
    | CallFits<"on", E, Parameters<typeof twilioMessage.on<E>>, Parameters<typeof ourMessage.on<E>>>
    | CallFits<"once", E, Parameters<typeof twilioMessage.once<E>>, Parameters<typeof ourMessage.once<E>>>
    | CallFits<"off", E, Parameters<typeof twilioMessage.off<E>>, Parameters<typeof ourMessage.off<E>>>
    | CallFits<"addListener", E, Parameters<typeof twilioMessage.addListener<E>>, Parameters<typeof ourMessage.addListener<E>>>
    | CallFits<"removeListener", E, Parameters<typeof twilioMessage.removeListener<E>>, Parameters<typeof ourMessage.removeListener<E>>>
    | CallFits<"addListenerWithReplay", E, Parameters<typeof twilioMessage.addListenerWithReplay<E>>, Parameters<typeof ourMessage.addListenerWithReplay<E>>>
    | CallFits<"onWithReplay", E, Parameters<typeof twilioMessage.onWithReplay<E>>, Parameters<typeof ourMessage.onWithReplay<E>>>
    | CallFits<"onceWithReplay", E, Parameters<typeof twilioMessage.onceWithReplay<E>>, Parameters<typeof ourMessage.onceWithReplay<E>>>
}[MessageEventNames];

/** The generic emitter methods of Participant, instantiated for each of its events. */
type ParticipantEmitterMismatches = {
  [E in ParticipantEventNames]:
    | CallFits<"on", E, Parameters<typeof twilioParticipant.on<E>>, Parameters<typeof ourParticipant.on<E>>>
    | CallFits<"once", E, Parameters<typeof twilioParticipant.once<E>>, Parameters<typeof ourParticipant.once<E>>>
    | CallFits<"off", E, Parameters<typeof twilioParticipant.off<E>>, Parameters<typeof ourParticipant.off<E>>>
    | CallFits<"addListener", E, Parameters<typeof twilioParticipant.addListener<E>>, Parameters<typeof ourParticipant.addListener<E>>>
    | CallFits<"removeListener", E, Parameters<typeof twilioParticipant.removeListener<E>>, Parameters<typeof ourParticipant.removeListener<E>>>
    | CallFits<"addListenerWithReplay", E, Parameters<typeof twilioParticipant.addListenerWithReplay<E>>, Parameters<typeof ourParticipant.addListenerWithReplay<E>>>
    | CallFits<"onWithReplay", E, Parameters<typeof twilioParticipant.onWithReplay<E>>, Parameters<typeof ourParticipant.onWithReplay<E>>>
    | CallFits<"onceWithReplay", E, Parameters<typeof twilioParticipant.onceWithReplay<E>>, Parameters<typeof ourParticipant.onceWithReplay<E>>>
}[ParticipantEventNames];

/** The generic emitter methods of User, instantiated for each of its events. */
type UserEmitterMismatches = {
  [E in UserEventNames]:
    | CallFits<"on", E, Parameters<typeof twilioUser.on<E>>, Parameters<typeof ourUser.on<E>>>
    | CallFits<"once", E, Parameters<typeof twilioUser.once<E>>, Parameters<typeof ourUser.once<E>>>
    | CallFits<"off", E, Parameters<typeof twilioUser.off<E>>, Parameters<typeof ourUser.off<E>>>
    | CallFits<"addListener", E, Parameters<typeof twilioUser.addListener<E>>, Parameters<typeof ourUser.addListener<E>>>
    | CallFits<"removeListener", E, Parameters<typeof twilioUser.removeListener<E>>, Parameters<typeof ourUser.removeListener<E>>>
    | CallFits<"addListenerWithReplay", E, Parameters<typeof twilioUser.addListenerWithReplay<E>>, Parameters<typeof ourUser.addListenerWithReplay<E>>>
    | CallFits<"onWithReplay", E, Parameters<typeof twilioUser.onWithReplay<E>>, Parameters<typeof ourUser.onWithReplay<E>>>
    | CallFits<"onceWithReplay", E, Parameters<typeof twilioUser.onceWithReplay<E>>, Parameters<typeof ourUser.onceWithReplay<E>>>
}[UserEventNames];

/** Events whose listener would get, from us, arguments that a listener written for Twilio cannot take. */
type ListenerMismatches<T extends Record<string, AnyFunction>, O extends Record<string, AnyFunction>> = {
  [E in keyof T & keyof O]: [Parameters<O[E]>] extends [ToOurs<Parameters<T[E]>>] ? never : E;
}[keyof T & keyof O];

describe("events", () => {
  it("every Twilio event exists on ours", () => {
    expectTypeOf<Exclude<ClientEventNames, keyof Ours.ClientEvents>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<ConversationEventNames, keyof Ours.ConversationEvents>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<MessageEventNames, keyof Ours.MessageEvents>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<ParticipantEventNames, keyof Ours.ParticipantEvents>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<UserEventNames, keyof Ours.UserEvents>>().toEqualTypeOf<never>();
  });

  it("listeners written for Twilio's events take what ours emit", () => {
    expectTypeOf<ListenerMismatches<TwilioClientEvents, Ours.ClientEvents>>().toEqualTypeOf<never>();
    expectTypeOf<ListenerMismatches<TwilioConversationEvents, Ours.ConversationEvents>>().toEqualTypeOf<never>();
    expectTypeOf<ListenerMismatches<TwilioMessageEvents, Ours.MessageEvents>>().toEqualTypeOf<never>();
    expectTypeOf<ListenerMismatches<TwilioParticipantEvents, Ours.ParticipantEvents>>().toEqualTypeOf<never>();
    expectTypeOf<ListenerMismatches<TwilioUserEvents, Ours.UserEvents>>().toEqualTypeOf<never>();
  });

  it("emitter methods, event by event, take Twilio's arguments", () => {
    // The check itself: a listener for another class's objects does not fit.
    expectTypeOf<CallFits<"on", "x", [string, (m: Twilio.Message) => void], [string, (m: Ours.Message) => void]>>().toEqualTypeOf<never>();
    expectTypeOf<CallFits<"on", "x", [string, (m: Twilio.Message) => void], [string, (c: Ours.Conversation) => void]>>().toEqualTypeOf<"on(x)">();
    expectTypeOf<ClientEmitterMismatches>().toEqualTypeOf<never>();
    expectTypeOf<ConversationEmitterMismatches>().toEqualTypeOf<never>();
    expectTypeOf<MessageEmitterMismatches>().toEqualTypeOf<never>();
    expectTypeOf<ParticipantEmitterMismatches>().toEqualTypeOf<never>();
    expectTypeOf<UserEmitterMismatches>().toEqualTypeOf<never>();
  });

  it("a listener typed as in a Twilio app compiles against ours", () => {
    const client = null as unknown as Ours.Client;
    const listen = () => {
      client.on("messageAdded", (message: Ours.Message) => void message.body);
      client.on("conversationUpdated", ({ conversation, updateReasons }: Ours.ConversationUpdatedEventArgs) => void [conversation.sid, updateReasons]);
      client.on("connectionStateChanged", (state: Ours.ConnectionState) => void state);
      client.onWithReplay("initialized", () => undefined);
    };
    expectTypeOf(listen).toBeFunction();
  });
});

// ---------------------------------------------------------------------------------------------
// Every name Twilio exports is exported here
// ---------------------------------------------------------------------------------------------

/** The names of lib.d.ts's final `export { ... }` (aliases read as their exported name). */
function twilioExportNames(): string[] {
  const dts = readFileSync(createRequire(import.meta.url).resolve("@twilio/conversations").replace(/lib\.js$/, "lib.d.ts"), "utf8");
  const lists = [...dts.matchAll(/^export \{([^}]*)\};?\s*$/gm)];
  const last = lists[lists.length - 1];
  if (!last) throw new Error("lib.d.ts has no export list");
  return last[1]!
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => entry.split(/\s+as\s+/).pop()!);
}

/** Twilio's exports that are types only. Each is imported from our entry just below. */
const TYPE_EXPORTS = [
  "ConversationBindings",
  "ConversationEmailBinding",
  "ConversationUpdateReason",
  "ConversationStatus",
  "NotificationLevel",
  "ConversationState",
  "ConversationUpdatedEventArgs",
  "SendMediaOptions",
  "SendEmailOptions",
  "LastMessage",
  "ParticipantUpdateReason",
  "ParticipantType",
  "ParticipantUpdatedEventArgs",
  "ParticipantBindings",
  "ParticipantEmailBinding",
  "ParticipantEmailLevel",
  "MessageUpdateReason",
  "MessageType",
  "MessageUpdatedEventArgs",
  "MediaCategory",
  "DeliveryAmount",
  "DeliveryStatus",
  "Paginator",
  "ParticipantBindingOptions",
  "UserUpdateReason",
  "UserUpdatedEventArgs",
  "PushNotificationType",
  "PushNotificationDescriptor",
  "PushNotificationData",
  "State",
  "ConnectionState",
  "NotificationsChannelType",
  "ClientOptions",
  "CreateConversationOptions",
  "ConversationLimits",
  "JSONValue",
  "JSONObject",
  "JSONArray",
  "ContentDataActionUrl",
  "ContentDataActionPhone",
  "ContentDataActionReply",
  "ContentDataActionOther",
  "ContentDataAction",
  "ContentDataText",
  "ContentDataMedia",
  "ContentDataLocation",
  "ContentDataReply",
  "ContentDataQuickReply",
  "ContentDataCallToAction",
  "ContentDataListPicker",
  "ContentDataListItem",
  "ContentDataCard",
  "ContentDataOther",
  "ContentData",
  "RecipientDescriptor",
  "EmailRecipientLevel",
] as const;


/** The imported type exports by name, to check the import above against TYPE_EXPORTS. */
type ImportedTypeExports = {
  ConversationBindings: ConversationBindings;
  ConversationEmailBinding: ConversationEmailBinding;
  ConversationUpdateReason: ConversationUpdateReason;
  ConversationStatus: ConversationStatus;
  NotificationLevel: NotificationLevel;
  ConversationState: ConversationState;
  ConversationUpdatedEventArgs: ConversationUpdatedEventArgs;
  SendMediaOptions: SendMediaOptions;
  SendEmailOptions: SendEmailOptions;
  LastMessage: LastMessage;
  ParticipantUpdateReason: ParticipantUpdateReason;
  ParticipantType: ParticipantType;
  ParticipantUpdatedEventArgs: ParticipantUpdatedEventArgs;
  ParticipantBindings: ParticipantBindings;
  ParticipantEmailBinding: ParticipantEmailBinding;
  ParticipantEmailLevel: ParticipantEmailLevel;
  MessageUpdateReason: MessageUpdateReason;
  MessageType: MessageType;
  MessageUpdatedEventArgs: MessageUpdatedEventArgs;
  MediaCategory: MediaCategory;
  DeliveryAmount: DeliveryAmount;
  DeliveryStatus: DeliveryStatus;
  ParticipantBindingOptions: ParticipantBindingOptions;
  UserUpdateReason: UserUpdateReason;
  UserUpdatedEventArgs: UserUpdatedEventArgs;
  PushNotificationType: PushNotificationType;
  PushNotificationDescriptor: PushNotificationDescriptor;
  PushNotificationData: PushNotificationData;
  State: State;
  ConnectionState: ConnectionState;
  NotificationsChannelType: NotificationsChannelType;
  ClientOptions: ClientOptions;
  CreateConversationOptions: CreateConversationOptions;
  ConversationLimits: ConversationLimits;
  JSONValue: JSONValue;
  JSONObject: JSONObject;
  JSONArray: JSONArray;
  ContentDataActionUrl: ContentDataActionUrl;
  ContentDataActionPhone: ContentDataActionPhone;
  ContentDataActionReply: ContentDataActionReply;
  ContentDataActionOther: ContentDataActionOther;
  ContentDataAction: ContentDataAction;
  ContentDataText: ContentDataText;
  ContentDataMedia: ContentDataMedia;
  ContentDataLocation: ContentDataLocation;
  ContentDataReply: ContentDataReply;
  ContentDataQuickReply: ContentDataQuickReply;
  ContentDataCallToAction: ContentDataCallToAction;
  ContentDataListPicker: ContentDataListPicker;
  ContentDataListItem: ContentDataListItem;
  ContentDataCard: ContentDataCard;
  ContentDataOther: ContentDataOther;
  ContentData: ContentData;
  RecipientDescriptor: RecipientDescriptor;
  EmailRecipientLevel: EmailRecipientLevel;
  Paginator: Paginator<unknown>;
};

describe("exports", () => {
  it("exports at runtime every value Twilio exports, of the same kind", () => {
    const twilioValues = Object.keys(TwilioRuntime).filter((name) => name !== "default" && name !== "__esModule");
    const ours = Ours as Record<string, unknown>;
    const missing = twilioValues.filter((name) => !(name in ours));
    expect(missing).toEqual([]);
    for (const name of twilioValues) expect(typeof ours[name], name).toBe(typeof (TwilioRuntime as Record<string, unknown>)[name]);
  });

  it("covers lib.d.ts's export list: values at runtime, the rest in the type import above", () => {
    expectTypeOf<keyof ImportedTypeExports>().toEqualTypeOf<(typeof TYPE_EXPORTS)[number]>();
    const names = twilioExportNames();
    expect(names.length).toBeGreaterThan(70);
    const values = names.filter((name) => name in TwilioRuntime);
    expect([...values, ...TYPE_EXPORTS].sort()).toEqual([...names].sort());
    for (const name of values) expect(Ours, name).toHaveProperty(name);
  });

  it("type exports have Twilio's shapes where no class is involved (both ways assignable)", () => {
    expectTypeOf<ConversationUpdateReason>().toEqualTypeOf<Twilio.ConversationUpdateReason>();
    expectTypeOf<ConversationStatus>().toEqualTypeOf<Twilio.ConversationStatus>();
    expectTypeOf<NotificationLevel>().toEqualTypeOf<Twilio.NotificationLevel>();
    expectTypeOf<ConversationState>().toEqualTypeOf<Twilio.ConversationState>();
    expectTypeOf<ConversationBindings>().toEqualTypeOf<Twilio.ConversationBindings>();
    expectTypeOf<ConversationEmailBinding>().toEqualTypeOf<Twilio.ConversationEmailBinding>();
    expectTypeOf<SendEmailOptions>().toEqualTypeOf<Twilio.SendEmailOptions>();
    expectTypeOf<LastMessage>().toEqualTypeOf<Twilio.LastMessage>();
    expectTypeOf<ParticipantUpdateReason>().toEqualTypeOf<Twilio.ParticipantUpdateReason>();
    expectTypeOf<ParticipantType>().toEqualTypeOf<Twilio.ParticipantType>();
    expectTypeOf<ParticipantBindings>().toEqualTypeOf<Twilio.ParticipantBindings>();
    expectTypeOf<ParticipantEmailBinding>().toEqualTypeOf<Twilio.ParticipantEmailBinding>();
    expectTypeOf<ParticipantEmailLevel>().toEqualTypeOf<Twilio.ParticipantEmailLevel>();
    expectTypeOf<ParticipantBindingOptions>().toEqualTypeOf<Twilio.ParticipantBindingOptions>();
    expectTypeOf<MessageUpdateReason>().toEqualTypeOf<Twilio.MessageUpdateReason>();
    expectTypeOf<MessageType>().toEqualTypeOf<Twilio.MessageType>();
    expectTypeOf<MediaCategory>().toEqualTypeOf<Twilio.MediaCategory>();
    expectTypeOf<DeliveryAmount>().toEqualTypeOf<Twilio.DeliveryAmount>();
    expectTypeOf<DeliveryStatus>().toEqualTypeOf<Twilio.DeliveryStatus>();
    expectTypeOf<UserUpdateReason>().toEqualTypeOf<Twilio.UserUpdateReason>();
    expectTypeOf<PushNotificationType>().toEqualTypeOf<Twilio.PushNotificationType>();
    expectTypeOf<PushNotificationDescriptor>().toEqualTypeOf<Twilio.PushNotificationDescriptor>();
    expectTypeOf<State>().toEqualTypeOf<Twilio.State>();
    expectTypeOf<ConversationLimits>().toEqualTypeOf<Twilio.ConversationLimits>();
    expectTypeOf<CreateConversationOptions>().toEqualTypeOf<Twilio.CreateConversationOptions>();
    expectTypeOf<JSONValue>().toEqualTypeOf<Twilio.JSONValue>();
    expectTypeOf<JSONObject>().toEqualTypeOf<Twilio.JSONObject>();
    expectTypeOf<JSONArray>().toEqualTypeOf<Twilio.JSONArray>();
    expectTypeOf<EmailRecipientLevel>().toEqualTypeOf<Twilio.EmailRecipientLevel>();
    expectTypeOf<ContentData>().toEqualTypeOf<Twilio.ContentData>();
    expectTypeOf<ContentDataAction>().toEqualTypeOf<Twilio.ContentDataAction>();
    expectTypeOf<ContentDataActionUrl>().toEqualTypeOf<Twilio.ContentDataActionUrl>();
    expectTypeOf<ContentDataActionPhone>().toEqualTypeOf<Twilio.ContentDataActionPhone>();
    expectTypeOf<ContentDataActionReply>().toEqualTypeOf<Twilio.ContentDataActionReply>();
    expectTypeOf<ContentDataActionOther>().toEqualTypeOf<Twilio.ContentDataActionOther>();
    expectTypeOf<ContentDataText>().toEqualTypeOf<Twilio.ContentDataText>();
    expectTypeOf<ContentDataMedia>().toEqualTypeOf<Twilio.ContentDataMedia>();
    expectTypeOf<ContentDataLocation>().toEqualTypeOf<Twilio.ContentDataLocation>();
    expectTypeOf<ContentDataReply>().toEqualTypeOf<Twilio.ContentDataReply>();
    expectTypeOf<ContentDataQuickReply>().toEqualTypeOf<Twilio.ContentDataQuickReply>();
    expectTypeOf<ContentDataCallToAction>().toEqualTypeOf<Twilio.ContentDataCallToAction>();
    expectTypeOf<ContentDataListPicker>().toEqualTypeOf<Twilio.ContentDataListPicker>();
    expectTypeOf<ContentDataListItem>().toEqualTypeOf<Twilio.ContentDataListItem>();
    expectTypeOf<ContentDataCard>().toEqualTypeOf<Twilio.ContentDataCard>();
    expectTypeOf<ContentDataOther>().toEqualTypeOf<Twilio.ContentDataOther>();
  });

  it("type exports that name classes or Twilio's internals fit after mapping", () => {
    expectTypeOf<ConversationUpdatedEventArgs>().toEqualTypeOf<ToOurs<Twilio.ConversationUpdatedEventArgs>>();
    expectTypeOf<ParticipantUpdatedEventArgs>().toEqualTypeOf<ToOurs<Twilio.ParticipantUpdatedEventArgs>>();
    expectTypeOf<MessageUpdatedEventArgs>().toEqualTypeOf<ToOurs<Twilio.MessageUpdatedEventArgs>>();
    expectTypeOf<UserUpdatedEventArgs>().toEqualTypeOf<ToOurs<Twilio.UserUpdatedEventArgs>>();
    expectTypeOf<Paginator<Ours.Message>>().toEqualTypeOf<ToOurs<Twilio.Paginator<Twilio.Message>>>();
    expectTypeOf<RecipientDescriptor>().toEqualTypeOf<ToOurs<Twilio.RecipientDescriptor>>();
    expectTypeOf<Omit<PushNotificationData, "media">>().toEqualTypeOf<Omit<Twilio.PushNotificationData, "media">>();
    expectTypeOf<PushNotificationData["media"]>().toEqualTypeOf<Ours.Media | undefined>();
    // Twilio's Buffer media is one of our Uint8Arrays.
    expectTypeOf<Twilio.SendMediaOptions>().toExtend<SendMediaOptions>();
    // Twilio's socket states ("unknown", "retrying", ...) are all ours.
    expectTypeOf<Twilio.ConnectionState>().toEqualTypeOf<ConnectionState>();
    // Twilio's is @twilio/notifications' ChannelType ("apn" | "fcm" | "twilsock"); ours are the
    // two Twilio's push methods accept at runtime ("twilsock" is its internal transport).
    expectTypeOf<NotificationsChannelType>().toExtend<Twilio.NotificationsChannelType>();
    expectTypeOf<Exclude<Twilio.NotificationsChannelType, NotificationsChannelType>>().toEqualTypeOf<"twilsock">();
    // Twilio's options (including its internal clients) are accepted by ours.
    expectTypeOf<Twilio.ClientOptions>().toExtend<ClientOptions>();
  });
});
