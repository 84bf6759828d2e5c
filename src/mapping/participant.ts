/** ACS chat participants <-> the data of a Twilio Participant. */
import type { ChatParticipant } from "@azure/communication-chat";
import { decodeAttributes, encodeAttributes } from "./attributes.js";
import { userIdOf } from "./identifier.js";
import type { JSONValue } from "./json.js";
import { METADATA_KEYS } from "./metadata-keys.js";

export interface ParticipantData {
  /** The ACS user id: the participant's `sid`. */
  sid: string;
  attributes: JSONValue;
  /**
   * What whoever added the participant wrote as its name. Display only: anyone adding a
   * participant writes it, so it never stands for an identity (the identity resolver decides).
   */
  displayName: string | null;
}

/** Typed by ACS's word only: what a raw REST client wrote may be anything. */
const displayNameOf = (participant: ChatParticipant): string | undefined => (typeof participant.displayName === "string" ? participant.displayName : undefined);

export function toParticipantData(participant: ChatParticipant): ParticipantData | undefined {
  const sid = userIdOf(participant.id);
  if (sid === null) return undefined;
  return {
    sid,
    attributes: decodeAttributes(participant.metadata),
    displayName: displayNameOf(participant) || null,
  };
}

/** What we add a participant with: the identity as display name and in metadata, for native clients to show. */
export function toAcsParticipant(userId: string, identity: string, attributes: JSONValue | undefined): ChatParticipant {
  return {
    id: { communicationUserId: userId },
    displayName: identity,
    metadata: {
      [METADATA_KEYS.identity]: identity,
      ...(attributes !== undefined ? { [METADATA_KEYS.attributes]: encodeAttributes(attributes) } : {}),
    },
  };
}
