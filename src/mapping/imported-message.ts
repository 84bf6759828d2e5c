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

const TWILIO_SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** What an imported message's metadata says, when all of it is well formed; undefined otherwise. */
export function decodeImportedMessage(metadata: unknown): ImportedMessage | undefined {
  const sid = metadataText(metadata, IMPORT_KEYS.sid);
  const index = metadataText(metadata, IMPORT_KEYS.index);
  const created = metadataText(metadata, IMPORT_KEYS.dateCreated);
  const updated = metadataText(metadata, IMPORT_KEYS.dateUpdated);
  if (!sid || !TWILIO_SID.test(sid) || !index || !/^(0|[1-9]\d{0,15})$/.test(index) || !created || !updated) return undefined;
  if (!ISO_TIME.test(created) || !ISO_TIME.test(updated)) return undefined;
  const dateCreated = new Date(created);
  const dateUpdated = new Date(updated);
  if (Number.isNaN(dateCreated.getTime()) || Number.isNaN(dateUpdated.getTime()) || !Number.isSafeInteger(Number(index))) return undefined;
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
