import type { ImapFlow, SearchObject } from 'imapflow';
import type { Logger } from 'pino';
import { MailboxError } from './mailbox-error.js';
import type { MailboxPositionStore } from './position-store.js';
import type { NewMessage, OnMessages } from './source-types.js';

export interface HandOverContext {
  mailbox: string;
  positions: MailboxPositionStore;
  /** Keyword mode: messages carrying it are processed already and are skipped. */
  processedKeyword?: string;
  batchSize: number;
  onMessages: OnMessages;
  /** False once the connection was replaced or the source stopped: no further batch starts. */
  active(): boolean;
  log: Logger;
}

/**
 * Hands over, in ascending batches, every message after the stored position, or every message of the
 * mailbox when its UIDVALIDITY is not the stored one (a resync: the store deduplicates by Message-ID and
 * content hash). The position moves only after `onMessages` resolved for a batch, so a crash in between
 * delivers that batch again rather than losing it. Runs inside the mailbox lock, released in `finally`.
 * Resolves to the number of messages handed over.
 */
export async function handOverNewMessages(client: ImapFlow, ctx: HandOverContext): Promise<number> {
  const { mailbox, positions, log } = ctx;
  const lock = await client.getMailboxLock(mailbox, { description: 'intake: hand over new messages' });
  try {
    if (!client.mailbox) throw new MailboxError('imap_unavailable', `${mailbox} is not selected`);
    const uidValidity = client.mailbox.uidValidity.toString();
    const stored = await positions.get(mailbox);
    const sameEpoch = stored !== null && stored.uidValidity === uidValidity;
    if (stored && !sameEpoch) {
      log.warn({
        msg: 'UIDVALIDITY changed: handing the whole mailbox over again',
        was: stored.uidValidity,
        uidValidity,
      });
    }
    const from = sameEpoch ? stored.lastUid + 1 : 1;
    const query: SearchObject = { uid: `${from}:*` };
    if (ctx.processedKeyword) query.unKeyword = ctx.processedKeyword;
    const found = await client.search(query, { uid: true });
    if (!Array.isArray(found)) throw new MailboxError('imap_unavailable', `UID SEARCH in ${mailbox} failed`);
    // `n:*` also matches the highest UID when it is below n.
    const uids = found.filter((uid) => uid >= from).sort((a, b) => a - b);
    if (uids.length === 0) {
      if (!sameEpoch) await positions.set(mailbox, { uidValidity, lastUid: 0 });
      return 0;
    }
    let handed = 0;
    for (let i = 0; i < uids.length && ctx.active(); i += ctx.batchSize) {
      const range = uids.slice(i, i + ctx.batchSize);
      const lastUid = range[range.length - 1]!;
      const seenAt = Date.now();
      const batch: NewMessage[] = [];
      const query = { uid: true, size: true, envelope: true } as const;
      for await (const m of client.fetch(range.join(','), query, { uid: true })) {
        const messageId = m.envelope?.messageId ?? null;
        batch.push({ mailbox, uidValidity, uid: m.uid, messageId, size: m.size ?? 0, seenAt });
      }
      batch.sort((a, b) => a.uid - b.uid);
      if (batch.length > 0) await ctx.onMessages(batch);
      await positions.set(mailbox, { uidValidity, lastUid });
      handed += batch.length;
      log.debug({ msg: 'handed over', count: batch.length, lastUid });
    }
    return handed;
  } finally {
    lock.release();
  }
}
