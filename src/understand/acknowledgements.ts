import type { AckLevel } from '../record/schema.js';
import type { Evidence } from './evidence.js';
import type { Sentence } from './sentences.js';
import {
  type CompiledStatements,
  STATEMENT_IDS,
  type StatementId,
  type StatementLanguage,
} from './statement-catalog.js';
import { type AckRules, isNegated, isStatedAt } from './statement-clauses.js';
import { foldText, isWholeWords, wordsOf } from './statement-fold.js';
import { findNearCopies, type NearCopy } from './statement-near.js';
import { findCueParaphrases } from './statement-paraphrase.js';

export {
  type CanonicalStatement,
  type CompiledStatements,
  canonicalStatements,
  compileStatements,
  STATEMENT_IDS,
  type StatementId,
} from './statement-catalog.js';
export { ACK_RULES_SET, type AckRules, ackRules } from './statement-clauses.js';

/** How one canonical statement appears in the customer's new text. */
export interface StatementMatch {
  level: AckLevel;
  /** The customer's words: the copy itself, or the sentence that paraphrases the statement. */
  evidence: Evidence | null;
  /** The language of the statement copied, or of the paraphrase's cue. */
  language: StatementLanguage | null;
  /** `statement.<id>.<lang>` for a copy, the cue rule's id for a paraphrase. */
  ruleId: string | null;
}
export type StatementMatches = Record<StatementId, StatementMatch>;

// Statements whose paraphrases other extractors read (power, backup): here only copies count.
const CUE_PARAPHRASED: readonly StatementId[] = ['data_loss_ack', 'hardware_ack'];
// A statement split over two paragraphs is not one copy of it (policy section 4: a paraphrase).
const PARAGRAPH_BREAK = /\n[ \t]*\n/;
// Closing punctuation right after a copy belongs to its evidence.
const CLOSING = /^[.!…)\]»"”’']{1,3}/;

function evidenceAt(newText: string, start: number, end: number): Evidence {
  const close = CLOSING.exec(newText.slice(end, end + 3));
  const stop = end + (close ? close[0].length : 0);
  return { text: newText.slice(start, stop), start, end: stop };
}

const absent = (): StatementMatch => ({ level: 'absent', evidence: null, language: null, ruleId: null });

/**
 * Reads the canonical statements of policy section 4 in the customer's new text (quotes already
 * removed). For each statement:
 * - `verbatim`: the text contains one of its wordings (either language) with only the differences the
 *   policy tolerates, in one paragraph, stated rather than refused or asked about;
 * - `paraphrase`: a copy with a few words changed, added or dropped (another provider's name, « [provider] »,
 *   "I accept" for "I understand and accept"), or for the data-loss and hardware acknowledgements a sentence
 *   that accepts the loss or downtime in the customer's own words;
 * - `absent` otherwise, including negated and questioned copies and paraphrases.
 * Linear in the text: both sides are folded once (letters and digits only) and searched with indexOf.
 */
export function matchStatements(
  newText: string,
  sentences: readonly Sentence[],
  statements: CompiledStatements,
  rules: AckRules,
): StatementMatches {
  const result = Object.fromEntries(STATEMENT_IDS.map((id) => [id, absent()])) as StatementMatches;
  const folded = foldText(newText);
  // Spans read as copies of a statement, stated or not: neither is a paraphrase of another statement
  // (a copy the customer asks about or refuses must not come back as a paraphrase, sentence by sentence).
  const copies: [number, number][] = [];

  for (const variant of statements.variants) {
    if (result[variant.id].level === 'verbatim') continue;
    const needle = variant.folded.text;
    for (let pos = folded.text.indexOf(needle); pos >= 0; pos = folded.text.indexOf(needle, pos + 1)) {
      const stop = pos + needle.length;
      if (!isWholeWords(folded, pos, stop)) continue;
      const start = folded.from[pos]!;
      const end = folded.to[stop - 1]!;
      if (PARAGRAPH_BREAK.test(newText.slice(start, end))) continue;
      if (!isStatedAt(newText, sentences, start, end, rules)) {
        copies.push([start, end]);
        continue;
      }
      result[variant.id] = {
        level: 'verbatim',
        evidence: evidenceAt(newText, start, end),
        language: variant.lang,
        ruleId: variant.ruleId,
      };
      copies.push([start, end]);
      break;
    }
  }

  const verbatim = new Set(STATEMENT_IDS.filter((id) => result[id].level === 'verbatim'));
  if (verbatim.size < STATEMENT_IDS.length) {
    // A near copy states the statement unless the customer's own words in it negate it (« je n'autorise
    // pas … »), or the words it lacks were the statement's negation (« aucune sauvegarde » → « une sauvegarde »).
    const stated = (copy: NearCopy) => {
      const ok =
        !copy.inserted.some(([a, b]) => isNegated(newText.slice(a, b), rules)) &&
        !copy.missing.some(([a, b]) => isNegated(copy.variant.text.slice(a, b), rules)) &&
        isStatedAt(newText, sentences, copy.start, copy.end, rules);
      if (!ok) copies.push([copy.start, copy.end]);
      return ok;
    };
    const near = findNearCopies(newText.length, folded, wordsOf(folded), statements, verbatim, stated);
    for (const [id, copy] of near) {
      result[id as StatementId] = {
        level: 'paraphrase',
        evidence: evidenceAt(newText, copy.start, copy.end),
        language: copy.variant.lang,
        ruleId: copy.variant.ruleId,
      };
      copies.push([copy.start, copy.end]);
    }
  }

  if (CUE_PARAPHRASED.some((id) => result[id].level === 'absent')) {
    const cues = findCueParaphrases(newText, sentences, rules, copies);
    for (const id of CUE_PARAPHRASED) {
      const cue = cues[id as keyof typeof cues];
      if (result[id].level !== 'absent' || !cue) continue;
      const { text, start, end } = cue.sentence;
      result[id] = {
        level: 'paraphrase',
        evidence: { text, start, end },
        language: cue.language,
        ruleId: cue.ruleId,
      };
    }
  }
  return result;
}

/** The record's `acknowledgements` field (policy section 2). */
export function acknowledgementLevels(matches: StatementMatches): { dataLoss: AckLevel; hardware: AckLevel } {
  return { dataLoss: matches.data_loss_ack.level, hardware: matches.hardware_ack.level };
}
