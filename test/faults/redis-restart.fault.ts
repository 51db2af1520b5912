import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../scripts/redis-server.js';
import { INGEST_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import type { Store } from '../../src/store/store.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { type Harness, startHarness } from '../support/worker-harness.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';
import { auditWhenSettled, commitFirstThenBurst, secondsSince, sleep, sweptCount } from './settle.js';

/**
 * Issue 6: Redis restarted under a running worker while mail arrives, on a Redis of the test's own (the
 * machine's shared one is never stopped). Persistent, the queues come back as they were; without
 * persistence they come back empty, and the messages handed over but not yet processed are only found
 * again by the mailbox sweep (src/mailbox/inbox-sweep.ts), run here every second with a 2 s grace.
 */
const FAST = {
  INTAKE_TAKEOVER_MS: '2000',
  INTAKE_SMTP_TIMEOUT_MS: '2000',
  INTAKE_SWEEP_MS: '1000',
  INTAKE_MAILBOX_SWEEP_GRACE_MS: '2000',
};

const request = (i: number) => reinstallRequest(i);

let redis: RedisServer | null = null;
let h: Harness | null = null;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  await h?.stop();
  await redis?.stop();
  store = null;
  h = null;
  redis = null;
});

async function waitingIngestJobs(h: Harness): Promise<number> {
  const connection = redisConnection(h.config.REDIS_URL);
  const queue = new Queue(INGEST_QUEUE, { connection, prefix: h.config.INTAKE_QUEUE_PREFIX });
  try {
    return (await queue.getJobCounts('waiting')).waiting ?? 0;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('fault: Redis restarted under the worker', () => {
  it('persistent Redis restarted mid-stream: every message committed once, each reply sent once', async () => {
    redis = await startRedisServer({ persist: true });
    h = await startHarness({ env: { ...FAST, REDIS_URL: redis.url } });
    store = await h.openStore();
    const worker = h.spawnWorker();
    const mail = Array.from({ length: 18 }, (_, i) => request(i + 1));
    const start = Date.now();
    await commitFirstThenBurst(h, store, worker, mail[0]!, mail.slice(1, 6), {
      handedOver: false,
      gapMs: 100,
    });
    let downMs = 0;
    await redis.restart(async () => {
      const down = Date.now();
      // Longer than the lease's renewal deadline: the watch stops and is taken up again afterwards.
      for (const m of mail.slice(6, 12)) {
        await h!.dovecot.append('INBOX', m.raw);
        await sleep(500);
      }
      downMs = Date.now() - down;
    });
    for (const m of mail.slice(12)) {
      await h.dovecot.append('INBOX', m.raw);
      await sleep(100);
    }
    const report = await auditWhenSettled(
      h,
      mail.map((m) => m.messageId),
      { store, timeoutMs: 45_000 },
    );
    const output = worker.output();
    recordFigures({
      scenario: 'redis-restart-persistent',
      seconds: secondsSince(start),
      faults: 1,
      notes: { 'Redis down (s)': (downMs / 1000).toFixed(1), 'swept again': sweptCount(output) },
      audit: report,
    });
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(mail.length);
    expect(report.replies).toEqual({ sent: mail.length });
    expect(report.failedJobs).toEqual([]);
    expect(output).not.toMatch(/"level":60/);
  });

  it('Redis restarted without persistence (queues wiped): the mailbox sweep recovers every message', async () => {
    redis = await startRedisServer({ persist: false });
    // One message read at a time: a burst handed over at once is still waiting in the queue at the wipe.
    h = await startHarness({ env: { ...FAST, REDIS_URL: redis.url, INTAKE_INGEST_CONCURRENCY: '1' } });
    store = await h.openStore();
    const worker = h.spawnWorker();
    const mail = Array.from({ length: 24 }, (_, i) => request(i + 1));
    const start = Date.now();
    // Every one of the burst handed over (the stored position passed it), most not yet processed.
    await commitFirstThenBurst(h, store, worker, mail[0]!, mail.slice(1, 16), { handedOver: true });
    const waitingAtWipe = await waitingIngestJobs(h);
    await redis.restart(async () => {
      for (const m of mail.slice(16, 20)) await h!.dovecot.append('INBOX', m.raw);
      await sleep(1_500);
    });
    for (const m of mail.slice(20)) {
      await h.dovecot.append('INBOX', m.raw);
      await sleep(100);
    }
    const report = await auditWhenSettled(
      h,
      mail.map((m) => m.messageId),
      { store, timeoutMs: 45_000 },
    );
    const output = worker.output();
    const swept = sweptCount(output);
    recordFigures({
      scenario: 'redis-restart-wiped',
      seconds: secondsSince(start),
      faults: 1,
      notes: { 'jobs waiting at the wipe': waitingAtWipe, 'swept again': swept },
      audit: report,
    });
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(mail.length);
    expect(report.replies).toEqual({ sent: mail.length });
    expect(report.failedJobs).toEqual([]);
    // The scenario did what it says: jobs were lost with the data, and the sweep brought them back.
    expect(waitingAtWipe).toBeGreaterThan(0);
    expect(swept).toBeGreaterThan(0);
  });
});
