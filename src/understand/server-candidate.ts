import type { CompiledRule } from '../rule-engine/compiled-rule.js';

/** A value found in one sentence, before deduplication across the message. */
export interface ServerCandidate {
  value: string;
  confidence: number;
  ruleId: string;
  /** Offset in the sentence, for ordering. */
  at: number;
}

/** A region of a sentence, offsets in the sentence. */
export interface Span {
  start: number;
  end: number;
}

export function inside(spans: readonly Span[], start: number, end: number): boolean {
  return spans.some((s) => start >= s.start && end <= s.end);
}

export function overlaps(spans: readonly Span[], start: number, end: number): boolean {
  return spans.some((s) => start < s.end && end > s.start);
}

// How far back the context rules look before a value ("gateway ", "ticket n° ").
const CONTEXT_REACH = 40;

/** The text just before offset `at`, where context rules (anchored at `$`) look. */
export function before(text: string, at: number): string {
  return text.slice(Math.max(0, at - CONTEXT_REACH), at);
}

/** The number of a `prefix:N` tag (`confidence:0.9`), or `fallback`. */
export function tagNumber(rule: CompiledRule, prefix: string, fallback: number): number {
  const tag = rule.tags.find((t) => t.startsWith(`${prefix}:`));
  const value = tag ? Number(tag.slice(prefix.length + 1)) : Number.NaN;
  return Number.isFinite(value) ? value : fallback;
}

/** The text of a `prefix:text` tag (`prefix:SRV-`), or ''. */
export function tagText(rule: CompiledRule, prefix: string): string {
  return rule.tags.find((t) => t.startsWith(`${prefix}:`))?.slice(prefix.length + 1) ?? '';
}

/** Is `host` one of `domains` or under one of them? */
export function onDomains(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}
