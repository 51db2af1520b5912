import type { FastifyInstance } from 'fastify';
import { Status } from '../record/schema.js';
import type { Store } from '../store/store.js';
import type { QueueJson } from './openapi-conversations.js';
import { emptyCounts, type QueueView, queuePage } from './queue-page.js';
import { parseQueueQuery, toFilter } from './queue-query.js';
import type { DeskContext } from './session-routes.js';

/** One page of the queue and the count of each status under the same search: three queries. */
export async function loadQueue(store: Store, rawQuery: unknown): Promise<QueueView> {
  const query = parseQueueQuery(rawQuery);
  const [page, perStatus] = await Promise.all([
    store.listConversations(toFilter(query)),
    store.countConversations(query.q),
  ]);
  const counts = emptyCounts();
  for (const status of Status.options) {
    counts[status] = perStatus[status];
    counts.all += perStatus[status];
  }
  return { query, rows: page.rows, total: page.total, counts };
}

export function registerQueueRoutes(app: FastifyInstance, ctx: DeskContext): void {
  app.get('/', async (request, reply) => {
    const identity = request.desk!;
    const view = await loadQueue(ctx.store, request.query);
    return reply.type('text/html; charset=utf-8').send(
      queuePage({
        view,
        now: ctx.now().getTime(),
        signedIn: { email: identity.staff.email, csrf: identity.kind === 'session' ? identity.csrf : null },
      }),
    );
  });

  app.get('/api/conversations', async (request): Promise<QueueJson> => {
    const { query, rows, total, counts } = await loadQueue(ctx.store, request.query);
    return {
      total,
      page: query.page,
      pageSize: query.limit,
      counts,
      conversations: rows,
    };
  });
}
