/**
 * Reading what other participants wrote into ACS. Message content and metadata, participant and
 * thread metadata may come from the native ACS SDK or raw REST, not from this library: every value
 * is type-checked and bounded here, and what does not fit is delivered as a plain value and
 * reported, never thrown (one bad message must not break a conversation for everyone).
 */
import { utf8Length } from "../acs/limits.js";
import type { JSONValue } from "./json.js";

export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

/**
 * Bounds of attributes JSON, written and read. 16 KB is Twilio's largest attributes limit
 * (Conversation and User attributes; Message and Participant attributes are 4 KB), so no app
 * written for Twilio exceeds it. 32 levels of nesting is far beyond any real app's attributes
 * and far below the few thousand at which JSON.stringify and recursive comparisons overflow.
 */
export const ATTRIBUTE_LIMITS: JsonLimits = { maxBytes: 16 * 1024, maxDepth: 32 };

/** What was wrong with a piece of foreign data, for the client's logger. */
export interface ForeignDataProblem {
  /** A stable name per kind of problem (loggers may report each kind once). */
  kind: "attributes" | "media" | "mediaUrl" | "controlMessage" | "message" | "feed";
  message: string;
  details?: unknown;
}

export type ReportProblem = (problem: ForeignDataProblem) => void;

/** The default for pure callers that do not log. */
export const ignoreProblems: ReportProblem = () => undefined;

/** The text under a metadata key, if it is text (metadata is a string map only by ACS's word). */
export function metadataText(metadata: unknown, key: string): string | undefined {
  if (metadata === null || typeof metadata !== "object") return undefined;
  const value = Object.prototype.hasOwnProperty.call(metadata, key) ? (metadata as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** A string field of foreign data, or undefined when it is not a string or longer than `maxLength`. */
export function boundedText(value: unknown, maxLength: number): string | undefined {
  return typeof value === "string" && value.length <= maxLength ? value : undefined;
}

/**
 * JSON text parsed within limits; `overLimit` (and no parse) when it is over the size or nested
 * deeper than allowed (checked on the text first: deep input is never built), else not JSON.
 */
export function parseBoundedJson(text: string, limits: JsonLimits): { value: JSONValue } | { overLimit: boolean } {
  if (utf8Length(text) > limits.maxBytes || nestingDepth(text, limits.maxDepth) > limits.maxDepth) return { overLimit: true };
  try {
    return { value: JSON.parse(text) as JSONValue };
  } catch {
    return { overLimit: false };
  }
}

/** How deep objects and arrays nest in JSON text (brackets inside strings do not count); stops counting past `stopAbove`. */
export function nestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length && deepest <= stopAbove; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++; // skip the escaped character
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") deepest = Math.max(deepest, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  return deepest;
}
