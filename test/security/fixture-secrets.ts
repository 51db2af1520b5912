import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createReader } from '../../src/reader/read-message.js';
import { ROOT } from '../support/fixtures.js';

/** A fixture message holding at least one secret, with the values the reader set apart. */
export interface SecretFixture {
  file: string;
  raw: Buffer;
  values: string[];
  /** SHA-256 of each value, to compare with the `secrets` the fixture's expectations list. */
  sha256: string[];
  /** What the fixture's `.expected.json` says the secrets' hashes are (empty when it does not say). */
  expectedSha256: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name.startsWith('_')
        ? []
        : walk(join(dir, e.name))
      : e.name.endsWith('.eml')
        ? [join(dir, e.name)]
        : [],
  );
}

function expectedHashes(path: string): string[] {
  const expected = path.replace(/\.eml$/, '.expected.json');
  if (!existsSync(expected)) return [];
  const parsed = JSON.parse(readFileSync(expected, 'utf8')) as { secrets?: { sha256?: string }[] };
  return (parsed.secrets ?? []).flatMap((s) => (s.sha256 ? [s.sha256] : []));
}

/**
 * Every fixture under fixtures/** (generators aside) in which the reader's secret finder finds a password or
 * a console login, read by the production reader: the values a log line must never contain.
 */
export async function secretFixtures(): Promise<SecretFixture[]> {
  const reader = createReader();
  const found: SecretFixture[] = [];
  for (const path of walk(join(ROOT, 'fixtures')).sort()) {
    const raw = readFileSync(path);
    const expectedSha256 = expectedHashes(path);
    let secrets: Awaited<ReturnType<typeof reader.read>>['secrets'] = [];
    try {
      secrets = (await reader.read(raw)).secrets;
    } catch {
      // A fixture the reader refuses on purpose (bad input) holds no secret it could find.
    }
    if (secrets.length === 0 && expectedSha256.length === 0) continue;
    found.push({
      file: relative(ROOT, path),
      raw,
      values: secrets.map((s) => s.value.reveal()),
      sha256: secrets.map((s) => s.value.sha256()),
      expectedSha256,
    });
  }
  return found;
}

/**
 * The forms in which a value would show in a JSON log line: as is, JSON-escaped, and without the sentence's
 * final punctuation (the finder may keep a trailing full stop the customer did not mean as part of it).
 */
export function searchForms(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  const trimmed = value.replace(/[.,;:!?]+$/, '');
  if (trimmed.length >= 6) forms.add(trimmed);
  return [...forms];
}

/** Each log line holding one of the values, as `value ← line` (empty when none does). */
export function linesWithSecrets(log: string, values: readonly string[]): string[] {
  const hits: string[] = [];
  const lines = log.split('\n');
  for (const value of values) {
    for (const form of searchForms(value)) {
      for (const line of lines) if (line.includes(form)) hits.push(`${value} <- ${line.slice(0, 400)}`);
    }
  }
  return hits;
}
