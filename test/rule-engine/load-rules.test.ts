import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleLoadError } from '../../src/errors.js';
import { loadRuleBook } from '../../src/rule-engine/load-rules.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'intake-rules-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function loadError(dir: string): RuleLoadError {
  try {
    loadRuleBook(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(RuleLoadError);
    return err as RuleLoadError;
  }
  throw new Error('expected the rules to be refused');
}

const good = `schema: pattern-rules/v1
description: a small valid rule file
rules:
  - id: demo.hello
    description: says hello in a test
    pattern: '^hello$'
    examples: { match: [hello], noMatch: [bye] }
`;

describe('loadRuleBook', () => {
  it('loads a valid file and compiles its patterns once', () => {
    const book = loadRuleBook(rulesDir({ 'demo/one.yml': good }));
    const [rule] = book.patterns('demo/one');
    expect(rule?.id).toBe('demo.hello');
    expect(rule?.regex.flags).toContain('u');
    expect(rule?.source.line).toBe(6);
  });

  it('names the file, the line, the rule and the field of a schema problem', () => {
    const bad = good
      .replace("pattern: '^hello$'", () => 'pattern: 12')
      .replace('says hello in a test', 'short');
    const err = loadError(rulesDir({ 'demo/one.yml': bad }));
    expect(err.code).toBe('rules_invalid');
    expect(err.problems.join('\n')).toMatch(/demo\/one\.yml:5: rule demo\.hello: rules\.0\.description/);
    expect(err.problems.join('\n')).toMatch(/demo\/one\.yml:6: rule demo\.hello: rules\.0\.pattern/);
  });

  it('reports a pattern that does not compile with its line', () => {
    const err = loadError(rulesDir({ 'a.yml': good.replace("'^hello$'", () => "'^(hello$'") }));
    expect(err.problems[0]).toMatch(/a\.yml:6: rule demo\.hello: pattern does not compile/);
  });

  it('reports YAML syntax errors with their line', () => {
    const err = loadError(rulesDir({ 'a.yml': `${good}  - id: [unclosed\n` }));
    expect(err.problems[0]).toMatch(/a\.yml:\d+: YAML syntax/);
  });

  it('refuses duplicate ids across files and lists every problem of every file at once', () => {
    const err = loadError(
      rulesDir({
        'a.yml': good,
        'b.yml': good,
        'c.yml': good.replace('pattern-rules/v1', 'pattern-rules/v9'),
      }),
    );
    expect(
      err.problems.some((p) =>
        /b\.yml:4: rule demo\.hello: duplicate id \(first defined at .*a\.yml:4\)/.test(p),
      ),
    ).toBe(true);
    expect(err.problems.some((p) => /c\.yml:1: .*schema/.test(p))).toBe(true);
  });

  it('refuses stateful flags', () => {
    const err = loadError(
      rulesDir({ 'a.yml': good.replace("pattern: '^hello$'", () => "pattern: '^hello$'\n    flags: g") }),
    );
    expect(err.problems[0]).toMatch(/a\.yml:7: rule demo\.hello: rules\.0\.flags/);
  });
});
