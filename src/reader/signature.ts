import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';

export interface SignatureRules {
  delimiters: CompiledRule[];
  mobileFooters: CompiledRule[];
  closings: CompiledRule[];
  disclaimers: CompiledRule[];
  nameBlock: CompiledRule[];
}

export function signatureRules(book: RuleBook): SignatureRules {
  const all = book.patterns('reader/signatures');
  const tagged = (tag: string) => withTag(all, tag);
  return {
    delimiters: tagged('delimiter'),
    mobileFooters: tagged('mobile-footer'),
    closings: tagged('closing'),
    disclaimers: tagged('disclaimer'),
    nameBlock: tagged('name-block'),
  };
}

// A signature is short; a delimiter with a whole letter under it is a separator of something else.
const MAX_SIGNATURE_LINES = 25;
const MAX_SIGN_OFF_BLOCK = 8;
const MAX_BLOCK_LINE = 80;
const MAX_LINE_TESTED = 300;
const MAX_NAME_BLOCK_WORDS = 8;

const isBlank = (s: string) => s.trim() === '';

/**
 * Index of the line from which at most `count` non-blank lines remain. A signature lives at the end, so
 * only that tail is searched: hostile bodies of thousands of « -- » or « Merci, » lines stay linear.
 */
function tailStart(lines: readonly string[], count: number): number {
  let seen = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!isBlank(lines[i]!) && ++seen > count) return i + 1;
  }
  return 0;
}
// A sentence ends in . ! ? and has some length; "IT Manager | Example Logistics Inc." is a signature line.
const isSentence = (s: string) =>
  /[.!?]\s*$/.test(s) &&
  s.trim().split(/\s+/).length >= 6 &&
  !s.includes('|') &&
  !/(?:^|\s)(?:inc|ltd|co|corp|llc|plc|gmbh|s\.a|s\.a\.s|sarl)\.\s*$/i.test(s);
// "Jean Dupont", "Marie-Claire O'Neil", "J. Martin": two to four capitalised words, no digits.
const looksLikeName = (s: string) => /^\s*\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){1,3}\s*,?\s*$/u.test(s);

function test(rules: readonly CompiledRule[], line: string): boolean {
  return line.length <= MAX_LINE_TESTED && anyMatch(rules, line);
}

/**
 * Could this line belong to a name block? Names, titles, companies, phones and addresses are short or
 * carry a signal; a phrase in lower case ("le serveur ne répond plus") is the message itself.
 */
function signatureMaterial(line: string, rules: SignatureRules): boolean {
  if (line.length > MAX_BLOCK_LINE || /\?\s*$/.test(line) || isSentence(line)) return false;
  if (looksLikeName(line) || test(rules.nameBlock, line) || test(rules.mobileFooters, line)) return true;
  if (test(rules.delimiters, line)) return true;
  const words = line.trim().split(/\s+/);
  if (/^\p{Ll}/u.test(line.trim()) && words.length >= 3) return false;
  return words.length <= MAX_NAME_BLOCK_WORDS || /\d/.test(line);
}

function firstContent(lines: readonly string[]): number {
  return lines.findIndex((l) => !isBlank(l));
}

/**
 * A sign-off followed by a name block. A sign-off with nothing above it is the whole message
 * ("Merci."), and one with no name under it ("Merci !" above a "-- " line) is a sentence of the message.
 */
function closingStart(
  lines: readonly string[],
  rules: SignatureRules,
  contentBefore: boolean,
): number | undefined {
  const first = firstContent(lines);
  if (first < 0) return undefined;
  const from = Math.max(contentBefore ? first : first + 1, tailStart(lines, MAX_SIGN_OFF_BLOCK + 1));
  for (let i = from; i < lines.length; i++) {
    if (!test(rules.closings, lines[i]!)) continue;
    const rest = lines.slice(i + 1).filter((l) => !isBlank(l));
    if (rest.length === 0 || rest.length > MAX_SIGN_OFF_BLOCK) continue;
    if (rest.every((l) => signatureMaterial(l, rules))) return i;
  }
  return undefined;
}

/** A last paragraph made of a name, a title, a company, a phone, a web address: a signature as is. */
function nameBlockStart(
  lines: readonly string[],
  rules: SignatureRules,
  contentBefore: boolean,
): number | undefined {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1]!)) end--;
  let start = end;
  while (start > 0 && !isBlank(lines[start - 1]!)) start--;
  if (!contentBefore && !lines.slice(0, start).some((l) => !isBlank(l))) return undefined;
  const block = lines.slice(start, end);
  if (block.length < 2 || block.length > MAX_SIGN_OFF_BLOCK) return undefined;
  if (block.some((l) => l.length > MAX_BLOCK_LINE || isSentence(l))) return undefined;
  const signals = block.filter((l) => test(rules.nameBlock, l)).length;
  if (signals >= 2 || (signals >= 1 && looksLikeName(block[0]!))) return start;
  return undefined;
}

/** The first line that starts a signature by itself: a delimiter, a mobile footer or a disclaimer. */
function hardStart(lines: readonly string[], rules: SignatureRules): number | undefined {
  // A delimiter or footer has at most MAX_SIGNATURE_LINES under it, a disclaimer twice that.
  const footerFrom = tailStart(lines, MAX_SIGNATURE_LINES + 1);
  for (let i = tailStart(lines, MAX_SIGNATURE_LINES * 2 + 1); i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    if (i >= footerFrom && (test(rules.delimiters, line) || test(rules.mobileFooters, line))) return i;
    if (test(rules.disclaimers, line)) return i;
  }
  return undefined;
}

export interface SignatureSearchOptions {
  /** Where the mail client's HTML said its signature starts. */
  hint?: number;
  /** The customer wrote something above these lines (inline answers): a sign-off may open them. */
  contentBefore?: boolean;
}

/** Where the signature starts in the customer's last block of new text, or undefined. */
export function findSignatureStart(
  lines: readonly string[],
  rules: SignatureRules,
  options: SignatureSearchOptions = {},
): number | undefined {
  const candidates: number[] = [];
  const { hint, contentBefore = false } = options;
  if (hint !== undefined && hint >= 0 && hint < lines.length) candidates.push(hint);
  const hard = hardStart(lines, rules);
  if (hard !== undefined) candidates.push(hard);
  const body = hard === undefined ? lines : lines.slice(0, hard);
  const closing = closingStart(body, rules, contentBefore);
  if (closing !== undefined) candidates.push(closing);
  const block = nameBlockStart(body, rules, contentBefore);
  if (block !== undefined) candidates.push(block);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}
