import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IntakeError } from '../errors.js';
import type { QuarantineRecord } from '../store/store.js';
import type { ReplayResult } from '../worker/replay.js';
import type { DeskIdentity } from './auth.js';
import type { QuarantinePageJson, ReprocessJson } from './openapi-quarantine.js';
import {
  QUARANTINE_PAGE_SIZE,
  type QuarantineQuery,
  type QuarantineView,
  quarantinePage,
  reprocessResultPage,
} from './quarantine-page.js';
import { tabCounts } from './queue-page.js';
import type { Reprocess } from './reprocess-capability.js';
import type { DeskContext } from './session-routes.js';
import { WebError } from './web-error.js';

/** The quarantine list's query string (page and API alike). */
export const QuarantineQueryParams = z.strictObject({
  resolved: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['0', '1', 'false', 'true']).optional()),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(QUARANTINE_PAGE_SIZE),
});
const QuarantineQuerySchema = QuarantineQueryParams.transform(
  (q): QuarantineQuery => ({
    includeResolved: q.resolved === '1' || q.resolved === 'true',
    page: q.page,
    limit: q.limit,
  }),
);

export const QuarantineParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/)
    .transform(Number),
});

export interface QuarantineRoutesOptions {
  timeZone: string;
  reprocess?: Reprocess;
}

function parseQuery(raw: unknown): QuarantineQuery {
  const parsed = QuarantineQuerySchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  throw new IntakeError(
    'query_invalid',
    parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    { cause: parsed.error },
  );
}

async function loadQuarantine(ctx: DeskContext, raw: unknown): Promise<QuarantineView> {
  const query = parseQuery(raw);
  const [entries, total, perStatus, quarantined] = await Promise.all([
    ctx.store.listQuarantine(query.limit, {
      includeResolved: query.includeResolved,
      offset: (query.page - 1) * query.limit,
      newestFirst: true,
    }),
    ctx.store.countQuarantine({ includeResolved: query.includeResolved }),
    ctx.store.countConversations(),
    ctx.store.countQuarantine(),
  ]);
  const counts = tabCounts(perStatus);
  return { query, entries, total, counts, quarantined };
}

const signedInOf = (identity: DeskIdentity) => ({
  email: identity.staff.email,
  csrf: identity.kind === 'session' ? identity.csrf : null,
});

export function registerQuarantineRoutes(
  app: FastifyInstance,
  ctx: DeskContext,
  options: QuarantineRoutesOptions,
): void {
  // One reprocess per entry at a time in this process: a double click must not restore a message twice.
  const inFlight = new Set<number>();

  /**
   * Checks, replays and audits one entry: who, when (the audit's time), the entry before and after, and
   * what the replay did. A failure of the mailbox or the queue is audited too, then answered 502.
   */
  const reprocess = async (
    request: FastifyRequest,
    identity: DeskIdentity,
  ): Promise<{ entry: QuarantineRecord; result: ReplayResult }> => {
    const parsed = QuarantineParams.safeParse(request.params);
    const before = parsed.success ? await ctx.store.getQuarantine(parsed.data.id) : null;
    if (!before) throw new WebError('not_found', 404, 'There is no such quarantine entry.');
    if (before.resolvedAt) {
      throw new WebError('already_resolved', 409, `Quarantine entry ${before.id} is already resolved.`);
    }
    if (!options.reprocess) {
      throw new WebError(
        'reprocess_unavailable',
        503,
        'This desk has no mailbox and ingest queue to reprocess with (INTAKE_IMAP_URL, REDIS_URL).',
      );
    }
    if (inFlight.has(before.id)) {
      throw new WebError('reprocess_in_progress', 409, `Quarantine entry ${before.id} is being reprocessed.`);
    }
    const actor = `desk:${identity.staff.email}`;
    const via =
      identity.kind === 'token'
        ? { via: 'token', tokenId: identity.tokenId, tokenName: identity.tokenName }
        : { via: 'session' };
    const audit = (after: QuarantineRecord | null, result: Record<string, unknown>) =>
      ctx.store.audit({
        actor,
        action: 'quarantine.reprocess',
        subject: `quarantine:${before.id}`,
        details: {
          quarantineId: before.id,
          messageId: before.messageId,
          code: before.code,
          before: { resolvedAt: before.resolvedAt },
          after: { resolvedAt: after?.resolvedAt ?? null },
          result,
          ip: request.ip,
          ...via,
        },
      });
    inFlight.add(before.id);
    try {
      let result: ReplayResult;
      try {
        result = await options.reprocess(before.id, actor);
      } catch (error) {
        request.log.error({ err: error, quarantineId: before.id }, 'reprocess failed');
        const code = error instanceof IntakeError ? error.code : 'internal_error';
        await audit(await ctx.store.getQuarantine(before.id), { action: 'failed', error: code });
        throw new WebError(
          'reprocess_failed',
          502,
          `The mailbox or the ingest queue refused the reprocess (${code}); the entry is still open.`,
          { cause: error },
        );
      }
      const after = (await ctx.store.getQuarantine(before.id)) ?? before;
      await audit(after, { action: result.action, detail: result.detail });
      request.log.info({ quarantineId: before.id, action: result.action }, 'quarantine entry reprocessed');
      return { entry: after, result };
    } finally {
      inFlight.delete(before.id);
    }
  };

  app.get('/quarantine', async (request, reply) => {
    const view = await loadQuarantine(ctx, request.query);
    return reply.type('text/html; charset=utf-8').send(
      quarantinePage({
        view,
        signedIn: signedInOf(request.desk!),
        timeZone: options.timeZone,
        canReprocess: options.reprocess !== undefined,
      }),
    );
  });

  app.get('/api/quarantine', async (request): Promise<QuarantinePageJson> => {
    const { query, entries, total, quarantined } = await loadQuarantine(ctx, request.query);
    return {
      total,
      open: quarantined,
      page: query.page,
      pageSize: query.limit,
      includeResolved: query.includeResolved,
      reprocessAvailable: options.reprocess !== undefined,
      entries,
    };
  });

  app.post('/quarantine/:id/reprocess', async (request, reply) => {
    const identity = request.desk!;
    const { entry, result } = await reprocess(request, identity);
    return reply
      .type('text/html; charset=utf-8')
      .send(reprocessResultPage({ entry, result, signedIn: signedInOf(identity) }));
  });

  app.post('/api/quarantine/:id/reprocess', async (request): Promise<ReprocessJson> => {
    const { entry, result } = await reprocess(request, request.desk!);
    return { quarantine: entry, result };
  });
}
