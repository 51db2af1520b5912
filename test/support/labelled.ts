import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './fixtures.js';

/** One labelled case: messages taken in order as one mailbox, with the expected line after each. */
export interface LabelledCase {
  name: string;
  files: { file: string; path: string }[];
  expected: Record<string, unknown>[];
}

function walk(dir: string, pick: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name.startsWith('_')
        ? []
        : walk(join(dir, e.name), pick)
      : pick(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * fixtures/requests/**.eml (one message each) and fixtures/conversations/<case>/ (messages in file order); or,
 * with `set: 'holdout'` or `'holdout-2'`, held-out messages written apart (the second set was never looked at
 * while changing rules).
 */
export function labelledCases(set: 'tuning' | 'holdout' | 'holdout-2' = 'tuning'): LabelledCase[] {
  const singles = walk(join(ROOT, 'fixtures', set === 'tuning' ? 'requests' : set), (n) => n.endsWith('.eml'))
    .sort()
    .map((path) => ({
      name: relative(ROOT, path),
      files: [{ file: relative(ROOT, path), path }],
      expected: [
        JSON.parse(readFileSync(path.replace(/\.eml$/, '.expected.json'), 'utf8')) as Record<string, unknown>,
      ],
    }));
  if (set !== 'tuning') return singles;
  const convRoot = join(ROOT, 'fixtures', 'conversations');
  const conversations = readdirSync(convRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = join(convRoot, name);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => ({ file: relative(ROOT, join(dir, f)), path: join(dir, f) }));
      const expected = readFileSync(join(dir, 'expected.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      return { name: relative(ROOT, dir), files, expected };
    });
  return [...singles, ...conversations];
}

export const PIPELINE_TEST_OPTIONS = {
  provider: 'INTROSERV',
  zone: 'Europe/Paris',
  providerDomains: ['hosting.example', 'introserv.com'],
  ownAddresses: ['support@hosting.example'],
  ownMessageIdDomains: ['intake.hosting.example'],
  defaultLanguage: 'en' as const,
};
