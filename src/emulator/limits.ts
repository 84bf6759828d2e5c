/** The emulator enforces the same ACS limits the client checks against: one table for both. */
export { ACS_LIMITS, metadataSize, utf8Length } from "../acs/limits.js";

/** Page size when a list request names none (ACS does not document its default). */
export const DEFAULT_PAGE_SIZE = 100;
