import { randomBytes } from 'node:crypto';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_QUEUE, type ReplyJob, replyJobId } from '../../src/queue/jobs.js';
import { createQueues, type Queues, redisConnection } from '../../src/queue/queues.js';

const REDIS = 'redis://127.0.0.1:6379';
const job: ReplyJob = { replyId: 7, conversationId: 'c-7', revision: 1 };

let queues: Queues | null = null;
let worker: Worker | null = null;
afterEach(async () => {
  await worker?.close();
  worker = null;
  await queues?.reply.obliterate({ force: true }).catch(() => {});
  await queues?.close();
  queues = null;
});

/** Runs one BullMQ worker on the reply queue with `process`, until `until` holds for the job. */
async function runUntil(
  prefix: string,
  process: (job: Job) => Promise<unknown>,
  until: (state: string) => boolean,
): Promise<string> {
  const connection = redisConnection(REDIS);
  worker = new Worker(REPLY_QUEUE, process, { connection, prefix });
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      const state = (await queues!.reply.getJobState(replyJobId(job))) as string;
      if (until(state)) return state;
      if (Date.now() > deadline) throw new Error(`job still ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await worker.close();
    worker = null;
    connection.disconnect();
  }
}

describe('the outbox sweep re-queueing a reply (real Redis)', () => {
  it('queues a missing job, leaves a waiting one alone, and retries a failed one until it completes', async () => {
    const prefix = `intake-test-${randomBytes(4).toString('hex')}`;
    queues = createQueues(REDIS, prefix);
    expect(await queues.requeueReply(job)).toBe('queued');
    expect(await queues.requeueReply(job)).toBe('present');
    expect(await queues.reply.getWaitingCount()).toBe(1);

    // Its attempts ran out: failed, and kept under its id.
    const failed = await runUntil(
      prefix,
      async () => {
        throw new UnrecoverableError('SMTP away for too long');
      },
      (s) => s === 'failed',
    );
    expect(failed).toBe('failed');
    // A plain add with the same id does nothing while the failed job is kept: the reason for requeueReply.
    await queues.addReply(job);
    expect(await queues.reply.getJobState(replyJobId(job))).toBe('failed');

    expect(await queues.requeueReply(job)).toBe('retried');
    const seen: ReplyJob[] = [];
    const done = await runUntil(
      prefix,
      async (j) => {
        seen.push(j.data as ReplyJob);
        return 'sent';
      },
      (s) => s === 'completed',
    );
    expect(done).toBe('completed');
    expect(seen).toEqual([job]);
  });
});
