/**
 * `twilio-conversations-acs/server`: what a Twilio app's server becomes on ACS. The server kit
 * (tokens, identity and conversation directories, joining, as one Fetch-API handler), its
 * directory stores, the Event Grid event source and the Azure Blob media store.
 */
export { createServerKit, type IssuedToken, type ServerKit, type ServerKitOptions } from "./server-kit.js";
export { MemoryDirectoryStore, type DirectoryStore } from "./directory-store.js";
export { TableDirectoryStore } from "./table-directory-store.js";
export { EventGridSource, type EventGridSourceOptions } from "../events/event-grid-source.js";
export type { ExternalEventSource, Nudge, NudgeSink } from "../events/nudges.js";
export { BlobMediaStore, type BlobMediaStoreOptions } from "../media/blob-media-store.js";
