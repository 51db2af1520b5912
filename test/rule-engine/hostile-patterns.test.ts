import { describe, expect, it } from 'vitest';
import { loadRuleBook } from '../../src/rule-engine/load-rules.js';

const book = loadRuleBook();
const rules = book.sets
  .filter((set) => book.files.get(set)?.data.schema === 'pattern-rules/v1')
  .flatMap((set) => book.patterns(set));

// Strings built to make a backtracking engine explode on nested or overlapping quantifiers.
const N = 50_000;
const HOSTILE: Record<string, string> = {
  letters: 'a'.repeat(N),
  spaces: ' '.repeat(N),
  tabsAndSpaces: ' \t'.repeat(N / 2),
  digits: '1'.repeat(N),
  dashes: `${'-'.repeat(N)}x`,
  underscores: `${'_'.repeat(N)}x`,
  arrows: '>'.repeat(N),
  onRepeated: 'On 1 '.repeat(N / 5),
  leRepeated: 'Le 1 à 10:00 '.repeat(N / 13),
  fromFields: 'From: a@b '.repeat(N / 10),
  emailish: 'a@'.repeat(N / 2),
  phoneish: '+33 1 '.repeat(N / 6),
  colons: 'pw: '.repeat(N / 4),
  accents: 'é '.repeat(N / 2),
  mixed: 'On Mon, 1 Jan 2026 at 10:00 <a@b> '.repeat(N / 34),
};

describe('every pattern rule runs in bounded time on hostile input', () => {
  it.each(rules.map((r) => [r.id, r] as const))('%s', (_, rule) => {
    for (const [name, text] of Object.entries(HOSTILE)) {
      const started = performance.now();
      rule.regex.test(text);
      rule.regex.test(`${text}\n${text.slice(0, 1000)}`);
      const elapsed = performance.now() - started;
      // Linear patterns take a few milliseconds here; catastrophic backtracking takes seconds to forever.
      expect(elapsed, `${rule.id} on ${name} took ${elapsed.toFixed(0)} ms`).toBeLessThan(500);
    }
  });
});
