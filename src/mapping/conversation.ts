/** ACS thread properties <-> the data of a Twilio Conversation. */
import type { ChatThreadProperties } from "@azure/communication-chat";
import { decodeAttributes } from "./attributes.js";
import { ignoreProblems, metadataText, type ReportProblem } from "./foreign-data.js";
import { decodeImportedThread, shownThreadTimes, type ImportedThread } from "./imported-message.js";
import type { JSONValue } from "./json.js";
import { METADATA_KEYS } from "./metadata-keys.js";
import { userIdOf } from "./identifier.js";

export interface ConversationData {
  sid: string;
  /** Twilio's friendlyName is the ACS topic; an empty topic reads as no name. */
  friendlyName: string | null;
  uniqueName: string | null;
  attributes: JSONValue;
  createdByUserId: string | null;
  /** When it was created: for a conversation imported from Twilio, its original time (see imported-message.ts). */
  dateCreated: Date;
  /** What the importer wrote of its Twilio past, if it was imported. */
  imported: ImportedThread;
  /** The thread metadata as ACS holds it, for updates that must keep the other keys. */
  metadata: Record<string, string>;
}

export function toConversationData(properties: ChatThreadProperties, report: ReportProblem = ignoreProblems): ConversationData {
  const metadata = properties.metadata ?? {};
  const imported = decodeImportedThread(metadata);
  return {
    sid: properties.id,
    friendlyName: (typeof properties.topic === "string" && properties.topic) || null,
    // Empty means none: ACS metadata cannot delete a key through the SDK.
    uniqueName: metadataText(metadata, METADATA_KEYS.uniqueName) || null,
    attributes: decodeAttributes(metadata, report),
    createdByUserId: userIdOf(properties.createdBy),
    dateCreated: shownThreadTimes(properties.createdOn, undefined, imported).dateCreated,
    imported,
    metadata,
  };
}
