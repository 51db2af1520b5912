import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMultiSearch } from '../../src/reader/multi-search.js';

function naive(needles: readonly string[], text: string) {
  const out: { needle: number; start: number; end: number }[] = [];
  needles.forEach((needle, index) => {
    if (needle === '') return;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      out.push({ needle: index, start: at, end: at + needle.length });
    }
  });
  return out;
}

const order = (a: { start: number; needle: number }, b: { start: number; needle: number }) =>
  a.start - b.start || a.needle - b.needle;

describe('createMultiSearch', () => {
  it('finds overlapping needles, needles inside needles, and repeated needles', () => {
    const found = createMultiSearch(['he', 'she', 'his', 'hers', 'e']).find('ushers');
    expect(found.sort(order)).toEqual(naive(['he', 'she', 'his', 'hers', 'e'], 'ushers').sort(order));
  });

  it('finds every occurrence a naive search finds', () => {
    const small = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é'), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(small, { maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', ' '), maxLength: 200 }),
        (needles, text) => {
          expect(createMultiSearch(needles).find(text).sort(order)).toEqual(naive(needles, text).sort(order));
        },
      ),
      { numRuns: 500 },
    );
  });
});
