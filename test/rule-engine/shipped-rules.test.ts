import { describe, expect, it } from 'vitest';
import { detectLanguage, languageProfiles } from '../../src/reader/detect-language.js';
import { loadRuleBook } from '../../src/rule-engine/load-rules.js';

const book = loadRuleBook();
const patternSets = book.sets.filter((set) => book.files.get(set)?.data.schema === 'pattern-rules/v1');
const rules = patternSets.flatMap((set) => book.patterns(set).map((rule) => ({ set, rule })));

describe('shipped rules', () => {
  it('load, and there are pattern rules to check', () => {
    expect(rules.length).toBeGreaterThan(20);
  });

  // Pedantic: a rule without examples cannot be reviewed or regression-tested.
  it.each(rules.map(({ set, rule }) => [`${set} ${rule.id}`, rule] as const))(
    '%s has match and no-match examples',
    (_, rule) => {
      expect(
        rule.examples.match.length,
        `${rule.id} (${rule.source.file}:${rule.source.line}) needs match examples`,
      ).toBeGreaterThan(0);
      expect(
        rule.examples.noMatch.length,
        `${rule.id} (${rule.source.file}:${rule.source.line}) needs noMatch examples`,
      ).toBeGreaterThan(0);
    },
  );

  it.each(rules.map(({ set, rule }) => [`${set} ${rule.id}`, rule] as const))(
    '%s matches its examples',
    (_, rule) => {
      for (const example of rule.examples.match) {
        expect(rule.regex.test(example), `${rule.id} should match ${JSON.stringify(example)}`).toBe(true);
      }
      for (const example of rule.examples.noMatch) {
        expect(rule.regex.test(example), `${rule.id} should not match ${JSON.stringify(example)}`).toBe(
          false,
        );
      }
    },
  );
});

describe('language profile', () => {
  const file = book.languageProfile('reader/language');
  const profiles = languageProfiles(book);

  it('keeps the French and English word lists disjoint', () => {
    const fr = new Set(file.languages.fr?.words.map((w) => w.toLowerCase()));
    const shared = (file.languages.en?.words ?? []).filter((w) => fr.has(w.toLowerCase()));
    expect(shared).toEqual([]);
  });

  it('has examples for both languages', () => {
    expect(new Set(file.examples.map((e) => e.expect))).toEqual(new Set(['fr', 'en']));
  });

  it.each(file.examples.map((e) => [e.text.slice(0, 50), e] as const))('classifies "%s…"', (_, example) => {
    expect(detectLanguage([example.text], profiles, example.expect === 'fr' ? 'en' : 'fr')).toBe(
      example.expect,
    );
  });
});
