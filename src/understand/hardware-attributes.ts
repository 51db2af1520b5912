import { anyMatch, type CompiledRule, firstMatch } from '../rule-engine/compiled-rule.js';
import type { HardwareRules, Scanner } from './hardware-rules.js';
import { tagValues } from './rule-match.js';

/** A value found in a sentence, offsets in the sentence. */
export interface Found<T> {
  value: T;
  start: number;
  end: number;
}

const SIZE_UNITS: Record<string, string> = { g: 'GB', t: 'TB', m: 'MB' };
const SIZE_GB: Record<string, number> = { GB: 1, TB: 1024, MB: 1 / 1024 };

/** A normalised capacity in GB ("2TB" → 2048), for comparing and adding capacities. */
export function gigabytes(size: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(GB|TB|MB)$/.exec(size);
  return m ? Number(m[1]) * (SIZE_GB[m[2]!] ?? 1) : null;
}
const QUANTITY_REACH = 48;
const SERIALS_PER_LABEL = 8;

function matches(scanners: readonly Scanner[], text: string): RegExpMatchArray[] {
  const out: RegExpMatchArray[] = [];
  for (const { all } of scanners) for (const m of text.matchAll(all)) out.push(m);
  return out.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

/** Capacities, normalised: « 32 Go » → "32GB", « 1,92 To » → "1.92TB", "16GiB" → "16GB". */
export function sizesIn(
  text: string,
  rules: HardwareRules,
): (Found<string> & { bare: boolean; target: boolean })[] {
  return matches(rules.sizes, text).map((m) => {
    const start = m.index ?? 0;
    const unit = (m.groups?.unit ?? m.groups?.bare ?? 'g').charAt(0).toLowerCase();
    const number = (m.groups?.n ?? '').replace(',', '.');
    return {
      value: `${number}${SIZE_UNITS[unit] ?? 'GB'}`,
      start,
      end: start + m[0].length,
      bare: m.groups?.bare !== undefined,
      target: anyMatch(rules.sizeTargetBefore, text.slice(Math.max(0, start - 24), start)),
    };
  });
}

/** Slots: the id of a labelled slot or numbered part, or a board's slot name as printed ("P1-DIMMA1"). */
export function slotsIn(text: string, rules: HardwareRules): Found<string>[] {
  const out: Found<string>[] = [];
  for (const m of matches(rules.slots, text)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (out.some((s) => start < s.end && end > s.start)) continue;
    // The id is the slot: "bay 3" → "3", "DIMM B2" → "B2", "slots A2 and B2" → "A2, B2", "PSU2" → "2".
    const ids = (m.groups?.id ?? '')
      .split(/\s*(?:[,/&]|\band\b|\bet\b)\s*/i)
      .map((one) => one.replace(/[\s-]+/g, '').toUpperCase())
      .filter(Boolean);
    const value = ids.length > 0 ? ids.join(', ') : m[0];
    out.push({ value, start, end });
  }
  return out;
}

/** Serial numbers after a label: "S/N: WD-WCC4N1234567", « numéros de série : A1B2C3, D4E5F6 ». */
export function serialsIn(text: string, rules: HardwareRules): Found<string[]>[] {
  const out: Found<string[]>[] = [];
  for (const m of matches(rules.serialLabels, text)) {
    const start = m.index ?? 0;
    let at = start + m[0].length;
    const serials: string[] = [];
    while (serials.length < SERIALS_PER_LABEL) {
      const token = firstMatch(rules.serialToken, text.slice(at, at + 80));
      const serial = token?.match.groups?.serial;
      if (!token || !serial) break;
      serials.push(serial);
      at += token.match[0].length;
      const separator = firstMatch(rules.serialSeparator, text.slice(at, at + 16));
      if (!separator) break;
      at += separator.match[0].length;
    }
    if (serials.length > 0) out.push({ value: serials, start, end: at });
  }
  return out;
}

/**
 * The value of a number word, from the rule's own `word=N` tags: the words a quantity rule accepts are a
 * short closed list, so a table beside them reads them (compromise did, for 60 MB of memory).
 */
function numberWord(word: string, rule: CompiledRule): number | null {
  const tag = rule.tags.find((t) => t.startsWith(`${word}=`));
  const value = tag ? Number(tag.slice(word.length + 1)) : Number.NaN;
  return Number.isInteger(value) && value > 0 ? value : null;
}

/** How many: "2 disks", "2x 32GB DIMMs", « deux barrettes », "a pair of", "DIMM x2". */
export function quantityAround(before: string, after: string, rules: HardwareRules): number | null {
  const window = before.slice(-QUANTITY_REACH);
  for (const rule of rules.quantity) {
    const m = rule.regex.exec(window);
    if (!m) continue;
    const fixed = tagValues(rule, 'quantity')[0];
    if (fixed) return Number(fixed);
    if (m.groups?.q) return Number(m.groups.q) || null;
    if (m.groups?.w) return numberWord(m.groups.w.toLowerCase(), rule);
  }
  const later = firstMatch(rules.quantityAfter, after.slice(0, 16));
  return later?.match.groups?.q ? Number(later.match.groups.q) || null : null;
}

/**
 * A capacity given as a total and as its modules in one clause ("64GB RAM as 2 x 32GB modules"): the count
 * and size of the modules, which say more than the total.
 */
export function modulesOf(
  sizes: readonly Found<string>[],
  clause: string,
  clauseStart: number,
  rules: HardwareRules,
): { size: string; quantity: number } | null {
  if (sizes.length < 2) return null;
  for (const part of sizes) {
    const each = gigabytes(part.value);
    const quantity = quantityAround(clause.slice(0, part.start - clauseStart), '', rules);
    if (each === null || quantity === null || quantity < 2) continue;
    if (sizes.some((total) => total !== part && gigabytes(total.value) === each * quantity))
      return { size: part.value, quantity };
  }
  return null;
}
