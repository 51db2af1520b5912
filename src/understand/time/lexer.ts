import type { LexRule, TimeRules } from './time-rules.js';

/** A rule's match in the text, with absolute offsets. */
export interface Lexeme {
  readonly rule: LexRule;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly groups: Readonly<Record<string, string | undefined>>;
}

// What may separate two words of one expression besides glue words: spaces, commas, brackets, quotes.
const GAP = /^[\s,:()[\]"'«»“”‘’]*$/u;
const HARD_BREAK = /\n\s*\n/u;
const NO_GROUPS: Readonly<Record<string, string | undefined>> = Object.freeze({});

/**
 * Every rule's matches in `text`, then the leftmost-longest non-overlapping ones (the earlier rule wins a
 * tie): « après-demain » is a relative day, not « après » + « demain ».
 */
export function lex(text: string, offset: number, rules: TimeRules): Lexeme[] {
  const all: Lexeme[] = [];
  for (const rule of rules.lexers) {
    const re = rule.scan;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      all.push({
        rule,
        start: offset + m.index,
        end: offset + m.index + m[0].length,
        text: m[0],
        groups: m.groups ?? NO_GROUPS,
      });
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end || a.rule.order - b.rule.order);
  const kept: Lexeme[] = [];
  let reached = -1;
  for (const lexeme of all) {
    if (lexeme.start < reached) continue;
    kept.push(lexeme);
    reached = lexeme.end;
  }
  return kept;
}

/** Runs of lexemes separated only by spaces and light punctuation: each run may hold several expressions. */
export function chains(lexemes: readonly Lexeme[], text: string, offset: number): Lexeme[][] {
  const out: Lexeme[][] = [];
  let current: Lexeme[] = [];
  for (const lexeme of lexemes) {
    const previous = current[current.length - 1];
    if (previous) {
      const gap = text.slice(previous.end - offset, lexeme.start - offset);
      if (!GAP.test(gap) || HARD_BREAK.test(gap)) {
        out.push(current);
        current = [];
      }
    }
    current.push(lexeme);
  }
  if (current.length > 0) out.push(current);
  return out;
}
