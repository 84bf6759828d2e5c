/**
 * Twilio's delivery receipts for SMS/WhatsApp messages. ACS Chat has no channel delivery
 * statuses, only read receipts: `Message.aggregatedDeliveryReceipt` and
 * `getDetailedDeliveryReceipts()` build these classes from them (sent and delivered always
 * "all", statuses always "read"); see their rows in src/capabilities.ts.
 */

/** How many of the participants have a delivery status for a message. */
export type DeliveryAmount = "none" | "some" | "all";

/** The delivery status of a message for one participant. */
export type DeliveryStatus = "sent" | "delivered" | "failed" | "read" | "undelivered" | "queued";

/** Input of {@link AggregatedDeliveryReceipt}: one {@link DeliveryAmount} per status. */
export interface AggregatedDeliveryDescriptor {
  total: number;
  delivered: DeliveryAmount;
  failed: DeliveryAmount;
  read: DeliveryAmount;
  sent: DeliveryAmount;
  undelivered: DeliveryAmount;
}

/** Delivery statuses of a message aggregated over all participants of its conversation. */
export class AggregatedDeliveryReceipt {
  readonly #state: Readonly<AggregatedDeliveryDescriptor>;

  constructor(data: AggregatedDeliveryDescriptor) {
    this.#state = {
      total: data.total,
      sent: data.sent,
      delivered: data.delivered,
      read: data.read,
      undelivered: data.undelivered,
      failed: data.failed,
    };
  }

  /** Maximum number of delivery events expected for the message. */
  get total(): number {
    return this.#state.total;
  }

  /** Participants for which the nearest upstream carrier accepted the message. */
  get sent(): DeliveryAmount {
    return this.#state.sent;
  }

  /** Participants for which the carrier (and, where available, the handset) confirmed delivery. */
  get delivered(): DeliveryAmount {
    return this.#state.delivered;
  }

  /** Participants that opened the message (with read receipts enabled). */
  get read(): DeliveryAmount {
    return this.#state.read;
  }

  /** Participants for which a receipt said the message was not delivered. */
  get undelivered(): DeliveryAmount {
    return this.#state.undelivered;
  }

  /** Participants to which the message could not be sent. */
  get failed(): DeliveryAmount {
    return this.#state.failed;
  }
}

/** Input of {@link DetailedDeliveryReceipt}, in Twilio's REST (snake_case) shape. */
export interface DetailedDeliveryReceiptDescriptor {
  sid: string;
  message_sid: string;
  conversation_sid: string;
  channel_message_sid: string;
  participant_sid: string;
  status: DeliveryStatus;
  error_code: string | null;
  date_created: string;
  date_updated: string;
}

/** The delivery receipt of a message for one participant. */
export class DetailedDeliveryReceipt {
  /** Unique identifier of the delivery receipt. */
  sid: string;
  /** Unique identifier of the message in the conversation. */
  messageSid: string;
  /** Unique identifier of the conversation. */
  conversationSid: string;
  /** Unique identifier of the channel message (`SM...` for SMS, `WA...` for WhatsApp). */
  channelMessageSid: string;
  /** Unique identifier of the participant. */
  participantSid: string;
  /** Status of the delivery; `"queued"` when the descriptor has none. */
  status: DeliveryStatus;
  /** Error code of the delivery, `0` when there is none. */
  errorCode: string | 0;
  /** Creation date, as Twilio's REST API sent it. */
  dateCreated: string;
  /** Last update date, as Twilio's REST API sent it. */
  dateUpdated: string;

  constructor(descriptor: DetailedDeliveryReceiptDescriptor) {
    this.sid = descriptor.sid;
    this.messageSid = descriptor.message_sid;
    this.conversationSid = descriptor.conversation_sid;
    this.channelMessageSid = descriptor.channel_message_sid;
    this.participantSid = descriptor.participant_sid;
    this.status = descriptor.status || "queued";
    this.errorCode = descriptor.error_code || 0;
    this.dateCreated = descriptor.date_created;
    this.dateUpdated = descriptor.date_updated;
  }
}
