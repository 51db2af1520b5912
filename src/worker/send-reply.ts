import type { Logger } from 'pino';
import { IntakeError } from '../errors.js';
import { decideSend, type SendPolicy, sendWindows } from '../mailer/send-policy.js';
import type { ReplyJob } from '../queue/jobs.js';
import type { OutboxReply, Store } from '../store/store.js';
import { createSlots } from './send-slots.js';

/** What sending needs from the mailer (src/mailer): the bytes sent come back, for the Sent folder. */
export interface ReplyMailer {
  send(reply: OutboxReply, from: string): Promise<{ response: string; raw: Buffer }>;
}

/** The mailbox's Sent folder, when replies are kept there: it also tells whether an attempt got through. */
export interface SentFolder {
  append(raw: Buffer): Promise<void>;
  contains(messageId: string): Promise<boolean>;
}

export interface SendReplyDeps {
  store: Store;
  mailer: ReplyMailer;
  sent: SentFolder | null;
  /** The support address replies come from. */
  from: string;
  /** Daily limit, burst limit and loop guard (src/mailer/send-policy.ts). */
  policy: SendPolicy;
  log: Logger;
  /** How long a claimed reply may be in the SMTP transaction before a retry calls it interrupted. */
  sendingGraceMs: number;
  /** Classifies a send failure: permanent ones are not retried (src/mailer/classify.ts). */
  classify(err: unknown): { permanent: boolean; possiblyDelivered: boolean };
  /**
   * Most replies claimed (`sending`) at once in this process: the SMTP connections. Unlimited when omitted.
   * A claimed reply waiting for a connection that a crash then cuts off is marked `uncertain` though it
   * never left, so claims must not queue up behind the connections.
   */
  maxInFlight?: number;
  onSent?(reply: OutboxReply): void;
}

export type SendOutcome =
  | 'sent'
  | 'already_settled'
  | 'uncertain'
  | 'refused_limit'
  | 'refused_loop'
  | 'failed';

/**
 * Sends one outbox reply at most once. The row moves pending → sending before the SMTP transaction (compare
 * and set, so two workers never both send); if a worker dies after that, the retry finds `sending`: the Sent
 * folder (when kept) says whether the reply got through, otherwise the reply is marked `uncertain` for a
 * person rather than risk a second copy. Transient failures put it back to `pending` and retry; permanent
 * ones settle it as `failed`.
 */
export function createSendReply(deps: SendReplyDeps): (job: ReplyJob) => Promise<SendOutcome> {
  const { store, log } = deps;
  const slots = createSlots(deps.maxInFlight ?? Number.POSITIVE_INFINITY);
  return async (job) => {
    const reply = await store.getReply(job.replyId);
    if (!reply) throw new IntakeError('job_invalid', `no outbox reply ${job.replyId}`);
    if (
      reply.status === 'sent' ||
      reply.status === 'failed' ||
      reply.status === 'uncertain' ||
      reply.status === 'refused_limit'
    ) {
      return 'already_settled';
    }
    if (reply.status === 'sending') {
      // Another worker may still be in the SMTP transaction (a stalled job handed over): wait for it.
      const claimedAt = reply.claimedAt ? Date.parse(reply.claimedAt) : 0;
      if (Date.now() - claimedAt < deps.sendingGraceMs) {
        throw new IntakeError('reply_in_flight', `reply ${reply.id} is being sent by another worker`);
      }
      // An earlier attempt was interrupted between claiming and settling.
      if (deps.sent && (await deps.sent.contains(reply.messageId))) {
        await store.settleReply(reply.id, {
          status: 'sent',
          smtpResponse: 'found in the Sent folder after a restart',
        });
        return 'sent';
      }
      await store.settleReply(reply.id, {
        status: 'uncertain',
        reason: 'interrupted during sending; not resent to avoid a duplicate',
      });
      log.warn({ msg: 'reply outcome uncertain', replyId: reply.id, conversation: reply.conversationId });
      return 'uncertain';
    }
    const windows = sendWindows(new Date(), deps.policy);
    const decision = decideSend(
      reply.to,
      {
        sentToday: await store.countRepliesTo(reply.to.toLowerCase(), windows.day),
        sentRecently: await store.countRepliesTo(reply.to.toLowerCase(), windows.burst),
      },
      deps.policy,
    );
    if (!decision.send) {
      await store.settleReply(reply.id, {
        status: 'refused_limit',
        reason: `${decision.code}: ${decision.reason}`,
      });
      log.warn({ msg: 'reply refused', replyId: reply.id, code: decision.code });
      return decision.code === 'daily_limit' || decision.code === 'burst_limit'
        ? 'refused_limit'
        : 'refused_loop';
    }
    // The slot is taken before the claim: waiting for an SMTP connection happens while the reply is still
    // `pending`, so a crash then leaves it to be sent by the next worker instead of marked uncertain.
    const release = await slots.acquire();
    let sent: { response: string; raw: Buffer };
    try {
      if (!(await store.claimReply(reply.id))) return 'already_settled';
      try {
        sent = await deps.mailer.send(reply, deps.from);
      } catch (err) {
        const failure = deps.classify(err);
        if (failure.permanent) {
          await store.settleReply(reply.id, { status: 'failed', reason: (err as Error).message });
          log.warn({ msg: 'reply refused permanently', replyId: reply.id, err });
          return 'failed';
        }
        // The connection broke after the message may have gone out: never risk a second copy.
        if (failure.possiblyDelivered) {
          if (deps.sent && (await deps.sent.contains(reply.messageId))) {
            await store.settleReply(reply.id, { status: 'sent', smtpResponse: 'found in the Sent folder' });
            return 'sent';
          }
          await store.settleReply(reply.id, { status: 'uncertain', reason: (err as Error).message });
          log.warn({ msg: 'reply outcome uncertain', replyId: reply.id, err });
          return 'uncertain';
        }
        await store.settleReply(reply.id, { status: 'pending', reason: (err as Error).message });
        throw err;
      }
      await store.settleReply(reply.id, { status: 'sent', smtpResponse: sent.response });
    } finally {
      release();
    }
    deps.onSent?.(reply);
    if (deps.sent) {
      try {
        await deps.sent.append(sent.raw);
      } catch (err) {
        // The reply went out; a copy missing from Sent is worth a warning, not a resend.
        log.warn({ msg: 'could not append the reply to the Sent folder', replyId: reply.id, err });
      }
    }
    log.info({
      msg: 'reply sent',
      replyId: reply.id,
      conversation: reply.conversationId,
      revision: reply.revision,
    });
    return 'sent';
  };
}
