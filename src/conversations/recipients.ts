/**
 * Twilio's message recipients (email channel). ACS Chat has no email or SMS channels, so
 * `Message.getMessageRecipients()` and `Conversation.getMessageRecipients()` return no
 * recipients. The classes exist so that apps keep their annotations and `instanceof` checks.
 */

/** Level of an email recipient. */
export type EmailRecipientLevel = "to" | "from" | "cc";

/** An email recipient as Twilio's REST API returns it (input of {@link EmailRecipientDescriptor}). */
export type MessageRecipient = {
  message_sid: string;
  type: "email";
  level: EmailRecipientLevel;
  name: string;
  address: string;
};

/**
 * A recipient of any type as Twilio's REST API returns it (input of
 * {@link UnknownRecipientDescriptor}).
 */
export type RawMessageRecipient = {
  message_sid: string;
  type: string;
  [field: string]: unknown;
};

/** An email recipient of a message. */
export class EmailRecipientDescriptor {
  /** Type of recipient. */
  readonly type = "email";
  /** Sid of the message the recipient belongs to. */
  readonly messageSid: string;
  /** Level of the recipient (to, from, cc). */
  readonly level: EmailRecipientLevel;
  /** Name of the recipient. */
  readonly name: string;
  /** Email address of the recipient. */
  readonly address: string;

  constructor(recipient: MessageRecipient) {
    this.messageSid = recipient.message_sid;
    this.level = recipient.level;
    this.name = recipient.name;
    this.address = recipient.address;
  }
}

/** A recipient of a type this SDK does not know; `rawData` holds it as JSON text. */
export class UnknownRecipientDescriptor {
  /** Type of recipient. */
  readonly type: string;
  /** Sid of the message the recipient belongs to. */
  readonly messageSid: string;
  /** The whole recipient as JSON text. */
  readonly rawData: string;

  constructor(recipient: MessageRecipient | RawMessageRecipient) {
    this.type = recipient.type;
    this.messageSid = recipient.message_sid;
    this.rawData = JSON.stringify(recipient);
  }
}

/** A recipient of a message. */
export type RecipientDescriptor = EmailRecipientDescriptor | UnknownRecipientDescriptor;
