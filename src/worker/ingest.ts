import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { IntakeError, MessageParseError } from '../errors.js';
import type { Advance } from '../pipeline/advance.js';
import { parseLine } from '../pipeline/parse-line.js';
import type { Understander } from '../pipeline/understand-message.js';
import type { IngestJob, ReplyJob } from '../queue/jobs.js';
import type { MessageReader } from '../reader/read-message.js';
import type { Store } from '../store/store.js';

/** What ingest needs from the mailbox: read one message as a stream, then file it. */
export interface IngestMailbox {
  download(uid: number, uidValidity: string): Promise<Readable>;
  markProcessed(uid: number, uidValidity: string): Promise<void>;
  quarantine(uid: number, uidValidity: string): Promise<void>;
}

export interface IngestDeps {
  store: Store;
  mailbox: IngestMailbox;
  reader: MessageReader;
  understand: Understander;
  advance: Advance;
  enqueueReply(job: ReplyJob): Promise<void>;
  /** Domain of our Message-IDs. */
  messageIdDomain: string;
  log: Logger;
  /** Called with the time from the message being seen to its record being committed. */
  onCommitted?(job: IngestJob, ms: number, outcome: IngestOutcome): void;
}

export type IngestOutcome = 'committed' | 'duplicate' | 'ignored' | 'quarantined';

/** Our own Message-ID, made before anything is sent: a resend is recognised by it. */
export function newMessageId(domain: string): string {
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}@${domain}>`;
}

/**
 * One message from the mailbox to a committed record: download (streamed), read, understand, and in one
 * store transaction link, merge, decide and write the record, the message, its secrets and the reply to
 * send. Only then is the message filed as processed, and the reply queued. An unreadable message is
 * quarantined with its reason, in the store and in the mailbox; it is never lost and never retried.
 */
export function createIngest(deps: IngestDeps): (job: IngestJob) => Promise<IngestOutcome> {
  const { store, mailbox, reader, understand, advance, log } = deps;
  const quarantine = async (job: IngestJob, code: string, reason: string, contentHash: string | null) => {
    // A retry after a crash between the two steps below must not enter the message twice.
    if ((await store.findByLocation(job)).quarantineId === null)
      await store.quarantine({
        mailbox: job.mailbox,
        uidValidity: job.uidValidity,
        uid: job.uid,
        messageId: job.messageId,
        contentHash,
        code,
        reason,
      });
    await mailbox.quarantine(job.uid, job.uidValidity);
    log.warn({ msg: 'message quarantined', uid: job.uid, messageId: job.messageId, code });
    deps.onCommitted?.(job, Date.now() - job.seenAt, 'quarantined');
    return 'quarantined' as const;
  };

  /**
   * A job run again after its worker died may find the message gone because that worker filed it: the
   * store says so. Only a message that nobody processed is reported missing.
   */
  const alreadyDone = async (job: IngestJob): Promise<IngestOutcome | null> => {
    const found = await store.findByLocation(job);
    if (found.message) return 'duplicate';
    if (found.quarantineId !== null) return 'quarantined';
    return null;
  };

  return async (job) => {
    let stream: Readable;
    try {
      stream = await mailbox.download(job.uid, job.uidValidity);
    } catch (err) {
      const done = isMessageGone(err) ? await alreadyDone(job) : null;
      if (!done) throw err;
      log.info({ msg: 'message already processed by an earlier attempt', uid: job.uid, outcome: done });
      deps.onCommitted?.(job, Date.now() - job.seenAt, done);
      return done;
    }
    let read: Awaited<ReturnType<MessageReader['read']>>;
    try {
      read = await reader.read(stream);
    } catch (err) {
      if (!(err instanceof MessageParseError)) throw err;
      return quarantine(job, err.code, err.message, null);
    }
    const { message, secrets, contentHash } = read;
    let facts: ReturnType<Understander>;
    try {
      facts = understand(message);
    } catch (err) {
      // The understanding stages are pure: what fails here fails on every retry. Quarantined with the
      // error, the message waits for a fix and `intake replay` instead of sitting in the inbox.
      return quarantine(job, 'understand_failed', describe(err), contentHash);
    }
    const automatic = facts.automatic.isAutomatic;
    let result: Awaited<ReturnType<Store['commitMessage']>>;
    try {
      result = await commit();
    } catch (err) {
      if (err instanceof IntakeError && err.code === 'decide_failed')
        return quarantine(job, err.code, err.message, contentHash);
      throw err;
    }
    function commit() {
      return store.commitMessage({
        mailbox: job.mailbox,
        uidValidity: job.uidValidity,
        uid: job.uid,
        key: { messageId: facts.messageId, contentHash },
        thread: {
          messageId: facts.messageId,
          subject: facts.subject,
          inReplyTo: facts.inReplyTo,
          references: facts.references,
        },
        summary: {
          from: facts.from?.address ?? null,
          subject: message.subject,
          date: message.date,
          newText: message.newText,
          automatic,
          language: message.language,
        },
        secrets: secrets.map((s) => ({
          placeholder: s.ref.placeholder,
          kind: s.ref.kind,
          label: s.ref.label,
          username: s.ref.username,
          value: s.value.reveal(),
        })),
        state: automatic ? 'ignored' : 'processed',
        receivedAt: message.date,
        decide: (conversationId, stored) => {
          let advanced: ReturnType<Advance>;
          try {
            advanced = advance(conversationId, stored, facts);
          } catch (err) {
            throw new IntakeError('decide_failed', describe(err), { cause: err });
          }
          const { record, decision, reply } = advanced;
          return {
            record,
            status: decision.status,
            missing: decision.missing,
            line: parseLine(
              `imap:${job.mailbox}/${job.uidValidity}/${job.uid}`,
              facts,
              record,
              decision,
              reply,
            ),
            reply: reply ? { ...reply, messageId: newMessageId(deps.messageIdDomain) } : null,
          };
        },
      });
    }
    await mailbox.markProcessed(job.uid, job.uidValidity);
    if (result.replyId !== null && result.conversationId !== null) {
      const row = await store.getReply(result.replyId);
      if (row)
        await deps.enqueueReply({
          replyId: row.id,
          conversationId: row.conversationId,
          revision: row.revision,
          seenAt: job.seenAt,
        });
    }
    const outcome: IngestOutcome = result.duplicate ? 'duplicate' : automatic ? 'ignored' : 'committed';
    log.info({
      msg: 'message processed',
      uid: job.uid,
      messageId: facts.messageId,
      conversation: result.conversationId,
      outcome,
    });
    deps.onCommitted?.(job, Date.now() - job.seenAt, outcome);
    return outcome;
  };
}

/** The error's name and message, and where it was thrown: enough to find the bug, no message content. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const at = err.stack
    ?.split('\n')
    .find((l) => l.trim().startsWith('at '))
    ?.trim();
  return `${err.name}: ${err.message}${at ? ` (${at})` : ''}`;
}

const isMessageGone = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'message_gone';
