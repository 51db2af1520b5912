import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { IngestJob, replayJobId } from '../queue/jobs.js';
import type { Store } from '../store/store.js';

/** What replay needs from the mailbox: take a message out of a folder and back into the watched one. */
export interface ReplayMailbox {
  readonly mailbox: string;
  restore(folder: string, messageId: string): Promise<{ uid: number; uidValidity: string } | null>;
}

/** What replay needs from the ingest queue. */
export interface ReplayQueue {
  add(name: string, data: IngestJob, options: { jobId: string }): Promise<unknown>;
  getFailed(start?: number, end?: number): Promise<Job[]>;
}

export interface ReplayOptions {
  store: Store;
  mailbox: ReplayMailbox;
  ingest: ReplayQueue;
  quarantineFolder: string;
  /** Who asked, for the audit log (e.g. `cli:root@host`). */
  actor: string;
  log: Logger;
}

export type ReplayAction =
  /** Taken out of quarantine and queued again. */
  | 'requeued'
  /** A failed ingest job, retried. */
  | 'retried'
  | 'already_processed'
  | 'not_found'
  /** Quarantined without a Message-ID: it cannot be found again by one; it has to be moved by hand. */
  | 'not_locatable';

export interface ReplayResult {
  messageId: string | null;
  action: ReplayAction;
  detail: string;
}

/**
 * `intake replay`: runs again the messages that did not make it: quarantined ones (after a rule or reader
 * fix) go back to the watched mailbox and into the ingest queue under a job id of their own (the first
 * job's id would be deduplicated away); failed ingest jobs are retried. A message already processed is
 * left alone: its record stands, and replaying it would answer the customer a second time.
 */
export function createReplay(options: ReplayOptions) {
  const { store, mailbox, ingest, log } = options;

  const requeue = async (entry: {
    id: number;
    messageId: string | null;
    code: string;
  }): Promise<ReplayResult> => {
    if (!entry.messageId) {
      return {
        messageId: null,
        action: 'not_locatable',
        detail: `quarantine entry ${entry.id} (${entry.code}) has no Message-ID: move it from ${options.quarantineFolder} to ${mailbox.mailbox} by hand`,
      };
    }
    const at = await mailbox.restore(options.quarantineFolder, entry.messageId);
    if (!at) {
      return {
        messageId: entry.messageId,
        action: 'not_found',
        detail: `not in ${options.quarantineFolder} any more (quarantine entry ${entry.id} left open)`,
      };
    }
    const job = IngestJob.parse({
      mailbox: mailbox.mailbox,
      uidValidity: at.uidValidity,
      uid: at.uid,
      messageId: entry.messageId,
      seenAt: Date.now(),
    });
    await ingest.add('ingest', job, { jobId: replayJobId(job) });
    await store.resolveQuarantine(entry.id);
    await store.audit({
      actor: options.actor,
      action: 'replay',
      subject: entry.messageId,
      details: { quarantineId: entry.id, code: entry.code, uid: at.uid, uidValidity: at.uidValidity },
    });
    log.info({ msg: 'replaying a quarantined message', messageId: entry.messageId, uid: at.uid });
    return {
      messageId: entry.messageId,
      action: 'requeued',
      detail: `back in ${mailbox.mailbox} as UID ${at.uid} and queued (was quarantined: ${entry.code})`,
    };
  };

  const retryFailed = async (filter: (job: Job) => boolean): Promise<ReplayResult[]> => {
    const results: ReplayResult[] = [];
    for (const job of await ingest.getFailed(0, 10_000)) {
      if (!filter(job)) continue;
      const data = IngestJob.safeParse(job.data);
      const messageId = data.success ? data.data.messageId : null;
      await job.retry('failed');
      await store.audit({
        actor: options.actor,
        action: 'replay',
        subject: messageId ?? `job ${job.id}`,
        details: { jobId: job.id, failedReason: job.failedReason },
      });
      results.push({
        messageId,
        action: 'retried',
        detail: `ingest job retried (it failed: ${job.failedReason})`,
      });
    }
    return results;
  };

  return {
    /** Every open quarantine entry, oldest first. */
    async quarantined(): Promise<ReplayResult[]> {
      const results: ReplayResult[] = [];
      for (const entry of await store.listQuarantine(10_000)) results.push(await requeue(entry));
      return results;
    },

    /** One quarantine entry (the desk's Reprocess button): the caller has checked that it is open. */
    entry(entry: { id: number; messageId: string | null; code: string }): Promise<ReplayResult> {
      return requeue(entry);
    },

    /** Every failed ingest job. */
    failed(): Promise<ReplayResult[]> {
      return retryFailed(() => true);
    },

    /** One message, wherever it stopped: quarantined, or a failed job. */
    async message(messageId: string): Promise<ReplayResult[]> {
      const id = messageId.startsWith('<') ? messageId : `<${messageId}>`;
      const entries = (await store.listQuarantine(10_000)).filter((e) => e.messageId === id);
      const results: ReplayResult[] = [];
      for (const entry of entries) results.push(await requeue(entry));
      results.push(...(await retryFailed((job) => (job.data as { messageId?: unknown }).messageId === id)));
      if (results.length > 0) return results;
      const processed = await store.findMessagesById(id);
      if (processed.length > 0) {
        const where = processed.map((m) => m.conversationId ?? m.state).join(', ');
        return [
          {
            messageId: id,
            action: 'already_processed',
            detail: `already processed (${where}): nothing to replay`,
          },
        ];
      }
      return [
        {
          messageId: id,
          action: 'not_found',
          detail: 'no quarantine entry, failed job or stored message has this Message-ID',
        },
      ];
    },
  };
}
