import { type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { Sentence } from './sentences.js';

export const ACK_RULES_SET = 'understand/acknowledgements';

/** The cue rules of `rules/understand/acknowledgements.yml`, by role. */
export interface AckRules {
  readonly accept: readonly CompiledRule[];
  readonly fine: readonly CompiledRule[];
  readonly refusal: readonly CompiledRule[];
  readonly negation: readonly CompiledRule[];
  readonly question: readonly CompiledRule[];
  readonly hypothetical: readonly CompiledRule[];
  readonly dataLoss: readonly CompiledRule[];
  readonly loss: readonly CompiledRule[];
  readonly data: readonly CompiledRule[];
  readonly downtime: readonly CompiledRule[];
  readonly risk: readonly CompiledRule[];
  readonly hardware: readonly CompiledRule[];
  readonly reinstall: readonly CompiledRule[];
  /** Erasing a whole system: an acceptance of it is about a reinstall even where no reinstall is named. */
  readonly erase: readonly CompiledRule[];
  /**
   * Global copies of the break patterns. Punctuation ends a clause for every check; a conjunction ends it
   * for negation only (« je n'ai pas de sauvegarde et j'accepte … » accepts; « dois-je écrire que je
   * comprends et j'accepte … » asks).
   */
  readonly punctuationBreaks: readonly RegExp[];
  readonly allBreaks: readonly RegExp[];
  /** Global copies of the acceptance patterns (accept and fine), each with its rule. */
  readonly acceptAll: readonly { rule: CompiledRule; regex: RegExp }[];
}

const global = (rule: CompiledRule) => new RegExp(rule.regex.source, `${rule.regex.flags}g`);
const cache = new WeakMap<RuleBook, AckRules>();

export function ackRules(book: RuleBook): AckRules {
  const cached = cache.get(book);
  if (cached) return cached;
  const rules = book.patterns(ACK_RULES_SET);
  const tagged = (tag: string) => withTag(rules, tag);
  const accept = tagged('accept');
  const fine = tagged('fine');
  const built: AckRules = {
    accept,
    fine,
    refusal: tagged('refusal'),
    negation: tagged('negation'),
    question: tagged('question'),
    hypothetical: tagged('hypothetical'),
    dataLoss: tagged('data-loss'),
    loss: tagged('loss'),
    data: tagged('data'),
    downtime: tagged('downtime'),
    risk: tagged('risk'),
    hardware: tagged('hardware'),
    reinstall: tagged('reinstall'),
    erase: tagged('erase'),
    punctuationBreaks: tagged('clause-break').map(global),
    allBreaks: [...tagged('clause-break'), ...tagged('conjunction')].map(global),
    acceptAll: [...accept, ...fine].map((rule) => ({ rule, regex: global(rule) })),
  };
  cache.set(book, built);
  return built;
}

/** Offsets (in `text`) where clauses end: both ends of every break match. Sorted, deduplicated. */
export function clauseBreaksOf(text: string, breaks: readonly RegExp[]): number[] {
  const cuts: number[] = [];
  for (const regex of breaks) {
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      cuts.push(m.index, m.index + m[0].length);
      if (m[0].length === 0) regex.lastIndex++;
    }
  }
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** The clause of `text` around offset `at`: from the last break at or before it to the next one after. */
export function clauseAround(cuts: readonly number[], length: number, at: number): [number, number] {
  let start = 0;
  let end = length;
  for (const cut of cuts) {
    if (cut <= at) start = cut;
    else {
      end = cut;
      break;
    }
  }
  return [start, end];
}

/** The sentence that contains offset `at` of the new text, or undefined (binary search). */
export function sentenceAt(sentences: readonly Sentence[], at: number): Sentence | undefined {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (at < s.start) hi = mid - 1;
    else if (at >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

const anyOf = (rules: readonly CompiledRule[], text: string) => rules.some((rule) => rule.regex.test(text));

export const isNegated = (clause: string, rules: AckRules) => anyOf(rules.negation, clause);
export const isQuestion = (clause: string, rules: AckRules) => anyOf(rules.question, clause);
export const isHypothetical = (clause: string, rules: AckRules) => anyOf(rules.hypothetical, clause);

// How far back a statement's lead-in is read: a clause is rarely longer.
const LEAD_WINDOW = 240;
// The statement is asked about when a question mark follows it (after closing quotes or brackets).
const TRAILING_QUESTION = /^[\s"'»”’)\]]*\?/;

/**
 * Whether the customer states the text copied at [start, end) of the new text, rather than refusing it
 * ("I do not authorize …", « je ne peux pas confirmer que … ») or asking about it ("Do I have to write
 * "…"?"): the clause that leads into the copy, within its sentence, has no negation and no question cue,
 * and no question mark follows the copy. Negation is read in the clause since the last conjunction,
 * questions in the clause since the last punctuation.
 */
export function isStatedAt(
  newText: string,
  sentences: readonly Sentence[],
  start: number,
  end: number,
  rules: AckRules,
): boolean {
  if (TRAILING_QUESTION.test(newText.slice(end, end + 16))) return false;
  const sentence = sentenceAt(sentences, start);
  if (!sentence || sentence.start >= start) return true;
  const from = Math.max(sentence.start, start - LEAD_WINDOW);
  // A question or sentence that ended before the copy (« …possible ?Je confirme… ») does not lead into it.
  let lead = newText.slice(from, start);
  for (let i = lead.length - 1; i >= 0; i--) {
    if ('.!?…'.includes(lead[i]!)) {
      lead = lead.slice(i + 1);
      break;
    }
  }
  const tail = (cuts: number[]) => lead.slice(cuts.length > 0 ? cuts[cuts.length - 1]! : 0);
  return (
    !isNegated(tail(clauseBreaksOf(lead, rules.allBreaks)), rules) &&
    !isQuestion(tail(clauseBreaksOf(lead, rules.punctuationBreaks)), rules)
  );
}
