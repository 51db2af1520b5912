import type { CompiledStatements, StatementVariant } from './statement-catalog.js';
import type { Folded, Words } from './statement-fold.js';

/** A copy of a canonical statement with a few words changed, added or left out. */
export interface NearCopy {
  readonly variant: StatementVariant;
  /** Offsets of the copy in the new text. */
  readonly start: number;
  readonly end: number;
  /** Spans of the new text: the customer's words that the statement does not have. */
  readonly inserted: readonly (readonly [number, number])[];
  /** Spans of the statement's own text that the copy lacks. */
  readonly missing: readonly (readonly [number, number])[];
}

// A near copy keeps all but a few of the statement's words: one or two changed or dropped words in a
// short statement, up to 12% of a long one. Fewer kept words is a paraphrase at best, for other rules.
const missingAllowed = (m: number) => Math.max(2, Math.floor(m * 0.12));
const insertedAllowed = (m: number) => missingAllowed(m) + 2;
// Words of the new text whose distance to the next kept word exceeds this are strays of the alignment.
const STRAY_GAP = 3;
// Characters after a customer's word that belong to it for the negation check (the apostrophe of « n' »).
const TAIL = 2;

/** Spans of maximal runs of consecutive indices. */
function runs(indices: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of indices) {
    const last = out[out.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

interface Alignment {
  /** Pairs (statement word, text word), ascending. */
  readonly pairs: [number, number][];
}

/** Longest common subsequence of two id arrays, as index pairs; strays at both ends trimmed. */
function align(canon: Int32Array, text: Int32Array, wStart: number, wEnd: number, dp: Int32Array): Alignment {
  const m = canon.length;
  const w = wEnd - wStart;
  const cols = w + 1;
  for (let j = 0; j <= w; j++) dp[j] = 0;
  for (let i = 1; i <= m; i++) {
    const row = i * cols;
    const prev = row - cols;
    dp[row] = 0;
    const c = canon[i - 1]!;
    for (let j = 1; j <= w; j++) {
      if (c === text[wStart + j - 1]) dp[row + j] = dp[prev + j - 1]! + 1;
      else {
        dp[row + j] = Math.max(dp[prev + j]!, dp[row + j - 1]!);
      }
    }
  }
  const pairs: [number, number][] = [];
  for (let i = m, j = w; i > 0 && j > 0; ) {
    const here = dp[i * cols + j]!;
    if (canon[i - 1] === text[wStart + j - 1] && here === dp[(i - 1) * cols + j - 1]! + 1) {
      pairs.push([i - 1, wStart + j - 1]);
      i--;
      j--;
    } else if (dp[(i - 1) * cols + j]! >= dp[i * cols + j - 1]!) i--;
    else j--;
  }
  pairs.reverse();
  while (pairs.length > 1 && pairs[1]![1] - pairs[0]![1] > STRAY_GAP) pairs.shift();
  while (pairs.length > 1 && pairs[pairs.length - 1]![1] - pairs[pairs.length - 2]![1] > STRAY_GAP)
    pairs.pop();
  return { pairs };
}

function nearCopyFrom(
  variant: StatementVariant,
  alignment: Alignment,
  folded: Folded,
  words: Words,
  textLength: number,
): NearCopy | undefined {
  const { pairs } = alignment;
  const m = variant.words.words.length;
  if (pairs.length < m - missingAllowed(m) || pairs.length === 0) return undefined;
  const first = pairs[0]![1];
  const last = pairs[pairs.length - 1]![1];
  if (last - first + 1 - pairs.length > insertedAllowed(m)) return undefined;
  const keptText = new Set(pairs.map((p) => p[1]));
  const keptCanon = new Set(pairs.map((p) => p[0]));
  const insertedWords: number[] = [];
  for (let t = first; t <= last; t++) if (!keptText.has(t)) insertedWords.push(t);
  const missingWords: number[] = [];
  for (let c = 0; c < m; c++) if (!keptCanon.has(c)) missingWords.push(c);
  const textSpan = (a: number, b: number): [number, number] => [
    folded.from[words.start[a]!]!,
    Math.min(textLength, folded.to[words.end[b]! - 1]! + TAIL),
  ];
  const cw = variant.words;
  const canonSpan = (a: number, b: number): [number, number] => [
    variant.folded.from[cw.start[a]!]!,
    Math.min(variant.text.length, variant.folded.to[cw.end[b]! - 1]! + TAIL),
  ];
  return {
    variant,
    start: folded.from[words.start[first]!]!,
    end: folded.to[words.end[last]! - 1]!,
    inserted: runs(insertedWords).map(([a, b]) => textSpan(a, b)),
    missing: runs(missingWords).map(([a, b]) => canonSpan(a, b)),
  };
}

/**
 * Finds, for each variant not in `skip`, near copies in the new text and returns the first that
 * `accept` keeps, by statement id. Linear in the text: a sliding window counts the statement's words
 * (as a bag) and only a window holding most of them is aligned word by word; after an alignment the
 * next `m` windows are covered by it (the aligned span reaches that far), so each stretch of text is
 * aligned at most once per variant.
 */
export function findNearCopies(
  textLength: number,
  folded: Folded,
  words: Words,
  statements: CompiledStatements,
  skip: ReadonlySet<string>,
  accept: (copy: NearCopy) => boolean,
): Map<string, NearCopy> {
  const found = new Map<string, NearCopy>();
  const n = words.words.length;
  if (n === 0) return found;
  const dict = statements.dictionary;
  const ids = new Int32Array(n);
  for (let t = 0; t < n; t++) ids[t] = dict.get(words.words[t]!) ?? -1;
  const size = dict.size;
  const want = new Int32Array(size);
  const have = new Int32Array(size);
  let dp = new Int32Array(0);
  for (const variant of statements.variants) {
    if (skip.has(variant.id) || found.has(variant.id)) continue;
    const canon = Int32Array.from(variant.words.words, (word) => dict.get(word)!);
    const m = canon.length;
    const extra = insertedAllowed(m);
    const trigger = Math.max(1, m - 2 * missingAllowed(m) - 2);
    want.fill(0);
    have.fill(0);
    for (const id of canon) want[id]!++;
    let bag = 0;
    let coveredTo = -1;
    const tryWindow = (wStart: number, wEnd: number): boolean => {
      const a = Math.max(0, wStart);
      const b = Math.min(n, wEnd);
      const cells = (m + 1) * (b - a + 1);
      if (dp.length < cells) dp = new Int32Array(cells * 2);
      const copy = nearCopyFrom(variant, align(canon, ids, a, b, dp), folded, words, textLength);
      if (copy && accept(copy)) {
        found.set(variant.id, copy);
        return true;
      }
      return false;
    };
    let done = false;
    for (let u = 0; u < n && !done; u++) {
      const id = ids[u]!;
      if (id >= 0) {
        if (have[id]! < want[id]!) bag++;
        have[id]!++;
      }
      const out = u - m;
      if (out >= 0) {
        const gone = ids[out]!;
        if (gone >= 0) {
          have[gone]!--;
          if (have[gone]! < want[gone]!) bag--;
        }
      }
      if (bag >= trigger && u > coveredTo) {
        done = tryWindow(u - m + 1, u + m + extra + 1);
        coveredTo = u + m;
      }
    }
    // Texts shorter than the statement, and copies cut short by the text's end.
    if (!done && bag >= trigger && coveredTo < n - 1) tryWindow(n - m - extra, n);
  }
  return found;
}
