import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ConversationRecord } from '../conversation/record.js';
import type { DeskIdentity } from './auth.js';
import { messagePage } from './login-page.js';
import { shippedMissingWording } from './missing-wording.js';
import { type RecordJson, RecordParams, type RevealJson, SecretParams } from './openapi-conversations.js';
import { recordPage } from './record-page.js';
import { type RecordView, recordView } from './record-view.js';
import { type RevealedSecret, revealPage } from './reveal-page.js';
import type { DeskContext } from './session-routes.js';
import { WebError } from './web-error.js';

const AUDIT_SHOWN = 200;

const notFound = () => new WebError('not_found', 404, 'There is no such conversation or secret.');

function parseParams<T extends z.ZodType>(schema: T, params: unknown): z.infer<T> {
  const parsed = schema.safeParse(params);
  // A malformed id names nothing: the same 404 as an unknown one.
  if (!parsed.success) throw notFound();
  return parsed.data;
}

async function loadRecord(
  ctx: DeskContext,
  id: string,
): Promise<{ view: RecordView; record: ConversationRecord } | null> {
  const conversation = await ctx.store.getConversation(id);
  if (!conversation) return null;
  const [messages, audit] = await Promise.all([
    ctx.store.listMessageTexts(id),
    ctx.store.listAudit({ subject: id, limit: AUDIT_SHOWN }),
  ]);
  return { view: recordView(conversation, messages, audit), record: conversation.record };
}

/**
 * One secret of one conversation, audited before it is decrypted: if the audit entry cannot be written,
 * nothing is shown. A secret of another conversation is the same 404 as an unknown one.
 */
async function reveal(
  ctx: DeskContext,
  request: FastifyRequest,
  identity: DeskIdentity,
  params: unknown,
): Promise<RevealedSecret> {
  const { id, secretId } = parseParams(SecretParams, params);
  const conversation = await ctx.store.getConversation(id);
  const secret = conversation?.secrets.find((s) => s.id === secretId);
  if (!conversation || !secret) throw notFound();
  const via =
    identity.kind === 'token'
      ? { via: 'token', tokenId: identity.tokenId, tokenName: identity.tokenName }
      : { via: 'session' };
  await ctx.store.audit({
    actor: `desk:${identity.staff.email}`,
    action: 'secret.revealed',
    subject: conversation.id,
    details: {
      secretId: secret.id,
      placeholder: secret.placeholder,
      kind: secret.kind,
      label: secret.label,
      messageId: secret.messageId,
      ip: request.ip,
      ...via,
    },
  });
  const value = await ctx.store.revealSecret(secret.id);
  if (value === null) throw notFound();
  request.log.info(
    { conversation: conversation.id, secretId: secret.id, staff: identity.staff.email, via: via.via },
    'secret revealed',
  );
  return {
    conversationId: conversation.id,
    id: secret.id,
    kind: secret.kind,
    label: secret.label,
    username: secret.username,
    placeholder: secret.placeholder,
    messageId: secret.messageId,
    value,
  };
}

const signedIn = (identity: DeskIdentity) => ({
  email: identity.staff.email,
  csrf: identity.kind === 'session' ? identity.csrf : null,
});

const noStore = (reply: FastifyReply) =>
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** The record page, its JSON twin, and the audited reveal of one secret (page and API). */
export function registerRecordRoutes(app: FastifyInstance, ctx: DeskContext, zone: string): void {
  const wording = shippedMissingWording();
  app.get('/conversations/:id', async (request, reply) => {
    const parsed = RecordParams.safeParse(request.params);
    const loaded = parsed.success ? await loadRecord(ctx, parsed.data.id) : null;
    if (!loaded) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(messagePage('Not found', 'There is no such conversation.'));
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(recordPage({ ...loaded, zone, wording, signedIn: signedIn(request.desk!) }));
  });

  app.get('/api/conversations/:id', async (request): Promise<RecordJson> => {
    const { id } = parseParams(RecordParams, request.params);
    const loaded = await loadRecord(ctx, id);
    if (!loaded) throw notFound();
    return { ...loaded.view, timeZone: zone };
  });

  app.post('/conversations/:id/secrets/:secretId/reveal', async (request, reply) => {
    const identity = request.desk!;
    const secret = await reveal(ctx, request, identity, request.params);
    return noStore(reply)
      .type('text/html; charset=utf-8')
      .send(revealPage(secret, signedIn(identity)));
  });

  app.post('/api/conversations/:id/secrets/:secretId/reveal', async (request, reply) => {
    const secret = await reveal(ctx, request, request.desk!, request.params);
    const body: RevealJson = { secret };
    return noStore(reply).send(body);
  });
}
