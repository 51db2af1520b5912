import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { IntakeError } from '../errors.js';
import { mailboxSourceFromConfig } from '../mailbox/source-from-config.js';
import type { MailboxSource } from '../mailbox/source-types.js';
import { createQueues, type Queues } from '../queue/queues.js';
import type { Store } from '../store/store.js';
import { createReplay, type ReplayResult } from '../worker/replay.js';

/** Puts one open quarantine entry back in the watched mailbox and on the ingest queue, for `actor`. */
export type Reprocess = (quarantineId: number, actor: string) => Promise<ReplayResult>;

export interface ReprocessCapabilityOptions {
  config: Config;
  store: Store;
  logger: Logger;
  /** How long a reprocess may take before the desk answers 502 (BullMQ waits for Redis without end). */
  timeoutMs?: number;
}

const TIMEOUT_MS = 20_000;

/** The staff member waits on the answer: a mailbox or queue that does not answer must not hang the page. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new IntakeError(
            'reprocess_timeout',
            `the mailbox or the ingest queue did not answer within ${ms / 1000} s`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ReprocessCapability {
  reprocess: Reprocess;
  close(): Promise<void>;
}

/**
 * The desk's Reprocess button, wired as `intake replay` is: the mailbox (IMAP) and the ingest queue (Redis).
 * Null when the desk has no mailbox configured. Connections are made at the first use, not at start-up, so
 * a desk whose staff never reprocess never holds an IMAP connection or a Redis client.
 */
export function createReprocessCapability(options: ReprocessCapabilityOptions): ReprocessCapability | null {
  const { config, store, logger } = options;
  if (!config.INTAKE_IMAP_URL) return null;
  let parts: { source: MailboxSource; queues: Queues } | null = null;
  const open = () => {
    parts ??= {
      source: mailboxSourceFromConfig(config, { logger }),
      queues: createQueues(config.REDIS_URL, config.INTAKE_QUEUE_PREFIX, (err, source) =>
        logger.warn({ err, source }, 'redis connection failed'),
      ),
    };
    return parts;
  };
  return {
    async reprocess(quarantineId, actor) {
      const entry = await store.getQuarantine(quarantineId);
      if (!entry) {
        return {
          messageId: null,
          action: 'not_found',
          detail: `no quarantine entry ${quarantineId}`,
        };
      }
      const { source, queues } = open();
      const replay = createReplay({
        store,
        mailbox: source,
        ingest: queues.ingest,
        quarantineFolder: config.INTAKE_QUARANTINE_FOLDER,
        actor,
        log: logger,
      });
      // If the queue is what does not answer, the message is already back in the watched mailbox, where the
      // worker finds it by its new UID: it is late, not lost.
      return within(options.timeoutMs ?? TIMEOUT_MS, replay.entry(entry));
    },
    async close() {
      if (!parts) return;
      const { source, queues } = parts;
      parts = null;
      await Promise.allSettled([source.close(), queues.close()]);
    },
  };
}
