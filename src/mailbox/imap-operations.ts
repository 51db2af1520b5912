import type { Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import { createBatcher } from '../batcher.js';
import { guardDownload } from './guard-download.js';
import type { ImapConnectionSettings } from './imap-client.js';
import { createImapPool, type PooledSlot } from './imap-pool.js';
import { type ImapErrorLike, MailboxError } from './mailbox-error.js';

export interface MailboxOperationsOptions {
  connection: ImapConnectionSettings;
  mailbox: string;
  /** Move processed messages here, unless `processedKeyword` is set. */
  processedFolder: string;
  /** Flag processed messages with this keyword instead of moving them. */
  processedKeyword?: string;
  quarantineFolder: string;
  /** Connections used at once by this process. Default 2: a large download does not stall the small ones. */
  connections?: number;
  /** An unused connection is logged out after this long. Default 60 s. */
  idleCloseMs?: number;
  /**
   * Bytes per FETCH of a download. Default 256 KiB: imapflow's 64 KiB costs 530 round trips for 34 MB;
   * 1 MiB chunks were no faster here and raised the worker's peak RSS for a 34 MB message by 76 MB
   * (parsed chunks wait for the GC), 256 KiB by 47 MB.
   */
  downloadChunkBytes?: number;
  /** A download stream still open after this long is aborted, so a forgotten stream cannot hold a connection. */
  downloadTimeoutMs?: number;
  logger: Logger;
}

/** The per-message calls of the worker; any process may make them, lease holder or not. */
export interface MailboxOperations {
  /** The raw message as a stream, read from the server chunk by chunk (never held whole). */
  download(uid: number, uidValidity: string): Promise<Readable>;
  /** Moves the message to the processed folder (or adds the keyword). A message already gone is not an error. */
  markProcessed(uid: number, uidValidity: string): Promise<void>;
  /** Moves the message to the quarantine folder. A message already gone is not an error. */
  quarantine(uid: number, uidValidity: string): Promise<void>;
  /** APPENDs a sent message (flagged \Seen) to `folder`, creating it if needed; resolves to its UID if known. */
  appendSent(raw: string | Buffer, folder: string): Promise<number | null>;
  messageExists(uid: number, uidValidity: string): Promise<boolean>;
  /**
   * Whether `folder` holds a message with this Message-ID (SEARCH HEADER). A missing folder holds nothing.
   * Used to settle a reply whose send was cut off: servers that file submitted mail in Sent themselves
   * (Gmail, Exchange) prove the send happened.
   */
  folderContains(folder: string, messageId: string): Promise<boolean>;
  /**
   * Moves the message with this Message-ID from `folder` back to the watched mailbox (for a replay) and
   * says where it is now; null when `folder` holds no such message.
   */
  restore(folder: string, messageId: string): Promise<{ uid: number; uidValidity: string } | null>;
  /** Logs out every connection; later calls reconnect. */
  close(): Promise<void>;
}

/**
 * The per-message calls on a small pool of connections (src/mailbox/imap-pool.ts), each used by one call at
 * a time and only inside a mailbox lock released in `finally`. Separate from the watching connection on
 * purpose: the worker processes that do not hold the lease download and file messages too, and a download in
 * progress must never hold up IDLE.
 */
export function createMailboxOperations(options: MailboxOperationsOptions): MailboxOperations {
  const { mailbox, logger: log } = options;
  const pool = createImapPool({
    connection: options.connection,
    size: options.connections ?? 2,
    idleCloseMs: options.idleCloseMs ?? 60_000,
    logger: log,
  });
  const { withConnection } = pool;

  /**
   * Selects `folder` and holds its lock. A pooled connection that kept the folder selected has a stale view
   * of it: Dovecot tells a session about new messages only in answer to a command, and answers a UID FETCH
   * or UID MOVE of a message the session has not heard of with an empty OK. So a reused selection is
   * refreshed with a NOOP first (one loopback round trip), or a move would silently do nothing and the
   * message would stay in the inbox. The NOOP is skipped when the call is about UIDs below the session's
   * UIDNEXT (from SELECT, raised by imapflow with every UID it sees): the session has heard of those, and a
   * backlog read from one selection then costs no extra round trip per message.
   */
  const lockFresh = async (client: ImapFlow, folder: string, readOnly = false, uids?: readonly number[]) => {
    const selected = client.mailbox !== false && client.mailbox?.path === folder ? client.mailbox : null;
    const lock = await client.getMailboxLock(folder, readOnly ? { readOnly: true } : {});
    try {
      const uidNext = selected?.uidNext ?? 0;
      const known = uids?.every((uid) => uid < uidNext) ?? false;
      if (selected && !known) await client.noop();
    } catch (err) {
      lock.release();
      throw err;
    }
    return lock;
  };

  /** `fn` with the watched mailbox selected and its lock held, released whatever happens. */
  const inMailbox = <T>(
    what: string,
    uids: readonly number[] | undefined,
    fn: (client: ImapFlow) => Promise<T>,
  ): Promise<T> =>
    withConnection(what, true, async (client) => {
      const lock = await lockFresh(client, mailbox, false, uids);
      try {
        return await fn(client);
      } finally {
        lock.release();
      }
    });

  const checkUidValidity = (client: ImapFlow, uidValidity: string, uid: number) => {
    const current = client.mailbox ? client.mailbox.uidValidity.toString() : null;
    if (current !== uidValidity) {
      throw new MailboxError(
        'uidvalidity_changed',
        `UID ${uid} was read under UIDVALIDITY ${uidValidity}, ${mailbox} now has ${current}`,
      );
    }
  };

  /** Whether `folder` exists (remembered per connection once seen). */
  const folderExists = async (slot: PooledSlot, client: ImapFlow, folder: string) => {
    if (slot.folders.has(folder)) return true;
    const known = await client.list();
    if (!known.some((m) => m.path === folder || m.name === folder)) return false;
    slot.folders.add(folder);
    return true;
  };

  const ensureFolder = async (slot: PooledSlot, client: ImapFlow, folder: string) => {
    if (await folderExists(slot, client, folder)) return;
    await client.mailboxCreate(folder).catch((err: ImapErrorLike) => {
      // Another process created it in between.
      if (err.responseStatus !== 'NO') throw err;
    });
    slot.folders.add(folder);
  };

  /** Moves UIDs (of one UIDVALIDITY) out of the watched mailbox in one UID MOVE; gone ones are skipped. */
  const moveTo = (uids: number[], uidValidity: string, folder: string, what: string) =>
    withConnection(what, true, async (client, slot) => {
      await ensureFolder(slot, client, folder);
      const lock = await lockFresh(client, mailbox, false, uids);
      try {
        checkUidValidity(client, uidValidity, uids[0]!);
        const moved = await client.messageMove(uids.join(','), folder, { uid: true });
        if (moved === false)
          throw new MailboxError('imap_command_failed', `${what}: MOVE of UID ${uids.join(',')} refused`);
        const gone = uids.filter((uid) => !moved.uidMap?.has(uid));
        if (gone.length > 0) log.info({ msg: `${what}: message already gone`, uids: gone, uidValidity });
      } finally {
        lock.release();
      }
    });

  const flag = (uids: number[], uidValidity: string, keyword: string) =>
    inMailbox('marking processed', uids, async (client) => {
      checkUidValidity(client, uidValidity, uids[0]!);
      const ok = await client.messageFlagsAdd(uids.join(','), [keyword], { uid: true });
      if (!ok)
        throw new MailboxError(
          'imap_command_failed',
          `adding ${keyword} to UID ${uids.join(',')} was refused`,
        );
    });

  // Messages committed while one is being filed are filed together next (see src/batcher.ts).
  const processed = createBatcher<{ uid: number; uidValidity: string }>({
    key: (m) => m.uidValidity,
    run: (items) => {
      const uids = items.map((m) => m.uid);
      const uidValidity = items[0]!.uidValidity;
      const keyword = options.processedKeyword;
      return keyword
        ? flag(uids, uidValidity, keyword)
        : moveTo(uids, uidValidity, options.processedFolder, 'marking processed');
    },
  });

  return {
    download(uid, uidValidity) {
      return withConnection(`downloading UID ${uid}`, true, async (client, slot, keep) => {
        const lock = await lockFresh(client, mailbox, false, [uid]);
        try {
          checkUidValidity(client, uidValidity, uid);
          const found = await client.download(String(uid), undefined, {
            uid: true,
            chunkSize: options.downloadChunkBytes ?? 256 * 1024,
          });
          if (!found.content) {
            throw new MailboxError(
              'message_gone',
              `UID ${uid} is no longer in ${mailbox} (UIDVALIDITY ${uidValidity})`,
            );
          }
          keep();
          return guardDownload(found.content, uid, options.downloadTimeoutMs ?? 10 * 60_000, () => {
            lock.release();
            pool.release(slot);
          });
        } catch (err) {
          lock.release();
          throw err;
        }
      });
    },

    markProcessed(uid, uidValidity) {
      return processed.add({ uid, uidValidity });
    },

    quarantine(uid, uidValidity) {
      return moveTo([uid], uidValidity, options.quarantineFolder, 'quarantining');
    },

    async appendSent(raw, folder) {
      // Not retried: an APPEND cut off mid-way may have landed, and a second copy is worse than an error.
      return withConnection(`appending to ${folder}`, false, async (client, slot) => {
        await ensureFolder(slot, client, folder);
        const appended = await client.append(folder, raw, ['\\Seen']);
        if (appended === false) throw new MailboxError('imap_command_failed', `APPEND to ${folder} refused`);
        return appended.uid ?? null;
      });
    },

    messageExists(uid, uidValidity) {
      // No UIDs for lockFresh: the question is whether someone else removed it, which only a NOOP tells.
      return inMailbox('checking a message', undefined, async (client) => {
        checkUidValidity(client, uidValidity, uid);
        const found = await client.search({ uid: String(uid) }, { uid: true });
        if (!Array.isArray(found)) throw new MailboxError('imap_command_failed', `UID SEARCH ${uid} failed`);
        return found.includes(uid);
      });
    },

    folderContains(folder, messageId) {
      return withConnection(`searching ${folder}`, true, async (client, slot) => {
        if (!(await folderExists(slot, client, folder))) return false;
        const lock = await lockFresh(client, folder, true);
        try {
          const found = await client.search({ header: { 'message-id': angled(messageId) } }, { uid: true });
          if (!Array.isArray(found))
            throw new MailboxError('imap_command_failed', `SEARCH in ${folder} failed`);
          return found.length > 0;
        } finally {
          lock.release();
        }
      });
    },

    restore(folder, messageId) {
      return withConnection(`restoring from ${folder}`, true, async (client, slot) => {
        if (!(await folderExists(slot, client, folder))) return null;
        const lock = await lockFresh(client, folder);
        try {
          const found = await client.search({ header: { 'message-id': angled(messageId) } }, { uid: true });
          if (!Array.isArray(found))
            throw new MailboxError('imap_command_failed', `SEARCH in ${folder} failed`);
          const uid = found.sort((a, b) => a - b)[0];
          if (uid === undefined) return null;
          const moved = await client.messageMove(String(uid), mailbox, { uid: true });
          // UIDPLUS (COPYUID) says where it went; Dovecot and every current server have it.
          const target = moved === false ? undefined : moved.uidMap?.get(uid);
          const uidValidity = moved === false ? undefined : moved.uidValidity;
          if (target === undefined || uidValidity === undefined) {
            throw new MailboxError(
              'imap_command_failed',
              `MOVE of ${messageId} from ${folder} to ${mailbox} failed or did not say where it went`,
            );
          }
          return { uid: target, uidValidity: String(uidValidity) };
        } finally {
          lock.release();
        }
      });
    },

    close: () => pool.close(),
  };
}

const angled = (messageId: string) => (messageId.startsWith('<') ? messageId : `<${messageId}>`);
