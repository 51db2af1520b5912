import { IntakeError } from '../errors.js';
import { serverSummary, serverValues } from './commit-message.js';
import type { CommitQueries } from './commit-queries.js';
import { serverKeys } from './conversation-where.js';
import type { RowSchemas } from './rows.js';
import { type SqlStep, sql, type TxSteps } from './sql-driver.js';
import { isoNow, toJson } from './sql-values.js';
import type { ConversationChangeInput, ConversationChangeResult, ConversationState } from './store.js';

type Step<T> = Generator<SqlStep, T, { rows: unknown[]; changes: number }>;

interface ConversationUpdate {
  id: string;
  record: string;
  status: string;
  missing: string;
  line: string;
  requestTypes: string;
  server: string | null;
  now: string;
}

/** The statements of a staff action that a message's commit does not need. */
export function changeQueries(rows: RowSchemas, dialect: 'sqlite' | 'postgres') {
  const changeRow = rows.conversation.pick({
    id: true,
    record: true,
    status: true,
    missing: true,
    line: true,
  });
  return {
    /** Locked like the commit's `loadConversation`: a message committed meanwhile waits, or is waited for. */
    *loadForChange(id: string): Step<ConversationState | null> {
      const { rows: found } = yield* sql(
        `SELECT id, record, status, missing, line FROM conversations WHERE id = ?${dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
        [id],
      );
      return found[0] === undefined ? null : changeRow.parse(found[0]);
    },

    /** Every status change is an UPDATE of conversations.status (what a trigger on that column sees). */
    *updateConversation(c: ConversationUpdate): Step<void> {
      yield* sql(
        `UPDATE conversations SET record = ?, status = ?, missing = ?, line = ?, request_types = ?, server = ?,
           updated_at = ? WHERE id = ?`,
        [c.record, c.status, c.missing, c.line, c.requestTypes, c.server, c.now, c.id],
      );
    },
  };
}

export type ChangeQueries = ReturnType<typeof changeQueries>;

/**
 * `Store.changeConversation` for both backends, as the steps of one transaction: the staff action reads
 * the conversation under the lock the worker's commits take too, so that a message merged meanwhile is
 * never lost under a correction (nor a correction under a message).
 */
export function* changeSteps(
  q: CommitQueries,
  cq: ChangeQueries,
  input: ConversationChangeInput,
): TxSteps<ConversationChangeResult | null> {
  const current = yield* cq.loadForChange(input.id);
  if (!current) return null;
  const change = input.change(current);
  if (change.record.id !== current.id) {
    throw new IntakeError('store_record_mismatch', `a change of ${current.id} returned ${change.record.id}`);
  }
  const now = isoNow();
  const record = change.record;
  yield* cq.updateConversation({
    id: current.id,
    record: toJson(record),
    status: change.status,
    missing: toJson(change.missing),
    line: toJson(change.line),
    requestTypes: toJson([...new Set(record.requestTypes.map((r) => r.value))]),
    server: serverSummary(record),
    now,
  });
  // A corrected server must be found by the queue's server filter, as a parsed one is.
  const servers = serverKeys(serverValues(record));
  if (servers.join('\n') !== serverKeys(serverValues(current.record)).join('\n')) {
    yield* q.replaceServers(current.id, servers);
  }
  const from = current.record.history.length;
  const history = record.history.slice(from).map((h, i) => ({
    seq: from + i,
    field: h.field,
    value: h.value,
    messageId: h.messageId,
    actor: h.actor ?? null,
  }));
  if (history.length > 0) yield* q.insertHistory(current.id, history, now);

  let replyId: number | null = null;
  const draft = change.reply;
  if (draft) {
    replyId = yield* q.insertReply(
      current.id,
      {
        draft,
        references: toJson(draft.references),
        headers: toJson(draft.headers),
        requested: toJson(draft.requested),
      },
      now,
    );
    // The customer's answer to it finds the conversation by its Message-ID, as with the worker's replies.
    yield* q.insertLinks(current.id, [draft.messageId]);
  }
  yield* q.insertAudit(
    input.actor,
    change.audit.action,
    current.id,
    toJson({ ...change.audit.details, ...(replyId === null ? {} : { replyId }) }),
    now,
  );
  return { status: change.status, missing: change.missing, replyId };
}
