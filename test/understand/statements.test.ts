import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleLoadError } from '../../src/errors.js';
import { DEFAULT_RULES_DIR, loadRuleBook } from '../../src/rule-engine/load-rules.js';
import {
  ackRules,
  canonicalStatements,
  compileStatements,
  matchStatements,
  STATEMENT_IDS,
  type StatementId,
} from '../../src/understand/acknowledgements.js';
import { splitSentences } from '../../src/understand/sentences.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A rules directory with the shipped acknowledgement rules and the given files. */
function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'intake-statements-'));
  made.push(dir);
  mkdirSync(join(dir, 'understand'));
  cpSync(
    join(DEFAULT_RULES_DIR, 'understand/acknowledgements.yml'),
    join(dir, 'understand/acknowledgements.yml'),
  );
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const SHIPPED = readFileSync(join(DEFAULT_RULES_DIR, 'understand/statements.yml'), 'utf8');
const book = loadRuleBook(rulesDir({ 'understand/statements.yml': SHIPPED }));
const file = book.files.get('understand/statements');

describe('rules/understand/statements.yml', () => {
  it('is a statements/v1 file with the five statements, each with examples both ways', () => {
    expect(file?.data.schema).toBe('statements/v1');
    if (file?.data.schema !== 'statements/v1') return;
    expect(file.data.rules.map((r) => r.id).sort()).toEqual([...STATEMENT_IDS].sort());
    for (const rule of file.data.rules) {
      expect(rule.examples.match.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.noMatch.length, rule.id).toBeGreaterThan(0);
    }
  });

  const compiled = compileStatements(book, 'INTROSERV');
  const rules = ackRules(book);
  const rulesWithExamples = file?.data.schema === 'statements/v1' ? file.data.rules : [];
  it.each(rulesWithExamples.map((rule) => [rule.id, rule] as const))('%s reads its examples', (_, rule) => {
    const id = rule.id as StatementId;
    for (const text of rule.examples.match) {
      expect(matchStatements(text, splitSentences(text), compiled, rules)[id].level, text).toBe('verbatim');
    }
    for (const text of rule.examples.noMatch) {
      expect(matchStatements(text, splitSentences(text), compiled, rules)[id].level, text).not.toBe(
        'verbatim',
      );
    }
  });

  // Compared word for word with the policy's section 4 by `npm run conformance` (scripts/conformance-statements.ts),
  // which may read ../shared; `npm test` must not.
});

describe('canonicalStatements', () => {
  it('fills in the provider name, and offers the alternative wording of the data-loss statement', () => {
    const statements = canonicalStatements(book, 'Acme');
    expect(statements.power_authorization.fr).toMatch(/^J'autorise Acme à effectuer/);
    expect(statements.power_authorization.en).toMatch(/^I authorize Acme to perform/);
    expect(Object.values(statements).every((s) => !`${s.fr}${s.en}`.includes('{provider}'))).toBe(true);
    expect(statements.data_loss_ack.alternatives).toHaveLength(1);
    expect(statements.data_loss_ack.alternatives?.[0]?.lang).toBe('fr');
    expect(statements.hardware_ack.alternatives).toBeUndefined();
  });

  it('refuses a rule book whose statements are missing or unknown', () => {
    const missing = loadRuleBook(
      rulesDir({ 'understand/statements.yml': SHIPPED.replace(/ {2}- id: hardware_ack[\s\S]*$/, '') }),
    );
    expect(() => canonicalStatements(missing, 'X')).toThrow(/statement hardware_ack is missing/);
    const unknown = loadRuleBook(
      rulesDir({ 'understand/statements.yml': SHIPPED.replace('id: backup_none', 'id: backup_nothing') }),
    );
    expect(() => canonicalStatements(unknown, 'X')).toThrow(RuleLoadError);
    const none = loadRuleBook(rulesDir({}));
    expect(() => canonicalStatements(none, 'X')).toThrow(/no statements file/);
  });
});

describe('statements/v1 validation', () => {
  const small = `schema: statements/v1
description: two statements for a test
rules:
  - id: power_authorization
    description: permission to reboot the server
    fr: "J'autorise {provider} à redémarrer le serveur si nécessaire."
    en: "I authorize {provider} to reboot the server if necessary."
    examples: { match: ["I authorize INTROSERV to reboot the server if necessary"], noMatch: [no] }
  - id: backup_confirmed
    description: a backup exists for a test
    fr: "Je confirme avoir une sauvegarde à jour de mes données."
    en: "I confirm I have an up-to-date backup of my data."
    examples: { match: ["I confirm I have an up to date backup of my data"], noMatch: [no] }
`;

  function loadError(content: string): string {
    try {
      loadRuleBook(rulesDir({ 'understand/statements.yml': content }));
    } catch (err) {
      expect(err).toBeInstanceOf(RuleLoadError);
      return (err as RuleLoadError).problems.join('\n');
    }
    throw new Error('expected the statements to be refused');
  }

  it('loads a valid file', () => {
    expect(
      loadRuleBook(rulesDir({ 'understand/statements.yml': small })).files.get('understand/statements'),
    ).toBeDefined();
  });

  it('names the file, the line, the statement and the field of a problem', () => {
    const problems = loadError(small.replace('"I authorize {provider}', '"I authorize {company}'));
    expect(problems).toMatch(
      /statements\.yml:7: rule power_authorization: rules\.0\.en: the only placeholder is \{provider\}/,
    );
  });

  it('requires both languages and refuses unknown fields', () => {
    const noFrench = loadError(small.replace(/ {4}fr: "Je confirme.*\n/, ''));
    expect(noFrench).toMatch(/statements\.yml:\d+: rule backup_confirmed: rules\.1\.fr/);
    const extra = loadError(small.replace('    examples: {', '    language: fr\n    examples: {'));
    expect(extra).toMatch(/statements\.yml:\d+: rule power_authorization: rules\.0/);
  });
});
