/** Twilio's JSON types: attributes are any JSON value. */
export type JSONValue = null | string | number | boolean | JSONObject | JSONArray;
export type JSONObject = { [x: string]: JSONValue };
export type JSONArray = JSONValue[];

/**
 * Where the first non-JSON part of a value is (`undefined`, a function, a non-finite number, a
 * cycle, a class instance other than a plain object or array), or undefined when it is JSON
 * that survives a round trip through JSON.stringify unchanged.
 */
export function findNonJson(value: unknown, path = "", seen = new Set<object>()): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path || "value"} is ${value}`;
  if (typeof value !== "object") return `${path || "value"} is ${typeof value}`;
  if (seen.has(value)) return `${path || "value"} contains a cycle`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = findNonJson(value[i], `${path}[${i}]`, seen);
        if (problem) return problem;
      }
      return undefined;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return `${path || "value"} is not a plain object`;
    for (const [key, item] of Object.entries(value)) {
      const problem = findNonJson(item, path ? `${path}.${key}` : key, seen);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}
