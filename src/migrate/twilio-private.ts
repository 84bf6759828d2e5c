/**
 * The private fields Twilio's typings (`@twilio/conversations` 3.0.1, `builds/lib.d.ts`) declare on
 * the public classes, besides the `_`-prefixed ones: apps that read them reach into Twilio's
 * internals, which this library does not have. `test/migrate/analysis.test.ts` checks this list
 * against Twilio's typings.
 */
export const TWILIO_PRIVATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Conversation: ["preprocessUpdate"],
  Message: ["links", "configuration", "services", "state"],
  Participant: ["state", "links", "services"],
  User: ["links", "configuration", "services", "entity", "state", "promiseToFetch", "subscribed"],
  Media: ["state", "services", "mcsMedia"],
  MessageBuilder: ["limits", "message", "emailBodies", "emailHistories"],
  UnsentMessage: ["messagesEntity"],
  RestPaginator: ["state"],
  AggregatedDeliveryReceipt: ["state"],
};
