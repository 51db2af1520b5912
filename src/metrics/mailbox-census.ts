import type { Logger } from 'pino';
import { type ImapConnectionSettings, newImapClient } from '../mailbox/imap-client.js';
import { withDeadline } from './deadline.js';

/** What the mailbox holds, as the server counts it: the helpdesk's "how many are still waiting". */
export interface MailboxCounts {
  /** Messages in the watched mailbox. */
  messages: number;
  /** Of those, not processed yet: all of them when processed mail is moved out, else those without the keyword. */
  unprocessed: number;
  /** Processed messages the server still holds: the processed folder's count, or the keyword's. */
  processed: number;
  /** When the counts were taken (ms since the epoch). */
  at: number;
}

export interface MailboxCensusOptions {
  connection: ImapConnectionSettings;
  mailbox: string;
  processedFolder: string;
  processedKeyword?: string;
  /** Counts younger than this are served as they are. Default 30 s. */
  maxAgeMs?: number;
  /** Longest a read waits for fresh counts before serving the previous ones. Default 3 s. */
  waitMs?: number;
  log: Logger;
}

export interface MailboxCensus {
  /** The latest counts, refreshed when older than `maxAgeMs`; null until a first count succeeded. */
  read(): Promise<MailboxCounts | null>;
}

/**
 * Counts on a short-lived connection of its own (log in, STATUS or SEARCH, log out), at most once per
 * `maxAgeMs` however often it is read: the watch connection stays in IDLE and the operation pool stays free
 * for downloads. A count that hangs is abandoned after 20 s and the previous counts are served meanwhile.
 */
export function createMailboxCensus(options: MailboxCensusOptions): MailboxCensus {
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const waitMs = options.waitMs ?? 3_000;
  let last: MailboxCounts | null = null;
  let running: Promise<void> | null = null;

  const count = async (): Promise<MailboxCounts> => {
    const client = await newImapClient(options.connection, 'census', { disableAutoIdle: true });
    try {
      await client.connect();
      const keyword = options.processedKeyword;
      if (keyword) {
        const lock = await client.getMailboxLock(options.mailbox, { readOnly: true });
        try {
          const messages = client.mailbox ? client.mailbox.exists : 0;
          const processed = await client.search({ keyword }, { uid: true });
          const done = Array.isArray(processed) ? processed.length : 0;
          return { messages, unprocessed: messages - done, processed: done, at: Date.now() };
        } finally {
          lock.release();
        }
      }
      const inbox = await client.status(options.mailbox, { messages: true });
      if (!inbox) throw new Error(`STATUS ${options.mailbox} failed`);
      // A processed folder not created yet holds nothing.
      const filed = await client
        .status(options.processedFolder, { messages: true })
        .catch(() => ({ messages: 0 }));
      const messages = inbox.messages ?? 0;
      const processed = filed ? (filed.messages ?? 0) : 0;
      return { messages, unprocessed: messages, processed, at: Date.now() };
    } finally {
      await withDeadline(() => client.logout(), 2_000, 'census logout').catch(() => {});
      client.close();
    }
  };

  const refresh = () => {
    running ??= withDeadline(count, 20_000, 'mailbox census')
      .then((counts) => {
        last = counts;
      })
      .catch((err: unknown) => options.log.warn({ msg: 'could not count the mailbox', err }))
      .finally(() => {
        running = null;
      });
    return running;
  };

  return {
    async read() {
      if (!last || Date.now() - last.at >= maxAgeMs) {
        await withDeadline(refresh, waitMs, 'mailbox census').catch(() => {});
      }
      return last;
    },
  };
}
