/** ACS Chat service limits (service-limits page of the ACS docs), enforced by the emulator. */
export const ACS_LIMITS = {
  participantsPerThread: 250,
  participantsPerRequest: 200,
  /** "Approximately 28 KB": counted here as the UTF-8 bytes of content, display name and metadata. */
  messageSizeBytes: 28 * 1024,
  /** Thread and participant metadata: "the total size of all metadata pairs can be up to 1KB". */
  metadataBytes: 1024,
  maxPageSize: 200,
  /** Read receipts and typing indicators are not supported on larger threads. */
  receiptsAndTypingMaxParticipants: 20,
  retentionDays: { min: 30, max: 90 },
  tokenMinutes: { min: 60, max: 1440 },
} as const;

/** Page size when a list request names none (ACS does not document its default). */
export const DEFAULT_PAGE_SIZE = 100;

export const utf8Length = (text: string): number => Buffer.byteLength(text, "utf8");

export const metadataSize = (metadata: Record<string, string> | undefined): number =>
  Object.entries(metadata ?? {}).reduce((sum, [key, value]) => sum + utf8Length(key) + utf8Length(value), 0);
