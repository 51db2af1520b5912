import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { isRedisConnectionError } from '../queue/connection-error.js';
import { forQueue } from '../queue/errors.js';
import { INGEST_QUEUE, IngestJob, REPLY_QUEUE, ReplyJob } from '../queue/jobs.js';
import { type RedisErrorSink, redisConnection } from '../queue/queues.js';

export interface QueueWorkersOptions {
  redisUrl: string;
  prefix: string;
  redisErrors: RedisErrorSink;
  log: Logger;
  /** INTAKE_TAKEOVER_MS: job lock and stalled-job check. */
  takeoverMs: number;
  ingestConcurrency: number;
  replyConcurrency: number;
  ingest(job: IngestJob): Promise<unknown>;
  reply(job: ReplyJob): Promise<unknown>;
}

export interface QueueWorkers {
  /** Finishes the jobs in flight, takes no more, closes the connections. */
  close(): Promise<void>;
}

/**
 * How often a job may lose its worker (a crash, SIGKILL, OOM) before BullMQ fails it. Its default, 1, failed
 * a job whose worker died twice while running it: the message stayed in INBOX, or the reply `sending`, until
 * someone ran `intake replay --failed` (test/faults/kill-rounds.fault.ts: 10 jobs out of 500 messages and 10
 * kills). Running a job again is safe; the limit stays finite so that a message that kills every worker
 * reading it ends up failed and visible instead of taking them down forever.
 */
const MAX_STALLED = 10;

/** The BullMQ workers of the `ingest` and `reply` queues, job data checked, errors classified. */
export function startQueueWorkers(options: QueueWorkersOptions): QueueWorkers {
  const { prefix, takeoverMs, log } = options;
  // Each BullMQ worker gets its own connection: they block on Redis while waiting for jobs. BullMQ does
  // not close a connection it was given, so close() does.
  const ingestConnection = redisConnection(options.redisUrl, options.redisErrors, 'ingest worker');
  const replyConnection = redisConnection(options.redisUrl, options.redisErrors, 'reply worker');
  const ingestWorker = new Worker(
    INGEST_QUEUE,
    async (job: Job) => {
      try {
        return await options.ingest(IngestJob.parse(job.data));
      } catch (err) {
        throw forQueue(err);
      }
    },
    {
      connection: ingestConnection,
      prefix,
      concurrency: options.ingestConcurrency,
      // BullMQ renews a live job's lock every lockDuration/2 (reading streams, the event loop stays free), so
      // the lock only has to outlast a renewal: a dead process's jobs pass to a live one after about
      // lockDuration + stalledInterval. A job run twice is safe: the store commits a message once.
      lockDuration: takeoverMs,
      stalledInterval: takeoverMs,
      maxStalledCount: MAX_STALLED,
    },
  );
  const replyWorker = new Worker(
    REPLY_QUEUE,
    async (job: Job) => {
      try {
        return await options.reply(ReplyJob.parse(job.data));
      } catch (err) {
        throw forQueue(err);
      }
    },
    {
      connection: replyConnection,
      prefix,
      concurrency: options.replyConcurrency,
      // Renewed while a send runs, as for ingest. A job handed over while its first owner is still in the
      // SMTP transaction cannot send twice: the outbox claim is a compare-and-set, and a reply found
      // `sending` is left alone until the whole send deadline has passed.
      lockDuration: takeoverMs,
      stalledInterval: takeoverMs,
      maxStalledCount: MAX_STALLED,
    },
  );
  for (const w of [ingestWorker, replyWorker]) {
    w.on('failed', (job, err) =>
      log.warn({ msg: 'job failed', queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err }),
    );
    w.on('error', (err) =>
      isRedisConnectionError(err)
        ? options.redisErrors(err, w.name)
        : log.error({ msg: 'queue worker error', queue: w.name, err }),
    );
  }
  return {
    async close() {
      // Finish the jobs in flight rather than abandon them: their locks would otherwise hold them.
      await Promise.allSettled([ingestWorker.close(), replyWorker.close()]);
      ingestConnection.disconnect();
      replyConnection.disconnect();
    },
  };
}
