/**
 * `npm run bench`: the reader benchmark, then the worker's, then the desk's, each in a process of its own.
 *
 *   npm run bench                          # all three, with their defaults
 *   npm run bench -- --only reader [reader options…]
 *   npm run bench -- --only worker [worker options…]
 *   npm run bench -- --only desk [desk options…]
 *
 * Options after `--only NAME` go to that benchmark (see reader-bench.ts and worker-bench.ts); without
 * `--only` they go to the reader, as before the worker benchmark existed. The exit status is the first
 * non-zero one: a target missed or a run that failed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = { reader: 'reader-bench', worker: 'worker-bench', desk: 'desk-bench' } as const;
type Bench = keyof typeof BENCHES;

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run bench [-- --only reader|worker|desk [options…]]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let only: Bench | null = null;
const at = args.indexOf('--only');
if (at >= 0) {
  const name = args[at + 1];
  if (name !== 'reader' && name !== 'worker' && name !== 'desk')
    usage(`--only takes reader, worker or desk, got "${name ?? ''}"`);
  only = name;
  args.splice(at, 2);
}

const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const run = (bench: Bench, benchArgs: string[]) =>
  new Promise<number>((resolve) => {
    const script = fileURLToPath(new URL(`./${BENCHES[bench]}.${extension}`, import.meta.url));
    const loader = extension === 'ts' ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...loader, script, ...benchArgs], { stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`bench: could not start ${bench}: ${err.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

let status = 0;
for (const bench of only ? [only] : (['reader', 'worker', 'desk'] as const)) {
  if (!only) console.log(`\n=== ${bench} ===\n`);
  const code = await run(bench, bench === 'reader' || only ? args : []);
  if (status === 0) status = code;
}
process.exitCode = status;
