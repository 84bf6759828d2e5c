/**
 * The metadata keys this library writes on ACS threads, participants and messages. Prefixed so
 * they never clash with an app's own metadata, and readable by native ACS clients.
 */
export const METADATA_KEYS = {
  /** JSON of the Twilio `attributes` (thread, participant or message). */
  attributes: "twilioAttributes",
  /** The Twilio identity of a participant. */
  identity: "twilioIdentity",
  /** The conversation's Twilio `uniqueName`. */
  uniqueName: "twilioUniqueName",
  /** Marks a control message: an update ACS cannot make in place, hidden from Twilio-shaped reads. */
  control: "twilioControl",
  /** Id of the latest participant-attributes snapshot message (thread metadata). */
  participantAttributes: "twilioParticipantAttributes",
} as const;
