import { MARK_CHAR, QUOTE_MARK, SIGNATURE_MARK } from './html-to-text.js';

export interface NormalizedText {
  /** The text with line endings, odd spaces and invisible characters normalised, markers removed. */
  text: string;
  /** Line numbers (0-based, in `text`) where the HTML said a quote or a signature starts. */
  quoteHints: number[];
  signatureHints: number[];
}

// Spaces that mail clients use for layout (Outlook's « De : » uses a no-break space before the colon).
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000\t]/g;
// Invisible characters that carry no meaning in a support request and break pattern matching.
const INVISIBLE = /[\u200B\u200C\u2060\uFEFF\u00AD]/g;
// C0 controls other than tab/newline: leftovers of broken encodings. Matching them is the point here.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is this regex's job
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Normalises a body for reading: CRLF/CR to LF, Unicode NFC, odd spaces to plain spaces, invisible and
 * control characters removed, trailing spaces trimmed, runs of blank lines kept to one. HTML marker lines
 * (from `htmlToText`) are removed and their positions returned as hints. Plain text must go through
 * `stripMarks` first, so that a sender cannot fake a marker.
 */
export function normalizeText(input: string): NormalizedText {
  const lines = input
    .replace(/\r\n?/g, '\n')
    .normalize('NFC')
    .replace(ODD_SPACES, ' ')
    .replace(INVISIBLE, '')
    .replace(CONTROLS, '')
    .split('\n');
  const out: string[] = [];
  const quoteHints: number[] = [];
  const signatureHints: number[] = [];
  let blankRun = 0;
  for (const raw of lines) {
    let line = raw.trimEnd();
    if (line.includes(MARK_CHAR)) {
      // A marker line may sit inside a blockquote, so it can carry `>` prefixes.
      const bare = line.replace(/^[>\s]*/, '');
      if (bare === QUOTE_MARK || bare === SIGNATURE_MARK) {
        (bare === QUOTE_MARK ? quoteHints : signatureHints).push(out.length);
        continue;
      }
      line = line.replaceAll(MARK_CHAR, '');
    }
    if (line === '') {
      blankRun++;
      if (blankRun > 1) continue;
    } else {
      blankRun = 0;
    }
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  let lead = 0;
  while (lead < out.length && out[lead] === '') lead++;
  const shift = (hints: number[]) => hints.map((h) => Math.max(0, h - lead));
  return {
    text: out.slice(lead).join('\n'),
    quoteHints: shift(quoteHints),
    signatureHints: shift(signatureHints),
  };
}

/** Removes the marker character from text that did not come from `htmlToText`. */
export function stripMarks(text: string): string {
  return text.includes(MARK_CHAR) ? text.replaceAll(MARK_CHAR, '') : text;
}
