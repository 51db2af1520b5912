import type { QuotedPart } from './inbound-message.js';
import { findQuoteMarker, type MarkerScan, type QuoteMarkerRules, scanLines } from './quote-markers.js';
import { findSignatureStart, type SignatureRules } from './signature.js';
import { type TextLine, toLines, unquoteOne } from './text-lines.js';

export interface SplitRules {
  quote: QuoteMarkerRules;
  signature: SignatureRules;
}

export interface SplitHints {
  /** Lines where the HTML said an earlier message starts (Gmail's `gmail_quote`, Outlook's `divRplyFwdMsg`…). */
  quoteHints?: readonly number[];
  /** Lines where the HTML said the signature starts. */
  signatureHints?: readonly number[];
}

export interface SplitReply {
  newText: string;
  quoted: QuotedPart[];
  signature: string | null;
}

interface NewLine {
  index: number;
  text: string;
  /** Lines separated by a quoted part belong to different segments (inline answers). */
  segment: number;
}

/** End (exclusive) of a `>` block starting at `from`: quoted lines and blank lines between them. */
function quotedBlockEnd(lines: readonly TextLine[], from: number): number {
  let end = from;
  let j = from;
  while (j < lines.length) {
    const line = lines[j]!;
    if (line.depth > 0) end = j + 1;
    else if (line.raw.trim() !== '') break;
    j++;
  }
  return end;
}

function joinLines(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Rules and dashes that introduced the quote ("bla---", "______") are not the customer's words.
function trimTrailingRules(texts: string[]): void {
  while (texts.length > 0) {
    const last = texts[texts.length - 1]!;
    const trimmed = last.replace(/[\s\-_=*]+$/, '');
    if (trimmed === '' && last !== '') texts.pop();
    else if (trimmed === '') texts.pop();
    else {
      if (/[-_=]{2,}\s*$/.test(last)) texts[texts.length - 1] = trimmed;
      break;
    }
  }
}

/**
 * Splits a normalised body into what the customer wrote this time, the quoted earlier messages and the
 * signature. Quotes are found by attribution lines, separators, header blocks, `>` prefixes and the
 * HTML's hints. After a marker followed by `>` lines, unquoted lines are the customer's inline answers;
 * after a marker followed by unquoted text, everything below is the earlier message.
 */
export function splitReply(text: string, rules: SplitRules, hints: SplitHints = {}): SplitReply {
  const lines = toLines(text);
  const scan: MarkerScan = scanLines(lines, rules.quote);
  const quoteHints = new Set(hints.quoteHints ?? []);
  const newLines: NewLine[] = [];
  const quoted: QuotedPart[] = [];
  let segment = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const marker =
      findQuoteMarker(scan, i) ??
      (quoteHints.has(i) && line.depth === 0
        ? { startLine: i, startCol: 0, endLine: i - 1, kind: 'reply' as const, ruleId: 'html-hint' }
        : undefined);
    if (marker) {
      const before = line.raw.slice(0, marker.startCol);
      if (before.trim() !== '') newLines.push({ index: i, text: before, segment });
      const headerLines = lines.slice(marker.startLine, marker.endLine + 1);
      const header =
        headerLines.length > 0
          ? [line.raw.slice(marker.startCol), ...headerLines.slice(1).map((l) => l.raw)].join('\n').trim()
          : null;
      let body = marker.endLine + 1;
      while (body < lines.length && lines[body]!.raw.trim() === '') body++;
      if (body < lines.length && lines[body]!.depth > 0) {
        const end = quotedBlockEnd(lines, body);
        quoted.push({ kind: marker.kind, header, text: unquoteOne(lines.slice(body, end)) });
        segment++;
        i = end;
        continue;
      }
      quoted.push({
        kind: marker.kind,
        header,
        text: lines
          .slice(body)
          .map((l) => l.raw)
          .join('\n')
          .trim(),
      });
      break;
    }
    if (line.depth > 0) {
      const end = quotedBlockEnd(lines, i);
      quoted.push({ kind: 'inline', header: null, text: unquoteOne(lines.slice(i, end)) });
      segment++;
      i = end;
      continue;
    }
    newLines.push({ index: i, text: line.raw, segment });
    i++;
  }

  // The signature is looked for in the customer's last block of new text.
  const lastSegment = newLines.length > 0 ? newLines[newLines.length - 1]!.segment : 0;
  const tail = newLines.filter((l) => l.segment === lastSegment);
  const tailTexts = tail.map((l) => l.text);
  trimTrailingRules(tailTexts);
  const hintIndex = (hints.signatureHints ?? [])
    .map((h) => tail.findIndex((l) => l.index === h))
    .find((idx) => idx >= 0);
  const head = newLines.filter((l) => l.segment !== lastSegment);
  const sigStart = findSignatureStart(tailTexts, rules.signature, {
    hint: hintIndex,
    contentBefore: head.some((l) => l.text.trim() !== ''),
  });
  const pieces: string[] = [];
  let previous: number | undefined;
  const push = (segmentOf: number, textOf: string) => {
    if (previous !== undefined && segmentOf !== previous) pieces.push('');
    pieces.push(textOf);
    previous = segmentOf;
  };
  for (const l of head) push(l.segment, l.text);
  const kept = sigStart === undefined ? tailTexts : tailTexts.slice(0, sigStart);
  for (const t of kept) push(lastSegment, t);
  const headTexts = pieces;
  trimTrailingRules(headTexts);
  const signature = sigStart === undefined ? null : joinLines(tailTexts.slice(sigStart)) || null;
  return { newText: joinLines(headTexts), quoted, signature };
}
