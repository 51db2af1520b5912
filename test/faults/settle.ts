import { Queue } from 'bullmq';
import { INGEST_QUEUE, REPLY_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import type { Store } from '../../src/store/store.js';
import type { Harness } from '../support/worker-harness.js';

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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
