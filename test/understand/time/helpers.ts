import { shippedRules } from '../../../src/rule-engine/load-rules.js';
import { type FoundTime, findTimes, timeRules } from '../../../src/understand/time/index.js';

export const rules = timeRules(shippedRules());

/** Wednesday 25 November 2026, 10:00 in Paris (09:00 UTC). */
export const WED = new Date('2026-11-25T09:00:00Z');

export function times(text: string, reference: Date = WED, zone = 'Europe/Paris'): FoundTime[] {
  return findTimes(text, { reference, zone }, rules);
}

/** The single result of `text` (fails loudly when there is not exactly one). */
export function one(text: string, reference: Date = WED, zone = 'Europe/Paris'): FoundTime {
  const found = times(text, reference, zone);
  if (found.length !== 1)
    throw new Error(`expected one time in ${JSON.stringify(text)}, got ${JSON.stringify(found)}`);
  return found[0]!;
}

/** [start, end] of the single result. */
export function span(
  text: string,
  reference: Date = WED,
  zone = 'Europe/Paris',
): [string | null, string | null] {
  const found = one(text, reference, zone);
  return [found.start, found.end];
}
