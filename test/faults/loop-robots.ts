import type { Store } from '../../src/store/store.js';
import { customerMail } from '../support/customer-mail.js';
import type { CapturedMessage } from '../support/smtp-capture.js';
import type { Harness } from '../support/worker-harness.js';

/**
 * Auto-responders for the mail-loop scenario: each one answers every reply the worker sends to its address by
 * appending its answer to the worker's INBOX, as the customer's mail server would deliver it. None of them
 * honours our `Auto-Submitted: auto-replied` (RFC 3834 says it should not answer): that is the point.
 */
export interface Robot {
  /** The customer address whose mailbox answers automatically. */
  address: string;
  /** What the mailbox sends back to one of our replies (several messages for a robot that fans out). */
  answer(reply: CapturedMessage, n: number): { raw: string; messageId: string }[];
}

const threaded = (reply: CapturedMessage) => ({
  inReplyTo: reply.messageId ?? undefined,
  references: [...reply.references, ...(reply.messageId ? [reply.messageId] : [])],
});

const quoted = (reply: CapturedMessage) =>
  reply.text
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

/** A request the worker answers (it asks for what is missing), as a customer first writes it. */
export function firstRequest(address: string, name: string, server: number) {
  return customerMail({
    from: `${name} <${address}>`,
    subject: `Reinstall of server ${server}`,
    body: `Hello,\n\nPlease reinstall Debian 12 on 198.51.100.${server}.\n\nRegards,\n${name}`,
  });
}

/** (a) A vacation responder that says so: RFC 3834 headers and the usual vendor ones, in the same thread. */
export function vacationRobot(address: string): Robot {
  return {
    address,
    answer: (reply) => [
      customerMail({
        from: `Dana Vacances <${address}>`,
        subject: `Auto: ${reply.subject}`,
        body: 'I am out of the office until 5 December, with no access to my mail.',
        ...threaded(reply),
        headers: [
          'Auto-Submitted: auto-replied (vacation)',
          'X-Autoreply: yes',
          'Precedence: auto_reply',
          'X-Auto-Response-Suppress: All',
        ],
      }),
    ],
  };
}

/** (b) A responder that looks like a person: no automatic header, a human sentence, our reply quoted. */
export function humanLookingRobot(address: string): Robot {
  return {
    address,
    answer: (reply) => [
      customerMail({
        from: `Ben Absent <${address}>`,
        subject: `Re: ${reply.subject}`,
        body:
          "Thanks for your message, I'll answer on my return next Monday.\n\nBest regards,\nBen\n\n" +
          `On Monday, Support <support@hosting.example> wrote:\n${quoted(reply)}`,
        ...threaded(reply),
      }),
    ],
  };
}

/**
 * (c) A helpdesk on the customer's side that opens a new ticket for every message it gets and sends the
 * request back under a new Subject and Message-ID, with no threading header and no automatic header: each
 * answer looks like a fresh request from a person, so only the send limits can stop the loop. `fanOut`
 * messages per reply (several at once race each other through the limits).
 */
export function newThreadRobot(address: string, server: number, fanOut = 1): Robot {
  return {
    address,
    answer: (_reply, n) =>
      Array.from({ length: fanOut }, (_, k) =>
        customerMail({
          from: `Carl Helpdesk <${address}>`,
          subject: `Reinstall of server ${server} (our case ${1000 + n * fanOut + k})`,
          body: `Hello,\n\nPlease reinstall Debian 12 on 198.51.100.${server}.\n\nRegards,\nCarl`,
        }),
      ),
  };
}

export interface LoopResult {
  /** Every Message-ID appended to INBOX: first requests and answers. */
  appended: string[];
  /** Answers appended per robot address. */
  answers: Map<string, number>;
  /** Robots that reached `maxAnswers` and stopped answering: the worker did not stop by itself. */
  capped: string[];
  /** Why the loop ended: the worker went quiet, or `maxMs` passed first. */
  ended: 'quiet' | 'time cap';
  seconds: number;
}

export interface LoopOptions {
  /** A robot stops answering after this many answers (an unbounded worker reaches it). */
  maxAnswers: number;
  /** The loop stops after this long whatever happens. */
  maxMs: number;
  /** The loop ends once nothing was sent, answered or left to do for this long. */
  quietMs: number;
}

/**
 * Answers every captured reply to a robot's address (up to `maxAnswers` per robot) until the worker goes
 * quiet (nothing in INBOX, no reply unsettled, nothing new captured for `quietMs`) or `maxMs` passed.
 */
export async function runLoop(
  h: Harness,
  store: Store,
  robots: readonly Robot[],
  appended: string[],
  options: LoopOptions,
): Promise<LoopResult> {
  const started = Date.now();
  const answers = new Map(robots.map((r) => [r.address.toLowerCase(), 0]));
  let handled = 0;
  let lastActivity = Date.now();
  for (;;) {
    while (handled < h.smtp.messages.length) {
      const reply = h.smtp.messages[handled++]!;
      lastActivity = Date.now();
      const robot = robots.find((r) => reply.envelope.rcptTo.some((to) => to.toLowerCase() === r.address));
      if (!robot) continue;
      const n = answers.get(robot.address) ?? 0;
      if (n >= options.maxAnswers) continue;
      const messages = robot.answer(reply, n);
      answers.set(robot.address, n + messages.length);
      // Straight into the maildir, all at once, as the local delivery agent would: a robot fanning out
      // lands its messages in one batch.
      await Promise.all(messages.map((m) => h.dovecot.deliver('INBOX', m.raw)));
      appended.push(...messages.map((m) => m.messageId));
    }
    const result = (ended: LoopResult['ended']): LoopResult => ({
      appended,
      answers,
      capped: [...answers].filter(([, n]) => n >= options.maxAnswers).map(([address]) => address),
      ended,
      seconds: (Date.now() - started) / 1_000,
    });
    if (Date.now() - started > options.maxMs) return result('time cap');
    if (Date.now() - lastActivity > options.quietMs) {
      const idle =
        (await h.dovecot.list('INBOX')).length === 0 && (await store.listUnsettledReplies(10)).length === 0;
      if (idle && handled === h.smtp.messages.length) return result('quiet');
      if (!idle) lastActivity = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
