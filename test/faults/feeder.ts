import type { Harness } from '../support/worker-harness.js';
import { answering, type MixMessage } from './request-mix.js';
import { sleep } from './settle.js';

export interface Feed {
  /** Message-IDs appended so far, in order. */
  readonly appended: string[];
  /** Follow-ups never appended: our reply to their request never reached the SMTP peer. */
  readonly dropped: MixMessage[];
  /** Messages taken from the list so far (appended, held back or dropped). */
  fed(): number;
  done: Promise<void>;
}

/**
 * APPENDs `messages` to INBOX in `batches` ([size, pause after it in ms]). A follow-up goes in only once our
 * reply to its request has reached the SMTP peer, answering that reply, as a customer would: until then it
 * is held back and tried after each batch; at the end the feeder waits up to `answerWaitMs` for the last
 * ones and drops those whose reply never went out (an `uncertain` one).
 */
export function feed(
  h: Harness,
  messages: readonly MixMessage[],
  batches: readonly (readonly [number, number])[],
  answerWaitMs = 30_000,
): Feed {
  const appended: string[] = [];
  const dropped: MixMessage[] = [];
  let held: MixMessage[] = [];
  let taken = 0;
  const ourReply = (m: MixMessage) =>
    h.smtp.messages.find((c) => c.inReplyTo === m.answers?.original.messageId)?.messageId ?? null;
  const append = async (m: MixMessage) => {
    await h.dovecot.append('INBOX', m.raw);
    appended.push(m.messageId);
  };
  const release = async () => {
    const still: MixMessage[] = [];
    for (const m of held) {
      const reply = ourReply(m);
      if (reply) await append(answering(m, reply));
      else still.push(m);
    }
    held = still;
  };
  const done = (async () => {
    for (const [size, pause] of batches) {
      for (const m of messages.slice(taken, taken + size)) {
        if (m.answers) held.push(m);
        else await append(m);
      }
      taken += size;
      await release();
      await sleep(pause);
    }
    const deadline = Date.now() + answerWaitMs;
    while (held.length > 0 && Date.now() < deadline) {
      await release();
      await sleep(200);
    }
    dropped.push(...held);
  })();
  return { appended, dropped, fed: () => taken, done };
}
