/**
 * What the importer reads from Twilio's Conversations REST API v1, as plain records: the fields
 * it carries over to ACS, named as our Twilio-shaped objects name them. `TwilioSource` reads them
 * (paging and 429s are its business); the importer never sees Twilio's JSON.
 */

export interface TwilioConversationRecord {
  /** `CH...` */
  sid: string;
  /** The Conversation Service (`IS...`) it lives in: media are fetched through it. */
  chatServiceSid: string;
  friendlyName: string | null;
  uniqueName: string | null;
  /** Twilio's `attributes`: a JSON string, as Twilio stores it ("{}" when none). */
  attributes: string;
  /** Twilio's state enum also has "initializing" (https://github.com/twilio/twilio-oai, conversation_enum_state). */
  state: "initializing" | "active" | "inactive" | "closed";
  dateCreated: Date;
  dateUpdated: Date;
}

export interface TwilioParticipantRecord {
  /** `MB...` */
  sid: string;
  /** Null for SMS/WhatsApp participants (they have a `messagingBinding` instead). */
  identity: string | null;
  attributes: string;
  lastReadMessageIndex: number | null;
  /** Non-null for non-chat participants (SMS, WhatsApp, ...): reported and skipped. */
  messagingBinding: Record<string, unknown> | null;
  dateCreated: Date;
}

export interface TwilioMediaRecord {
  /** `ME...` */
  sid: string;
  filename: string | null;
  contentType: string;
  size: number;
  /** "media" for attachments; the SDK also knows "body" and "history" (email). "media" when Twilio gives none, as the SDK reads it. */
  category: string;
}

export interface TwilioMessageRecord {
  /** `IM...` */
  sid: string;
  index: number;
  /** The author's identity (or a phone number for SMS authors); null when Twilio has none. */
  author: string | null;
  body: string | null;
  attributes: string;
  /** Null or [] when the message has no media. */
  media: TwilioMediaRecord[] | null;
  participantSid: string | null;
  dateCreated: Date;
  /** Twilio sends null for a message never edited; then `dateCreated`. */
  dateUpdated: Date;
}

export interface TwilioUserRecord {
  /** `US...` */
  sid: string;
  identity: string;
  friendlyName: string | null;
  attributes: string;
}

export interface TwilioMediaContent {
  bytes: Uint8Array;
  contentType: string;
}

/** Reads one Twilio account's (and Conversation Service's) conversations. */
export interface TwilioSource {
  /** Every conversation (of the service), oldest first where Twilio orders them; `since`: only those updated at or after it. */
  conversations(options?: { since?: Date }): AsyncIterable<TwilioConversationRecord>;
  /** One conversation by sid (`CH...`) or unique name; rejects with TwilioSourceError (status 404) when there is none. */
  conversation(sidOrUniqueName: string): Promise<TwilioConversationRecord>;
  participants(conversationSid: string): AsyncIterable<TwilioParticipantRecord>;
  /** Messages ascending by index. */
  messages(conversationSid: string): AsyncIterable<TwilioMessageRecord>;
  /** The index of the conversation's newest message; undefined when it has none. */
  newestMessageIndex(conversationSid: string): Promise<number | undefined>;
  /** Every User (of the service): people who never joined a conversation still have a friendly name. */
  users(): AsyncIterable<TwilioUserRecord>;
  /** A user by identity; undefined when Twilio has no User for it. */
  user(identity: string): Promise<TwilioUserRecord | undefined>;
  /** A media file's bytes, through Twilio's Media Content Service. */
  mediaContent(chatServiceSid: string, media: TwilioMediaRecord): Promise<TwilioMediaContent>;
}
