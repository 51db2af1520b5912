/** One line of a body, with how deeply it is `>`-quoted and its text without the quote prefix. */
export interface TextLine {
  readonly raw: string;
  readonly depth: number;
  readonly content: string;
}

const QUOTE_PREFIX = /^(?:[ \t]{0,3}>)+[ \t]?/;

export function toLines(text: string): TextLine[] {
  return text.split('\n').map((raw) => {
    const prefix = QUOTE_PREFIX.exec(raw);
    if (!prefix) return { raw, depth: 0, content: raw };
    // ">>> http://example.com <<<" is decoration, not a quote: the arrows are mirrored.
    if (/^\s*>{2,}/.test(raw) && /<{2,}\s*$/.test(raw)) return { raw, depth: 0, content: raw };
    let depth = 0;
    for (const ch of prefix[0]) if (ch === '>') depth++;
    return { raw, depth, content: raw.slice(prefix[0].length) };
  });
}

export function isBlank(line: TextLine | undefined): boolean {
  return line !== undefined && line.content.trim() === '';
}

/** Drops one level of `>` from each line, for the text of a quoted part. */
export function unquoteOne(lines: readonly TextLine[]): string {
  return lines.map((l) => (l.depth > 0 ? l.raw.replace(/^[ \t]{0,3}>[ \t]?/, '') : l.raw)).join('\n');
}
