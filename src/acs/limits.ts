/**
 * ACS Chat service limits (the service-limits page of the ACS docs). The client checks data
 * against them before sending; the emulator enforces them. Browser-safe: no Node built-ins.
 */
export const ACS_LIMITS = {
  participantsPerThread: 250,
  participantsPerRequest: 200,
  /** "Approximately 28 KB": counted as the UTF-8 bytes of content, display name and metadata. */
  messageSizeBytes: 28 * 1024,
  /** Thread and participant metadata: "the total size of all metadata pairs can be up to 1KB". */
  metadataBytes: 1024,
  maxPageSize: 200,
  /** Read receipts and typing indicators are not supported on larger threads. */
  receiptsAndTypingMaxParticipants: 20,
  retentionDays: { min: 30, max: 90 },
  tokenMinutes: { min: 60, max: 1440 },
} as const;

const encoder = new TextEncoder();
export const utf8Length = (text: string): number => encoder.encode(text).length;

/** Size of a metadata map as ACS counts it: the UTF-8 bytes of every key and value. */
export const metadataSize = (metadata: Record<string, string> | undefined): number =>
  Object.entries(metadata ?? {}).reduce((sum, [key, value]) => sum + utf8Length(key) + utf8Length(value), 0);
