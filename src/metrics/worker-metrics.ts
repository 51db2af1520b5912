import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SourceState } from '../mailbox/source-types.js';
import type { IngestOutcome } from '../worker/ingest.js';
import type { SendOutcome } from '../worker/send-reply.js';
import { withDeadline } from './deadline.js';
import type { MailboxCounts } from './mailbox-census.js';

/** Every state of the watch connection, so that each is a series (0 or 1) from the first scrape. */
const SOURCE_STATES = Object.keys({
  disconnected: 0,
  connecting: 0,
  syncing: 0,
  idle: 0,
  polling: 0,
  backoff: 0,
  closed: 0,
} satisfies Record<SourceState, 0>) as SourceState[];

/** Arrival to record takes well under a second when all is well, minutes in a backlog. */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/** BullMQ job states worth watching: work waiting, running, retrying later, and given up. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** What the scrape-time gauges read. Each read runs within `scrapeTimeoutMs`; a late one leaves its gauges empty. */
export interface WorkerMetricSources {
  /** Jobs per state, per queue (`ingest`, `reply`). */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  imapState(): SourceState;
  leader(): boolean;
  /** The watched mailbox's name, the label of the mailbox gauges. */
  readonly mailbox: string;
  /** Null when this process does not watch the mailbox (not the lease holder) or has no counts yet. */
  mailboxCounts(): Promise<MailboxCounts | null>;
}

export interface WorkerMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** Messages handed over by the mailbox watch (queued for ingest). */
  seen(count: number): void;
  /** A message's outcome and the seconds from its being seen to that outcome. */
  ingested(outcome: IngestOutcome, seconds: number): void;
  /** A reply job's outcome; `arrivalSeconds` from the answered message being seen to the reply being sent. */
  replied(outcome: SendOutcome, arrivalSeconds: number | null): void;
  /** Refreshes the scrape-time gauges, then renders the exposition text. */
  render(): Promise<string>;
}

/**
 * The worker's metrics on a registry of its own (not prom-client's global one: a test runs several
 * workers in one process). Counters and histograms move as work is done; gauges are read at scrape time.
 */
export function createWorkerMetrics(
  sources: WorkerMetricSources,
  options: { scrapeTimeoutMs?: number; defaultMetrics?: boolean } = {},
): WorkerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const scrapeTimeoutMs = options.scrapeTimeoutMs ?? 2_000;
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'intake_' });

  const seen = new Counter({
    name: 'intake_messages_seen_total',
    help: 'Messages handed over by the mailbox watch to the ingest queue (a resync hands some over again)',
    registers,
  });
  const messages = new Counter({
    name: 'intake_messages_total',
    help: 'Messages read by this process, by outcome: committed, duplicate, ignored (automatic mail), quarantined',
    labelNames: ['outcome'],
    registers,
  });
  const replies = new Counter({
    name: 'intake_replies_total',
    help: 'Reply jobs run by this process, by outcome: sent, uncertain, refused_limit, refused_loop, failed, already_settled',
    labelNames: ['outcome'],
    registers,
  });
  const toRecord = new Histogram({
    name: 'intake_arrival_to_record_seconds',
    help: 'From the mailbox watch seeing a message to its record committed (or its quarantine)',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const toReply = new Histogram({
    name: 'intake_arrival_to_reply_seconds',
    help: 'From the mailbox watch seeing a message to the automatic reply to it accepted by the SMTP server',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  for (const outcome of ['committed', 'duplicate', 'ignored', 'quarantined'] satisfies IngestOutcome[])
    messages.inc({ outcome }, 0);
  const sendOutcomes: SendOutcome[] = [
    'sent',
    'uncertain',
    'refused_limit',
    'refused_loop',
    'failed',
    'already_settled',
  ];
  for (const outcome of sendOutcomes) replies.inc({ outcome }, 0);

  const queueJobs = new Gauge({
    name: 'intake_queue_jobs',
    help: 'Jobs in the BullMQ queues (shared by every worker process), by queue and state',
    labelNames: ['queue', 'state'],
    registers,
  });
  const imapState = new Gauge({
    name: 'intake_imap_connection_state',
    help: 'State of this process\u2019s mailbox watch connection: 1 for the current state (disconnected unless leader)',
    labelNames: ['state'],
    registers,
  });
  const leader = new Gauge({
    name: 'intake_mailbox_leader',
    help: '1 when this process holds the mailbox lease and watches the mailbox',
    registers,
  });
  const mailboxMessages = new Gauge({
    name: 'intake_mailbox_messages',
    help: 'Messages in the watched mailbox, as the server counts them (lease holder only)',
    labelNames: ['mailbox'],
    registers,
  });
  const unprocessed = new Gauge({
    name: 'intake_mailbox_unprocessed_messages',
    help: 'Messages in the watched mailbox not processed yet: the gap between the mailbox and the records (lease holder only)',
    labelNames: ['mailbox'],
    registers,
  });
  const processed = new Gauge({
    name: 'intake_mailbox_processed_messages',
    help: 'Processed messages the server holds: in the processed folder, or carrying the processed keyword (lease holder only)',
    labelNames: ['mailbox'],
    registers,
  });
  const countedAt = new Gauge({
    name: 'intake_mailbox_counted_timestamp_seconds',
    help: 'When the mailbox counts were taken (they are refreshed at most every 30 s)',
    labelNames: ['mailbox'],
    registers,
  });
  const sourceUp = new Gauge({
    name: 'intake_metrics_source_up',
    help: '0 when a scrape-time source (queues, mailbox) did not answer in time or failed at the last scrape',
    labelNames: ['source'],
    registers,
  });

  const refreshQueues = async () => {
    queueJobs.reset();
    try {
      const counts = await withDeadline(sources.queueCounts, scrapeTimeoutMs, 'queue counts');
      for (const [queue, byState] of Object.entries(counts))
        for (const [state, n] of Object.entries(byState)) queueJobs.set({ queue, state }, n);
      sourceUp.set({ source: 'queues' }, 1);
    } catch {
      sourceUp.set({ source: 'queues' }, 0);
    }
  };
  const refreshMailbox = async () => {
    for (const gauge of [mailboxMessages, unprocessed, processed, countedAt]) gauge.reset();
    if (!sources.leader()) {
      sourceUp.remove({ source: 'mailbox' });
      return;
    }
    try {
      const counts = await withDeadline(sources.mailboxCounts, scrapeTimeoutMs, 'mailbox counts');
      sourceUp.set({ source: 'mailbox' }, counts ? 1 : 0);
      if (!counts) return;
      const labels = { mailbox: sources.mailbox };
      mailboxMessages.set(labels, counts.messages);
      unprocessed.set(labels, counts.unprocessed);
      processed.set(labels, counts.processed);
      countedAt.set(labels, counts.at / 1000);
    } catch {
      sourceUp.set({ source: 'mailbox' }, 0);
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    seen: (count) => seen.inc(count),
    ingested(outcome, seconds) {
      messages.inc({ outcome });
      toRecord.observe({ outcome }, Math.max(0, seconds));
    },
    replied(outcome, arrivalSeconds) {
      replies.inc({ outcome });
      if (outcome === 'sent' && arrivalSeconds !== null) toReply.observe(Math.max(0, arrivalSeconds));
    },
    async render() {
      const state = sources.imapState();
      for (const s of SOURCE_STATES) imapState.set({ state: s }, s === state ? 1 : 0);
      leader.set(sources.leader() ? 1 : 0);
      await Promise.all([refreshQueues(), refreshMailbox()]);
      return registry.metrics();
    },
  };
}
