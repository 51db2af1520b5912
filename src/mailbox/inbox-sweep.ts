import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import { MailboxError } from './mailbox-error.js';
import type { MailboxPositionStore } from './position-store.js';
import type { NewMessage, OnMessages } from './source-types.js';

export interface SweepOptions {
  /** How often the watching connection sweeps. Default 30 s. */
  everyMs?: number;
  /**
   * A message is handed over again only once it has been in the mailbox (INTERNALDATE) and handed over
   * (the stored position passed it) at least this long ago. Default 120 s.
   */
  graceMs?: number;
}

export interface InboxSweeperOptions extends SweepOptions {
  mailbox: string;
  positions: MailboxPositionStore;
  /** Keyword mode: messages carrying it are processed and stay in the mailbox; they are skipped. */
  processedKeyword?: string;
  batchSize: number;
  log: Logger;
  now?: () => number;
}

export interface SweepRun {
  onMessages: OnMessages;
  /** False once the connection was replaced or the source stopped: no further batch starts. */
  active(): boolean;
  /**
   * The first sweep of a connection (a reconnection, or a new lease holder whose queue may have been
   * wiped): every message at or below the stored position counts, not only those the stored position
   * passed a grace period ago in this process.
   */
  atStart: boolean;
}

export interface InboxSweeper {
  readonly everyMs: number;
  /**
   * Hands over again the messages left behind (see createInboxSweeper); resolves to how many. Never
   * rejects: a failure is logged and waits for the next sweep, and a sweep still running (a struggling
   * server) is not joined by another one (0).
   */
  sweep(client: ImapFlow, run: SweepRun): Promise<number>;
}

/** Where the stored position stood at a sweep: messages at or below it had been handed over by then. */
interface Observation {
  at: number;
  uidValidity: string;
  lastUid: number;
}

/**
 * The hand-over moves the stored position once a batch is queued, and the queue is trusted from then on.
 * A queue that loses its data (a Redis restarted without persistence, a failover, a FLUSHALL) would leave
 * those messages in the mailbox forever, below the position. The sweep hands them over again: the messages
 * still in the mailbox (in keyword mode: still without the keyword) at or below the position. Re-queueing
 * is safe (the ingest job id is deduplicated while the job is kept, and the store commits a message once),
 * but it should not be constant: a message is swept only once it has been in the mailbox for `graceMs`, and,
 * except at a connection's first sweep, once the position passed it at least `graceMs` ago, so a backlog
 * still being worked through is left alone.
 */
export function createInboxSweeper(options: InboxSweeperOptions): InboxSweeper {
  const { mailbox, positions, log } = options;
  const everyMs = options.everyMs ?? 30_000;
  const graceMs = options.graceMs ?? 120_000;
  const now = options.now ?? Date.now;
  let seen: Observation[] = [];
  // UIDs handed over again by the previous sweep: the same ones again (a job that failed for good and is
  // kept by the queue, which swallows the re-queue) are logged once, not every period.
  let previous = new Set<number>();

  /** The highest UID the position had passed `graceMs` ago, as this process saw it; older observations go. */
  const settledBound = (uidValidity: string, at: number): number => {
    let bound = 0;
    let keep: Observation | null = null;
    for (const o of seen) {
      if (o.uidValidity !== uidValidity || at - o.at < graceMs) continue;
      if (o.lastUid >= bound) {
        bound = o.lastUid;
        keep = o;
      }
    }
    seen = seen.filter((o) => o === keep || (o.uidValidity === uidValidity && at - o.at < graceMs));
    return bound;
  };

  let running = false;
  return {
    everyMs,
    async sweep(client, run) {
      if (running) return 0;
      running = true;
      try {
        return await sweepOnce(client, run);
      } catch (err) {
        if (run.active()) log.warn({ err, msg: 'mailbox sweep failed' });
        return 0;
      } finally {
        running = false;
      }
    },
  };

  async function sweepOnce(client: ImapFlow, run: SweepRun): Promise<number> {
    const lock = await client.getMailboxLock(mailbox, { description: 'intake: sweep left-behind messages' });
    try {
      if (!client.mailbox) throw new MailboxError('imap_unavailable', `${mailbox} is not selected`);
      const uidValidity = client.mailbox.uidValidity.toString();
      const stored = await positions.get(mailbox);
      // Another epoch: the hand-over gives the whole mailbox over again anyway.
      if (!stored || stored.uidValidity !== uidValidity) return 0;
      const at = now();
      const bound = run.atStart ? stored.lastUid : settledBound(uidValidity, at);
      seen.push({ at, uidValidity, lastUid: stored.lastUid });
      if (bound < 1) return 0;
      const query: { uid: string; unKeyword?: string } = { uid: `1:${bound}` };
      if (options.processedKeyword) query.unKeyword = options.processedKeyword;
      const found = await client.search(query, { uid: true });
      if (!Array.isArray(found))
        throw new MailboxError('imap_unavailable', `UID SEARCH in ${mailbox} failed`);
      const uids = found.filter((uid) => uid <= bound).sort((a, b) => a - b);
      const handed: number[] = [];
      const cutoff = at - graceMs;
      for (let i = 0; i < uids.length && run.active(); i += options.batchSize) {
        const range = uids.slice(i, i + options.batchSize);
        const batch: NewMessage[] = [];
        const what = { uid: true, size: true, envelope: true, internalDate: true } as const;
        for await (const m of client.fetch(range.join(','), what, { uid: true })) {
          const arrived = m.internalDate ? new Date(m.internalDate).getTime() : 0;
          if (arrived > cutoff) continue;
          const messageId = m.envelope?.messageId ?? null;
          batch.push({ mailbox, uidValidity, uid: m.uid, messageId, size: m.size ?? 0, seenAt: now() });
        }
        batch.sort((a, b) => a.uid - b.uid);
        if (batch.length > 0) await run.onMessages(batch);
        handed.push(...batch.map((m) => m.uid));
      }
      report(handed, uidValidity);
      return handed.length;
    } finally {
      lock.release();
    }
  }

  function report(handed: number[], uidValidity: string) {
    const fresh = handed.filter((uid) => !previous.has(uid));
    previous = new Set(handed);
    if (handed.length === 0) return;
    const entry = { count: handed.length, repeated: handed.length - fresh.length, uidValidity };
    const uids = handed.slice(0, 20);
    if (fresh.length > 0) {
      log.warn({
        msg: 'messages handed over earlier are still unprocessed in the mailbox: handed over again (a queue still holding their jobs ignores them)',
        ...entry,
        uids,
      });
    } else log.debug({ msg: 'the same unprocessed messages queued again', ...entry, uids });
  }
}
