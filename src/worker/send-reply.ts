import type { Logger } from 'pino';
import { IntakeError } from '../errors.js';
import {
  decideSend,
  type SendCounts,
  type SendDecision,
  type SendPolicy,
  sendWindows,
} from '../mailer/send-policy.js';
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

/** A claim this process made: the attempt count it set and when (ms) the call began and ended. */
interface Claim {
  attempts: number;
  from: number;
  to: number;
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
  /**
   * Claims of ours that no send followed but that the database may still show, by reply id: the claim's
   * answer was lost with the connection (the UPDATE may have been applied), or nothing went out and giving
   * the claim back failed. The retry then finds the reply `sending` although nothing was sent; without this
   * it would wait out the sending grace and mark it `uncertain`, a reply lost to a database outage (seen in
   * test/faults/database-outage.fault.ts). The claim is recognised as ours by the attempt count it set and
   * its claimed_at falling within our call; another process can have made that claim only by running the
   * same job at the same moment, which BullMQ's job lock (renewed all the while) prevents.
   */
  const slots = createSlots(deps.maxInFlight ?? Number.POSITIVE_INFINITY);
  const unsent = new Map<number, Claim>();
  const ourUnsentClaim = (reply: OutboxReply): Claim | null => {
    const claim = unsent.get(reply.id);
    const at = reply.claimedAt ? Date.parse(reply.claimedAt) : Number.NaN;
    const ours = claim && reply.attempts === claim.attempts && at >= claim.from && at <= claim.to;
    return ours ? claim : null;
  };
  const claim = async (reply: OutboxReply): Promise<Claim | null> => {
    const from = Date.now();
    const made = () => ({ attempts: reply.attempts + 1, from, to: Date.now() });
    try {
      return (await store.claimReply(reply.id)) ? made() : null;
    } catch (err) {
      unsent.set(reply.id, made());
      throw err;
    }
  };
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
    const resumed = reply.status === 'sending' ? ourUnsentClaim(reply) : null;
    unsent.delete(reply.id);
    if (resumed)
      log.info({ msg: 'resuming a claim whose answer was lost; nothing was sent', replyId: reply.id });
    if (reply.status === 'sending' && !resumed) {
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
    const refuse = async (decision: Extract<SendDecision, { send: false }>): Promise<SendOutcome> => {
      await store.settleReply(reply.id, {
        status: 'refused_limit',
        reason: `${decision.code}: ${decision.reason}`,
      });
      log.warn({ msg: 'reply refused', replyId: reply.id, code: decision.code });
      return decision.code === 'daily_limit' || decision.code === 'burst_limit'
        ? 'refused_limit'
        : 'refused_loop';
    };
    if (!resumed) {
      const before = decideSend(reply.to, await countSent(store, reply, deps.policy, false), deps.policy);
      if (!before.send) return refuse(before);
    }
    // The slot is taken before the claim: waiting for an SMTP connection happens while the reply is still
    // `pending`, so a crash then leaves it to be sent by the next worker instead of marked uncertain.
    const release = await slots.acquire();
    let sent: { response: string; raw: Buffer };
    let settled: { err: unknown } | null;
    try {
      // A resumed claim was decided on and made by an earlier attempt.
      let held = resumed;
      if (!held) {
        held = await claim(reply);
        if (!held) return 'already_settled';
        // Several replies to one address decided at the same moment (an auto-responder answering with
        // several messages at once) all pass the check above before any of them is claimed, and all would be
        // sent: the mail-loop fault scenario saw 7 go out under a daily limit of 2. Counted again once this
        // claim is visible, the last of them to count sees every claim made before it, so together they stay
        // within the limits; the price is that contenders may refuse more than needed (the safe side for a
        // loop guard).
        const after = decideSend(reply.to, await countSent(store, reply, deps.policy, true), deps.policy);
        if (!after.send) {
          return refuse({
            ...after,
            reason: `${after.reason}, counting replies being sent at the same moment`,
          });
        }
      }
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
        const claimed = held;
        await store
          .settleReply(reply.id, { status: 'pending', reason: (err as Error).message })
          .catch((settleErr: unknown) => {
            unsent.set(reply.id, claimed);
            throw settleErr;
          });
        throw err;
      }
      // Sent, but the database may not hear of it: the copy in Sent is then what lets the retry settle it as
      // sent rather than `uncertain`, so it is appended whatever happens here.
      settled = await store.settleReply(reply.id, { status: 'sent', smtpResponse: sent.response }).then(
        () => null,
        (err: unknown) => ({ err }),
      );
    } finally {
      release();
    }
    if (!settled) deps.onSent?.(reply);
    if (deps.sent) {
      try {
        await deps.sent.append(sent.raw);
      } catch (err) {
        // The reply went out; a copy missing from Sent is worth a warning, not a resend.
        log.warn({ msg: 'could not append the reply to the Sent folder', replyId: reply.id, err });
      }
    }
    if (settled) throw settled.err;
    log.info({
      msg: 'reply sent',
      replyId: reply.id,
      conversation: reply.conversationId,
      revision: reply.revision,
    });
    return 'sent';
  };
}

/**
 * Replies to the reply's address in the daily and burst windows, this one excluded: once `claimed`, it is
 * `sending` and counted itself whenever it was created inside the window.
 */
async function countSent(
  store: Store,
  reply: OutboxReply,
  policy: SendPolicy,
  claimed: boolean,
): Promise<SendCounts> {
  const windows = sendWindows(new Date(), policy);
  const to = reply.to.toLowerCase();
  const created = Date.parse(reply.createdAt);
  const self = (since: Date) => (claimed && created >= since.getTime() ? 1 : 0);
  return {
    sentToday: (await store.countRepliesTo(to, windows.day)) - self(windows.day),
    sentRecently: (await store.countRepliesTo(to, windows.burst)) - self(windows.burst),
  };
}
