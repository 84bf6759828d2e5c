/**
 * Checks of public arguments: a wrong type or value is an InvalidArgumentError naming the
 * argument, thrown before any request (Twilio validates the same arguments). Hand-written rather
 * than zod here: this code ships to browsers, and zod's smallest build would cost a third of the
 * bundle budget left after the ACS SDK for these few checks. The Node entries use zod.
 */
import { findNonJson, type JSONValue } from "../mapping/json.js";
import { InvalidArgumentError } from "../errors.js";

/** A check: returns the value, typed, or throws InvalidArgumentError for `field`. */
export type Check<T> = (value: unknown, field: string) => T;

export function checkArgument<T>(check: Check<T>, value: unknown, field: string): T {
  return check(value, field);
}

const fail = (field: string, expected: string, value: unknown): never => {
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "string" ? JSON.stringify(value) : typeof value;
  throw new InvalidArgumentError(field, `expected ${expected}, got ${got}`);
};

export const anyString: Check<string> = (value, field) => (typeof value === "string" ? value : fail(field, "a string", value));

export const nonEmptyString: Check<string> = (value, field) =>
  typeof value === "string" && value.length > 0 ? value : fail(field, "a non-empty string", value);

export const nonNegativeInteger: Check<number> = (value, field) =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : fail(field, "a non-negative integer", value);

export const jsonValue: Check<JSONValue> = (value, field) => {
  if (value === undefined) return fail(field, "a JSON value", value);
  const problem = findNonJson(value);
  if (problem) throw new InvalidArgumentError(field, `expected a JSON value: ${problem}`);
  return value as JSONValue;
};

export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value, field) =>
    value === undefined ? undefined : check(value, field);

export const oneOf =
  <const T extends string>(...allowed: T[]): Check<T> =>
  (value, field) =>
    allowed.includes(value as T) ? (value as T) : fail(field, allowed.map((a) => JSON.stringify(a)).join(" or "), value);

/** An options object (or null/undefined) whose known fields pass their checks; unknown fields are kept as Twilio does. */
export const optionsObject =
  <T extends Record<string, unknown>>(fields: { [K in keyof T]: Check<T[K]> }): Check<Partial<T> | undefined> =>
  (value, field) => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) return fail(field, "an options object", value);
    for (const [key, check] of Object.entries(fields) as Array<[string, Check<unknown>]>) {
      check((value as Record<string, unknown>)[key], `${field}.${key}`);
    }
    return value as Partial<T>;
  };

export const createConversationOptions = optionsObject<{ attributes: JSONValue | undefined; friendlyName: string | undefined; uniqueName: string | undefined; access: string | undefined }>({
  attributes: optional(jsonValue),
  friendlyName: optional(anyString),
  uniqueName: optional(nonEmptyString),
  access: optional(anyString),
});

export const messagesDirection = oneOf("backwards", "forward");
export const notificationLevel = oneOf("default", "muted");
