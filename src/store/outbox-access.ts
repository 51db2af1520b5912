import { IntakeError } from '../errors.js';
import type { RowSchemas } from './rows.js';
import type { SqlResult } from './sql-driver.js';
import { isoNow } from './sql-values.js';
import type { OutboxReply, ReplyOutcome } from './store.js';

export const REPLY_COLUMNS = `id, conversation_id, revision, message_id, to_address, subject, in_reply_to, refs, headers,
  language, requested, text, html, status, attempts, smtp_response, created_at, claimed_at, sent_at`;
/** Replies that count against the per-sender limit: sent, or possibly sent. */
const COUNTED_STATUSES = "('sending', 'sent', 'uncertain')";

type Exec = (text: string, params?: readonly unknown[], deferSync?: boolean) => Promise<SqlResult>;

/** The outbox's statements: a reply is claimed (compare and set) before its send and settled after it. */
export function outboxAccess(exec: Exec, schemas: RowSchemas) {
  const getReply = async (id: number): Promise<OutboxReply | null> => {
    const { rows } = await exec(`SELECT ${REPLY_COLUMNS} FROM replies WHERE id = ?`, [id]);
    return rows[0] === undefined ? null : schemas.reply.parse(rows[0]);
  };
  return {
    getReply,

    async listUnsettledReplies(limit: number) {
      const { rows } = await exec(
        `SELECT ${REPLY_COLUMNS} FROM replies WHERE status IN ('pending', 'sending') ORDER BY id LIMIT ?`,
        [limit],
      );
      return rows.map((r) => schemas.reply.parse(r));
    },

    async claimReply(id: number): Promise<boolean> {
      const { changes } = await exec(
        `UPDATE replies SET status = 'sending', attempts = attempts + 1, claimed_at = ?
         WHERE id = ? AND status = 'pending'`,
        [isoNow(), id],
      );
      return changes === 1;
    },

    async settleReply(id: number, outcome: ReplyOutcome): Promise<void> {
      const response = outcome.status === 'sent' ? outcome.smtpResponse : outcome.reason;
      const sentAt = outcome.status === 'sent' ? isoNow() : null;
      const { changes } = await exec(
        `UPDATE replies SET status = ?, smtp_response = ?, sent_at = COALESCE(?, sent_at)
         WHERE id = ? AND status <> 'sent'`,
        [outcome.status, response, sentAt, id],
        // The claim before the send was durable: an outcome lost in a power cut leaves the reply `sending`,
        // which the outbox settles from the Sent folder or as `uncertain`, never by sending again.
        true,
      );
      if (changes === 0 && !(await getReply(id))) {
        throw new IntakeError('reply_not_found', `no reply ${id} in the outbox`);
      }
    },

    async countRepliesTo(address: string, since: Date): Promise<number> {
      const { rows } = await exec(
        `SELECT COUNT(*) AS n FROM replies
         WHERE lower(to_address) = ? AND status IN ${COUNTED_STATUSES} AND created_at >= ?`,
        [address.trim().toLowerCase(), since.toISOString()],
      );
      return schemas.count.parse(rows[0]).n;
    },
  };
}
