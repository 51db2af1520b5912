import type { CompiledRule } from '../rule-engine/compiled-rule.js';
import type { Sentence } from './sentences.js';

/** A rule's match in a sentence, with the offset of the match in the new text. */
export interface RuleHit {
  rule: CompiledRule;
  /** Offset of the match in the new text. */
  at: number;
  text: string;
}

// Sentences longer than this are pasted material (logs, dumps), never a statement: not tested.
const MAX_SENTENCE = 1_500;

/** Every rule of `rules` that matches the sentence, first match of each, in rule order. */
export function hits(sentence: Sentence, rules: readonly CompiledRule[]): RuleHit[] {
  if (sentence.text.length > MAX_SENTENCE) return [];
  const out: RuleHit[] = [];
  for (const rule of rules) {
    const m = rule.regex.exec(sentence.text);
    if (m) out.push({ rule, at: sentence.start + m.index, text: m[0] });
  }
  return out;
}

export function firstHit(sentence: Sentence, rules: readonly CompiledRule[]): RuleHit | undefined {
  if (sentence.text.length > MAX_SENTENCE) return undefined;
  for (const rule of rules) {
    const m = rule.regex.exec(sentence.text);
    if (m) return { rule, at: sentence.start + m.index, text: m[0] };
  }
  return undefined;
}

/** The value of a `prefix:value` tag of a rule (`type:os_reinstall` → `os_reinstall`). */
export function tagValues(rule: CompiledRule, prefix: string): string[] {
  return rule.tags.filter((t) => t.startsWith(`${prefix}:`)).map((t) => t.slice(prefix.length + 1));
}
