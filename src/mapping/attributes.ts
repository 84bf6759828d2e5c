/**
 * Twilio attributes (any JSON) <-> ACS metadata (string to string): the JSON text under one key.
 * Every JSON value round-trips; what JSON cannot carry is refused before any request.
 */
import { InvalidArgumentError, LimitExceededError } from "../conversations/errors.js";
import { ACS_LIMITS, metadataSize } from "./acs-limits.js";
import { findNonJson, type JSONValue } from "./json.js";
import { METADATA_KEYS } from "./metadata-keys.js";

/** JSON text of attributes; throws InvalidArgumentError naming the field for non-JSON values. */
export function encodeAttributes(attributes: unknown, field = "attributes"): string {
  if (attributes === undefined) throw new InvalidArgumentError(field, "attributes must be a JSON value, got undefined");
  const problem = findNonJson(attributes);
  if (problem) throw new InvalidArgumentError(field, `attributes must be JSON: ${problem}`);
  return JSON.stringify(attributes);
}

/**
 * Attributes read back from metadata. Absent means Twilio's default `{}`; text that is not JSON
 * (written by another client) is kept as a string rather than lost.
 */
export function decodeAttributes(metadata: Record<string, string> | undefined): JSONValue {
  const text = metadata?.[METADATA_KEYS.attributes];
  // A fresh object each time: callers hand it to apps, which may mutate it.
  // A fresh object each time: apps may mutate what they get.
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as JSONValue;
  } catch {
    return text;
  }
}

/** Metadata with the attributes set, other keys kept. */
export function withAttributes(metadata: Record<string, string> | undefined, attributes: unknown, field?: string): Record<string, string> {
  return { ...metadata, [METADATA_KEYS.attributes]: encodeAttributes(attributes, field) };
}

/**
 * Throws LimitExceededError when thread or participant metadata is over ACS's 1 KB, naming what
 * holds it (e.g. "Conversation attributes and unique name").
 */
export function assertMetadataFits(metadata: Record<string, string>, subject: string): void {
  const size = metadataSize(metadata);
  if (size > ACS_LIMITS.metadataBytes) throw new LimitExceededError(subject, size, ACS_LIMITS.metadataBytes, "bytes of ACS metadata");
}
