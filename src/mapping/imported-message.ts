/**
 * Messages brought over from Twilio by the importer carry their Twilio sid, index and times in
 * metadata. ACS stamps a message with the time it was sent, so the original times are shown from
 * here. Any participant can write these keys on their own messages, so they are read as claims:
 * a message may show an earlier time than ACS's (its original one), never a later one.
 */
import { metadataText } from "./foreign-data.js";

export const IMPORT_KEYS = {
  sid: "twilioImportedSid",
  index: "twilioImportedIndex",
  dateCreated: "twilioDateCreated",
  dateUpdated: "twilioDateUpdated",
} as const;

export interface ImportedMessage {
  /** Twilio's message sid (`IM...`). */
  sid: string;
  /** Twilio's index of the message. */
  index: number;
  dateCreated: Date;
  dateUpdated: Date;
}

export function encodeImportedMessage(message: ImportedMessage): Record<string, string> {
  return {
    [IMPORT_KEYS.sid]: message.sid,
    [IMPORT_KEYS.index]: String(message.index),
    [IMPORT_KEYS.dateCreated]: message.dateCreated.toISOString(),
    [IMPORT_KEYS.dateUpdated]: message.dateUpdated.toISOString(),
  };
}

/** A date as the importer writes it (`toISOString()`), else undefined: no other spelling is taken. */
function isoDate(text: string | undefined): Date | undefined {
  const date = new Date(text ?? Number.NaN);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text ? date : undefined;
}

/** What an imported message's metadata says, when all of it is well formed; undefined otherwise. */
export function decodeImportedMessage(metadata: unknown): ImportedMessage | undefined {
  const text = (key: string) => metadataText(metadata, key);
  const sid = text(IMPORT_KEYS.sid);
  const index = text(IMPORT_KEYS.index);
  const dateCreated = isoDate(text(IMPORT_KEYS.dateCreated));
  const dateUpdated = isoDate(text(IMPORT_KEYS.dateUpdated));
  if (!sid || !/^[A-Z]{2}[\da-f]{32}$/i.test(sid) || !index || !/^(0|[1-9]\d*)$/.test(index) || !Number.isSafeInteger(Number(index)) || !dateCreated || !dateUpdated) return undefined;
  return { sid, index: Number(index), dateCreated, dateUpdated };
}

/**
 * The times a message shows: an imported message's original ones, bounded by ACS's (never after
 * it was sent to ACS; updated never before created). An edit made on ACS after the import is
 * ACS's time.
 */
export function shownTimes(acs: { createdOn: Date; editedOn?: Date | undefined }, imported: ImportedMessage | undefined): { dateCreated: Date; dateUpdated: Date } {
  if (!imported) return { dateCreated: acs.createdOn, dateUpdated: acs.editedOn ?? acs.createdOn };
  const sent = acs.createdOn.getTime();
  const created = Math.min(imported.dateCreated.getTime(), sent);
  if (acs.editedOn) return { dateCreated: new Date(created), dateUpdated: acs.editedOn };
  const updated = Math.min(Math.max(imported.dateUpdated.getTime(), created), sent);
  return { dateCreated: new Date(created), dateUpdated: new Date(updated) };
}

/** Keys of a thread imported from Twilio (thread metadata), written by the importer. */
export const IMPORTED_THREAD_KEYS = {
  /** The conversation's `date_created` on Twilio. */
  dateCreated: "twilioDateCreated",
  /** When its last message was sent on Twilio. */
  lastMessageOn: "twilioLastMessageOn",
  /** ACS's time of the import's last write: activity up to it is the import's, later activity is new. */
  importedUpTo: "twilioImportedUpTo",
} as const;

export interface ImportedThread {
  dateCreated?: Date;
  lastMessage?: { on: Date; importedUpTo: Date };
}

export function decodeImportedThread(metadata: unknown): ImportedThread {
  const text = (key: string) => metadataText(metadata, key);
  const dateCreated = isoDate(text(IMPORTED_THREAD_KEYS.dateCreated));
  const on = isoDate(text(IMPORTED_THREAD_KEYS.lastMessageOn));
  const importedUpTo = isoDate(text(IMPORTED_THREAD_KEYS.importedUpTo));
  return { ...(dateCreated ? { dateCreated } : {}), ...(on && importedUpTo ? { lastMessage: { on, importedUpTo } } : {}) };
}

/**
 * A conversation's times: an imported one's original creation, and its last message's original
 * time while nothing newer came (ACS moves a thread's last-message time for the import's own
 * writes). Bounded by ACS's as message times are: never later.
 */
export function shownThreadTimes(createdOn: Date, lastMessageReceivedOn: Date | undefined, imported: ImportedThread): { dateCreated: Date; lastActivity: Date | undefined } {
  const dateCreated = imported.dateCreated && imported.dateCreated < createdOn ? imported.dateCreated : createdOn;
  const last = imported.lastMessage;
  if (!lastMessageReceivedOn || !last || lastMessageReceivedOn > last.importedUpTo) return { dateCreated, lastActivity: lastMessageReceivedOn };
  return { dateCreated, lastActivity: last.on < lastMessageReceivedOn ? last.on : lastMessageReceivedOn };
}
