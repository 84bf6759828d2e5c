/**
 * `twilio-conversations-acs/server`: what a Twilio app's server becomes on ACS. The server kit
 * (tokens, identity and conversation directories, joining, as one Fetch-API handler), its
 * directory stores, the Event Grid event source and the Azure Blob media store.
 */
export {
  createServerKit,
  MAX_FRIENDLY_NAME_LENGTH,
  MAX_USER_ATTRIBUTES_BYTES,
  type IssuedToken,
  type ServerKit,
  type ServerKitOptions,
  type UniqueNameRequest,
  type UploadSweepResult,
} from "./server-kit.js";
export { MemoryDirectoryStore, type DirectoryStore, type PendingUpload, type UniqueNameClaim } from "./directory-store.js";
export { TableDirectoryStore } from "./table-directory-store.js";
export { EventGridSource, type EventGridSourceOptions } from "../events/event-grid-source.js";
export type { ExternalEventSource, Nudge, NudgeSink } from "../events/nudges.js";
export { BlobMediaStore, type BlobMediaStoreOptions } from "../media/blob-media-store.js";
