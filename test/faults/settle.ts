import { Queue } from 'bullmq';
import { INGEST_QUEUE, REPLY_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import type { Store } from '../../src/store/store.js';
import { eventually, type Harness } from '../support/worker-harness.js';
import { type AuditReport, audit } from './audit.js';
import { cleanAudit } from './figures.js';

/**
 * Polls the audit until every appended message is committed or quarantined and nothing is stuck, then
 * waits `quietMs` more and audits once again, so that a late duplicate (a job run twice, a reply sent
 * twice) still shows. Resolves with the last report even when the deadline passes: the scenario records
 * its figures, then its assertions fail on what the report says.
 */
export async function auditWhenSettled(
  h: Harness,
  appended: readonly string[],
  options: { store: Store; timeoutMs: number; quietMs?: number },
): Promise<AuditReport> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const report = await audit(h, { appended, store: options.store });
    const c = cleanAudit(report);
    const settled =
      report.committed + report.quarantined === report.appended &&
      c.stuck.length === 0 &&
      c.duplicated.length === 0 &&
      c.duplicateReplies.length === 0;
    if (settled || Date.now() > deadline) {
      if (!settled) return report;
      break;
    }
    await sleep(250);
  }
  await sleep(options.quietMs ?? 1_000);
  return audit(h, { appended, store: options.store });
}

/** Seconds since `start` (ms since the epoch). */
export const secondsSince = (start: number) => (Date.now() - start) / 1000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The worker's JSON log lines whose `msg` matches. */
export function logEntries(output: string, msg: RegExp): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.msg === 'string' && msg.test(entry.msg)) out.push(entry);
    } catch {
      // A line cut by the process's end.
    }
  }
  return out;
}

/** How many messages the worker's mailbox sweep handed over again, by its log. */
export const sweptCount = (output: string) =>
  logEntries(output, /still unprocessed in the mailbox/).reduce((n, e) => n + Number(e.count ?? 0), 0);

/** For `.catch()` on a wait: the error again, with the worker's last log lines to tell why. */
export const withWorkerLog =
  (worker: { output(): string }, lines = 60) =>
  (err: Error): never => {
    const tail = worker.output().trimEnd().split('\n').slice(-lines).join('\n');
    throw new Error(`${err.message}\n--- the worker's last ${lines} log lines ---\n${tail}`);
  };

/**
 * Waits until the installation is at rest: INBOX empty, no reply pending or sending, no ingest or reply job
 * waiting, active or delayed. Resolves to null then, or to what was still left at the deadline: the
 * scenario then records its figures and lets the audit say what went wrong, rather than failing blind.
 */
export async function settle(h: Harness, store: Store, timeoutMs: number): Promise<string | null> {
  const connection = redisConnection(h.config.REDIS_URL);
  const queues = [INGEST_QUEUE, REPLY_QUEUE].map(
    (name) => new Queue(name, { connection, prefix: h.config.INTAKE_QUEUE_PREFIX }),
  );
  const deadline = Date.now() + timeoutMs;
  let left = '';
  try {
    for (;;) {
      const parts: string[] = [];
      const inbox = (await h.dovecot.list('INBOX')).length;
      if (inbox > 0) parts.push(`${inbox} in INBOX`);
      const unsettled = (await store.listUnsettledReplies(1_000)).length;
      if (unsettled > 0) parts.push(`${unsettled} unsettled replies`);
      for (const q of queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) if (n > 0) parts.push(`${q.name} ${n} ${state}`);
      }
      left = parts.join(', ');
      if (!left) return null;
      if (Date.now() > deadline) return left;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}

/**
 * Counts a worker process's log lines with this `msg` (pino JSON) as its output grows, reading only what is
 * new each time: polling the whole log every few milliseconds would load the test process, which also runs
 * the SMTP peer whose answers the scenario times.
 */
export function logCounter(output: () => string, msg: string): () => number {
  const needle = `"msg":"${msg}"`;
  let scanned = 0;
  let n = 0;
  return () => {
    const text = output();
    for (let at = text.indexOf(needle, scanned); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
    // A line may be cut at the end: look again from where an unfinished needle could start.
    scanned = Math.max(scanned, text.length - needle.length + 1);
    return n;
  };
}

/** Records committed so far (conversations: every scenario's requests start one each). */
export const committed = async (s: Store) => (await s.listConversations({ limit: 1, offset: 0 })).total;

/**
 * The opening of the outage scenarios: appends `first` and waits for its record (the worker is up and
 * watching), then appends `burst` and, when asked, waits until the watch has handed every one of them over
 * (the stored position passed them), so that the fault injected next meets jobs still queued.
 */
export async function commitFirstThenBurst(
  h: Harness,
  store: Store,
  worker: { output(): string },
  first: { raw: string },
  burst: readonly { raw: string }[],
  options: { handedOver: boolean; gapMs?: number },
): Promise<void> {
  await h.dovecot.append('INBOX', first.raw);
  await eventually(
    async () => ((await committed(store)) >= 1 ? true : undefined),
    20_000,
    'a first commit',
  ).catch(withWorkerLog(worker));
  let lastUid = 0;
  for (const m of burst) {
    lastUid = await h.dovecot.append('INBOX', m.raw);
    if (options.gapMs) await sleep(options.gapMs);
  }
  if (!options.handedOver) return;
  await eventually(
    async () => ((await store.getMailboxState('INBOX'))?.lastUid === lastUid ? true : undefined),
    20_000,
    'the burst to be handed over',
  ).catch(withWorkerLog(worker));
}
