/**
 * `twilio-conversations-acs`: the `@twilio/conversations` 3.x API on Azure Communication
 * Services Chat. The Twilio-shaped client (Client, Conversation, Message, ...) is built on the
 * emulator and lands in the next milestone; this entry already fixes the package layout.
 */
export const version = "0.1.0";
