/**
 * `npm run bench`: intake's reader against bare mailparser on the same generated corpus, in the same run.
 *
 *   npm run bench [-- --messages 2400] [--rounds 3] [--cycles 1] [--corpus .bench/corpus] [--seed S] [--json]
 *
 * Each contender runs in its own child process (same script, `--child NAME`), so that peak RSS is per
 * contender and one contender's heap or JIT state cannot slow another. Children run one after the other:
 * the machine has two cores and parallel children would measure each other. With --cycles K the three
 * children run K times, interleaved, and each contender's median cycle is kept: load from other processes
 * that drifts over a minute then falls on all contenders rather than on whichever ran during it.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CONTENDER_LABELS,
  CONTENDERS,
  type ContenderName,
  type ContenderResult,
  PIPELINE_CONTENDERS,
  READER_CONTENDERS,
  RESULT_MARKER,
  runChild,
  SMALL_MESSAGE_BYTES,
} from './bench-child.js';
import {
  type CorpusManifest,
  DEFAULT_COUNT,
  DEFAULT_DIR,
  DEFAULT_SEED,
  ensureCorpus,
} from './generate-corpus.js';

const TARGET_RATIO = 1.5;
// Issue 3: the full offline pipeline handles at least 150 small messages/s on one core, under 200 MB.
const PIPELINE_TARGET_RATE = 150;
const PIPELINE_TARGET_RSS_MB = 200;
const NOISY_SPREAD_PCT = 10;
const SCRIPT = fileURLToPath(import.meta.url);
// From bench/ under tsx, or from .bench/build/bench/ compiled.
const REPO_ROOT = SCRIPT.endsWith('.ts')
  ? resolve(dirname(SCRIPT), '..')
  : resolve(dirname(SCRIPT), '../../..');

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: String(DEFAULT_COUNT) },
    rounds: { type: 'string', default: '3' },
    cycles: { type: 'string', default: '1' },
    corpus: { type: 'string', default: DEFAULT_DIR },
    seed: { type: 'string', default: DEFAULT_SEED },
    json: { type: 'boolean', default: false },
    child: { type: 'string' },
    small: { type: 'boolean', default: false },
  },
});

function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`reader-bench: --${flag} must be a positive integer, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const messages = positiveInt('messages', values.messages!);
const rounds = positiveInt('rounds', values.rounds!);
const cycles = positiveInt('cycles', values.cycles!);
const corpusDir = resolve(values.corpus!);

interface Failure {
  name: ContenderName;
  reason: string;
  stderr: string;
}

/** Runs one contender in a fresh Node process and returns its result line, or why there is none. */
function runContender(name: ContenderName, small = false): Promise<ContenderResult | Failure> {
  // Compiled (npm run bench builds first), children run as production does: plain node, no TypeScript loader,
  // whose own memory would otherwise be counted in every contender's peak RSS.
  const args = SCRIPT.endsWith('.ts') ? ['--expose-gc', '--import', 'tsx', SCRIPT] : ['--expose-gc', SCRIPT];
  args.push('--child', name);
  if (small) args.push('--small');
  args.push('--corpus', corpusDir, '--messages', String(messages), '--rounds', String(rounds));
  args.push('--seed', values.seed!);
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', (err) => done({ name, reason: `could not start: ${err.message}`, stderr }));
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code === 0 && line) {
        if (stderr.trim() !== '') process.stderr.write(`[${name}] stderr:\n${stderr}`);
        done(JSON.parse(line.slice(RESULT_MARKER.length)) as ContenderResult);
        return;
      }
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      done({ name, reason: line ? how : `${how}, no result line`, stderr: stderr || stdout });
    });
  });
}

const isFailure = (r: ContenderResult | Failure): r is Failure => 'reason' in r;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function spreadPct(r: ContenderResult): number {
  return ((Math.max(...r.passesMs) - Math.min(...r.passesMs)) / r.medianPassMs) * 100;
}

function machine() {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown';
  return {
    node: process.version,
    cpu,
    cores: cpus().length,
    platform: `${process.platform} ${process.arch}`,
  };
}

function table(results: Array<ContenderResult | Failure>): string {
  const rows = [
    '| contender | msg/s | mean µs/msg | CPU µs/msg | p50 µs | p95 µs | p99 µs | max µs | pass spread | RSS loaded MB | peak RSS MB | errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    if (isFailure(r)) {
      rows.push(`| ${CONTENDER_LABELS[r.name]} | FAILED: ${r.reason} | | | | | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${CONTENDER_LABELS[r.name]} | ${fmt(r.messagesPerSecond)} | ${fmt(r.meanUs, 1)} | ${fmt(r.cpuUs, 1)} | ${fmt(r.p50Us, 1)} | ` +
        `${fmt(r.p95Us, 1)} | ${fmt(r.p99Us, 1)} | ${fmt(r.maxUs)} | ${fmt(spreadPct(r), 1)} % | ` +
        `${fmt(r.rssLoadedMb, 1)} | ${fmt(r.peakRssMb, 1)} | ${r.errors} |`,
    );
  }
  return rows.join('\n');
}

function ratio(
  results: Array<ContenderResult | Failure>,
  over: ContenderName,
  under: ContenderName,
  metric: 'meanUs' | 'cpuUs' = 'meanUs',
): number | null {
  const a = results.find((r) => r.name === over);
  const b = results.find((r) => r.name === under);
  if (!a || !b || isFailure(a) || isFailure(b)) return null;
  return Math.round((a[metric] / b[metric]) * 100) / 100;
}

/** Each contender's cycle with the median wall time; any failed cycle makes the contender failed. */
function medianCycle(runs: Array<ContenderResult | Failure>): ContenderResult | Failure {
  const failed = runs.find(isFailure);
  if (failed) return failed;
  const ok = (runs as ContenderResult[]).slice().sort((a, b) => a.meanUs - b.meanUs);
  const chosen = ok[Math.floor((ok.length - 1) / 2)]!;
  return cycles > 1 ? { ...chosen, cyclesMeanUs: runs.map((r) => (r as ContenderResult).meanUs) } : chosen;
}

async function parent(): Promise<void> {
  const log = values.json ? (s: string) => process.stderr.write(`${s}\n`) : (s: string) => console.log(s);
  const { manifest, generated } = await ensureCorpus({ dir: corpusDir, count: messages, seed: values.seed! });
  describeCorpus(log, manifest, generated);
  const runs = new Map<ContenderName, Array<ContenderResult | Failure>>(CONTENDERS.map((n) => [n, []]));
  const smallRuns = new Map<ContenderName, Array<ContenderResult | Failure>>(CONTENDERS.map((n) => [n, []]));
  for (let c = 1; c <= cycles; c++) {
    for (const name of READER_CONTENDERS) {
      log(`${cycles > 1 ? `cycle ${c}/${cycles}: ` : ''}running ${name} (warm-up + ${rounds} timed passes)…`);
      runs.get(name)!.push(await runContender(name));
    }
    for (const name of PIPELINE_CONTENDERS) {
      log(
        `${cycles > 1 ? `cycle ${c}/${cycles}: ` : ''}running ${name} on small messages (warm-up + ${rounds} timed passes)…`,
      );
      smallRuns.get(name)!.push(await runContender(name, true));
    }
  }
  const results = READER_CONTENDERS.map((name) => medianCycle(runs.get(name)!));
  const smallResults = PIPELINE_CONTENDERS.map((name) => medianCycle(smallRuns.get(name)!));
  const pipeline = smallResults.find((r): r is ContenderResult => !isFailure(r) && r.name === 'pipeline');
  const pipelineVerdict = pipeline
    ? `intake pipeline on ${pipeline.messages} small messages: ${fmt(pipeline.messagesPerSecond)} msg/s (target ≥ ${PIPELINE_TARGET_RATE}), ` +
      `peak RSS ${fmt(pipeline.peakRssMb, 1)} MB (target < ${PIPELINE_TARGET_RSS_MB}) ` +
      `${pipeline.messagesPerSecond >= PIPELINE_TARGET_RATE && pipeline.peakRssMb < PIPELINE_TARGET_RSS_MB ? 'ok' : 'OVER TARGET'}`
    : 'intake pipeline: n/a (a contender failed)';
  const vsBaseline = ratio(results, 'intake', 'simpleParser');
  const vsFloor = ratio(results, 'intake', 'mailparser-stream');
  const cpuVsBaseline = ratio(results, 'intake', 'simpleParser', 'cpuUs');
  const verdict =
    vsBaseline === null
      ? 'intake reader / mailparser (simpleParser) time per message: n/a (a contender failed)'
      : `intake reader / mailparser (simpleParser) time per message: ${vsBaseline.toFixed(2)}× ` +
        `(target ≤ ${TARGET_RATIO}×) ${vsBaseline <= TARGET_RATIO ? 'ok' : 'OVER TARGET'}`;
  const failures = [...results, ...smallResults].filter(isFailure);

  if (values.json) {
    const out = {
      machine: machine(),
      corpus: { dir: corpusDir, ...manifest },
      rounds,
      cycles,
      results,
      ratios: { vsBaseline, vsFloor, cpuVsBaseline, target: TARGET_RATIO },
      verdict,
      pipeline: { results: smallResults, verdict: pipelineVerdict },
    };
    console.log(JSON.stringify(out, null, 2));
  } else {
    log('');
    log(table(results));
    log('');
    if (vsFloor !== null)
      log(`intake reader / MailParser stream (floor) time per message: ${vsFloor.toFixed(2)}×`);
    const sp = ratio(results, 'simpleParser', 'mailparser-stream');
    if (sp !== null) log(`simpleParser / MailParser stream (floor) time per message: ${sp.toFixed(2)}×`);
    if (cpuVsBaseline !== null)
      log(`intake reader / simpleParser CPU time per message: ${cpuVsBaseline.toFixed(2)}×`);
    log(verdict);
    log('');
    log(`Full offline pipeline, small messages only (≤ ${SMALL_MESSAGE_BYTES / 1024} KiB), one mailbox:`);
    log('');
    log(table(smallResults));
    log('');
    const pipelineVsBaseline = ratio(smallResults, 'pipeline', 'simpleParser');
    if (pipelineVsBaseline !== null)
      log(`intake pipeline / simpleParser time per message: ${pipelineVsBaseline.toFixed(2)}×`);
    log(pipelineVerdict);
  }
  const noisy = [...results, ...smallResults].filter(
    (r): r is ContenderResult => !isFailure(r) && spreadPct(r) > NOISY_SPREAD_PCT,
  );
  if (noisy.length > 0) {
    // On a quiet machine passes agree within a few percent; more means something else was using the cores.
    log(
      `note: timed passes of ${noisy.map((r) => `${r.name} (${fmt(spreadPct(r), 0)} %)`).join(', ')} differ by more ` +
        `than ${NOISY_SPREAD_PCT} %: the machine was busy, the ratios are unreliable; rerun, or use --cycles 3`,
    );
  }
  for (const r of [...results, ...smallResults]) {
    if (!isFailure(r) && r.errors > 0)
      log(`warning: ${r.name} threw on ${r.errors} message(s); first: ${r.firstError}`);
  }
  for (const f of failures) {
    console.error(`\n${f.name} FAILED (${f.reason}); its stderr:\n${f.stderr.trim() || '(empty)'}`);
  }
  if (failures.length > 0) process.exitCode = 1;
}

function describeCorpus(log: (s: string) => void, m: CorpusManifest, generated: boolean): void {
  const mc = machine();
  log(`machine: ${mc.cpu}, ${mc.cores} cores, ${mc.platform}, Node ${mc.node}`);
  log(
    `corpus: ${m.count} messages, ${(m.bytes / 1048576).toFixed(1)} MiB, seed ${m.seed}, sha256 ${m.sha256.slice(0, 16)}… ` +
      `(${generated ? 'generated now' : 'reused'}) in ${corpusDir}`,
  );
  log(
    `kinds: ${Object.entries(m.kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
}

async function child(name: string): Promise<void> {
  if (!(CONTENDERS as readonly string[]).includes(name)) {
    console.error(`reader-bench: unknown contender "${name}" (one of ${CONTENDERS.join(', ')})`);
    process.exit(2);
  }
  // Cheap when the parent already made it; lets a child run alone (e.g. under --cpu-prof) on a fresh clone.
  await ensureCorpus({ dir: corpusDir, count: messages, seed: values.seed! });
  const result = await runChild(name as ContenderName, {
    dir: corpusDir,
    messages,
    rounds,
    small: values.small ?? false,
  });
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

const main = values.child === undefined ? parent() : child(values.child);
main.catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
