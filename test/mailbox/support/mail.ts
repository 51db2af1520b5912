import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/log.js';
import type { MailboxSource, NewMessage, SourceState } from '../../../src/mailbox/imap-source.js';

/** A quiet logger; LOG_LEVEL=debug shows what the source does. */
export const testLogger = () => createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });

/** A small RFC 5322 message with CRLF line ends (what IMAP gives back byte for byte). */
export function rawMessage(
  subject: string,
  messageId = `<${randomUUID()}@test.intake>`,
): { raw: string; messageId: string } {
  const raw = [
    'From: Client <client@example.net>',
    'To: support@intake.test',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Date: Mon, 24 Nov 2025 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');
  return { raw, messageId };
}

/** Records every batch handed over and lets a test wait for the n-th message. */
export function collector(options: { fail?: (batch: NewMessage[]) => boolean } = {}) {
  const messages: (NewMessage & { at: number })[] = [];
  const batches: NewMessage[][] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  const onMessages = async (batch: NewMessage[]) => {
    if (options.fail?.(batch)) throw new Error('handler refused the batch');
    batches.push(batch);
    const at = Date.now();
    for (const m of batch) messages.push({ ...m, at });
    for (const w of [...waiters]) {
      if (messages.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const waitFor = (count: number, timeoutMs: number): Promise<void> =>
    messages.length >= count
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(new Error(`expected ${count} messages within ${timeoutMs} ms, got ${messages.length}`)),
            timeoutMs,
          );
          waiters.push({
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
  return { messages, batches, onMessages, waitFor };
}

/** Resolves when the source reaches `state` (at once if it is there already). */
export function waitForState(source: MailboxSource, state: SourceState, timeoutMs: number): Promise<void> {
  if (source.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`source did not reach ${state} within ${timeoutMs} ms (now ${source.state})`));
    }, timeoutMs);
    const off = source.onState((s) => {
      if (s !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Records the states a source goes through. */
export function stateLog(source: MailboxSource): SourceState[] {
  const states: SourceState[] = [source.state];
  source.onState((s) => states.push(s));
  return states;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
