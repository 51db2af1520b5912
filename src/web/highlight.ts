import { type Html, html } from './html.js';

export interface Span {
  start: number;
  end: number;
}

/**
 * Where an evidence sentence sits in a message's text: its stored offsets while they still point at it,
 * else its first occurrence (a record merged from an older parse may carry offsets of another rendering of
 * the text), else null: the page then quotes the sentence on its own rather than mark the wrong words.
 */
export function locate(text: string, evidence: { text: string; start: number; end: number }): Span | null {
  if (evidence.text.length === 0) return null;
  if (text.slice(evidence.start, evidence.end) === evidence.text) {
    return { start: evidence.start, end: evidence.end };
  }
  const at = text.indexOf(evidence.text);
  return at < 0 ? null : { start: at, end: at + evidence.text.length };
}

/** Overlapping or touching spans as one, in order, clipped to the text. */
export function mergeSpans(spans: readonly Span[], length: number): Span[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(length, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** The text with each span wrapped in `<mark>`; every piece, marked or not, is escaped. */
export function highlight(text: string, spans: readonly Span[]): Html {
  const parts: Html[] = [];
  let at = 0;
  for (const s of mergeSpans(spans, text.length)) {
    parts.push(html`${text.slice(at, s.start)}<mark>${text.slice(s.start, s.end)}</mark>`);
    at = s.end;
  }
  parts.push(html`${text.slice(at)}`);
  return html`${parts}`;
}
