/** ACS thread properties <-> the data of a Twilio Conversation. */
import type { ChatThreadProperties } from "@azure/communication-chat";
import { decodeAttributes } from "./attributes.js";
import { ignoreProblems, metadataText, type ReportProblem } from "./foreign-data.js";
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
  dateCreated: Date;
  /** The thread metadata as ACS holds it, for updates that must keep the other keys. */
  metadata: Record<string, string>;
}

export function toConversationData(properties: ChatThreadProperties, report: ReportProblem = ignoreProblems): ConversationData {
  const metadata = properties.metadata ?? {};
  return {
    sid: properties.id,
    friendlyName: (typeof properties.topic === "string" && properties.topic) || null,
    // Empty means none: ACS metadata cannot delete a key through the SDK.
    uniqueName: metadataText(metadata, METADATA_KEYS.uniqueName) || null,
    attributes: decodeAttributes(metadata, report),
    createdByUserId: userIdOf(properties.createdBy),
    dateCreated: properties.createdOn,
    metadata,
  };
}
