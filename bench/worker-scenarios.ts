/**
 * The three measurements of issue 4, each on an installation of its own (a fresh Dovecot, SMTP capture,
 * SQLite file and Redis queue prefix, from test/support/worker-harness.ts) and each with the worker in a
 * child process of its own (worker-child.ts), next to a baseline measured in the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { type Harness, SECRET_KEY, startHarness } from '../test/support/worker-harness.js';
import { type ContenderResult, percentile } from './bench-child.js';
import { type CpuUsage, cpuSnapshot, cpuUsage } from './cpu-sample.js';
import { messageFile } from './generate-corpus.js';
import { Rng } from './prng.js';
import type { ChildMessage } from './worker-child.js';
import { incompleteRequest, largeRequest } from './worker-mail.js';
import { type ChildHandle, runOnce, startChild, stopWorker } from './worker-process.js';

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Milliseconds, nearest rank (a latency some message actually had), one decimal. */
export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p);
  const r = (x: number) => Math.round(x * 10) / 10;
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return { n: sorted.length, mean: r(mean), p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), max: r(at(100)) };
}

/** `promise`, or an error naming `what` after `ms`; the timer never outlives the wait (the bench must exit). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export interface Installation {
  h: Harness;
  run: string;
  env: Record<string, string>;
}

/**
 * What a worker child is configured with beyond the installation: `logLevel`, and `env` entries that
 * override the defaults (an empty value removes the variable).
 */
export interface WorkerSettings {
  logLevel: string;
  env?: Record<string, string>;
}

/**
 * A whole installation on loopback; `env` configures a worker child against it as an operator would, with
 * the service's defaults for everything not needed to reach the servers.
 */
export async function install(settings: WorkerSettings): Promise<Installation> {
  const run = randomBytes(4).toString('hex');
  // Headers only: a full parse of every reply in the bench's process would compete with the worker.
  const h = await startHarness({
    env: { INTAKE_QUEUE_PREFIX: `intake-bench-${run}` },
    smtp: { parse: 'headers' },
  });
  const env: Record<string, string> = {
    INTAKE_IMAP_URL: h.dovecot.url,
    INTAKE_SMTP_URL: h.smtp.url,
    INTAKE_FROM: h.config.INTAKE_FROM,
    INTAKE_MESSAGE_ID_DOMAIN: h.config.INTAKE_MESSAGE_ID_DOMAIN,
    DATABASE_URL: h.config.DATABASE_URL,
    REDIS_URL: h.config.REDIS_URL,
    INTAKE_QUEUE_PREFIX: h.config.INTAKE_QUEUE_PREFIX,
    INTAKE_SECRET_KEY: SECRET_KEY,
    LOG_LEVEL: settings.logLevel,
    NODE_ENV: 'development',
  };
  for (const [key, value] of Object.entries(settings.env ?? {})) {
    if (value === '') delete env[key];
    else env[key] = value;
  }
  return { h, run, env };
}

function imapClient(h: Harness): ImapFlow {
  const client = new ImapFlow({
    host: h.dovecot.host,
    port: h.dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: h.dovecot.user, pass: h.dovecot.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => {});
  return client;
}

/**
 * The baseline of the latency: a bare IDLE session on INBOX beside the worker's, spoken on a raw socket so
 * that nothing but Dovecot stands between the APPEND and the `* n EXISTS` line (Dovecot waits about half a
 * second after a change before it tells the sessions that watch).
 */
async function idleProbe(
  h: Harness,
): Promise<{ next(timeoutMs: number): Promise<number | null>; close(): void }> {
  const socket = connect(h.dovecot.port, h.dovecot.host);
  socket.setEncoding('latin1');
  let waiter: ((at: number | null) => void) | null = null;
  let idling: () => void = () => {};
  let failed: (err: Error) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    idling = resolve;
    failed = reject;
  });
  const quote = (x: string) => `"${x.replace(/(["\\])/g, '\\$1')}"`;
  let buffered = '';
  let greeted = false;
  socket.on('data', (chunk: string) => {
    const at = performance.now();
    buffered += chunk;
    const lines = buffered.split('\r\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!greeted) {
        greeted = true;
        socket.write(`a LOGIN ${quote(h.dovecot.user)} ${quote(h.dovecot.password)}\r\n`);
      } else if (line.startsWith('a OK')) socket.write('b SELECT INBOX\r\n');
      else if (line.startsWith('b OK')) socket.write('c IDLE\r\n');
      else if (line.startsWith('+ ')) idling();
      else if (/^[abc] (NO|BAD)/.test(line)) failed(new Error(`IDLE probe: ${line}`));
      else if (/^\* \d+ EXISTS$/.test(line)) {
        waiter?.(at);
        waiter = null;
      }
    }
  });
  socket.on('error', (err) => failed(err));
  await within(started, 10_000, 'the IDLE probe');
  return {
    // Null when Dovecot never told: a message the worker found and moved out within Dovecot's own delay
    // (its first sync on start-up can) is announced to nobody.
    next: (timeoutMs) =>
      new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        waiter = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      }),
    close: () => socket.destroy(),
  };
}

export interface LatencyResult {
  messages: number;
  warmup: number;
  intervalMs: number;
  /** APPEND sent → the reply received by the SMTP capture. */
  reply: Stats;
  /** APPEND sent → a bare IDLE session beside the worker's sees EXISTS (what Dovecot tells any client). */
  notify: Stats;
  /** APPEND sent → the worker's watch noticed the message (its hand-over's `seenAt`): Dovecot's part. */
  noticed: Stats;
  /** Per message, reply − noticed: the worker's own part (read, commit, file, send). */
  workerPart: Stats;
  /** Measured messages the bare IDLE session never heard of (see idleProbe). */
  unannounced: number;
  append: Stats;
  peakRssMb: number;
}

/**
 * Messages appended one at a time: each APPEND between 1× and 2× `intervalMs` after the previous one, or
 * as soon as the previous reply arrived if that took longer. The first `warmup` are not counted (JIT, SMTP and IMAP
 * connections opened on first use).
 */
export async function latency(
  opts: { messages: number; warmup: number; intervalMs: number; worker: WorkerSettings },
  progress: (s: string) => void,
): Promise<LatencyResult> {
  const { h, run, env } = await install(opts.worker);
  let child: ChildHandle | null = null;
  let probe: Awaited<ReturnType<typeof idleProbe>> | null = null;
  try {
    const worker = startChild('worker', env);
    child = worker;
    const seenBy = new Map<string, number>();
    worker.onMessage((m) => {
      if (m.t === 'committed' && m.messageId) seenBy.set(m.messageId, m.seenAt);
    });
    await worker.next('ready', 60_000);
    probe = await idleProbe(h);
    const reply: number[] = [];
    const notify: number[] = [];
    const noticed: number[] = [];
    const append: number[] = [];
    const workerPart: number[] = [];
    let unannounced = 0;
    const total = opts.warmup + opts.messages;
    const rng = new Rng('intake-bench-latency');
    for (let i = 0; i < total; i++) {
      const mail = incompleteRequest(run, i);
      const seen = probe.next(5_000);
      const replied = h.smtp
        .waitFor(i + 1, 15_000)
        .then((replies) => ({ replies, at: performance.now(), wall: Date.now() }));
      // The worker's clock is Date.now() (another process): its figures are taken against the same clock.
      const t0Wall = Date.now();
      const t0 = performance.now();
      await h.dovecot.append('INBOX', mail.raw);
      const appendedAt = performance.now();
      const [seenAt, { replies, at: repliedAt, wall: repliedWall }] = await Promise.all([seen, replied]);
      const answer = replies[i]!;
      if (answer.inReplyTo !== mail.messageId)
        throw new Error(`reply ${i} answers ${answer.inReplyTo}, not ${mail.messageId}`);
      if (i >= opts.warmup) {
        reply.push(repliedAt - t0);
        append.push(appendedAt - t0);
        if (seenAt === null) unannounced++;
        else notify.push(seenAt - t0);
        const workerSaw = seenBy.get(mail.messageId);
        if (workerSaw === undefined) throw new Error(`no commit reported for ${mail.messageId}`);
        noticed.push(workerSaw - t0Wall);
        workerPart.push(repliedWall - workerSaw);
      }
      if ((i + 1) % 50 === 0) progress(`  latency: ${i + 1}/${total} replies`);
      // Gaps drawn between 1× and 2× the interval: at a fixed period, Dovecot's 0.5 s notification timer
      // armed by the previous message's MOVE would fire in step with the next APPEND and flatter the
      // bare IDLE baseline (a 1 s period gave it a p50 of 25 ms).
      const gap = opts.intervalMs * (1 + rng.u32() / 2 ** 32);
      await sleep(Math.max(0, t0 + gap - performance.now()));
    }
    const { peakRssMb } = await stopWorker(child);
    child = null;
    return {
      messages: opts.messages,
      warmup: opts.warmup,
      intervalMs: opts.intervalMs,
      reply: stats(reply),
      notify: stats(notify),
      noticed: stats(noticed),
      workerPart: stats(workerPart),
      unannounced,
      append: stats(append),
      peakRssMb,
    };
  } finally {
    probe?.close();
    child?.kill();
    await h.stop();
  }
}

export interface BacklogResult {
  messages: number;
  /** Worker process start → runWorker resolved (store, migrations, rules, connections). */
  startupMs: number;
  /** Worker process start → first record committed / last record committed / last reply captured. */
  firstCommitMs: number;
  lastCommitMs: number;
  totalMs: number;
  rate: number;
  /** From the first commit to the last reply: the rate once the worker is up. */
  steadyRate: number;
  outcomes: Record<string, number>;
  replies: number;
  distinctRecipients: number;
  peakRssMb: number;
  cpuMs: number;
  /** Of which in the kernel (socket I/O, fsync). */
  systemCpuMs: number;
  pipeline: ContenderResult;
  download: { ms: number; rate: number; bytes: number };
  /** The machine while the worker ran: every process's CPU, the worker's child included (as `node`). */
  cpu: CpuUsage;
}

/** Every message of the mailbox over one connection, one pipelined FETCH: what IMAP alone can deliver. */
async function downloadAll(h: Harness): Promise<{ ms: number; rate: number; bytes: number }> {
  const client = imapClient(h);
  await client.connect();
  const lock = await client.getMailboxLock('INBOX', { readOnly: true });
  let bytes = 0;
  let count = 0;
  const t0 = performance.now();
  try {
    for await (const m of client.fetch('1:*', { uid: true, source: true })) {
      bytes += m.source?.length ?? 0;
      count++;
    }
  } finally {
    lock.release();
  }
  const ms = performance.now() - t0;
  await client.logout();
  return { ms: Math.round(ms), rate: Math.round(count / (ms / 1000)), bytes };
}

export async function backlog(
  opts: { messages: number; worker: WorkerSettings },
  progress: (s: string) => void,
): Promise<BacklogResult> {
  const { h, run, env } = await install(opts.worker);
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-backlog-'));
  let child: ChildHandle | null = null;
  try {
    const mails = Array.from({ length: opts.messages }, (_, i) => incompleteRequest(run, i));
    progress(`  backlog: appending ${opts.messages} messages while no worker runs…`);
    for (const [i, mail] of mails.entries()) {
      await h.dovecot.append('INBOX', mail.raw);
      await writeFile(join(dir, messageFile(i)), mail.raw);
    }
    progress('  backlog: baselines (IMAP download, offline pipeline)…');
    const download = await downloadAll(h);
    const pipeline = await runOnce<ContenderResult>(
      'pipeline',
      { BENCH_DIR: dir, BENCH_MESSAGES: String(opts.messages), BENCH_ROUNDS: '3' },
      600_000,
    );
    progress('  backlog: worker…');
    const outcomes: Record<string, number> = {};
    const commits: number[] = [];
    let allCommitted: () => void = () => {};
    const committed = new Promise<void>((resolve) => {
      allCommitted = resolve;
    });
    const cpuBefore = cpuSnapshot();
    const worker = startChild('worker', env);
    child = worker;
    worker.onMessage((m: ChildMessage) => {
      if (m.t !== 'committed') return;
      outcomes[m.outcome] = (outcomes[m.outcome] ?? 0) + 1;
      commits.push(m.at);
      if (commits.length === opts.messages) allCommitted();
    });
    const ready = await worker.next('ready', 60_000);
    const timeoutMs = Math.max(120_000, opts.messages * 200);
    const replies = await h.smtp.waitFor(opts.messages, timeoutMs);
    const lastReplyAt = Date.now();
    const cpu = cpuUsage(cpuBefore, cpuSnapshot());
    await within(committed, 10_000, `${opts.messages} commits`).catch(() => {}); // counted below
    // Anything more arriving would be a duplicate: give it a moment to show.
    await sleep(1_000);
    const stopped = await stopWorker(worker);
    child = null;
    const start = ready.startedAt;
    const firstCommit = Math.min(...commits);
    const totalMs = lastReplyAt - start;
    return {
      messages: opts.messages,
      startupMs: ready.readyAt - start,
      firstCommitMs: firstCommit - start,
      lastCommitMs: Math.max(...commits) - start,
      totalMs,
      rate: Math.round(opts.messages / (totalMs / 1000)),
      steadyRate: Math.round(opts.messages / ((lastReplyAt - firstCommit) / 1000)),
      outcomes,
      replies: h.smtp.messages.length,
      distinctRecipients: new Set(replies.flatMap((r) => r.envelope.rcptTo)).size,
      peakRssMb: stopped.peakRssMb,
      cpuMs: stopped.cpuMs,
      systemCpuMs: stopped.systemCpuMs,
      pipeline,
      download,
      cpu,
    };
  } finally {
    child?.kill();
    await rm(dir, { recursive: true, force: true });
    await h.stop();
  }
}

export interface LargeResult {
  messageBytes: number;
  attachmentBytes: number;
  /** The bench's APPEND of the message (its arrival), then mailbox → committed record. */
  appendMs: number;
  toCommitMs: number;
  outcome: string;
  replied: boolean;
  /** The worker after a warm-up message, before the large one arrives. */
  rssBeforeMb: number;
  peakRssMb: number;
  whole: {
    ms: number;
    downloadedMs: number;
    rssBeforeMb: number;
    peakRssMb: number;
    attachmentBytes: number;
  };
}

export async function large(
  opts: { attachmentBytes: number; worker: WorkerSettings },
  progress: (s: string) => void,
): Promise<LargeResult> {
  const { h, run, env } = await install(opts.worker);
  let child: ChildHandle | null = null;
  try {
    let mail: ReturnType<typeof largeRequest> | null = largeRequest(run, opts.attachmentBytes);
    const { messageId, bytes } = mail;
    progress(`  large: ${(bytes / 1e6).toFixed(1)} MB message, baseline (download whole + simpleParser)…`);
    // The baseline reads its own copy, in a folder the worker does not watch, before the worker starts.
    await h.dovecot.append('Whole', mail.raw);
    const whole = await runOnce<LargeResult['whole']>(
      'whole',
      { BENCH_IMAP_URL: h.dovecot.url, BENCH_FOLDER: 'Whole' },
      300_000,
    );
    progress('  large: worker…');
    const worker = startChild('worker', env);
    child = worker;
    await worker.next('ready', 60_000);
    // A small request first: the worker is watching, its connections are open and its code is warm.
    await h.dovecot.append('INBOX', incompleteRequest(run, 0).raw);
    await h.smtp.waitFor(1, 15_000);
    worker.send({ t: 'rss' });
    const before = await worker.next('rss', 10_000);
    const done = new Promise<Extract<ChildMessage, { t: 'committed' }>>((resolve) => {
      worker.onMessage((m) => {
        if (m.t === 'committed' && m.messageId === messageId) resolve(m);
      });
    });
    const t0 = Date.now();
    await h.dovecot.append('INBOX', mail.raw);
    const appendedAt = Date.now();
    mail = null; // the bench's own 34 MB copy is not needed any more
    const committed = await within(done, 300_000, 'the large message committed');
    const replied = await h.smtp.waitFor(2, 30_000).then(
      () => true,
      () => false,
    );
    const stopped = await stopWorker(worker);
    child = null;
    return {
      messageBytes: bytes,
      attachmentBytes: opts.attachmentBytes,
      appendMs: appendedAt - t0,
      toCommitMs: committed.at - appendedAt,
      outcome: committed.outcome,
      replied,
      rssBeforeMb: before.rssMb,
      peakRssMb: stopped.peakRssMb,
      whole,
    };
  } finally {
    child?.kill();
    await h.stop();
  }
}
