/**
 * `npm run bench -- --only worker`: the mailbox worker end to end (issue 4), against a throwaway Dovecot,
 * the machine's Redis, a SQLite file and an SMTP capture on loopback.
 *
 *   node .bench/build/bench/worker-bench.js [--scenarios latency,backlog,large] [--messages 200]
 *     [--warmup 5] [--interval-ms 750] [--backlog 1000] [--attachment-bytes 25000000] [--log-level warn]
 *     [--set KEY=VALUE …] [--json]
 *
 * Workers run with the service's defaults; `--set` overrides one variable of their environment for every
 * scenario (`--set KEY=` removes it), to measure a configuration of one's own. `backlog-sent` is the
 * backlog again with INTAKE_SENT_FOLDER=Sent: every reply is also APPENDed to the mailbox, which costs
 * the IMAP server more than anything else the worker asks of it; reported, not held to the target.
 *
 * The workers run in child processes (worker-child.ts), one per measurement, so that each peak RSS is the
 * worker's own. Measurements run one after the other: on two cores, anything running beside a worker
 * (another worker, a baseline) would be measured with it. Targets missed are printed as MISS and make the
 * exit status 1, as does any message lost, duplicated or answered wrongly.
 */
import { cpus, freemem, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type BacklogResult,
  backlog,
  type LargeResult,
  type LatencyResult,
  large,
  latency,
} from './worker-scenarios.js';

// Issue 4's targets.
const TARGET = { p50Ms: 1_000, p95Ms: 1_500, backlogRate: 100, largeRssMb: 200 };
const SCENARIOS = ['latency', 'backlog', 'backlog-sent', 'large'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    messages: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '5' },
    'interval-ms': { type: 'string', default: '750' },
    backlog: { type: 'string', default: '1000' },
    'attachment-bytes': { type: 'string', default: '25000000' },
    'log-level': { type: 'string', default: 'warn' },
    set: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
});

function int(flag: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`worker-bench: --${flag} must be an integer ≥ ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const wanted = values
  .scenarios!.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of wanted) {
  if (!(SCENARIOS as readonly string[]).includes(s)) {
    console.error(`worker-bench: unknown scenario "${s}" (one of ${SCENARIOS.join(', ')})`);
    process.exit(2);
  }
}
const scenarios = new Set(wanted as Scenario[]);
const overrides: Record<string, string> = {};
for (const entry of values.set ?? []) {
  const eq = entry.indexOf('=');
  if (eq <= 0) {
    console.error(`worker-bench: --set takes KEY=VALUE, got "${entry}"`);
    process.exit(2);
  }
  overrides[entry.slice(0, eq)] = entry.slice(eq + 1);
}
const worker = { logLevel: values['log-level']!, env: overrides };
const log = values.json ? (s: string) => process.stderr.write(`${s}\n`) : (s: string) => console.log(s);

interface Verdict {
  what: string;
  figure: string;
  baseline: string;
  target: string;
  pass: boolean | null;
}

const f = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const s = (ms: number) => `${f(ms / 1000, 2)} s`;

function latencyVerdicts(r: LatencyResult): Verdict[] {
  return [
    {
      what: `arrival → reply p50 (${r.messages} messages)`,
      figure: s(r.reply.p50),
      baseline: `a bare IDLE session sees it p50 ${s(r.notify.p50)}; the worker noticed it p50 ${s(r.noticed.p50)} and answered ${s(r.workerPart.p50)} later`,
      target: `≤ ${s(TARGET.p50Ms)}`,
      pass: r.reply.p50 <= TARGET.p50Ms,
    },
    {
      what: 'arrival → reply p95',
      figure: s(r.reply.p95),
      baseline: `bare IDLE p95 ${s(r.notify.p95)}; noticed p95 ${s(r.noticed.p95)}; worker's part p95 ${s(r.workerPart.p95)}`,
      target: `≤ ${s(TARGET.p95Ms)}`,
      pass: r.reply.p95 <= TARGET.p95Ms,
    },
  ];
}

function backlogVerdicts(r: BacklogResult, gated: boolean): Verdict[] {
  const name = gated ? 'backlog' : 'backlog, replies also APPENDed to Sent';
  return [
    {
      what: `${name} of ${f(r.messages)}: worker start → last reply`,
      figure: `${f(r.rate)} msg/s (${s(r.totalMs)})`,
      baseline: `offline pipeline ${f(r.pipeline.messagesPerSecond)} msg/s; IMAP download ${f(r.download.rate)} msg/s`,
      target: gated ? `≥ ${TARGET.backlogRate} msg/s` : 'reported',
      pass: gated ? r.rate >= TARGET.backlogRate : null,
    },
    {
      what: `${name}: from the first commit`,
      figure: `${f(r.steadyRate)} msg/s`,
      baseline: `worker ready after ${s(r.startupMs)}, first commit after ${s(r.firstCommitMs)}`,
      target: 'reported',
      pass: null,
    },
    {
      what: `${name}: worker peak RSS`,
      figure: `${f(r.peakRssMb, 1)} MB`,
      baseline: `offline pipeline child ${f(r.pipeline.peakRssMb, 1)} MB`,
      target: 'reported',
      pass: null,
    },
  ];
}

function largeVerdicts(r: LargeResult): Verdict[] {
  return [
    {
      what: `${f(r.messageBytes / 1e6, 1)} MB message: in mailbox → committed`,
      figure: s(r.toCommitMs),
      baseline: `download whole + simpleParser ${s(r.whole.ms)}`,
      target: 'reported',
      pass: null,
    },
    {
      what: `${f(r.messageBytes / 1e6, 1)} MB message: worker peak RSS`,
      figure: `${f(r.peakRssMb, 1)} MB`,
      baseline: `download whole + simpleParser ${f(r.whole.peakRssMb, 1)} MB`,
      target: `< ${TARGET.largeRssMb} MB`,
      pass: r.peakRssMb < TARGET.largeRssMb,
    },
  ];
}

/** Whatever must hold for the figures to mean anything: every message answered once, nothing else. */
interface Results {
  latency?: LatencyResult;
  backlog?: BacklogResult;
  backlogSent?: BacklogResult;
  large?: LargeResult;
}

function problems(results: Results): string[] {
  const out: string[] = [];
  for (const b of [results.backlog, results.backlogSent]) {
    if (!b) continue;
    if ((b.outcomes.committed ?? 0) !== b.messages)
      out.push(`backlog: ${JSON.stringify(b.outcomes)} instead of ${b.messages} committed`);
    if (b.replies !== b.messages || b.distinctRecipients !== b.messages)
      out.push(
        `backlog: ${b.replies} replies to ${b.distinctRecipients} addresses, expected ${b.messages} each`,
      );
    if (b.pipeline.errors > 0) out.push(`backlog: the offline pipeline threw: ${b.pipeline.firstError}`);
  }
  const l = results.large;
  if (l) {
    if (l.outcome !== 'committed') out.push(`large: outcome ${l.outcome}, expected committed`);
    if (!l.replied) out.push('large: no reply to the large request');
    if (l.whole.attachmentBytes !== l.attachmentBytes)
      out.push(`large: simpleParser saw ${l.whole.attachmentBytes} attachment bytes of ${l.attachmentBytes}`);
  }
  return out;
}

function table(verdicts: Verdict[]): string {
  const rows = ['| measurement | figure | baseline (same run) | target | |', '|---|--:|---|--:|---|'];
  for (const v of verdicts)
    rows.push(
      `| ${v.what} | ${v.figure} | ${v.baseline} | ${v.target} | ${v.pass === null ? '' : v.pass ? 'PASS' : 'MISS'} |`,
    );
  return rows.join('\n');
}

function details(r: Results): string[] {
  const out: string[] = [];
  const st = (x: { p50: number; p95: number; p99: number; max: number; mean: number }) =>
    `p50 ${f(x.p50)} · p95 ${f(x.p95)} · p99 ${f(x.p99)} · max ${f(x.max)} · mean ${f(x.mean)} ms`;
  if (r.latency) {
    const l = r.latency;
    out.push(
      `latency: ${l.messages} requests (+${l.warmup} warm-up), one APPEND every ${l.intervalMs}–${l.intervalMs * 2} ms (or at the previous reply if later)`,
    );
    out.push(`  APPEND → reply captured:          ${st(l.reply)}`);
    out.push(
      `  APPEND → EXISTS on a bare IDLE:   ${st(l.notify)}${l.unannounced ? ` (${l.unannounced} never announced)` : ''}`,
    );
    out.push(`  APPEND → the worker noticed it:   ${st(l.noticed)}`);
    out.push(`  worker's part (reply − noticed):  ${st(l.workerPart)}`);
    out.push(`  APPEND command itself:            ${st(l.append)}`);
    out.push(`  worker peak RSS ${f(l.peakRssMb, 1)} MB`);
  }
  for (const [name, b] of [
    ['backlog', r.backlog],
    ['backlog-sent', r.backlogSent],
  ] as const) {
    if (!b) continue;
    out.push(
      `${name}: ${b.messages} requests in INBOX before the worker starts; times from the worker process's start`,
    );
    out.push(
      `  runWorker ready ${f(b.startupMs)} ms · first commit ${f(b.firstCommitMs)} ms · last commit ${f(b.lastCommitMs)} ms · last reply ${f(b.totalMs)} ms`,
    );
    out.push(
      `  ${f(b.rate)} msg/s overall, ${f(b.steadyRate)} msg/s from the first commit; worker CPU ${f(b.cpuMs)} ms (${f(b.cpuMs / b.messages, 1)} ms/message, ${f((b.systemCpuMs / b.cpuMs) * 100)} % in the kernel)`,
    );
    out.push(
      `  outcomes ${JSON.stringify(b.outcomes)}, ${b.replies} replies to ${b.distinctRecipients} addresses, peak RSS ${f(b.peakRssMb, 1)} MB`,
    );
    out.push(
      `  baseline: offline pipeline ${f(b.pipeline.messagesPerSecond)} msg/s (${f(b.pipeline.meanUs / 1000, 2)} ms/message, median of 3 warm passes), peak RSS ${f(b.pipeline.peakRssMb, 1)} MB`,
    );
    out.push(
      `  machine ${f(b.cpu.machineBusyPct)} % busy over ${f(b.cpu.wallMs)} ms; CPU ms by process: ${b.cpu.byName
        .slice(0, 6)
        .map((p) => `${p.name} ${f(p.cpuMs)}`)
        .join(', ')}`,
    );
    out.push(
      `  baseline: IMAP download of all ${b.messages} in one FETCH ${f(b.download.ms)} ms (${f(b.download.rate)} msg/s, ${f(b.download.bytes / 1e6, 1)} MB)`,
    );
  }
  if (r.large) {
    const l = r.large;
    out.push(`large: ${f(l.messageBytes)} bytes (${f(l.attachmentBytes)} attachment bytes, base64)`);
    out.push(
      `  APPEND ${f(l.appendMs)} ms, then mailbox → committed ${f(l.toCommitMs)} ms (${l.outcome}), reply ${l.replied ? 'sent' : 'MISSING'}`,
    );
    out.push(`  worker RSS ${f(l.rssBeforeMb, 1)} MB before the message, peak ${f(l.peakRssMb, 1)} MB`);
    out.push(
      `  baseline: download whole ${f(l.whole.downloadedMs)} ms + simpleParser: ${f(l.whole.ms)} ms, RSS ${f(l.whole.rssBeforeMb, 1)} MB before, peak ${f(l.whole.peakRssMb, 1)} MB`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  const results: Results = {};
  const failures: string[] = [];
  const attempt = async <T>(name: Scenario, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!scenarios.has(name)) return undefined;
    log(`running ${name}…`);
    try {
      return await fn();
    } catch (err) {
      failures.push(`${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return undefined;
    }
  };
  results.latency = await attempt('latency', () =>
    latency(
      {
        messages: int('messages', values.messages!, 1),
        warmup: int('warmup', values.warmup!, 0),
        intervalMs: int('interval-ms', values['interval-ms']!, 0),
        worker,
      },
      log,
    ),
  );
  results.backlog = await attempt('backlog', () =>
    backlog({ messages: int('backlog', values.backlog!, 1), worker }, log),
  );
  results.backlogSent = await attempt('backlog-sent', () =>
    backlog(
      {
        messages: int('backlog', values.backlog!, 1),
        worker: { ...worker, env: { INTAKE_SENT_FOLDER: 'Sent', ...overrides } },
      },
      log,
    ),
  );
  results.large = await attempt('large', () =>
    large({ attachmentBytes: int('attachment-bytes', values['attachment-bytes']!, 1), worker }, log),
  );
  const verdicts = [
    ...(results.latency ? latencyVerdicts(results.latency) : []),
    ...(results.backlog ? backlogVerdicts(results.backlog, true) : []),
    ...(results.backlogSent ? backlogVerdicts(results.backlogSent, false) : []),
    ...(results.large ? largeVerdicts(results.large) : []),
  ];
  failures.push(...problems(results));
  const missed = verdicts.filter((v) => v.pass === false);
  if (values.json) {
    console.log(JSON.stringify({ machine, targets: TARGET, ...results, verdicts, failures }, null, 2));
  } else {
    log('');
    log(table(verdicts));
    log('');
    for (const line of details(results)) log(line);
  }
  for (const failure of failures) console.error(`\nworker-bench: ${failure}`);
  if (missed.length > 0) console.error(`\nworker-bench: MISSED ${missed.map((v) => v.what).join('; ')}`);
  if (failures.length > 0 || missed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
