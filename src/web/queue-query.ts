import { z } from 'zod';
import { IntakeError } from '../errors.js';
import { Language } from '../reader/inbound-message.js';
import { DeskStatus } from '../record/desk-status.js';
import { RequestType } from '../record/schema.js';
import type { ConversationFilter } from '../store/store.js';
import { addDays, civil, instantOf, zoneNamed } from '../understand/time/civil.js';

export const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

/** An empty parameter (a blank field of the GET form) means "not given". */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => civil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))) !== null, {
    message: 'not a calendar date',
  });

/** The queue's query string (page and API alike). */
export const QueueQuery = z
  .strictObject({
    status: optional(DeskStatus),
    q: optional(z.string().trim().max(200)),
    type: optional(RequestType),
    language: optional(Language),
    server: optional(z.string().trim().max(255)),
    sender: optional(z.string().trim().max(320)),
    from: optional(Day),
    to: optional(Day),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(PAGE_SIZE),
  })
  .refine((q) => !(q.from && q.to && q.from > q.to), { message: 'from is after to', path: ['from'] });
export type QueueQuery = z.infer<typeof QueueQuery>;

/** The filters the form shows (the status is the tab, the page is the pager). */
export const FILTER_KEYS = ['q', 'type', 'language', 'server', 'sender', 'from', 'to'] as const;

export function parseQueueQuery(query: unknown): QueueQuery {
  const parsed = QueueQuery.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  throw new IntakeError(
    'query_invalid',
    parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    { cause: parsed.error },
  );
}

/** Midnight starting `day` on the wall clock of `zone`, as an ISO instant. */
function dayStart(day: string, zone: string): string {
  const c = civil(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));
  const z = zoneNamed(zone);
  if (!c || !z) throw new IntakeError('query_invalid', `cannot read ${day} in ${zone}`);
  return new Date(instantOf(c, 0, z)).toISOString();
}

function nextDay(day: string): string {
  const c = civil(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)))!;
  const n = addDays(c, 1);
  return `${String(n.y).padStart(4, '0')}-${String(n.m).padStart(2, '0')}-${String(n.d).padStart(2, '0')}`;
}

/**
 * The store's filter. Dates are days of the provider's zone (what staff read on the page), `to` included:
 * from its midnight to the next day's midnight there, whatever daylight saving does in between.
 */
export function toFilter(query: QueueQuery, zone: string): ConversationFilter {
  return {
    status: query.status,
    text: query.q,
    requestType: query.type,
    language: query.language,
    server: query.server,
    sender: query.sender,
    lastCustomerFrom: query.from ? dayStart(query.from, zone) : undefined,
    lastCustomerBefore: query.to ? dayStart(nextDay(query.to), zone) : undefined,
    limit: query.limit,
    offset: (query.page - 1) * query.limit,
  };
}

/** The query string of a link to another page or tab of the same view (defaults left out, filters kept). */
export function queueHref(query: QueueQuery, change: Partial<QueueQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.status) params.set('status', next.status);
  for (const key of FILTER_KEYS) {
    const value = next[key];
    if (value) params.set(key, value);
  }
  if (next.page > 1) params.set('page', String(next.page));
  if (next.limit !== PAGE_SIZE) params.set('limit', String(next.limit));
  const text = params.toString();
  return text ? `/?${text}` : '/';
}
