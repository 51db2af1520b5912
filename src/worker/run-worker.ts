import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Config, requireWorkerConfig } from '../config.js';
import { loadDirectory } from '../directory/load-directory.js';
import { parseImapUrl } from '../mailbox/imap-url.js';
import { runLeasedSource } from '../mailbox/leased-source.js';
import { mailboxSourceFromConfig } from '../mailbox/source-from-config.js';
import { classifySendFailure } from '../mailer/classify.js';
import { createMailer } from '../mailer/smtp-mailer.js';
import type { ReadinessReport } from '../metrics/readiness.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { observeWorker } from '../metrics/worker-observability.js';
import { createAdvance } from '../pipeline/advance.js';
import { createUnderstander } from '../pipeline/understand-message.js';
import type { IngestJob, ReplyJob } from '../queue/jobs.js';
import { createQueues, redisConnection, throttledRedisErrors } from '../queue/queues.js';
import { automaticRules } from '../reader/detect-automatic.js';
import { createReader } from '../reader/read-message.js';
import { shippedRules } from '../rule-engine/load-rules.js';
import { createStore, parseSecretKey } from '../store/index.js';
import type { Store } from '../store/store.js';
import { createWebhookDispatcher } from '../webhook/webhook-dispatcher.js';
import { createIngest, type IngestOutcome } from './ingest.js';
import { startQueueWorkers } from './queue-workers.js';
import { createSendReply, type SendOutcome } from './send-reply.js';

export interface WorkerHooks {
  onCommitted?(job: IngestJob, ms: number, outcome: IngestOutcome): void;
  onReply?(job: ReplyJob, outcome: SendOutcome): void;
}

export interface WorkerRuntime {
  store: Store;
  /** Whether this process holds the mailbox lease (and so watches the mailbox). */
  readonly leader: boolean;
  /** This process's Prometheus metrics (src/metrics), for the endpoint `intake worker` serves. */
  readonly metrics: WorkerMetrics;
  /** Whether Redis, the database and (for the lease holder) the mailbox watch answer. */
  ready(): Promise<ReadinessReport>;
  /** False once stop() has begun. */
  readonly live: boolean;
  stop(): Promise<void>;
}

/** One lease per account and mailbox: user@host:port/mailbox (never the password). */
function leaseName(imapUrl: string, mailbox: string): string {
  const endpoint = parseImapUrl(imapUrl);
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}/${mailbox}`;
}

/**
 * The service: watches the mailbox (one process holds the lease), queues every new message, reads and
 * commits each one, sends the replies from the outbox. Several processes can run side by side: they share
 * the queues and the store, and only the lease holder watches IDLE.
 */
export async function runWorker(
  config: Config,
  log: Logger,
  hooks: WorkerHooks = {},
): Promise<WorkerRuntime> {
  requireWorkerConfig(config);
  const secretKey = config.INTAKE_SECRET_KEY ? parseSecretKey(config.INTAKE_SECRET_KEY) : null;
  if (!secretKey)
    log.warn({ msg: 'INTAKE_SECRET_KEY is not set: customers\u2019 passwords will not be stored' });
  const store = await createStore(config.DATABASE_URL, {
    secretKey,
    onError: (err) => log.warn({ msg: 'database connection error', err }),
  });
  await store.migrate();
  const directory = config.INTAKE_DIRECTORY ? loadDirectory(config.INTAKE_DIRECTORY) : null;
  if (directory) await store.replaceDirectory(directory);

  const book = shippedRules();
  const ownMessageIdDomains = [config.INTAKE_MESSAGE_ID_DOMAIN];
  const reader = createReader({
    rules: book,
    ownAddresses: config.ownAddresses,
    ownMessageIdDomains,
    defaultLanguage: config.INTAKE_DEFAULT_LANGUAGE,
    limits: { maxBytes: config.INTAKE_MAX_MESSAGE_BYTES },
  });
  const understand = createUnderstander(book, {
    provider: config.PROVIDER_NAME,
    zone: config.PROVIDER_TIMEZONE,
    providerDomains: config.providerDomains,
  });
  const advance = createAdvance(book, {
    provider: config.PROVIDER_NAME,
    directory,
    trustedAuthservIds: config.INTAKE_TRUSTED_AUTHSERV_IDS,
  });

  const prefix = config.INTAKE_QUEUE_PREFIX;
  const redisErrors = throttledRedisErrors((err, source, suppressed) =>
    log.warn({ msg: 'Redis unreachable; retrying', source, suppressed, err: err.message }),
  );
  const queues = createQueues(config.REDIS_URL, prefix, redisErrors);
  const source = mailboxSourceFromConfig(config, {
    logger: log,
    positions: {
      get: (mailbox) => store.getMailboxState(mailbox),
      set: (mailbox, state) => store.setMailboxState(mailbox, state),
    },
  });
  const mailer = createMailer({
    url: config.INTAKE_SMTP_URL!,
    socketTimeoutMs: config.INTAKE_SMTP_TIMEOUT_MS,
    sendTimeoutMs: config.INTAKE_SMTP_TIMEOUT_MS * 2,
  });
  const takeoverMs = config.INTAKE_TAKEOVER_MS;
  const observed = observeWorker({
    config,
    store,
    queues,
    source,
    leader: () => leased.leader,
    log: log.child({ component: 'metrics' }),
  });
  const { metrics } = observed;

  const ingest = createIngest({
    store,
    mailbox: source,
    reader,
    understand,
    advance,
    enqueueReply: (job) => queues.addReply(job),
    messageIdDomain: config.INTAKE_MESSAGE_ID_DOMAIN,
    log: log.child({ component: 'ingest' }),
    onCommitted: (job, ms, outcome) => {
      metrics.ingested(outcome, ms / 1000);
      hooks.onCommitted?.(job, ms, outcome);
    },
  });
  const sentFolder = config.INTAKE_SENT_FOLDER;
  const sendReply = createSendReply({
    store,
    mailer,
    sent: sentFolder
      ? {
          append: async (raw) => {
            await source.appendSent(raw, sentFolder);
          },
          contains: (messageId) => source.folderContains(sentFolder, messageId),
        }
      : null,
    from: config.INTAKE_FROM,
    policy: {
      dailyLimit: config.INTAKE_REPLY_DAILY_LIMIT,
      burstLimit: 3,
      burstWindowMs: 10 * 60_000,
      ownAddresses: config.ownAddresses,
      systemSender: automaticRules(book).systemSender,
    },
    // A live sender settles within its send deadline; the margin covers clocks of different hosts.
    sendingGraceMs: mailer.limits.sendTimeoutMs + 10_000,
    // One claimed reply per SMTP connection: the jobs beyond wait while still `pending`. With four claims
    // per connection, a SIGKILL left every claimed reply waiting in the pool `uncertain` (32 for 10 kills
    // in test/faults/kill-rounds.fault.ts, 29 of them never sent), each one for a person to resolve.
    maxInFlight: mailer.limits.maxConnections,
    classify: classifySendFailure,
    log: log.child({ component: 'reply' }),
  });

  const workers = startQueueWorkers({
    redisUrl: config.REDIS_URL,
    prefix,
    redisErrors,
    log,
    takeoverMs,
    ingestConcurrency: config.INTAKE_INGEST_CONCURRENCY,
    // Four jobs per pooled SMTP connection: the extra ones read their reply and check the limits while
    // the others send, and wait for a claim slot (maxInFlight above) still `pending`. With one job per
    // connection the last reply of a 1,000-message backlog came 1.8 s after the last commit; 20 ms with
    // four claims per connection; 0.45 s with four jobs but one claim per connection (the claim slots,
    // which keep a crash from leaving more than one `uncertain` reply per connection; still 191 msg/s).
    replyConcurrency: mailer.limits.maxConnections * 4,
    ingest,
    reply: async (data) => {
      const outcome = await sendReply(data);
      metrics.replied(outcome, data.seenAt ? (Date.now() - data.seenAt) / 1000 : null);
      hooks.onReply?.(data, outcome);
      return outcome;
    },
  });

  // Replies committed but never queued (a crash between commit and queue) or interrupted mid-send.
  const sweep = async () => {
    try {
      const retried: number[] = [];
      for (const reply of await store.listUnsettledReplies(200)) {
        const done = await queues.requeueReply({
          replyId: reply.id,
          conversationId: reply.conversationId,
          revision: reply.revision,
        });
        if (done === 'retried') retried.push(reply.id);
      }
      if (retried.length > 0) log.warn({ msg: 'outbox sweep retried failed reply jobs', replyIds: retried });
    } catch (err) {
      log.warn({ msg: 'outbox sweep failed', err });
    }
  };
  await sweep();
  const sweeper = setInterval(() => void sweep(), config.INTAKE_SWEEP_MS);
  sweeper.unref();

  const leaseRedis = redisConnection(config.REDIS_URL, redisErrors, 'lease');
  const leased = runLeasedSource(
    {
      source,
      redis: leaseRedis,
      key: `${prefix}:mailbox-lease:${leaseName(config.INTAKE_IMAP_URL!, source.mailbox)}`,
      // Unique per runWorker, not per process (two in one process, as tests and the bench run them, would
      // otherwise both think they hold the lease); the pid stays last for an operator reading the key.
      ownerId: `${hostname()}:${randomBytes(3).toString('hex')}:${process.pid}`,
      ttlMs: takeoverMs,
      logger: log.child({ component: 'lease' }),
    },
    async (batch) => {
      await queues.addIngest(
        batch.map((m) => ({
          mailbox: m.mailbox,
          uidValidity: m.uidValidity,
          uid: m.uid,
          messageId: m.messageId,
          seenAt: m.seenAt,
        })),
      );
      metrics.seen(batch.length);
    },
  );
  // Status changes are captured by the database's triggers whether or not a webhook is configured; only
  // their delivery needs one.
  const webhook =
    config.INTAKE_WEBHOOK_URL && config.INTAKE_WEBHOOK_SECRET
      ? createWebhookDispatcher({
          store,
          url: config.INTAKE_WEBHOOK_URL,
          secret: config.INTAKE_WEBHOOK_SECRET,
          log: log.child({ component: 'webhook' }),
        })
      : null;
  webhook?.start();
  log.info({
    msg: 'worker started',
    database: store.kind,
    mailbox: source.mailbox,
    webhook: webhook !== null,
  });

  let stopped = false;
  return {
    store,
    get leader() {
      return leased.leader;
    },
    metrics,
    ready: observed.ready,
    get live() {
      return !stopped;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweeper);
      await leased.stop();
      await webhook?.stop();
      await workers.close();
      await Promise.allSettled([queues.close(), mailer.close(), source.close()]);
      leaseRedis.disconnect();
      await store.close();
      log.info({ msg: 'worker stopped' });
    },
  };
}
