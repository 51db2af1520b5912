import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MESSAGES_DIR = join(ROOT, 'fixtures', 'messages');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.eml') ? [join(dir, e.name)] : [],
  );
}

/** Every fixture message, as repository-relative path and raw bytes, in a stable order. */
export function fixtureMessages(): { file: string; path: string; raw: Buffer }[] {
  return walk(MESSAGES_DIR)
    .sort()
    .map((path) => ({ file: relative(ROOT, path), path, raw: readFileSync(path) }));
}
