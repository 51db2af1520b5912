import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE, type IngestJob, ingestJobId, REPLY_QUEUE, type ReplyJob, replyJobId } from './jobs.js';

export interface Queues {
  ingest: Queue<IngestJob>;
  reply: Queue<ReplyJob>;
  connection: Redis;
  addIngest(jobs: readonly IngestJob[]): Promise<void>;
  addReply(job: ReplyJob): Promise<void>;
  close(): Promise<void>;
}

/** BullMQ needs `maxRetriesPerRequest: null` on its connections (blocking commands must not time out). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

// Transient failures (IMAP hiccup, database restart, SMTP 4xx) are retried with exponential backoff for
// about a quarter of an hour; completed jobs go, failed ones stay visible for a week.
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

export function createQueues(redisUrl: string, prefix = 'intake'): Queues {
  const connection = redisConnection(redisUrl);
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
    async close() {
      await Promise.allSettled([ingest.close(), reply.close()]);
      connection.disconnect();
    },
  };
}
