/**
 * Where a value came from: the customer's sentence and its offsets in the message's new text, so that
 * support staff see why the parser decided what it did.
 */
export interface Evidence {
  /** The sentence (or line) of the new text the value was read from. */
  text: string;
  /** Offsets of that sentence in the new text (`newText.slice(start, end) === text`), or in the subject. */
  start: number;
  end: number;
  /** Set when the words are the message's own subject line rather than its body. */
  in?: 'subject';
}

/** One value read from the new text, with its evidence, how sure the rule is, and which rule said so. */
export interface Extracted<T> {
  value: T;
  evidence: Evidence;
  /** 0..1: 1 for an exact form (a canonical statement, a validated IP), less for keyword readings. */
  confidence: number;
  ruleId: string;
}

export function evidenceOf(sentence: { text: string; start: number; end: number }): Evidence {
  return { text: sentence.text, start: sentence.start, end: sentence.end };
}
