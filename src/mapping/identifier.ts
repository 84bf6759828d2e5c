/** ACS identifiers -> the ACS user id this library deals in. */
import type { CommunicationIdentifier } from "@azure/communication-common";

/** The ACS user id of an identifier (a message's sender, a thread's creator, a participant); null for other kinds or none. */
export function userIdOf(identifier: CommunicationIdentifier | undefined): string | null {
  return identifier !== undefined && "communicationUserId" in identifier ? identifier.communicationUserId : null;
}
