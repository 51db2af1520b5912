import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleLoadError } from '../../../src/errors.js';
import { loadRuleBook, shippedRules } from '../../../src/rule-engine/load-rules.js';
import { findTimes, timeRuleSets, timeRules } from '../../../src/understand/time/index.js';
import { ROLES } from '../../../src/understand/time/time-rules.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A rules directory holding one time rule file with the given rules. */
function bookWith(rules: string): ReturnType<typeof loadRuleBook> {
  const dir = mkdtempSync(join(tmpdir(), 'time-rules-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'understand'));
  writeFileSync(
    join(dir, 'understand', 'time-test.yml'),
    `schema: pattern-rules/v1\ndescription: time rules written by a test\nrules:\n${rules}`,
  );
  return loadRuleBook(dir);
}

const rule = (id: string, tags: string, pattern = 'samedi') =>
  `  - id: ${id}\n    description: a rule written by a test\n    tags: [${tags}]\n    pattern: '${pattern}'\n    examples: { match: ['samedi'], noMatch: ['lundi'] }\n`;

function problems(rules: string): string[] {
  try {
    timeRules(bookWith(rules));
  } catch (err) {
    expect(err).toBeInstanceOf(RuleLoadError);
    return [...(err as RuleLoadError).problems];
  }
  return [];
}

describe('time rules', () => {
  it('are found in every understand/time*.yml file of the shipped rules, with every role used', () => {
    const book = shippedRules();
    expect(timeRuleSets(book)).toEqual(expect.arrayContaining(['understand/time', 'understand/time-zones']));
    const used = new Set(timeRules(book).lexers.map((l) => l.role));
    expect([...ROLES].filter((role) => !used.has(role))).toEqual([]);
  });

  it('reject a rule without exactly one role, naming the file and the rule', () => {
    const found = problems(
      rule('time.test.ok', 'weekday, value=6') +
        rule('time.test.none', 'value=1') +
        rule('time.test.two', 'weekday, month, value=1'),
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/time-test\.yml:\d+: rule time\.test\.none: needs exactly one role tag/);
    expect(found[1]).toMatch(/rule time\.test\.two/);
  });

  it('reject values out of range or malformed', () => {
    const found = problems(
      rule('time.test.weekday', 'weekday, value=9') +
        rule('time.test.daypart', 'daypart, window=18-12, hours=16-28') +
        rule('time.test.zone', 'zone, iana=Mars/Olympus_Mons') +
        rule('time.test.clock', 'clock') +
        rule('time.test.next', 'next, mode=later'),
    );
    expect(found.join('\n')).toMatch(/time\.test\.weekday: needs tag value=N with N in 1\.\.7/);
    expect(found.join('\n')).toMatch(/time\.test\.daypart: needs tag window=A-B/);
    expect(found.join('\n')).toMatch(/time\.test\.zone: iana=Mars\/Olympus_Mons is not a known zone/);
    expect(found.join('\n')).toMatch(/time\.test\.clock: needs a named group h or a tag hour=N/);
    expect(found.join('\n')).toMatch(/time\.test\.next: needs tag mode=coming\|next-week/);
  });

  it('fail when there are no time rules at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'time-rules-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'other.yml'),
      `schema: pattern-rules/v1\ndescription: not time rules at all\nrules:\n${rule('other.rule', 'x')}`,
    );
    expect(() => timeRules(loadRuleBook(dir))).toThrow(/no time rules/);
  });

  it('are data: a new word in a rule file is read without code changes', () => {
    const book = bookWith(
      rule('time.test.sabado', 'weekday, value=6', '(?<![\\p{L}])sábado(?![\\p{L}])') +
        rule('time.test.clock', 'clock', '(?<h>\\d{1,2})h(?<m>\\d\\d)?'),
    );
    const found = findTimes(
      'sábado 14h',
      { reference: new Date('2026-11-25T09:00:00Z'), zone: 'UTC' },
      timeRules(book),
    );
    expect(found).toMatchObject([
      { kind: 'point', start: '2026-11-28T14:00:00Z', ruleId: 'time.test.clock' },
    ]);
  });
});
