import { z } from 'zod';
import { IntakeError } from '../errors.js';
import { DeskStatus } from '../record/desk-status.js';
import type { ConversationFilter } from '../store/store.js';

export const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

/** The queue's query string (page and API alike); an empty parameter means "not given". */
export const QueueQuery = z.strictObject({
  status: z.preprocess((v) => (v === '' ? undefined : v), DeskStatus.optional()),
  q: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(200).optional()),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(PAGE_SIZE),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

export function parseQueueQuery(query: unknown): QueueQuery {
  const parsed = QueueQuery.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  throw new IntakeError(
    'query_invalid',
    parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    { cause: parsed.error },
  );
}

export function toFilter(query: QueueQuery): ConversationFilter {
  return {
    status: query.status,
    text: query.q,
    limit: query.limit,
    offset: (query.page - 1) * query.limit,
  };
}

/** The query string of a link to another page of the same view (defaults left out). */
export function queueHref(query: QueueQuery, change: Partial<QueueQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.status) params.set('status', next.status);
  if (next.q) params.set('q', next.q);
  if (next.page > 1) params.set('page', String(next.page));
  if (next.limit !== PAGE_SIZE) params.set('limit', String(next.limit));
  const text = params.toString();
  return text ? `/?${text}` : '/';
}
