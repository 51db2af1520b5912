import type { DaySpec, Item } from './types.js';

type DateSpec = Extract<DaySpec, { kind: 'date' }>;

/** « du 28 au 2 décembre »: the first day takes the last one's month, or the month before. */
function borrowMonth(first: DateSpec, last: DateSpec): DateSpec {
  let month = last.month!;
  let y = last.year;
  if (first.day > last.day) {
    month = month === 1 ? 12 : month - 1;
    if (y !== null && month === 12) y -= 1;
  }
  return { ...first, month, year: y };
}

function isRangeWord(item: Item | undefined, opener: Item | undefined): boolean {
  if (item?.t !== 'conn') return false;
  if (item.role === 'to' || item.role === 'until') return true;
  return item.role === 'and' && opener?.t === 'conn' && opener.between;
}

export function joinSpans(items: Item[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    const opener = out[out.length - 1]?.t === 'conn' ? out[out.length - 1] : undefined;
    const b = items[i + 1];
    const c = items[i + 2];
    if (c?.t === 'day' && isRangeWord(b, opener)) {
      let first: DaySpec | null = null;
      if (a.t === 'day') first = a.spec;
      // « du 24 au 26 août », « entre le 3 et le 5 décembre »: the first day borrows the month.
      const opens = opener?.t === 'conn' && opener.role === 'from';
      if (a.t === 'clock' && a.value.bare && opens && c.spec.kind === 'date' && c.spec.month !== null)
        first = borrowMonth(
          { kind: 'date', year: null, month: null, day: a.value.hour, weak: false, weekday: null },
          c.spec,
        );
      if (first?.kind === 'date' && first.month === null && c.spec.kind === 'date' && c.spec.month !== null)
        first = borrowMonth(first, c.spec);
      if (first && (first.kind !== 'date' || (first.day >= 1 && first.day <= 31))) {
        const begin = opener?.t === 'conn' && opener.role === 'from' ? out.pop()!.from : a.from;
        const ruleId = opener?.t === 'conn' ? opener.ruleId : b!.t === 'conn' ? b!.ruleId : c.ruleId;
        out.push({ t: 'span', first, last: c.spec, from: begin, to: c.to, ruleId });
        i += 2;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}
