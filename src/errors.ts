/**
 * The errors this library throws. Few, each one something a caller can act on; check
 * `error.name` rather than `instanceof` across bundles.
 */

/** The MIGRATION.md sections that errors and the capability table point to: a typo does not compile. */
export type MigrationSection =
  | "Push notifications"
  | "Media"
  | "Content templates"
  | "Email"
  | "SMS, WhatsApp and email participants"
  | "Read horizon and unread counts"
  | "Users and profiles"
  | "Identities"
  | "Attributes of others";

/** A Twilio feature with no ACS Chat equivalent (SMS/WhatsApp participants, push, content templates, email). */
export class UnsupportedFeatureError extends Error {
  override readonly name = "UnsupportedFeatureError";
  constructor(
    /** The Twilio member, e.g. `Conversation.addNonChatParticipant`. */
    readonly feature: string,
    /** The MIGRATION.md section that explains the gap and what to do instead. */
    readonly migrationSection: MigrationSection,
    reason: string,
  ) {
    super(`${feature} is not supported on Azure Communication Services: ${reason} See MIGRATION.md, "${migrationSection}".`);
  }
}

/** An argument of the wrong type or shape, named by its field, caught before any request. */
export class InvalidArgumentError extends TypeError {
  override readonly name = "InvalidArgumentError";
  constructor(
    /** The parameter or option path, e.g. `options.friendlyName`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Data too large for ACS (metadata, message size, participant counts), caught before any request. */
export class LimitExceededError extends RangeError {
  override readonly name = "LimitExceededError";
  constructor(
    /** What was too large, e.g. `Conversation attributes`. */
    readonly subject: string,
    readonly size: number,
    readonly limit: number,
    readonly unit: string,
  ) {
    super(`${subject} take ${size} ${unit}; the limit is ${limit} ${unit}.`);
  }
}

/** A conversation, participant, message or user that does not exist or is not visible to this user. */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
}

/** A unique name already taken. `code` is Twilio's (50353), so apps that check it keep working. */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * The change is outside this user's rights (the client's attribute policy: by default Twilio's
 * default conversation role). `code` is Twilio's "User unauthorized for command" (50107).
 */
export class PermissionDeniedError extends Error {
  override readonly name = "PermissionDeniedError";
  readonly code = 50107;
  readonly statusCode = 403;
}

/** ACS answered an error. `statusCode` and `code` are ACS's; `cause` is the SDK's RestError. */
export class AcsRequestError extends Error {
  override readonly name = "AcsRequestError";
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The message was sent, but its index could not be read back. Do not send it again: it is in the
 * conversation (`messageSid`), and arrives as `messageAdded` once ACS answers reads again.
 */
export class MessageSentError extends Error {
  override readonly name = "MessageSentError";
  constructor(
    readonly messageSid: string,
    cause: unknown,
  ) {
    super(`The message was sent (sid ${messageSid}), but reading its index failed; do not send it again.`, { cause });
  }
}

/** Twilio's error for a unique name in use (code 50353). */
export function uniqueNameTaken(uniqueName: string | null | undefined): ConflictError {
  return new ConflictError(`Conversation with provided unique name already exists: ${uniqueName}`, 50353);
}

export function noMediaStore(feature: string): UnsupportedFeatureError {
  return new UnsupportedFeatureError(feature, "Media", "ACS Chat stores no files: give the client a `mediaStore` (see MIGRATION.md).");
}

/**
 * A service this library talks to over HTTP (the server kit, a media endpoint) answered an error.
 * `statusCode` is the HTTP status.
 */
export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** The client could not start (Twilio's `initFailed`); `cause` is what failed. */
export class InitializationError extends Error {
  override readonly name = "InitializationError";
}

/** The operation was cancelled (`CancellablePromise.cancel()`, an AbortSignal): nothing was sent. */
export class AbortError extends Error {
  override readonly name = "AbortError";
}

/** The client was shut down (`client.shutdown()`): it makes no more requests. */
export class ClientShutDownError extends Error {
  override readonly name = "ClientShutDownError";
  constructor() {
    super("The client was shut down; create a new Client to go on.");
  }
}

/**
 * Whether an error says the thing is gone for this user: ACS answers 404 for what does not exist
 * and 403 for what this user may not see (a thread they are not in).
 */
export function isGone(error: unknown): boolean {
  const status = statusOf(error);
  return status === 403 || status === 404;
}

/** The HTTP status an error carries, if any (ours, or the ACS SDK's RestError). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}
