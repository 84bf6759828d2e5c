/**
 * Twilio attributes (any JSON) <-> ACS metadata (string to string): the JSON text under one key.
 * Every JSON value round-trips; what JSON cannot carry is refused before any request.
 */
import { InvalidArgumentError, LimitExceededError } from "../errors.js";
import { ACS_LIMITS, metadataSize, utf8Length } from "../acs/limits.js";
import { ATTRIBUTE_LIMITS, ignoreProblems, metadataText, nestingDepth, parseBoundedJson, type JsonLimits, type ReportProblem } from "./foreign-data.js";
import { findNonJson, type JSONValue } from "./json.js";
import { METADATA_KEYS } from "./metadata-keys.js";

/**
 * JSON text of attributes; throws InvalidArgumentError naming the field for non-JSON values or
 * too deep nesting, LimitExceededError over the size: what we write, every client reads back.
 */
export function encodeAttributes(attributes: unknown, field = "attributes", limits: JsonLimits = ATTRIBUTE_LIMITS): string {
  if (attributes === undefined) throw new InvalidArgumentError(field, "attributes must be a JSON value, got undefined");
  const problem = findNonJson(attributes);
  if (problem) throw new InvalidArgumentError(field, `attributes must be JSON: ${problem}`);
  const text = JSON.stringify(attributes);
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) throw new InvalidArgumentError(field, `attributes may nest at most ${limits.maxDepth} levels deep`);
  const size = utf8Length(text);
  if (size > limits.maxBytes) throw new LimitExceededError(`Attributes (${field})`, size, limits.maxBytes, "bytes of JSON");
  return text;
}

/**
 * Attributes read back from metadata. Absent means Twilio's default `{}`; text that is not JSON
 * (written by another client) is kept as a string rather than lost, and so is JSON over the
 * limits (reported): its value would cost every client that handles it.
 */
export function decodeAttributes(metadata: Record<string, string> | undefined, report: ReportProblem = ignoreProblems): JSONValue {
  const text = metadataText(metadata, METADATA_KEYS.attributes);
  // A fresh object each time: callers hand it to apps, which may mutate it.
  if (text === undefined) return {};
  const parsed = parseBoundedJson(text, ATTRIBUTE_LIMITS);
  if ("value" in parsed) return parsed.value;
  if (parsed.overLimit) report({ kind: "attributes", message: `Attributes over ${ATTRIBUTE_LIMITS.maxBytes} bytes or ${ATTRIBUTE_LIMITS.maxDepth} levels kept as text` });
  return text;
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
