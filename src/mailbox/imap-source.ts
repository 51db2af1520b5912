import { EventEmitter } from 'node:events';
import type { ImapFlow } from 'imapflow';
import { createLogger } from '../log.js';
import { createBackoff } from './backoff.js';
import { handOverNewMessages } from './hand-over.js';
import { type ImapConnectionSettings, newImapClient } from './imap-client.js';
import { createMailboxOperations } from './imap-operations.js';
import { parseImapUrl } from './imap-url.js';
import { createInboxSweeper } from './inbox-sweep.js';
import { MailboxError, toMailboxError } from './mailbox-error.js';
import type { MailboxSource, MailboxSourceOptions, OnMessages, SourceState } from './source-types.js';

export type {
  MailboxSource,
  MailboxSourceOptions,
  NewMessage,
  OnMessages,
  SourceState,
} from './source-types.js';

/** One connection's life: everything it started dies with it. */
interface Session {
  client: ImapFlow;
  sync: Promise<void> | null;
  again: boolean;
  upSince: number | null;
  pollTimer: NodeJS.Timeout | null;
  sweepTimer: NodeJS.Timeout | null;
}

/** Errors that no reconnect can fix: the first start fails with them instead of retrying forever. */
const FATAL_AT_START = new Set(['imap_auth_failed', 'imap_tls_failed', 'mailbox_missing']);

export function createMailboxSource(options: MailboxSourceOptions): MailboxSource {
  const endpoint = parseImapUrl(options.url);
  const mailbox = options.mailbox ?? endpoint.mailbox;
  const log = (options.logger ?? createLogger()).child({ component: 'mailbox-source', mailbox });
  const positions = options.positions;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const stopTimeoutMs = options.stopTimeoutMs ?? 3_000;
  const connection: ImapConnectionSettings = {
    endpoint,
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.starttls !== undefined ? { starttls: options.starttls } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.socketTimeoutMs ? { socketTimeoutMs: options.socketTimeoutMs } : {}),
    logger: log,
    ...(options.imapLogLevel ? { imapLogLevel: options.imapLogLevel } : {}),
  };
  const processedFolder = options.processedFolder ?? 'Processed';
  const quarantineFolder = options.quarantineFolder ?? 'Quarantine';
  const operations = createMailboxOperations({
    ...options.operations,
    connection,
    mailbox,
    processedFolder,
    ...(options.processedKeyword ? { processedKeyword: options.processedKeyword } : {}),
    quarantineFolder,
    logger: log,
  });

  const sweeper = createInboxSweeper({
    ...options.sweep,
    mailbox,
    positions,
    ...(options.processedKeyword ? { processedKeyword: options.processedKeyword } : {}),
    batchSize,
    log,
  });

  const events = new EventEmitter();
  let state: SourceState = 'disconnected';
  let handler: OnMessages = async () => {};
  let current: Session | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let backoff = createBackoff(options.reconnect);
  // The latest hand-over of any session: a new session waits for it, so two never run at once.
  let lastSync: Promise<void> = Promise.resolve();
  let pendingStart: { resolve(): void; reject(err: Error): void } | null = null;

  const setState = (next: SourceState) => {
    if (next === state) return;
    const previous = state;
    state = next;
    log.debug({ msg: 'mailbox source state', state: next, previous });
    try {
      events.emit('state', next, previous);
    } catch (err) {
      log.error({ err, msg: 'a state listener threw' });
    }
  };

  const connect = async () => {
    reconnectTimer = null;
    setState('connecting');
    let client: ImapFlow;
    try {
      client = await newImapClient(connection, 'watch', {
        autoIdleDelay: options.autoIdleDelayMs ?? 100,
        // Restarting IDLE now and then keeps NAT and proxies from silently dropping the connection.
        maxIdleTime: 5 * 60_000,
        missingIdleCommand: 'NOOP',
      });
    } catch (err) {
      // Only a failing access-token function gets here.
      scheduleReconnect(null, err);
      return;
    }
    if (state === 'closed') return;
    const s: Session = { client, sync: null, again: false, upSince: null, pollTimer: null, sweepTimer: null };
    current = s;
    client.on('error', (err: Error) => log.warn({ err, msg: 'IMAP watch connection failed' }));
    client.on('close', () => lost(s, new MailboxError('imap_unavailable', 'the IMAP connection closed')));
    client.on('exists', () => void requestSync(s));
    // A server may announce a new UIDVALIDITY on the open connection: the sync notices and resyncs.
    client.on('mailboxOpen', () => {
      if (s.upSince !== null) void requestSync(s);
    });
    try {
      await client.connect();
      if (s !== current) return;
      await ensureFolders(client);
      // Before the first hand-over: what that hands over now is in the queue and not to be swept yet.
      await sweep(s, true);
      await requestSync(s);
      if (s !== current) return;
      s.upSince = Date.now();
      s.sweepTimer = setInterval(() => void sweep(s, false), sweeper.everyMs);
      log.info({ msg: 'watching mailbox', idle: client.capabilities.has('IDLE') });
      pendingStart?.resolve();
      pendingStart = null;
      wait(s);
    } catch (err) {
      if (s !== current) return;
      const e = toMailboxError(err, `watching ${mailbox}`);
      if (pendingStart && FATAL_AT_START.has(e.code)) {
        current = null;
        detach(s);
        setState('closed');
        pendingStart.reject(e);
        pendingStart = null;
        return;
      }
      lost(s, e);
    }
  };

  const ensureFolders = async (client: ImapFlow) => {
    const wanted = [quarantineFolder, ...(options.processedKeyword ? [] : [processedFolder])];
    const known = await client.list();
    for (const folder of wanted) {
      if (known.some((m) => m.path === folder || m.name === folder)) continue;
      await client.mailboxCreate(folder).catch((err: { responseStatus?: string }) => {
        if (err.responseStatus !== 'NO') throw err; // NO: another process created it in between
      });
      log.info({ msg: 'created folder', folder });
    }
  };

  /** Runs a sync on this session, or asks the running one to look again when it is done. */
  const requestSync = (s: Session): Promise<void> => {
    if (s !== current) return Promise.resolve();
    if (s.sync) {
      s.again = true;
      return s.sync;
    }
    const previous = lastSync;
    const run = (async () => {
      await previous;
      do {
        if (s !== current) return;
        setState('syncing');
        s.again = false;
        await syncOnce(s);
      } while (s.again);
    })();
    const sync = run.finally(() => {
      s.sync = null;
    });
    s.sync = sync;
    lastSync = sync.catch(() => {});
    sync.then(
      () => {
        if (s === current && s.upSince !== null) wait(s);
      },
      // The first sync's failure is connect()'s to judge (it may be fatal at start).
      (err: unknown) => {
        if (s.upSince !== null) lost(s, err);
      },
    );
    return sync;
  };

  const syncOnce = async (s: Session) => {
    const handed = await handOverNewMessages(s.client, {
      mailbox,
      positions,
      ...(options.processedKeyword ? { processedKeyword: options.processedKeyword } : {}),
      batchSize,
      onMessages: handler,
      active: () => s === current,
      log,
    });
    // Mail that came in meanwhile was announced while the lock was held: look once more.
    if (handed > 0) s.again = true;
  };

  /** Hands over again what a lost queue forgot (inbox-sweep.ts); never fails, a failure is logged. */
  const sweep = (s: Session, atStart: boolean) =>
    s === current && sweeper.sweep(s.client, { onMessages: handler, active: () => s === current, atStart });

  /** Between syncs: IDLE (imapflow starts it after `autoIdleDelay`) or, without IDLE, a NOOP timer. */
  const wait = (s: Session) => {
    if (s.client.capabilities.has('IDLE')) {
      setState('idle');
      return;
    }
    setState('polling');
    if (s.pollTimer) return;
    s.pollTimer = setTimeout(async () => {
      s.pollTimer = null;
      if (s !== current) return;
      try {
        await s.client.noop();
      } catch (err) {
        lost(s, err);
        return;
      }
      // A NOOP that announced mail started a sync, which comes back here when done.
      if (s === current && !s.sync) wait(s);
    }, options.pollIntervalMs ?? 5_000);
  };

  const detach = (s: Session) => {
    if (s.pollTimer) clearTimeout(s.pollTimer);
    s.pollTimer = null;
    if (s.sweepTimer) clearInterval(s.sweepTimer);
    s.client.removeAllListeners('close');
    s.client.removeAllListeners('exists');
    s.client.removeAllListeners('mailboxOpen');
    s.client.close();
  };

  const lost = (s: Session, err: unknown) => {
    if (s !== current) return;
    current = null;
    detach(s);
    scheduleReconnect(s.upSince, err);
  };

  const scheduleReconnect = (upSince: number | null, err: unknown) => {
    if (state === 'closed') return;
    const delayMs = backoff.next(upSince, Date.now());
    log.warn({ err, msg: 'IMAP watch connection lost', retryInMs: delayMs, attempt: backoff.attempts });
    setState('backoff');
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => void connect(), delayMs);
  };

  const stop = async () => {
    if (state === 'closed' || state === 'disconnected') return;
    const deadline = Date.now() + stopTimeoutMs;
    setState('closed');
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    const s = current;
    current = null;
    // A hand-over in flight may finish and store its position, within half the budget.
    await within(lastSync, stopTimeoutMs / 2);
    if (s) {
      if (s.pollTimer) clearTimeout(s.pollTimer);
      if (s.sweepTimer) clearInterval(s.sweepTimer);
      s.client.removeAllListeners('close');
      s.client.removeAllListeners('exists');
      s.client.removeAllListeners('mailboxOpen');
      await within(
        s.client.logout().catch(() => {}),
        Math.max(0, deadline - Date.now()),
      );
      s.client.close();
    }
    pendingStart?.resolve();
    pendingStart = null;
    log.info({ msg: 'stopped watching mailbox' });
  };

  return {
    ...operations,
    mailbox,
    get state() {
      return state;
    },
    onState(listener) {
      events.on('state', listener);
      return () => events.off('state', listener);
    },
    start(onMessages) {
      if (state !== 'disconnected' && state !== 'closed') {
        return Promise.reject(
          new MailboxError('source_running', `the source of ${mailbox} is already running`),
        );
      }
      handler = onMessages;
      backoff = createBackoff(options.reconnect);
      return new Promise<void>((resolve, reject) => {
        pendingStart = { resolve, reject };
        void connect();
      });
    },
    stop,
    async close() {
      await stop();
      await operations.close();
    },
  };
}

/** Waits for `promise`, but no longer than `ms`. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
