/** A sentence of the new text with its offsets (`newText.slice(start, end) === text`). */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

// Abbreviations whose dot does not end a sentence.
const ABBREVIATION =
  /(?:^|[\s(])(?:M|Mr|Mrs|Ms|Dr|St|Mme|Mlle|MM|cf|p\. ?ex|e\.g|i\.e|etc|env|approx|vs|n°|no|réf|ref|tél|tel|ex)\.$/i;
// A line shorter than this was not wrapped by the mail client: its line break ends it.
const WRAP_WIDTH = 55;

function pushTrimmed(out: Sentence[], text: string, from: number, to: number): void {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ text: text.slice(start, end), start, end });
}

/**
 * Splits new text into sentences, keeping offsets. E-mail text is hard-wrapped, so a line break ends a
 * sentence only after terminal punctuation or a colon, before a list item, blank line or "Label : value"
 * line, or after a short line (which the client did not wrap); `.` `!` `?` end one when followed by white
 * space, except after common abbreviations (version numbers and addresses have no space after their dots).
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let from = 0;
  const lines = text.split('\n');
  let offset = 0;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!;
    const lineStart = offset;
    offset += line.length + 1;
    // Sentence ends inside the line.
    const inner = /[.!?…]+["'»”)]*(?=\s)/g;
    for (let m = inner.exec(line); m !== null; m = inner.exec(line)) {
      const end = lineStart + m.index + m[0].length;
      // "(disk? RAID controller? the kernel?)": questions inside brackets do not end the sentence.
      const upTo = line.slice(0, m.index);
      if ((upTo.match(/\(/g)?.length ?? 0) > (upTo.match(/\)/g)?.length ?? 0)) continue;
      if (m[0].startsWith('.') && m[0].length === 1 && ABBREVIATION.test(line.slice(0, m.index + 1)))
        continue;
      pushTrimmed(out, text, from, end);
      from = end;
    }
    const next = lines[l + 1];
    const trimmed = line.trim();
    const breaks =
      next === undefined ||
      trimmed === '' ||
      next.trim() === '' ||
      /[.!?:;…]["'»”)]*$/.test(trimmed) ||
      trimmed.length < WRAP_WIDTH ||
      /^\s*(?:[-*•–]\s|\d{1,2}[.)]\s|[\p{L}][\p{L} '’/-]{0,30}\s?:\s)/u.test(next);
    if (breaks) {
      pushTrimmed(out, text, from, lineStart + line.length);
      from = offset;
    }
  }
  return out;
}
