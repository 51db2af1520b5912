import { customerMail } from '../support/customer-mail.js';

/**
 * Customer requests for the fault scenarios, in the three shapes whose outcome the pipeline decides
 * differently: an incomplete request (answered with what is missing), a complete one (ready, no reply) and
 * a customer's answer in the thread of an earlier request (merged into its conversation, no reply once
 * complete). Each customer writes from an address of their own, so that the per-address reply limits
 * (3 in 10 minutes) never refuse a reply the audit expects.
 */
export interface MixMessage {
  raw: string;
  messageId: string;
  kind: 'incomplete' | 'complete' | 'follow-up';
  /** A follow-up's request, and its customer's number. */
  answers?: { original: MixMessage; customer: number };
}

const DATA_LOSS_ACK =
  'I understand and accept that reinstalling the operating system completely erases all existing data on the server. I have backed up all necessary data or I accept its permanent loss.';

const customer = (i: number) => `Customer ${i} <customer${i}@client${i}.example>`;
const ip = (i: number) => `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;

export function incompleteRequest(i: number): MixMessage {
  return {
    ...customerMail({
      from: customer(i),
      subject: `Reinstall of server ${i}`,
      body: `Hello,\n\nPlease reinstall Debian 12 on ${ip(i)}.\n\nRegards`,
    }),
    kind: 'incomplete',
  };
}

export function completeRequest(i: number): MixMessage {
  return {
    ...customerMail({
      from: customer(i),
      subject: `Reinstall of server ${i}`,
      body: `Hello,\n\nPlease reinstall Debian 12 on ${ip(i)}. We have a backup. You may reboot the server at any time.\n\n${DATA_LOSS_ACK}\n\nRegards`,
    }),
    kind: 'complete',
  };
}

/**
 * Customer `i`'s answer to their own earlier request: what was missing, in the same thread. Given our reply's
 * Message-ID, it answers that as a mail client would (same Message-ID either way, for the audit).
 */
export function followUp(i: number, original: MixMessage, ourReply?: string, messageId?: string): MixMessage {
  return {
    ...customerMail({
      from: customer(i),
      subject: `Re: Reinstall of server ${i}`,
      inReplyTo: ourReply ?? original.messageId,
      references: ourReply ? [original.messageId, ourReply] : [original.messageId],
      body: `Hello,\n\nYou may reboot it at any time. We have a backup.\n\n${DATA_LOSS_ACK}\n\nRegards`,
      ...(messageId ? { messageId } : {}),
    }),
    kind: 'follow-up',
    answers: { original, customer: i },
  };
}

/** The follow-up again, now in reply to our answer to its request. */
export const answering = (m: MixMessage, ourReply: string): MixMessage =>
  m.answers ? followUp(m.answers.customer, m.answers.original, ourReply, m.messageId) : m;

/**
 * `n` messages: mostly incomplete requests, a quarter complete ones, and about one in twelve a follow-up
 * to an incomplete request at least `gap` messages earlier (the feeder holds it back further until our
 * reply to that request went out: test/faults/feeder.ts).
 */
export function requestMix(n: number, random: () => number, gap = 40): MixMessage[] {
  const out: MixMessage[] = [];
  const open: { i: number; m: MixMessage; at: number }[] = [];
  for (let k = 0; out.length < n; k++) {
    const ready = open.findIndex((o) => out.length - o.at >= gap);
    if (ready >= 0 && random() < 0.08) {
      const [o] = open.splice(ready, 1);
      out.push(followUp(o!.i, o!.m));
      continue;
    }
    const m = random() < 0.25 ? completeRequest(k) : incompleteRequest(k);
    if (m.kind === 'incomplete') open.push({ i: k, m, at: out.length });
    out.push(m);
  }
  return out;
}

/** mulberry32: a small seeded PRNG, so that a failing run can be replayed with its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from INTAKE_FAULT_SEED when given (to replay a run), otherwise a fresh one. */
export function faultSeed(): number {
  const given = process.env.INTAKE_FAULT_SEED;
  return given ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 31);
}
