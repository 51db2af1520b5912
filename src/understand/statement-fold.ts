/**
 * A text folded to the form in which canonical statements are compared: letters and digits only, lower
 * case, accents removed. Everything else (white space, line breaks, punctuation, quotes, apostrophes) is
 * dropped, so that the differences section 4 of the policy tolerates disappear, including a missing space
 * or apostrophe ("d une", "dune"). Each folded character remembers the original characters it came from,
 * so that a match found in the folded text points back at the customer's own words, and whether something
 * was dropped before it (a word starts there), so that a match cannot start or end inside a word.
 */
export interface Folded {
  readonly text: string;
  /** Offset in the original text of the character each folded character came from. */
  readonly from: Int32Array;
  /** End offset (exclusive) in the original text of that character. */
  readonly to: Int32Array;
  /** 1 where the original had dropped characters (or the text's start) before this folded character. */
  readonly breakBefore: Uint8Array;
}

// Folding one non-ASCII character costs a normalize() call; mail uses few distinct ones.
const CACHE_LIMIT = 4096;
const cache = new Map<string, string>();

function foldChar(ch: string): string {
  const cached = cache.get(ch);
  if (cached !== undefined) return cached;
  // NFKD splits accents off (é → e + ◌́) and compatibility forms (ﬁ → fi); lower-casing can add marks back
  // (İ → i̇), hence the second pass.
  const folded = ch
    .normalize('NFKD')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]/gu, '');
  if (cache.size < CACHE_LIMIT) cache.set(ch, folded);
  return folded;
}

/** Folds `text` in one pass; linear in its length. */
export function foldText(text: string): Folded {
  const n = text.length;
  let capacity = n + 16;
  let from = new Int32Array(capacity);
  let to = new Int32Array(capacity);
  let breaks = new Uint8Array(capacity);
  let codes = new Uint16Array(capacity);
  let len = 0;
  let pendingBreak = 1;
  const push = (code: number, start: number, end: number) => {
    if (len === capacity) {
      capacity *= 2;
      const grow = <T extends Int32Array | Uint8Array | Uint16Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      from = grow(from, new Int32Array(capacity));
      to = grow(to, new Int32Array(capacity));
      breaks = grow(breaks, new Uint8Array(capacity));
      codes = grow(codes, new Uint16Array(capacity));
    }
    codes[len] = code;
    from[len] = start;
    to[len] = end;
    breaks[len] = pendingBreak;
    pendingBreak = 0;
    len++;
  };
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) push(c, i, i + 1);
      else if (c >= 65 && c <= 90) push(c + 32, i, i + 1);
      else pendingBreak = 1;
      i++;
      continue;
    }
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    const folded = foldChar(text.slice(i, i + width));
    if (folded === '') pendingBreak = 1;
    for (let k = 0; k < folded.length; k++) push(folded.charCodeAt(k), i, i + width);
    i += width;
  }
  let out = '';
  for (let k = 0; k < len; k += 8192) {
    out += String.fromCharCode(...codes.subarray(k, Math.min(len, k + 8192)));
  }
  return {
    text: out,
    from: from.subarray(0, len),
    to: to.subarray(0, len),
    breakBefore: breaks.subarray(0, len),
  };
}

/** Whether folded[start, end) is whole words: nothing of a word continues before or after it. */
export function isWholeWords(folded: Folded, start: number, end: number): boolean {
  return folded.breakBefore[start] === 1 && (end === folded.text.length || folded.breakBefore[end] === 1);
}

/**
 * The words of a folded text: runs of folded characters with nothing dropped between them. "qu'aucune"
 * gives "qu" and "aucune", as in the canonical statements folded the same way.
 */
export interface Words {
  readonly words: readonly string[];
  /** Folded offsets of each word's first character and end. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export function wordsOf(folded: Folded): Words {
  const starts: number[] = [];
  const n = folded.text.length;
  for (let i = 0; i < n; i++) if (folded.breakBefore[i] === 1) starts.push(i);
  const start = Int32Array.from(starts);
  const end = new Int32Array(starts.length);
  const words: string[] = new Array(starts.length);
  for (let w = 0; w < starts.length; w++) {
    end[w] = w + 1 < starts.length ? start[w + 1]! : n;
    words[w] = folded.text.slice(start[w]!, end[w]!);
  }
  return { words, start, end };
}
