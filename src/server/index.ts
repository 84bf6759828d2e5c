/**
 * `twilio-conversations-acs/server`: server-side pieces. Today the Event Grid source: a Fetch-API
 * webhook that feeds ACS's Event Grid chat events to clients running on the server (bots, back
 * ends). Token issuing and the directories arrive with the server-kit milestone.
 */
export { EventGridSource, type EventGridSourceOptions } from "../events/event-grid-source.js";
export type { ExternalEventSource, Nudge, NudgeSink } from "../events/nudges.js";
export { BlobMediaStore, type BlobMediaStoreOptions } from "../media/blob-media-store.js";
