import type { FastifyInstance } from 'fastify';
import { IntakeError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { QueueJson } from './openapi-conversations.js';
import { type FilterValues, type QueueView, queueErrorPage, queuePage, tabCounts } from './queue-page.js';
import { FILTER_KEYS, parseQueueQuery, toFilter } from './queue-query.js';
import type { DeskContext } from './session-routes.js';

/**
 * One page of the queue, the count of each status under the same search and filters, and the open
 * quarantine entries: four queries.
 */
export async function loadQueue(store: Store, rawQuery: unknown, timeZone: string): Promise<QueueView> {
  const query = parseQueueQuery(rawQuery);
  const filter = toFilter(query, timeZone);
  const [page, perStatus, quarantined] = await Promise.all([
    store.listConversations(filter),
    // The tabs count every status: the store ignores the status of the filter here.
    store.countConversations(filter),
    store.countQuarantine(),
  ]);
  const counts = tabCounts(perStatus);
  return { query, rows: page.rows, total: page.total, counts, quarantined };
}

/** What the form was filled with, as strings only (anything else is dropped, never echoed as markup). */
function typedValues(raw: unknown): FilterValues {
  const given = (raw ?? {}) as Record<string, unknown>;
  const values: FilterValues = {};
  for (const key of [...FILTER_KEYS, 'status'] as const) {
    const value = given[key];
    if (typeof value === 'string') values[key] = value.slice(0, 400);
  }
  return values;
}

export function registerQueueRoutes(app: FastifyInstance, ctx: DeskContext, timeZone: string): void {
  app.get('/', async (request, reply) => {
    const identity = request.desk!;
    const signedIn = {
      email: identity.staff.email,
      csrf: identity.kind === 'session' ? identity.csrf : null,
    };
    let view: QueueView;
    try {
      view = await loadQueue(ctx.store, request.query, timeZone);
    } catch (error) {
      if (!(error instanceof IntakeError) || error.code !== 'query_invalid') throw error;
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          queueErrorPage({ message: error.message, values: typedValues(request.query), signedIn, timeZone }),
        );
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(queuePage({ view, now: ctx.now().getTime(), signedIn, timeZone }));
  });

  app.get('/api/conversations', async (request): Promise<QueueJson> => {
    const { query, rows, total, counts } = await loadQueue(ctx.store, request.query, timeZone);
    return {
      total,
      page: query.page,
      pageSize: query.limit,
      counts,
      conversations: rows,
    };
  });
}
