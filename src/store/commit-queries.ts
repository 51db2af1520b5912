import type { ConversationRecord } from '../conversation/record.js';
import type { DeskStatus } from '../record/desk-status.js';
import type { RowSchemas } from './rows.js';
import { type SqlStep, sql } from './sql-driver.js';
import { toJson } from './sql-values.js';
import type { CommitInput, MessageKey, ReplyDraft, StoredMessage } from './store.js';

/** The statements `commitMessage` is made of, each a generator step so that both drivers can run it. */
type Step<T> = Generator<SqlStep, T, { rows: unknown[]; changes: number }>;

/** Advisory lock namespaces (the two-int form), so that the store's locks never meet anyone else's. */
export const LOCK_MIGRATE = 0x1a7e;
export const LOCK_MAILBOX = 0x1a7f;

export const MESSAGE_COLUMNS =
  'id, mailbox, uid_validity, uid, message_id, content_hash, conversation_id, state, received_at, processed_at';

export interface ConversationWrite {
  id: string;
  record: string;
  status: string;
  missing: string;
  requestTypes: string;
  server: string | null;
  customer: string | null;
  subject: string;
  language: string;
  lastCustomerMessageAt: string;
  line: string;
  search: string;
  now: string;
}

export interface HistoryWrite {
  seq: number;
  field: string;
  value: unknown;
  messageId: string;
  /** Null for a message's change; the staff member for a correction. */
  actor: string | null;
}

export interface SecretWrite {
  placeholder: string;
  kind: string;
  label: string;
  username: string | null;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export interface ReplyWrite {
  draft: ReplyDraft;
  references: string;
  headers: string;
  requested: string;
}

export function commitQueries(rows: RowSchemas, dialect: 'sqlite' | 'postgres') {
  const pg = dialect === 'postgres';
  const loadedRow = rows.conversation.pick({ record: true, search: true, status: true });

  return {
    *lockMailbox(mailbox: string): Step<void> {
      // SQLite's IMMEDIATE transaction has already taken the database's only write lock.
      if (pg) yield* sql('SELECT pg_advisory_xact_lock(?, hashtext(?))', [LOCK_MAILBOX, mailbox]);
    },

    *findMessage(key: MessageKey): Step<StoredMessage | null> {
      const { rows: found } = yield* sql(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE message_id = ? AND content_hash = ?`,
        [key.messageId, key.contentHash],
      );
      return found[0] === undefined ? null : rows.message.parse(found[0]);
    },

    *loadConversation(
      id: string,
    ): Step<{ record: ConversationRecord; search: string; status: DeskStatus } | null> {
      // FOR UPDATE: a commit from another mailbox (another advisory lock) waits instead of losing an update.
      const { rows: found } = yield* sql(
        `SELECT record, search, status FROM conversations WHERE id = ?${pg ? ' FOR UPDATE' : ''}`,
        [id],
      );
      return found[0] === undefined ? null : loadedRow.parse(found[0]);
    },

    *linkedConversations(messageIds: readonly string[]): Step<Map<string, string>> {
      if (messageIds.length === 0) return new Map();
      const { rows: found } = yield* sql(
        pg
          ? 'SELECT message_id, conversation_id FROM message_links WHERE message_id = ANY(?::text[])'
          : 'SELECT message_id, conversation_id FROM message_links WHERE message_id IN (SELECT value FROM json_each(?))',
        [pg ? messageIds : JSON.stringify(messageIds)],
      );
      return new Map(found.map((r) => rows.link.parse(r)).map((r) => [r.message_id, r.conversation_id]));
    },

    *allocateNumber(): Step<number> {
      const { rows: found } = yield* sql(
        "UPDATE counters SET value = value + 1 WHERE name = 'conversation' RETURNING value AS n",
      );
      return rows.count.parse(found[0]).n;
    },

    *reserveNumber(n: number): Step<void> {
      yield* sql(
        `UPDATE counters SET value = ${pg ? 'GREATEST' : 'max'}(value, ?) WHERE name = 'conversation'`,
        [n],
      );
    },

    *upsertConversation(c: ConversationWrite): Step<void> {
      yield* sql(
        `INSERT INTO conversations (id, record, status, missing, request_types, server, customer, subject,
           language, last_customer_message_at, line, search, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET record = excluded.record, status = excluded.status,
           missing = excluded.missing, request_types = excluded.request_types, server = excluded.server,
           customer = excluded.customer, subject = excluded.subject, language = excluded.language,
           last_customer_message_at = excluded.last_customer_message_at, line = excluded.line,
           search = excluded.search, updated_at = excluded.updated_at`,
        [
          c.id,
          c.record,
          c.status,
          c.missing,
          c.requestTypes,
          c.server,
          c.customer,
          c.subject,
          c.language,
          c.lastCustomerMessageAt,
          c.line,
          c.search,
          c.now,
          c.now,
        ],
      );
    },

    /** The queue's server index of a conversation, replaced whole (values already lower-cased). */
    *replaceServers(conversationId: string, values: readonly string[]): Step<void> {
      yield* sql('DELETE FROM conversation_servers WHERE conversation_id = ?', [conversationId]);
      if (values.length === 0) return;
      yield* sql(
        pg
          ? `INSERT INTO conversation_servers (value, conversation_id) SELECT DISTINCT unnest(?::text[]), ?
             ON CONFLICT DO NOTHING`
          : `INSERT INTO conversation_servers (value, conversation_id) SELECT DISTINCT value, ? FROM json_each(?)
             WHERE true ON CONFLICT DO NOTHING`,
        pg ? [values, conversationId] : [conversationId, JSON.stringify(values)],
      );
    },

    *updateRecord(id: string, record: string): Step<void> {
      yield* sql('UPDATE conversations SET record = ? WHERE id = ?', [record, id]);
    },

    *insertHistory(conversationId: string, changes: readonly HistoryWrite[], at: string): Step<void> {
      // One statement for all of a message's changes: the batch travels as one JSON array. A JSON null
      // (or an undefined value, which JSON drops) is stored as the JSON value null.
      yield* sql(
        pg
          ? `INSERT INTO record_changes (conversation_id, seq, field, value, message_id, actor, at)
             SELECT ?, (e ->> 'seq')::integer, e ->> 'field', COALESCE(e -> 'value', 'null'), e ->> 'messageId',
               e ->> 'actor', ?
             FROM jsonb_array_elements(?::jsonb) AS e
             ON CONFLICT (conversation_id, seq) DO NOTHING`
          : `INSERT INTO record_changes (conversation_id, seq, field, value, message_id, actor, at)
             SELECT ?, j.value ->> '$.seq', j.value ->> '$.field', COALESCE(j.value -> '$.value', 'null'),
               j.value ->> '$.messageId', j.value ->> '$.actor', ?
             FROM json_each(?) AS j WHERE true
             ON CONFLICT (conversation_id, seq) DO NOTHING`,
        [conversationId, at, toJson(changes)],
      );
    },

    *insertMessage(input: CommitInput, conversationId: string | null, now: string): Step<StoredMessage> {
      const { rows: found } = yield* sql(
        `INSERT INTO messages (mailbox, uid_validity, uid, message_id, content_hash, conversation_id, state,
           from_address, subject, date, new_text, automatic, language, received_at, processed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${MESSAGE_COLUMNS}`,
        [
          input.mailbox,
          input.uidValidity,
          input.uid,
          input.key.messageId,
          input.key.contentHash,
          conversationId,
          input.state,
          input.summary.from,
          input.summary.subject,
          input.summary.date,
          input.summary.newText,
          input.summary.automatic,
          input.summary.language,
          input.receivedAt,
          now,
        ],
      );
      return rows.message.parse(found[0]);
    },

    *insertLinks(conversationId: string, messageIds: readonly string[]): Step<void> {
      if (messageIds.length === 0) return;
      // The first conversation a Message-ID was linked to keeps it.
      yield* sql(
        pg
          ? `INSERT INTO message_links (message_id, conversation_id) SELECT DISTINCT unnest(?::text[]), ?
             ON CONFLICT (message_id) DO NOTHING`
          : `INSERT INTO message_links (message_id, conversation_id) SELECT DISTINCT value, ? FROM json_each(?)
             WHERE true ON CONFLICT (message_id) DO NOTHING`,
        pg ? [messageIds, conversationId] : [conversationId, JSON.stringify(messageIds)],
      );
    },

    *insertSecrets(
      messageRowId: number,
      conversationId: string | null,
      secrets: readonly SecretWrite[],
      now: string,
    ): Step<void> {
      for (const s of secrets) {
        yield* sql(
          `INSERT INTO secrets (message_row_id, conversation_id, placeholder, kind, label, username, iv, tag,
             ciphertext, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            messageRowId,
            conversationId,
            s.placeholder,
            s.kind,
            s.label,
            s.username,
            s.iv,
            s.tag,
            s.ciphertext,
            now,
          ],
        );
      }
    },

    *insertReply(conversationId: string, r: ReplyWrite, now: string): Step<number> {
      // The revision is computed under the transaction's locks (mailbox lock and conversation row lock in
      // PostgreSQL, the write lock in SQLite); UNIQUE (conversation_id, revision) backs it up.
      const { rows: found } = yield* sql(
        `INSERT INTO replies (conversation_id, revision, message_id, to_address, subject, in_reply_to, refs,
           headers, language, requested, text, html, status, attempts, created_at)
         VALUES (?, (SELECT COALESCE(MAX(revision), 0) + 1 FROM replies WHERE conversation_id = ?),
           ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
         RETURNING id AS n`,
        [
          conversationId,
          conversationId,
          r.draft.messageId,
          r.draft.to,
          r.draft.subject,
          r.draft.inReplyTo,
          r.references,
          r.headers,
          r.draft.language,
          r.requested,
          r.draft.text,
          r.draft.html,
          now,
        ],
      );
      return rows.count.parse(found[0]).n;
    },

    *insertAudit(actor: string, action: string, subject: string, details: string, at: string): Step<void> {
      yield* sql('INSERT INTO audit (actor, action, subject, details, at) VALUES (?, ?, ?, ?, ?)', [
        actor,
        action,
        subject,
        details,
        at,
      ]);
    },
  };
}

export type CommitQueries = ReturnType<typeof commitQueries>;
