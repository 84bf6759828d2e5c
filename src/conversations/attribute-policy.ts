/**
 * Who may change whose attributes. ACS lets only a message's sender edit it and has no
 * participant update, so changes to others' attributes travel as control messages that every
 * client folds in; any participant (or a native ACS client) can send one. Each client therefore
 * applies a control message only within its sender's rights, decided here, the same way on every
 * client, so that all of them show the same attributes.
 */
import type { JSONValue } from "../mapping/json.js";

export interface AttributeChange {
  /** A message's attributes, or a participant's. */
  kind: "message" | "participant";
  /** Who sends the change: ACS user id and Twilio identity (the user id when the resolver does not know it). */
  sender: { userId: string; identity: string };
  /** Whose message or participant entry it changes. */
  owner: { userId: string; identity: string };
  /**
   * The attributes before the change. For messages: the message's own, with the changes accepted
   * before this one (the same on every client). For participants: what this client shows now.
   */
  previous: JSONValue;
  next: JSONValue;
}

/** Whether a change may take effect. Must be pure and the same on every client of the app. */
export type AttributePolicy = (change: AttributeChange) => boolean;

/**
 * The default: Twilio's default conversation role for participants. A participant edits its own
 * message attributes (`editOwnMessageAttributes`) and its own participant attributes
 * (`editOwnParticipantAttributes`), not others' (`editAny...`, admin permissions). One exception
 * keeps reactions working as apps built on Twilio's demo write them: on another's message, a
 * participant may change the top-level `reactions` key, and nothing else.
 */
export const twilioDefaultAttributePolicy: AttributePolicy = (change) => {
  if (change.sender.userId === change.owner.userId) return true;
  return change.kind === "message" && differsOnlyIn(change.previous, change.next, REACTIONS_KEY);
};

const REACTIONS_KEY = "reactions";

/** Both are objects whose keys other than `key` hold the same JSON. */
function differsOnlyIn(previous: JSONValue, next: JSONValue, key: string): boolean {
  if (!isObject(previous) || !isObject(next)) return false;
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  keys.delete(key);
  for (const other of keys) {
    if (!sameJson(previous[other], next[other])) return false;
  }
  return true;
}

const isObject = (value: JSONValue | undefined): value is { [key: string]: JSONValue } =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Structural equality of JSON values (key order ignored). */
export function sameJson(a: JSONValue | undefined, b: JSONValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
  }
  return false;
}
