import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import { type ImapConnectionSettings, newImapClient } from './imap-client.js';
import { toMailboxError } from './mailbox-error.js';

export interface ImapPoolOptions {
  connection: ImapConnectionSettings;
  /** Connections used at once. */
  size: number;
  /** An unused connection is logged out after this long. */
  idleCloseMs: number;
  logger: Logger;
}

/** One pooled connection, as a call sees it. */
export interface PooledSlot {
  client: ImapFlow | null;
  /** Folders known to exist on this connection. */
  folders: Set<string>;
}

export interface ImapPool {
  /**
   * Runs `fn` on a pooled connection, giving it back afterwards unless `fn` keeps it (`keep()`, for a
   * stream still being read; `release(slot)` gives it back later). A pooled connection may have died while
   * unused (Dovecot drops a session whose mailbox changed under it, for one): an idempotent call that fails
   * at once on a reused connection is tried once more on a fresh one, rather than failing the job.
   */
  withConnection<T>(
    what: string,
    idempotent: boolean,
    fn: (client: ImapFlow, slot: PooledSlot, keep: () => void) => Promise<T>,
  ): Promise<T>;
  release(slot: PooledSlot): void;
  /** Logs out every connection; later calls reconnect. */
  close(): Promise<void>;
}

interface Slot extends PooledSlot {
  busy: boolean;
  idleTimer: NodeJS.Timeout | null;
}

/** A small pool of IMAP connections, each used by one call at a time, without IDLE. */
export function createImapPool(options: ImapPoolOptions): ImapPool {
  const log = options.logger;
  const slots: Slot[] = Array.from({ length: Math.max(1, options.size) }, () => ({
    client: null,
    busy: false,
    idleTimer: null,
    folders: new Set<string>(),
  }));
  const waiting: ((slot: Slot) => void)[] = [];

  const acquire = (): Promise<Slot> => {
    // Prefer a slot with a live connection, then any free one.
    const free = slots.find((s) => !s.busy && s.client?.usable) ?? slots.find((s) => !s.busy);
    if (free) {
      take(free);
      return Promise.resolve(free);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const take = (slot: Slot) => {
    slot.busy = true;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
  };
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) {
      next(slot);
      return;
    }
    slot.busy = false;
    slot.idleTimer = setTimeout(() => disconnect(slot), options.idleCloseMs);
    slot.idleTimer.unref();
  };
  const disconnect = async (slot: Slot) => {
    const client = slot.client;
    slot.client = null;
    slot.folders.clear();
    if (!client) return;
    await Promise.race([client.logout().catch(() => {}), delay(2_000)]);
    client.close();
  };

  const connected = async (slot: Slot): Promise<ImapFlow> => {
    if (slot.client?.usable) return slot.client;
    if (slot.client) slot.client.close();
    slot.client = null;
    slot.folders.clear();
    // No IDLE here: every command would first have to break it.
    const client = await newImapClient(options.connection, 'operations', { disableAutoIdle: true });
    client.on('error', (err: Error) => log.warn({ err, msg: 'IMAP operations connection failed' }));
    try {
      await client.connect();
    } catch (err) {
      client.close();
      throw toMailboxError(err, 'connecting to the IMAP server');
    }
    slot.client = client;
    return client;
  };

  return {
    async withConnection(what, idempotent, fn) {
      for (let attempt = 0; ; attempt++) {
        const slot = await acquire();
        let kept = false;
        const reused = Boolean(slot.client?.usable);
        try {
          const client = await connected(slot);
          return await fn(client, slot, () => {
            kept = true;
          });
        } catch (err) {
          const e = toMailboxError(err, what);
          if (!(idempotent && reused && attempt === 0 && e.code === 'imap_unavailable')) throw e;
          log.info({ msg: `${what}: pooled connection was dead, trying a fresh one`, err: e.message });
        } finally {
          if (!kept) release(slot);
        }
      }
    },
    release: (slot) => release(slot as Slot),
    async close() {
      for (const slot of slots) {
        if (slot.idleTimer) clearTimeout(slot.idleTimer);
        slot.idleTimer = null;
      }
      await Promise.all(slots.map(disconnect));
    },
  };
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
