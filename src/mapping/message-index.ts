/**
 * Twilio message `index` <-> ACS `sequenceId`. ACS numbers every message of a thread, system
 * messages included, as a decimal string; the index is that number, so indices increase with
 * gaps where system and control messages sit (Twilio allows gaps) and never change.
 */
const CANONICAL = /^[1-9]\d*$/;

export function indexFromSequenceId(sequenceId: string): number {
  const index = Number(sequenceId);
  if (!CANONICAL.test(sequenceId) || !Number.isSafeInteger(index)) {
    throw new RangeError(`ACS sequenceId '${sequenceId}' is not a positive decimal integer`);
  }
  return index;
}
