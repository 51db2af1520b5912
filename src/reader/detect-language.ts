import { anyMatch, type CompiledRule } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { Language } from './inbound-message.js';

export interface LanguageProfiles {
  readonly words: ReadonlyMap<string, Language>;
  /** Pasted machine output (logs, prompts, traces): English words that are not the customer's. */
  readonly machineLines: readonly CompiledRule[];
}

export function languageProfiles(book: RuleBook): LanguageProfiles {
  const file = book.languageProfile('reader/language');
  const words = new Map<string, Language>();
  for (const [language, profile] of Object.entries(file.languages) as [Language, { words: string[] }][]) {
    for (const word of profile.words)
      for (const token of word.toLowerCase().split(/\s+/)) words.set(token, language);
  }
  return { words, machineLines: book.patterns('reader/machine-output') };
}

export interface LanguageScore {
  fr: number;
  en: number;
}

// Long bodies say what language they are in within their first few thousand words.
const MAX_CHARS = 20_000;
const WORD = /[\p{L}]+(?:['’][\p{L}]+)?/gu;
const FRENCH_LETTERS = /[éèêàâçùûôîœë]/;

const MAX_LINE_TESTED = 400;

/**
 * The lines a person wrote: not pasted machine output, and not lines that are mostly digits and symbols
 * (addresses, hashes, wrapped log continuations), which carry a language's words only by accident.
 */
function proseLines(text: string, profiles: LanguageProfiles): string[] {
  return text.split('\n').filter((line) => {
    const visible = line.replace(/\s+/g, '');
    if (visible === '') return false;
    if (line.length <= MAX_LINE_TESTED && anyMatch(profiles.machineLines, line)) return false;
    const letters = visible.match(/\p{L}/gu)?.length ?? 0;
    return letters / visible.length >= 0.6;
  });
}

/** Marker-word counts; French accented letters add weight because English text almost never has them. */
export function scoreLanguage(text: string, profiles: LanguageProfiles): LanguageScore {
  const score: LanguageScore = { fr: 0, en: 0 };
  for (const line of proseLines(text.slice(0, MAX_CHARS), profiles)) {
    for (const match of line.matchAll(WORD)) {
      const word = match[0].toLowerCase().replace('’', "'");
      const language = profiles.words.get(word);
      if (language) score[language]++;
      else if (FRENCH_LETTERS.test(word)) score.fr += 0.5;
    }
  }
  return score;
}

/**
 * The language of most of the customer's new text. When the new text says nothing (an address, a bare
 * « ok »), the next sources are tried in order; `fallback` decides when none says anything.
 */
export function detectLanguage(
  sources: readonly string[],
  profiles: LanguageProfiles,
  fallback: Language,
): Language {
  for (const text of sources) {
    const score = scoreLanguage(text, profiles);
    if (score.fr > score.en) return 'fr';
    if (score.en > score.fr) return 'en';
  }
  return fallback;
}
