import { UnrecoverableError } from 'bullmq';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntakeError, MessageParseError } from '../../src/errors.js';
import { forQueue, isPermanent } from '../../src/queue/errors.js';
import { IngestJob, ingestJobId, ReplyJob, replyJobId } from '../../src/queue/jobs.js';

const job = (over: Partial<IngestJob> = {}): IngestJob => ({
  mailbox: 'INBOX',
  uidValidity: '1700000000',
  uid: 7,
  messageId: '<a@customer.example>',
  seenAt: 1,
  ...over,
});

describe('ingest job ids', () => {
  it('are one per Message-ID within a mailbox epoch, whatever the UID or the time it was seen', () => {
    expect(ingestJobId(job({ uid: 8, seenAt: 99 }))).toBe(ingestJobId(job()));
    expect(ingestJobId(job({ messageId: '<b@customer.example>' }))).not.toBe(ingestJobId(job()));
    expect(ingestJobId(job({ mailbox: 'Other' }))).not.toBe(ingestJobId(job()));
    // A new epoch gets a new job: the store, not the queue, recognises the message then.
    expect(ingestJobId(job({ uidValidity: '1700000001' }))).not.toBe(ingestJobId(job()));
  });

  it('fall back to the UID for a message without Message-ID', () => {
    const a = job({ messageId: null });
    expect(ingestJobId({ ...a, uid: 8 })).not.toBe(ingestJobId(a));
    expect(ingestJobId({ ...a, seenAt: 5 })).toBe(ingestJobId(a));
  });

  it('never contain a colon (BullMQ refuses custom ids with one)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.option(fc.string()),
        (mailbox, id, messageId) => {
          const made = ingestJobId(job({ mailbox: mailbox || 'INBOX', messageId, uidValidity: '1' }));
          expect(made).not.toContain(':');
          expect(replyJobId({ replyId: id.length, conversationId: id, revision: 1 })).not.toContain(':');
        },
      ),
    );
  });

  it('validate job data at the boundary: never a body, a UIDVALIDITY as digits', () => {
    expect(() => IngestJob.parse({ ...job(), body: 'x' })).toThrow();
    expect(() => IngestJob.parse({ ...job(), uidValidity: '12n' })).toThrow();
    expect(() => ReplyJob.parse({ replyId: 0, conversationId: 'INT-000001', revision: 1 })).toThrow();
  });

  it('carry the arrival time of the answered message on a reply job when known, for its latency', () => {
    const reply = { replyId: 3, conversationId: 'INT-000001', revision: 1 };
    expect(ReplyJob.parse(reply)).toEqual(reply);
    expect(ReplyJob.parse({ ...reply, seenAt: 1_700_000_000_000 }).seenAt).toBe(1_700_000_000_000);
    expect(() => ReplyJob.parse({ ...reply, seenAt: 0 })).toThrow();
    // The job id stays one per reply row, whether the job came from ingest (with seenAt) or the sweep.
    expect(replyJobId({ ...reply, seenAt: 5 })).toBe(replyJobId(reply));
  });
});

describe('permanent or transient', () => {
  it('treats unreadable messages, vanished messages and SMTP 5xx as permanent, the rest as transient', () => {
    expect(isPermanent(new MessageParseError('mime_unreadable', 'x'))).toBe(true);
    expect(isPermanent(new IntakeError('message_gone', 'x'))).toBe(true);
    expect(isPermanent(new IntakeError('smtp_permanent', 'x'))).toBe(true);
    expect(isPermanent(new IntakeError('smtp_transient', 'x'))).toBe(false);
    expect(isPermanent(new IntakeError('reply_in_flight', 'x'))).toBe(false);
    expect(isPermanent(new Error('ECONNREFUSED'))).toBe(false);
  });

  it('hands BullMQ an UnrecoverableError for permanent failures, keeping the cause', () => {
    const cause = new IntakeError('message_gone', 'UID 9 is no longer in INBOX');
    const wrapped = forQueue(cause);
    expect(wrapped).toBeInstanceOf(UnrecoverableError);
    expect(wrapped.message).toBe('message_gone: UID 9 is no longer in INBOX');
    expect((wrapped as Error & { cause?: unknown }).cause).toBe(cause);
    const transient = new Error('socket hang up');
    expect(forQueue(transient)).toBe(transient);
  });
});
