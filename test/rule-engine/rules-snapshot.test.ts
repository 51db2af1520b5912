import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuleLoadError } from '../../src/errors.js';
import {
  DEFAULT_RULES_DIR,
  loadRuleBook,
  type RuleBook,
  writeRulesSnapshot,
} from '../../src/rule-engine/load-rules.js';

let dir: string;
let rules: string;
let snapshot: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-snapshot-'));
  rules = join(dir, 'rules');
  snapshot = join(dir, 'rules-snapshot.json');
  cpSync(DEFAULT_RULES_DIR, rules, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a rule book gives its users, in one comparable value. */
function contents(book: RuleBook): unknown {
  return book.sets.map((set) => {
    const entry = book.files.get(set)!;
    const patterns =
      entry.data.schema === 'pattern-rules/v1'
        ? book.patterns(set).map((r) => [r.id, r.regex.source, r.regex.flags, r.source, r.tags, r.examples])
        : null;
    return [set, entry.file, entry.data, patterns];
  });
}

/** Changes one rule's description inside the snapshot, keeping its digest: shows whether it was used. */
function tamper(): void {
  const text = readFileSync(snapshot, 'utf8');
  writeFileSync(snapshot, text.replace('"description":"', '"description":"FROM THE SNAPSHOT '));
}

const anyDescription = (book: RuleBook) =>
  book.sets.some((set) => JSON.stringify(book.files.get(set)!.data).includes('FROM THE SNAPSHOT'));

describe('rules snapshot', () => {
  it('gives the same rule book as the YAML, sources and lines included, and is used while the files match', () => {
    writeRulesSnapshot(rules, snapshot);
    const fromYaml = loadRuleBook(rules, { snapshot: null });
    const fromSnapshot = loadRuleBook(rules, { snapshot });
    expect(contents(fromSnapshot)).toEqual(contents(fromYaml));
    expect(fromSnapshot.digest).toBe(fromYaml.digest);

    tamper();
    expect(anyDescription(loadRuleBook(rules, { snapshot }))).toBe(true);
  });

  it('is ignored as soon as any rule file changes, and errors are reported with file and line as ever', () => {
    writeRulesSnapshot(rules, snapshot);
    tamper();
    appendFileSync(join(rules, 'reader/quote-markers.yml'), '\n# an operator was here\n');
    expect(anyDescription(loadRuleBook(rules, { snapshot }))).toBe(false);

    appendFileSync(
      join(rules, 'reader/quote-markers.yml'),
      '  - id: broken.rule\n    description: has no examples\n    pattern: "x"\n',
    );
    let error: unknown;
    try {
      loadRuleBook(rules, { snapshot });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RuleLoadError);
    expect(String((error as Error).message)).toMatch(/quote-markers\.yml:\d+: rule broken\.rule: /);
  });

  it('a file added or renamed changes the digest too', () => {
    writeRulesSnapshot(rules, snapshot);
    tamper();
    cpSync(join(rules, 'reader/quote-markers.yml'), join(rules, 'reader/quote-markers-copy.yml'));
    expect(() => loadRuleBook(rules, { snapshot })).toThrow(/duplicate id/);
  });

  it('a damaged or missing snapshot only costs a parse of the YAML', () => {
    writeRulesSnapshot(rules, snapshot);
    const expected = contents(loadRuleBook(rules, { snapshot: null }));
    writeFileSync(snapshot, readFileSync(snapshot, 'utf8').slice(0, 1000));
    expect(contents(loadRuleBook(rules, { snapshot }))).toEqual(expected);
    rmSync(snapshot);
    expect(contents(loadRuleBook(rules, { snapshot }))).toEqual(expected);
  });

  it('the build wrote the snapshot of the shipped rules (dist/rules-snapshot.json) and it matches them', () => {
    const built = fileURLToPath(new URL('../../dist/rules-snapshot.json', import.meta.url));
    const { digest } = JSON.parse(readFileSync(built, 'utf8')) as { digest: string };
    expect(digest, 'dist/ is older than rules/: run `npm run build`').toBe(
      loadRuleBook(DEFAULT_RULES_DIR, { snapshot: null }).digest,
    );
  });
});
