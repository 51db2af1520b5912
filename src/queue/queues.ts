import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE, type IngestJob, ingestJobId, REPLY_QUEUE, type ReplyJob, replyJobId } from './jobs.js';

export interface Queues {
  ingest: Queue<IngestJob>;
  reply: Queue<ReplyJob>;
  connection: Redis;
  addIngest(jobs: readonly IngestJob[]): Promise<void>;
  addReply(job: ReplyJob): Promise<void>;
  /**
   * Queues the reply again for the outbox sweep: a job still waiting, running or delayed is left alone (the
   * same job id), a failed one is retried; resolves to what was done.
   */
  requeueReply(job: ReplyJob): Promise<'queued' | 'present' | 'retried'>;
  close(): Promise<void>;
}

/** Where connection errors go; without a listener ioredis and BullMQ print every reconnect attempt. */
export type RedisErrorSink = (err: Error, source: string) => void;

/**
 * A sink that reports the first error of an outage at once and then at most one line per `everyMs`
 * with the count of errors folded into it: ioredis retries every 2 s, a long outage must not flood the log.
 */
export function throttledRedisErrors(
  report: (err: Error, source: string, suppressed: number) => void,
  everyMs = 30_000,
): RedisErrorSink {
  let last = 0;
  let suppressed = 0;
  return (err, source) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed++;
      return;
    }
    report(err, source, suppressed);
    last = now;
    suppressed = 0;
  };
}

/** BullMQ needs `maxRetriesPerRequest: null` on its connections (blocking commands must not time out). */
export function redisConnection(url: string, onError?: RedisErrorSink, name = 'redis'): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  // Always a listener: an 'error' event without one is printed by ioredis and can never be silenced.
  redis.on('error', (err: Error) => onError?.(err, name));
  return redis;
}

// Transient failures (IMAP hiccup, database restart, SMTP 4xx) are retried with exponential backoff, 10
// attempts over about 8.5 minutes (1 s, 2 s, … 256 s); completed jobs go, failed ones stay visible a week.
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

export function createQueues(redisUrl: string, prefix = 'intake', onError?: RedisErrorSink): Queues {
  const connection = redisConnection(redisUrl, onError, 'queues');
  const ingest = new Queue<IngestJob>(INGEST_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  const reply = new Queue<ReplyJob>(REPLY_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  for (const queue of [ingest, reply]) queue.on('error', (err) => onError?.(err, queue.name));
  return {
    ingest,
    reply,
    connection,
    async addIngest(jobs) {
      if (jobs.length === 0) return;
      await ingest.addBulk(
        jobs.map((data) => ({ name: 'ingest', data, opts: { jobId: ingestJobId(data) } })),
      );
    },
    async addReply(job) {
      await reply.add('reply', job, { jobId: replyJobId(job) });
    },
    async requeueReply(job) {
      const jobId = replyJobId(job);
      const existing = await reply.getJob(jobId);
      if (!existing) {
        await reply.add('reply', job, { jobId });
        return 'queued';
      }
      // A failed job is kept a week under its id, and BullMQ ignores an add with that id meanwhile: without
      // a retry, a reply whose ten attempts ran out (SMTP away for more than about 8.5 minutes) would stay
      // `pending` for that week. Replies refused for good are settled `failed` in the outbox and never come
      // back here; only the unsettled ones do.
      if (await existing.isFailed()) {
        await existing.retry('failed');
        return 'retried';
      }
      return 'present';
    },
    async close() {
      await Promise.allSettled([ingest.close(), reply.close()]);
      connection.disconnect();
    },
  };
}
