import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { MailboxSource, OnMessages } from './imap-source.js';
import { acquireLease, type Lease, type LeaseRedis } from './lease.js';

export interface LeasedSourceOptions {
  source: MailboxSource;
  redis: LeaseRedis;
  /** Default `intake:mailbox-lease:<mailbox>`; include the account when several share one Redis. */
  key?: string;
  /** Default 15 s: a dead holder is replaced within about this long. */
  ttlMs?: number;
  /** Default host:pid:random. */
  ownerId?: string;
  /** How often a process without the lease tries to take it. Default ttl/3. */
  retryMs?: number;
  logger?: Logger;
}

export interface LeasedSource {
  /** Whether this process holds the lease (and so watches the mailbox). */
  readonly leader: boolean;
  readonly ownerId: string;
  onLeadership(listener: (leader: boolean) => void): () => void;
  /** Stops watching, then gives the lease up (in that order: two watchers never overlap). */
  stop(): Promise<void>;
}

/**
 * Watches the mailbox only while holding its lease, so that of several worker processes exactly one keeps
 * the IDLE connection. The others retry every `retryMs` and take over when the holder stops or dies. A
 * lost lease stops the source at once.
 */
export function runLeasedSource(options: LeasedSourceOptions, onMessages: OnMessages): LeasedSource {
  const { source, redis } = options;
  const key = options.key ?? `intake:mailbox-lease:${source.mailbox}`;
  const ttlMs = options.ttlMs ?? 15_000;
  const ownerId = options.ownerId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const retryMs = options.retryMs ?? Math.floor(ttlMs / 3);
  const log = options.logger?.child({ component: 'mailbox-lease', key, ownerId });
  const listeners = new Set<(leader: boolean) => void>();
  let lease: Lease | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // Serialises taking and giving up leadership.
  let transition: Promise<void> = Promise.resolve();

  const announce = (leader: boolean) => {
    for (const listener of listeners) listener(leader);
  };
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      transition = transition.then(attempt);
    }, retryMs);
  };

  const attempt = async () => {
    if (stopped || lease) return;
    let taken: Lease | null;
    try {
      taken = await acquireLease(redis, key, ttlMs, ownerId, {
        onLost: () => {
          transition = transition.then(() => stepDown(taken));
        },
        ...(log ? { logger: log } : {}),
      });
    } catch (err) {
      log?.warn({ err, msg: 'could not reach Redis for the mailbox lease' });
      schedule();
      return;
    }
    if (!taken) {
      schedule();
      return;
    }
    if (stopped) {
      await taken.release();
      return;
    }
    lease = taken;
    log?.info({ msg: 'took the mailbox lease' });
    announce(true);
    source.start(onMessages).catch((err: unknown) => {
      // Bad credentials or no such mailbox: give the lease up, the next holder will say the same.
      log?.error({ err, msg: 'the mailbox source could not start' });
      transition = transition.then(() => stepDown(taken, true));
    });
  };

  const stepDown = async (which: Lease | null, release = false) => {
    if (!which || lease !== which) return;
    lease = null;
    announce(false);
    await source.stop();
    if (release) await which.release();
    schedule();
  };

  transition = transition.then(attempt);

  return {
    get leader() {
      return lease !== null;
    },
    ownerId,
    onLeadership(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await transition;
      const held = lease;
      lease = null;
      await source.stop();
      if (held) {
        await held.release();
        announce(false);
      }
    },
  };
}
