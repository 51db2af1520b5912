import { Queue } from 'bullmq';
import { INGEST_QUEUE, REPLY_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import type { Store } from '../../src/store/store.js';
import type { Harness } from '../support/worker-harness.js';

/**
 * The audit every fault scenario ends with (issue 6): every message appended to the mailbox has exactly one
 * committed record or a quarantine entry, every reply revision reached the SMTP peer at most once (exactly
 * once when the store says `sent`), and nothing is stuck (INBOX empty, no job waiting, active or delayed, no
 * reply unsettled). It reports what it found rather than asserting, so that a scenario prints its figures
 * before its assertions fail.
 */
export interface AuditReport {
  /** Message-IDs the scenario appended. */
  appended: number;
  /** Appended messages committed exactly once. */
  committed: number;
  /** Appended messages quarantined (and not committed). */
  quarantined: number;
  /**
   * Of `committed`, those stored outside any conversation: automatic mail (out-of-office, bounces) that the
   * worker commits as `ignored` without opening a conversation.
   */
  ignored: number;
  /** Appended messages neither committed nor quarantined. */
  lost: string[];
  /** Appended messages committed more than once, or both committed and quarantined. */
  duplicated: string[];
  conversations: number;
  /** Reply rows by status (`sent`, `uncertain`, `refused_limit`, …). */
  replies: Record<string, number>;
  /** Messages the SMTP peer received. */
  captured: number;
  /** Reply Message-IDs the SMTP peer received more than once, and revisions sent under two Message-IDs. */
  duplicateReplies: string[];
  /** Replies the store marks `sent` that the SMTP peer never received. */
  sentNotCaptured: string[];
  /** What is left: INBOX messages, unsettled replies, jobs not finished. */
  stuck: string[];
  /** Failed jobs kept by the queues, as `queue: reason`. */
  failedJobs: string[];
}

export interface AuditOptions {
  /** Every Message-ID the scenario appended to INBOX (customer mail, poison, loop answers). */
  appended: readonly string[];
  /** Store to read; the harness's own one when omitted. */
  store?: Store;
}

export async function audit(h: Harness, options: AuditOptions): Promise<AuditReport> {
  const store = options.store ?? (await h.openStore());
  try {
    const committedCount = new Map<string, number>();
    const { rows } = await store.listConversations({ limit: 100_000, offset: 0 });
    const replies: Record<string, number> = {};
    const sentIds: string[] = [];
    const revisionIds = new Map<string, Set<string>>();
    for (const row of rows) {
      const c = await store.getConversation(row.id);
      if (!c) continue;
      for (const m of c.messages) committedCount.set(m.messageId, (committedCount.get(m.messageId) ?? 0) + 1);
      for (const r of c.replies) {
        replies[r.status] = (replies[r.status] ?? 0) + 1;
        if (r.status === 'sent') sentIds.push(r.messageId);
        const key = `${c.id}#${r.revision}`;
        const ids = revisionIds.get(key) ?? new Set<string>();
        ids.add(r.messageId);
        revisionIds.set(key, ids);
      }
    }
    const quarantinedIds = new Set(
      (await store.listQuarantine(100_000, { includeResolved: true }))
        .map((q) => q.messageId)
        .filter((id): id is string => id !== null),
    );
    const lost: string[] = [];
    const duplicated: string[] = [];
    let committed = 0;
    let quarantined = 0;
    let ignored = 0;
    for (const id of new Set(options.appended)) {
      const inConversations = committedCount.get(id) ?? 0;
      // Not in a conversation: an ignored automatic message is still committed, once.
      const n =
        inConversations || (await store.findMessagesById(id)).filter((m) => m.conversationId === null).length;
      const q = quarantinedIds.has(id);
      if (n === 1 && !q && inConversations === 0) ignored++;
      if (n === 1 && !q) committed++;
      else if (n === 0 && q) quarantined++;
      else if (n === 0) lost.push(id);
      else duplicated.push(id);
    }

    const capturedIds = new Map<string, number>();
    for (const m of h.smtp.messages) {
      if (m.messageId) capturedIds.set(m.messageId, (capturedIds.get(m.messageId) ?? 0) + 1);
    }
    const duplicateReplies = [...capturedIds].filter(([, n]) => n > 1).map(([id]) => id);
    for (const [key, ids] of revisionIds) {
      if (ids.size > 1) duplicateReplies.push(`${key} under ${[...ids].join(', ')}`);
    }
    const sentNotCaptured = sentIds.filter((id) => !capturedIds.has(id));

    const stuck: string[] = [];
    const inbox = await h.dovecot.list('INBOX');
    if (inbox.length > 0) stuck.push(`${inbox.length} message(s) still in INBOX`);
    const unsettled = await store.listUnsettledReplies(1_000);
    if (unsettled.length > 0) {
      stuck.push(`${unsettled.length} unsettled repl(ies): ${unsettled.map((r) => r.status).join(', ')}`);
    }
    stuck.push(...(await unfinishedJobs(h)));

    return {
      appended: new Set(options.appended).size,
      committed,
      quarantined,
      ignored,
      lost,
      duplicated,
      conversations: rows.length,
      replies,
      captured: h.smtp.messages.length,
      duplicateReplies,
      sentNotCaptured,
      stuck,
      failedJobs: await h.failedJobs(),
    };
  } finally {
    if (!options.store) await store.close();
  }
}

async function unfinishedJobs(h: Harness): Promise<string[]> {
  const connection = redisConnection(h.config.REDIS_URL);
  try {
    const out: string[] = [];
    for (const name of [INGEST_QUEUE, REPLY_QUEUE]) {
      const queue = new Queue(name, { connection, prefix: h.config.INTAKE_QUEUE_PREFIX });
      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
      );
      await queue.close();
      for (const [state, n] of Object.entries(counts)) if (n > 0) out.push(`${name}: ${n} ${state}`);
    }
    return out;
  } finally {
    connection.disconnect();
  }
}
