import { zoneNamed } from './civil.js';
import { expressionsOf } from './expressions.js';
import { itemsOf } from './items.js';
import { chains, lex } from './lexer.js';
import { resolve } from './resolve.js';
import type { TimeRules } from './time-rules.js';
import type { FoundTime, TimeContext } from './types.js';

/** Past this length a paragraph is read in slices cut at a space, so that no slice costs much. */
const MAX_SLICE = 2000;
const PARAGRAPH = /\n[ \t]*\n/g;

/**
 * Paragraphs, cut further when very long. Expressions never cross a sentence anyway (a full stop is not
 * allowed inside a chain of time words), so no sentence splitting is needed, and none that could read
 * « déc. » or "p.m." as the end of a sentence.
 */
function* slices(text: string): Generator<{ text: string; start: number }> {
  let from = 0;
  const cut = (to: number) => ({ text: text.slice(from, to), start: from });
  for (const m of text.matchAll(PARAGRAPH)) {
    yield* pieces(cut(m.index));
    from = m.index + m[0].length;
  }
  yield* pieces(cut(text.length));
}

function* pieces(slice: { text: string; start: number }): Generator<{ text: string; start: number }> {
  let { text, start } = slice;
  while (text.length > MAX_SLICE) {
    const space = text.lastIndexOf(' ', MAX_SLICE);
    const at = space > MAX_SLICE / 2 ? space : MAX_SLICE;
    yield { text: text.slice(0, at), start };
    text = text.slice(at);
    start += at;
  }
  if (text.trim() !== '') yield { text, start };
}

/**
 * Time windows and points of `text` (intervention-policy.md section 6), in text order, resolved against
 * the message's date in the zone the text names, else `ctx.zone`. Paragraphs without any word that can
 * start a time expression are skipped before any real work; expressions never cross a sentence. Never
 * throws: an invalid reference gives nothing, an unknown `ctx.zone` falls back to UTC (named in `zone`).
 */
export function findTimes(text: string, ctx: TimeContext, rules: TimeRules): FoundTime[] {
  if (!(ctx.reference instanceof Date) || Number.isNaN(ctx.reference.getTime()) || text.length === 0)
    return [];
  // An unknown provider zone is a configuration error caught at start-up; here it falls back to UTC, visibly.
  const zone = zoneNamed(ctx.zone) ?? zoneNamed('UTC')!;
  const out: FoundTime[] = [];
  for (const slice of slices(text)) {
    if (!rules.triggers.some((re) => re.test(slice.text))) continue;
    const lexemes = lex(slice.text, slice.start, rules);
    for (const chain of chains(lexemes, slice.text, slice.start)) {
      for (const expr of expressionsOf(itemsOf(chain))) out.push(...resolve(expr, ctx, text, zone));
    }
  }
  return out;
}
