/**
 * `twilio-conversations-acs/emulator`: a local Azure Communication Services Chat + Identity
 * service over HTTPS, which the real `@azure/communication-chat` and
 * `@azure/communication-identity` SDKs talk to as they would to Azure.
 */
export { startEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";
export type { TimestampPrecision } from "./wire.js";
export type { MediaServiceOptions } from "./media-service.js";
export type { AcsChatEvent, AcsChatEventDataMap, AcsChatEventType, EventGridEvent, EventIdentifier, EventThreadParticipant } from "./event-grid.js";
export { EmulatorEventFeed, WebhookSubscription, type WebhookOptions, type WebhookStatus } from "./event-grid-feed.js";
export type { Fault, FaultController, FaultHandle, FaultRule } from "./faults.js";
export type { RequestLogEntry } from "./http-api.js";
export type { RealtimeNotifications, RealtimeOptions } from "./realtime/server.js";
export type { DeliveredNotification } from "./realtime/sessions.js";
export { REALTIME_EVENT_IDS, type RealtimeEventName } from "./realtime/notifications.js";
export { ACS_LIMITS } from "./limits.js";
export { ACS_RATE_LIMITS } from "./rate-limits.js";
