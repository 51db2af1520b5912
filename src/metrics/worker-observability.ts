import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { imapAccessToken } from '../mailbox/access-token.js';
import { parseImapUrl } from '../mailbox/imap-url.js';
import type { MailboxSource } from '../mailbox/source-types.js';
import type { Queues } from '../queue/queues.js';
import type { Store } from '../store/store.js';
import { createMailboxCensus } from './mailbox-census.js';
import { checkReadiness, type ReadinessReport } from './readiness.js';
import { createWorkerMetrics, QUEUE_STATES, type WorkerMetrics } from './worker-metrics.js';

export interface WorkerObservabilityDeps {
  config: Config;
  store: Store;
  queues: Queues;
  source: MailboxSource;
  /** Whether this process holds the mailbox lease now. */
  leader(): boolean;
  log: Logger;
}

export interface WorkerObservability {
  metrics: WorkerMetrics;
  /** Redis, the database and (for the lease holder) the mailbox watch, each within a second. */
  ready(): Promise<ReadinessReport>;
}

/** States in which the watch connection is up: between syncs (idle, polling) or syncing. */
const WATCHING = new Set(['idle', 'polling', 'syncing']);
const READY_TIMEOUT_MS = 1_000;

/** The worker's metrics and readiness, reading the queues, the store and the mailbox watch it runs. */
export function observeWorker(deps: WorkerObservabilityDeps): WorkerObservability {
  const { config, queues, source } = deps;
  const redis = queues.connection;
  // A command sent while ioredis reconnects waits in its offline queue (BullMQ connections never give up):
  // asking only a ready connection answers at once during an outage.
  const redisReady = () => {
    if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
  };
  const census = createMailboxCensus({
    connection: {
      endpoint: parseImapUrl(config.INTAKE_IMAP_URL!),
      accessToken: imapAccessToken({
        token: config.INTAKE_IMAP_ACCESS_TOKEN,
        file: config.INTAKE_IMAP_ACCESS_TOKEN_FILE,
      }),
      logger: deps.log,
    },
    mailbox: source.mailbox,
    processedFolder: config.INTAKE_PROCESSED_FOLDER,
    ...(config.INTAKE_PROCESSED_KEYWORD ? { processedKeyword: config.INTAKE_PROCESSED_KEYWORD } : {}),
    waitMs: 1_500,
    log: deps.log,
  });
  const metrics = createWorkerMetrics({
    async queueCounts() {
      redisReady();
      const [ingest, reply] = await Promise.all([
        queues.ingest.getJobCounts(...QUEUE_STATES),
        queues.reply.getJobCounts(...QUEUE_STATES),
      ]);
      return { ingest, reply };
    },
    imapState: () => source.state,
    leader: deps.leader,
    mailbox: source.mailbox,
    mailboxCounts: () => census.read(),
  });
  return {
    metrics,
    ready: () =>
      checkReadiness(
        {
          redis: async () => {
            redisReady();
            await redis.ping();
            return undefined;
          },
          database: async () => {
            await deps.store.ping();
            return undefined;
          },
          imap: async () => {
            // Only the lease holder watches: the others have no watch connection by design, and are ready
            // to take over; an IMAP outage shows on the holder's probe and in intake_imap_connection_state.
            if (!deps.leader()) return 'standby: another process holds the mailbox lease';
            if (!WATCHING.has(source.state)) throw new Error(`the mailbox watch is ${source.state}`);
            return undefined;
          },
        },
        READY_TIMEOUT_MS,
      ),
  };
}
