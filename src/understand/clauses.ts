import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { Sentence } from './sentences.js';

/** A clause of a sentence, offsets in the new text like its sentence. */
export interface Clause {
  text: string;
  start: number;
  end: number;
}

export interface PolarityRules {
  cues: CompiledRule[];
  neutral: RegExp[];
  questions: CompiledRule[];
  requests: CompiledRule[];
}

export function polarityRules(book: RuleBook): PolarityRules {
  const all = book.patterns('understand/negation');
  return {
    cues: withTag(all, 'cue'),
    // Global copies, to blank out every neutral form before looking for cues.
    neutral: withTag(all, 'neutral').map((r) => new RegExp(r.regex.source, `${r.regex.flags}g`)),
    questions: withTag(all, 'question'),
    requests: withTag(all, 'request'),
  };
}

// Clause boundaries: strong punctuation inside a sentence, and contrast words that start a new claim
// ("reboot it, but do not power it off"; « redémarrez, mais pas avant 22h »).
const BOUNDARY =
  /[;:]\s+|\s+[-–—]\s+|,?\s+(?=(?:mais|cependant|par contre|en revanche|sauf|sinon|but|however|except|otherwise|although|whereas)\b)/giu;

export function splitClauses(sentence: Sentence): Clause[] {
  const out: Clause[] = [];
  let from = 0;
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(sentence.text); m !== null; m = BOUNDARY.exec(sentence.text)) {
    if (m.index > from) push(out, sentence, from, m.index);
    from = m.index + m[0].length;
    if (m[0].length === 0) BOUNDARY.lastIndex++;
  }
  push(out, sentence, from, sentence.text.length);
  return out;
}

function push(out: Clause[], sentence: Sentence, from: number, to: number): void {
  const text = sentence.text.slice(from, to);
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  if (trimmed !== '')
    out.push({
      text: trimmed,
      start: sentence.start + from + lead,
      end: sentence.start + from + lead + trimmed.length,
    });
}

/** The clause of `sentence` that holds new-text offset `at`. */
export function clauseAt(sentence: Sentence, at: number): Clause {
  const clauses = splitClauses(sentence);
  return clauses.find((c) => at >= c.start && at < c.end) ?? clauses[clauses.length - 1] ?? sentence;
}

const NEGATION_REACH = 8;

/**
 * Is the word at new-text offset `at` negated? Only a cue before it in its own clause counts ("I acknowledge
 * that nothing will survive" does not negate "acknowledge"), or a label answered by a negative word right
 * after it ("Backup: none", « Sauvegarde : aucune »). Neutral forms (« n'hésitez pas », "no problem",
 * « ne … que ») are blanked out first.
 */
export function isNegatedAt(sentence: Sentence, at: number, rules: PolarityRules): boolean {
  const clause = clauseAt(sentence, at);
  // Blank the whole clause: « ne … que » (only) reaches past the keyword it frames.
  let blanked = clause.text;
  for (const neutral of rules.neutral) blanked = blanked.replace(neutral, (s) => ' '.repeat(s.length));
  let before = blanked.slice(0, Math.max(0, at - clause.start));
  // Nor does it reach past a comma: "nothing on ssh, the site is down too"; « si ce n'est pas possible,
  // réinstallez-le ».
  before = before.slice(before.lastIndexOf(',') + 1);
  // A conjunction starts a new claim: « pas de sauvegarde et j'accepte le risque », "no backup and I accept".
  before = before.split(/\s(?:and|et|but|mais|so|donc|then|puis)\s/i).pop() ?? before;
  // A cue negates what follows it closely: « nous ne pouvons plus nous connecter et le serveur est planté »
  // does not negate « planté ». Eight words reach "we do not want the server to be rebooted".
  const words = before.split(/\s+/);
  if (anyMatch(rules.cues, words.slice(-NEGATION_REACH - 1).join(' '))) return true;
  // A label answered after its colon: "Backup: none", « Pour la sauvegarde : nous n'en avons pas ».
  const after = sentence.text.slice(at - sentence.start, at - sentence.start + 160);
  // Up to the first comma: « redémarrage : ok dimanche entre 3h et 5h, pas en semaine » answers "ok".
  const label = /^[\p{L}’'-]+(?:\s+[\p{L}’'-]+){0,2}\s*[:=]\s*([^.;!?,\n]*)/u.exec(after);
  if (!label) return false;
  let answer = label[1]!;
  for (const neutral of rules.neutral) answer = answer.replace(neutral, (s) => ' '.repeat(s.length));
  return anyMatch(rules.cues, answer);
}

/** A sentence that asks (« faut-il une sauvegarde ? ») states nothing; a polite request still asks for work. */
export function isGenuineQuestion(sentence: Sentence, rules: PolarityRules): boolean {
  if (!/\?\s*["'»”)]*$/.test(sentence.text)) return false;
  return !anyMatch(rules.requests, sentence.text);
}

export function isPoliteRequest(sentence: Sentence, rules: PolarityRules): boolean {
  return anyMatch(rules.requests, sentence.text);
}
