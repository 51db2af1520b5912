import { createHash } from 'node:crypto';
import { z } from 'zod';

export const INGEST_QUEUE = 'intake-ingest';
export const REPLY_QUEUE = 'intake-reply';

/** A message to read: where it is, never its body (bodies stay in the mailbox until processed). */
export const IngestJob = z.strictObject({
  mailbox: z.string().min(1),
  uidValidity: z.string().regex(/^\d+$/),
  uid: z.number().int().positive(),
  messageId: z.string().nullable(),
  /** When the mailbox source saw it: arrival-to-record latency is measured from here. */
  seenAt: z.number().int().positive(),
});
export type IngestJob = z.infer<typeof IngestJob>;

/** A reply to send: the outbox row, whose revision makes the job unique. */
export const ReplyJob = z.strictObject({
  replyId: z.number().int().positive(),
  conversationId: z.string().min(1),
  revision: z.number().int().positive(),
  /**
   * When the mailbox watch saw the message this reply answers (its IngestJob's seenAt), for the
   * arrival-to-reply latency; absent on staff replies and on replies the outbox sweep queues again.
   */
  seenAt: z.number().int().positive().optional(),
});
export type ReplyJob = z.infer<typeof ReplyJob>;

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/**
 * Job ids deduplicate: one ingest job per Message-ID in a mailbox epoch (UIDVALIDITY) while the job is kept
 * (a resync or a second IDLE notification adds nothing), one job per reply row. After a UIDVALIDITY change
 * the same message gets a new job, which the store recognises (Message-ID and content hash) and only files:
 * a message whose keyword a mailbox rebuild lost gets it back. BullMQ forbids ':' in custom ids.
 */
export function ingestJobId(job: IngestJob): string {
  return `ingest-${digest(`${job.mailbox}\n${job.uidValidity}\n${job.messageId ?? `uid ${job.uid}`}`)}`;
}

/** A replayed message is a new job on purpose: the first job's id may still be kept, and would swallow it. */
export function replayJobId(job: IngestJob): string {
  return `replay-${digest(`${job.mailbox}\n${job.uidValidity}\n${job.uid}`)}-${job.seenAt}`;
}

export function replyJobId(job: ReplyJob): string {
  return `reply-${job.replyId}`;
}
