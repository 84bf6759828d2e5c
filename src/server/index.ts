/**
 * `twilio-conversations-acs/server`: what a Twilio app's server becomes on ACS. The server kit
 * (tokens, identity and conversation directories, joining, as one Fetch-API handler), its
 * directory stores, the Event Grid event source, the Azure Blob media store, and the importer of
 * conversation history from Twilio (the `import` command, for teams that script it).
 */
export {
  createServerKit,
  MAX_FRIENDLY_NAME_LENGTH,
  MAX_MUTED_CONVERSATIONS,
  MAX_USER_ATTRIBUTES_BYTES,
  type IssuedToken,
  type ServerKit,
  type ServerKitOptions,
  type UniqueNameRequest,
  type UploadSweepResult,
} from "./server-kit.js";
export { MemoryDirectoryStore, type DirectoryStore, type ImportCheckpoint, type NotificationLevelSetting, type PendingUpload, type UniqueNameClaim } from "./directory-store.js";
export { TableDirectoryStore, type TableDirectoryStoreOptions } from "./table-directory-store.js";
export { EventGridSource, type EventGridSourceOptions } from "../events/event-grid-source.js";
export type { PushReadLimits } from "../events/push-read-limiter.js";
export type { ExternalEventSource, Nudge, NudgeSink, ReadLimiter } from "../events/nudges.js";
export { BlobMediaStore, type BlobMediaStoreOptions } from "../media/blob-media-store.js";
// Named by the exports above (stores implement them, profiles carry JSON), so apps can name them too.
export type { MediaStore, MediaUpload, StoredMedia } from "../media/media-store.js";
export type { UserProfile } from "../identity/identity-resolver.js";
export type { JSONArray, JSONObject, JSONValue } from "../mapping/json.js";
export {
  importFromTwilio,
  planImportFromTwilio,
  type ImportFromTwilioOptions,
  type ImportPlan,
  type ImportProgress,
} from "../migrate/import/importer.js";
export { formatImportReport, type ConversationOutcome, type ConversationReport, type ImportReport, type Omission } from "../migrate/import/report.js";
export { TwilioRestSource, TwilioSourceError, type TwilioRestSourceOptions, type TwilioRetryEvent, type TwilioSourceErrorKind, type TwilioSourceStats } from "../migrate/import/twilio-source.js";
export type {
  TwilioConversationRecord,
  TwilioMediaContent,
  TwilioMediaRecord,
  TwilioMessageRecord,
  TwilioParticipantRecord,
  TwilioSource,
  TwilioUserRecord,
} from "../migrate/import/twilio-records.js";
