import { type CompiledRule, firstMatch } from '../rule-engine/compiled-rule.js';

/**
 * The decisions taken just before a reply goes out, pure so that they are tested on their own: the caller
 * (the reply worker) queries the store for the counts and settles the reply with the refusal's reason.
 * The reader already refuses to answer automatic mail; this is the second guard, on the address we are
 * about to write to, against loops the reader could not see (two auto-responders answering each other
 * through messages that look human, a misconfigured forward back to us).
 */
export interface SendPolicy {
  /** Most replies one address gets in the daily window. */
  dailyLimit: number;
  /** Most replies one address gets within `burstWindowMs`; more looks like a loop. */
  burstLimit: number;
  burstWindowMs: number;
  /** Our own addresses (the support address first), compared case-insensitively and without `+tag`. */
  ownAddresses: readonly string[];
  /** The reader's `system-sender` rules (`automaticRules(book).systemSender`), tested on the local part. */
  systemSender: readonly CompiledRule[];
}

export const DEFAULT_DAILY_LIMIT = 20;
export const DEFAULT_BURST_LIMIT = 3;
export const DEFAULT_BURST_WINDOW_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The windows the caller counts replies over: a rolling day (no time-zone edge to game) and the burst. */
export function sendWindows(
  now: Date,
  policy: Pick<SendPolicy, 'burstWindowMs'>,
): { day: Date; burst: Date } {
  return { day: new Date(now.getTime() - DAY_MS), burst: new Date(now.getTime() - policy.burstWindowMs) };
}

/** True while the address is under its daily limit. A count or limit that is not a number refuses. */
export function allowedToSend(countSentToday: number, limit: number): boolean {
  if (!Number.isFinite(countSentToday) || Number.isNaN(limit) || countSentToday < 0) return false;
  return countSentToday < limit;
}

export type SendRefusalCode =
  | 'no_recipient'
  | 'own_address'
  | 'system_sender'
  | 'burst_limit'
  | 'daily_limit';

export type SendDecision = { send: true } | { send: false; code: SendRefusalCode; reason: string };

export interface SendCounts {
  /** Replies sent (or being sent) to the address since `sendWindows().day`, this one excluded. */
  sentToday: number;
  /** The same since `sendWindows().burst`. */
  sentRecently: number;
}

// A plain address: one "@", something on each side, no spaces or brackets (display names are stripped by
// the reader; anything else here is not an address we should write to).
const PLAIN_ADDRESS = /^[^\s@<>()[\],;:"]{1,64}@[^\s@<>()[\],;:"]{1,255}$/;

/** `local+tag@domain` → `local@domain`, lower-cased: a subaddress of ours is still ours. */
function canonical(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}${lower.slice(at)}`;
}

/** The loop guard: refuses our own addresses, no-reply and system senders, and a burst of replies. */
export function loopGuard(to: string, sentRecently: number, policy: SendPolicy): SendDecision {
  const address = to.trim();
  if (!PLAIN_ADDRESS.test(address)) {
    return { send: false, code: 'no_recipient', reason: `"${address.slice(0, 80)}" is not a plain address` };
  }
  const own = new Set(policy.ownAddresses.map(canonical));
  if (own.has(canonical(address))) {
    return { send: false, code: 'own_address', reason: `${address} is one of our own addresses` };
  }
  const local = address.slice(0, address.lastIndexOf('@'));
  const hit = firstMatch(policy.systemSender, local);
  if (hit) {
    return {
      send: false,
      code: 'system_sender',
      reason: `${address} is a system sender (rule ${hit.rule.id})`,
    };
  }
  if (!allowedToSend(sentRecently, policy.burstLimit)) {
    return {
      send: false,
      code: 'burst_limit',
      reason:
        `${address} already got ${sentRecently} replies in the last ` +
        `${Math.round(policy.burstWindowMs / 60_000)} min (limit ${policy.burstLimit}): a loop?`,
    };
  }
  return { send: true };
}

/** Everything the reply worker checks before sending: the loop guard, then the daily limit. */
export function decideSend(to: string, counts: SendCounts, policy: SendPolicy): SendDecision {
  const guarded = loopGuard(to, counts.sentRecently, policy);
  if (!guarded.send) return guarded;
  if (!allowedToSend(counts.sentToday, policy.dailyLimit)) {
    return {
      send: false,
      code: 'daily_limit',
      reason: `${to.trim()} already got ${counts.sentToday} replies in 24 h (limit ${policy.dailyLimit})`,
    };
  }
  return { send: true };
}
