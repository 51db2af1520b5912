import type { Extracted } from '../../src/understand/evidence.js';
import { blankFacts, type MessageFacts } from '../../src/understand/message-facts.js';

const ev = { text: 'x', start: 0, end: 1 };
export const x = <T>(value: T): Extracted<T> => ({ value, evidence: ev, confidence: 1, ruleId: 'test' });
export const stated = <T>(value: T) => ({ value, evidence: [ev] });

/** A message that says nothing; tests set what they need. */
export function facts(over: Partial<MessageFacts> = {}): MessageFacts {
  return {
    ...blankFacts(),
    messageId: '<m1@example.com>',
    date: '2026-11-25T09:00:00.000Z',
    from: { name: 'Ann', address: 'ann@example.com' },
    subject: 'Server',
    ...over,
  };
}
