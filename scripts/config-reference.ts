/**
 * `npm run docs:config`: rewrites the configuration reference in docs/operations.md from ConfigSchema
 * (between its config-reference markers). test/config-reference.test.ts fails when this was not run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference, spliceConfigReference } from '../src/config-reference.js';

const path = fileURLToPath(new URL('../docs/operations.md', import.meta.url));
const before = readFileSync(path, 'utf8');
const after = spliceConfigReference(before, renderConfigReference());
if (after === before) {
  console.log('docs/operations.md: configuration reference already up to date');
} else {
  writeFileSync(path, after);
  console.log('docs/operations.md: configuration reference rewritten');
}
