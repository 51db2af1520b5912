import type { PatternRule } from './rule-schema.js';

/** A pattern rule compiled once at load; where it came from travels with it for error messages. */
export interface CompiledRule {
  readonly id: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly regex: RegExp;
  readonly source: { readonly file: string; readonly line: number };
  readonly examples: PatternRule['examples'];
}

export function hasTag(rule: CompiledRule, tag: string): boolean {
  return rule.tags.includes(tag);
}

/** The rules carrying a tag, in file order: how code picks a rule file's roles. */
export function withTag(rules: readonly CompiledRule[], tag: string): CompiledRule[] {
  return rules.filter((rule) => rule.tags.includes(tag));
}

/** First rule whose pattern matches, or undefined. */
export function firstMatch(
  rules: readonly CompiledRule[],
  text: string,
): { rule: CompiledRule; match: RegExpExecArray } | undefined {
  for (const rule of rules) {
    const match = rule.regex.exec(text);
    if (match) return { rule, match };
  }
  return undefined;
}

export function anyMatch(rules: readonly CompiledRule[], text: string): boolean {
  for (const rule of rules) if (rule.regex.test(text)) return true;
  return false;
}
