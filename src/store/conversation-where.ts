import type { Dialect } from './rows.js';
import { containsPattern } from './sql-values.js';
import type { ConversationFilter } from './store.js';

/**
 * The largest code point: `value < prefix + MAX` takes every string that starts with `prefix` in a binary
 * (SQLite) or "C" (PostgreSQL) ordering, so that a prefix search is a range scan of the index.
 */
const MAX_CODE_POINT = '\u{10FFFF}';

/** The values of a record's servers as `conversation_servers` keeps them: lower-cased, once each. */
export function serverKeys(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => v.length > 0))];
}

/**
 * The WHERE clause of the queue's queries (empty, or `WHERE …` with `?` placeholders) and its parameters.
 * Every condition is on a column of `conversations` or the indexed `conversation_servers`, never on the
 * record's JSON, so that 10,000 conversations stay a fast scan.
 */
export function conversationWhere(
  dialect: Dialect,
  filter: Omit<ConversationFilter, 'limit' | 'offset'>,
): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  const text = filter.text?.trim();
  if (text) {
    // `search` is kept lower-cased, so LIKE needs no case folding (SQLite's only folds ASCII).
    where.push("search LIKE ? ESCAPE '\\'");
    params.push(containsPattern(text));
  }
  if (filter.requestType) {
    where.push(
      dialect === 'postgres'
        ? 'request_types @> ?::jsonb'
        : 'EXISTS (SELECT 1 FROM json_each(request_types) WHERE value = ?)',
    );
    params.push(dialect === 'postgres' ? JSON.stringify([filter.requestType]) : filter.requestType);
  }
  if (filter.language) {
    where.push('language = ?');
    params.push(filter.language);
  }
  const server = filter.server?.trim().toLowerCase();
  if (server) {
    where.push('id IN (SELECT conversation_id FROM conversation_servers WHERE value >= ? AND value < ?)');
    params.push(server, server + MAX_CODE_POINT);
  }
  const sender = filter.sender?.trim();
  if (sender) {
    where.push("lower(customer) LIKE ? ESCAPE '\\'");
    params.push(containsPattern(sender));
  }
  if (filter.lastCustomerFrom) {
    where.push('last_customer_message_at >= ?');
    params.push(filter.lastCustomerFrom);
  }
  if (filter.lastCustomerBefore) {
    where.push('last_customer_message_at < ?');
    params.push(filter.lastCustomerBefore);
  }
  return { clause: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}
