import { anyMatch, type CompiledRule, firstMatch, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { TextLine } from './text-lines.js';

export interface QuoteMarker {
  /** First line of the attribution, separator or header block. */
  startLine: number;
  /** Where the marker starts in that line: text before it ("reply On … wrote:") is the customer's. */
  startCol: number;
  /** Last line of the marker; what the customer quoted starts after it. */
  endLine: number;
  kind: 'reply' | 'forward';
  ruleId: string;
}

export interface QuoteMarkerRules {
  separators: CompiledRule[];
  attributionEnds: CompiledRule[];
  attributions: CompiledRule[];
  headerFrom: CompiledRule[];
  headerFromMailbox: CompiledRule[];
  headerFields: CompiledRule[];
}

export function quoteMarkerRules(book: RuleBook): QuoteMarkerRules {
  const all = book.patterns('reader/quote-markers');
  const tagged = (tag: string) => withTag(all, tag);
  return {
    separators: tagged('separator'),
    attributionEnds: tagged('attribution-end'),
    attributions: tagged('attribution'),
    headerFrom: tagged('header-from'),
    headerFromMailbox: tagged('header-from-mailbox'),
    headerFields: tagged('header-field'),
  };
}

// Markers are short: a longer line is never tested, which bounds the work on hostile text.
const MAX_MARKER_LINE = 400;
const MAX_ATTRIBUTION_LINES = 6;
const MAX_HEADER_BLOCK_LINES = 12;

/** Per-line facts computed once per body, so that finding markers stays linear. */
export interface MarkerScan {
  readonly lines: readonly TextLine[];
  readonly endsAttribution: readonly boolean[];
  readonly rules: QuoteMarkerRules;
}

export function scanLines(lines: readonly TextLine[], rules: QuoteMarkerRules): MarkerScan {
  const endsAttribution = lines.map((line) => {
    if (line.raw.length > MAX_MARKER_LINE) return false;
    // A wrapped attribution can leave its last word on a line that looks quoted ("<addr\n> wrote:").
    if (line.depth > 0)
      return line.depth === 1 && /^(?:wrote|a\s+[ée]crit)\s?:\s*$/i.test(line.content.trim());
    return anyMatch(rules.attributionEnds, line.raw);
  });
  return { lines, endsAttribution, rules };
}

function usable(line: TextLine | undefined): line is TextLine {
  return line !== undefined && line.depth === 0 && line.raw.length <= MAX_MARKER_LINE;
}

function findAttribution(scan: MarkerScan, i: number): QuoteMarker | undefined {
  const { lines } = scan;
  for (let t = i; t < Math.min(lines.length, i + MAX_ATTRIBUTION_LINES); t++) {
    if (t > i) {
      // A wrapped attribution's lines are short fragments, never sentences ending in . ! or ?
      const previous = lines[t - 1];
      if (!usable(previous) || /[.!?]\s*$/.test(previous.raw)) return undefined;
    }
    if (!scan.endsAttribution[t]) continue;
    const parts = lines.slice(i, t + 1).map((l) => l.raw.trim());
    const joined = parts.join(' ');
    const found = firstMatch(scan.rules.attributions, joined);
    if (!found) continue;
    const firstLen = parts[0]!.length;
    if (found.match.index > firstLen) continue;
    const lead = lines[i]!.raw.length - lines[i]!.raw.trimStart().length;
    return {
      startLine: i,
      startCol: lead + found.match.index,
      endLine: t,
      kind: 'reply',
      ruleId: found.rule.id,
    };
  }
  return undefined;
}

/** A From line followed by other header fields: Outlook's and Zimbra's quoted or forwarded headers. */
function findHeaderBlock(scan: MarkerScan, i: number): { endLine: number; ruleId: string } | undefined {
  const { lines, rules } = scan;
  const line = lines[i];
  if (!usable(line)) return undefined;
  const from = firstMatch(rules.headerFrom, line.raw);
  if (!from) return undefined;
  let fromValue = from.match[1] ?? '';
  let fields = 0;
  let dateOrSubject = false;
  let end = i;
  let continuations = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + MAX_HEADER_BLOCK_LINES); j++) {
    const next = lines[j]!;
    if (!usable(next) || next.raw.trim() === '') break;
    const field = firstMatch(rules.headerFields, next.raw);
    if (field) {
      fields++;
      if (field.rule.tags.includes('header-date') || field.rule.tags.includes('header-subject'))
        dateOrSubject = true;
      end = j;
      continuations = 0;
      continue;
    }
    // Long addresses and subjects wrap onto a following line.
    if (++continuations > 2) break;
    if (end === i) fromValue += ` ${next.raw.trim()}`;
  }
  const hasAddress = fromValue.includes('@');
  // "De : 22h / À : 6h" is a time window, not a sender: a sender has a name or an address.
  if (!hasAddress && !/\p{L}{2,}/u.test(fromValue)) return undefined;
  if ((hasAddress && fields >= 1) || (fields >= 2 && dateOrSubject))
    return { endLine: end, ruleId: from.rule.id };
  if (fields === 0 && anyMatch(rules.headerFromMailbox, line.raw)) {
    return { endLine: i, ruleId: rules.headerFromMailbox[0]!.id };
  }
  return undefined;
}

function nextNonBlank(lines: readonly TextLine[], from: number): number {
  let j = from;
  while (j < lines.length && lines[j]!.raw.trim() === '') j++;
  return j;
}

/** The quote marker that starts on line `i`, if one does. */
export function findQuoteMarker(scan: MarkerScan, i: number): QuoteMarker | undefined {
  const { lines, rules } = scan;
  const line = lines[i];
  if (!usable(line)) return undefined;
  const separator = firstMatch(rules.separators, line.raw);
  if (separator) {
    const after = nextNonBlank(lines, i + 1);
    const block = after < lines.length ? findHeaderBlock(scan, after) : undefined;
    if (separator.rule.tags.includes('needs-header') && !block) return undefined;
    return {
      startLine: i,
      startCol: 0,
      endLine: block ? block.endLine : i,
      kind: separator.rule.tags.includes('forward') ? 'forward' : 'reply',
      ruleId: separator.rule.id,
    };
  }
  const block = findHeaderBlock(scan, i);
  if (block)
    return { startLine: i, startCol: 0, endLine: block.endLine, kind: 'reply', ruleId: block.ruleId };
  return findAttribution(scan, i);
}
