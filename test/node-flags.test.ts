import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../src/node-flags.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

describe('NODE_FLAGS: every way the service starts uses them', () => {
  it('the intake executable (its #! line, which tsc keeps in dist/cli.js)', () => {
    const shebang = `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`;
    expect(readFileSync(root('src/cli.ts'), 'utf8').split('\n')[0]).toBe(shebang);
    expect(readFileSync(root('dist/cli.js'), 'utf8').split('\n')[0]).toBe(shebang);
    // Run through the #! line itself (env -S), as `npx intake` and an installed package do.
    const version = execFileSync(root('dist/cli.js'), ['--version'], { encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("the container's entry point", () => {
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(root('Dockerfile'), 'utf8'));
    expect(entry).not.toBeNull();
    expect(JSON.parse(entry![1]!)).toEqual(['node', ...NODE_FLAGS, '/app/dist/cli.js']);
  });

  it('the benchmark and the tests that spawn the worker', () => {
    for (const file of ['bench/worker-process.ts', 'test/support/worker-process.ts']) {
      expect(readFileSync(root(file), 'utf8')).toMatch(/\[\.\.\.NODE_FLAGS, /);
    }
  });
});
