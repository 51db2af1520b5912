import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CorrectableField, CorrectionInput } from '../conversation/correction-fields.js';
import type { ReplyJob } from '../queue/jobs.js';
import { StaffStatus } from '../record/desk-status.js';
import type { ConversationChange, ConversationState } from '../store/store.js';
import type { DeskIdentity } from './auth.js';
import { correctionFromForm, windowsToUtc } from './correction-form.js';
import { correctionChange, replyChange, statusChange, withdrawalChange } from './desk-actions.js';
import type { ChangeJson, ReplyProposalJson } from './openapi-actions.js';
import { type DeskRules, proposedReply, refuseSecrets, replyThread, staffDraft } from './reply-draft.js';
import { replyPage } from './reply-page.js';
import type { DeskContext } from './session-routes.js';
import { WebError } from './web-error.js';

export interface ActionRoutesOptions {
  rules: DeskRules;
  /** The provider's IANA zone: wall times staff type are read in it. */
  zone: string;
  messageIdDomain: string;
  /** Puts a staff reply on the worker's reply queue at once; without it the outbox sweep sends it. */
  enqueueReply?: (job: ReplyJob) => Promise<void>;
}

export const Params = z.object({ id: z.string().regex(/^INT-\d{6,12}$/) });
export const FieldParams = Params.extend({ field: CorrectableField });
export const StatusBody = z.strictObject({
  status: StaffStatus,
  note: z.string().trim().max(1000).optional(),
});
export const ReplyBody = z.strictObject({
  text: z.string().trim().min(1).max(20_000),
  awaitCustomer: z.boolean().default(false),
});
const ReplyForm = z.looseObject({
  text: z.string().max(20_000).default(''),
  action: z.enum(['send', 'await']).default('send'),
});

const notFound = () => new WebError('not_found', 404, 'There is no such conversation.');

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new WebError(
    'body_invalid',
    400,
    parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    { cause: parsed.error },
  );
}

function params<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  // A malformed id or field names nothing: the same 404 as an unknown one.
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** The body without the form's CSRF token (checked already by the app's hook), for strict schemas. */
function body(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const { csrf: _csrf, ...rest } = raw as Record<string, unknown>;
  return rest;
}

const actorOf = (identity: DeskIdentity) => `desk:${identity.staff.email}`;
const via = (identity: DeskIdentity, request: FastifyRequest) =>
  identity.kind === 'token'
    ? { via: 'token', tokenId: identity.tokenId, tokenName: identity.tokenName, ip: request.ip }
    : { via: 'session', ip: request.ip };

/**
 * The record's actions, as forms on the record page (each answered with a redirect back to it) and as JSON
 * routes: correct a field or withdraw a correction, move the status along the staff workflow, and send a
 * reply written by staff. Every one is one store transaction with its audit entry.
 */
export function registerActionRoutes(
  app: FastifyInstance,
  ctx: DeskContext,
  options: ActionRoutesOptions,
): void {
  const { store } = ctx;
  const { rules, zone } = options;

  const change = async (
    request: FastifyRequest,
    build: (current: ConversationState, actor: string) => ConversationChange,
  ) => {
    const identity = request.desk!;
    const { id } = params(Params, request.params);
    const actor = actorOf(identity);
    const result = await store.changeConversation({
      id,
      actor,
      change: (current) => {
        const c = build(current, actor);
        return { ...c, audit: { ...c.audit, details: { ...c.audit.details, ...via(identity, request) } } };
      },
    });
    if (!result) throw notFound();
    return { id, ...result };
  };

  const correct = (request: FastifyRequest, input: CorrectionInput) =>
    change(request, (current, actor) =>
      correctionChange(current, input, actor, ctx.now().toISOString(), rules.policy),
    );
  const withdraw = (request: FastifyRequest) => {
    const { field } = params(FieldParams, request.params);
    return change(request, (current, actor) => withdrawalChange(current, field, actor, rules.policy));
  };
  const move = (request: FastifyRequest, input: z.infer<typeof StatusBody>) =>
    change(request, (current) => statusChange(current, input.status, input.note || null));

  /** The reply proposed now, and where it would go; 404 for an unknown conversation. */
  const proposal = async (id: string) => {
    const conversation = await store.getConversation(id);
    if (!conversation) throw notFound();
    const thread = replyThread(conversation, await store.listMessageTexts(id));
    return { conversation, thread, text: proposedReply(conversation, thread, rules) };
  };

  const sendReply = async (request: FastifyRequest, text: string, awaitCustomer: boolean) => {
    const { id } = params(Params, request.params);
    const { conversation, thread, text: proposed } = await proposal(id);
    await refuseSecrets(text, conversation.secrets, (secretId) => store.revealSecret(secretId));
    const draft = staffDraft(thread, text, options.messageIdDomain);
    const result = await change(request, (current) => replyChange(current, draft, proposed, awaitCustomer));
    if (result.replyId !== null && options.enqueueReply) {
      try {
        const row = await store.getReply(result.replyId);
        if (row) await options.enqueueReply({ replyId: row.id, conversationId: id, revision: row.revision });
      } catch (error) {
        // Committed to the outbox: the worker's sweep sends it if the queue cannot be reached now.
        request.log.warn(
          { err: error, replyId: result.replyId },
          'staff reply not queued; the sweep will send it',
        );
      }
    }
    request.log.info(
      { conversation: id, replyId: result.replyId, staff: request.desk!.staff.email },
      'staff reply queued',
    );
    return result;
  };

  const back = (id: string, anchor: string) => `/conversations/${id}#${anchor}`;

  // ── Forms ───────────────────────────────────────────────────────────────────────────────────────
  app.post('/conversations/:id/corrections', async (request, reply) => {
    const { id } = params(Params, request.params);
    await correct(request, parse(CorrectionInput, correctionFromForm(request.body, zone)));
    return reply.redirect(back(id, 'record'), 303);
  });
  app.post('/conversations/:id/corrections/:field/withdraw', async (request, reply) => {
    const { id } = await withdraw(request);
    return reply.redirect(back(id, 'record'), 303);
  });
  app.post('/conversations/:id/status', async (request, reply) => {
    const { id } = await move(request, parse(StatusBody, body(request)));
    return reply.redirect(back(id, 'actions'), 303);
  });
  app.get('/conversations/:id/reply', async (request, reply) => {
    const { id } = params(Params, request.params);
    const { conversation, thread, text } = await proposal(id);
    const identity = request.desk!;
    return reply.type('text/html; charset=utf-8').send(
      replyPage({
        conversation,
        thread,
        text,
        signedIn: { email: identity.staff.email, csrf: identity.kind === 'session' ? identity.csrf : null },
      }),
    );
  });
  app.post('/conversations/:id/replies', async (request, reply) => {
    const form = parse(ReplyForm, request.body ?? {});
    const input = parse(ReplyBody, { text: form.text, awaitCustomer: form.action === 'await' });
    const { id } = await sendReply(request, input.text, input.awaitCustomer);
    return reply.redirect(back(id, 'timeline'), 303);
  });

  // ── JSON API ────────────────────────────────────────────────────────────────────────────────────
  app.post('/api/conversations/:id/corrections', async (request): Promise<ChangeJson> => {
    params(Params, request.params);
    const raw = body(request);
    const input = parse(
      CorrectionInput,
      raw.field === 'power' ? { ...raw, value: windowsToUtc(raw.value, zone) } : raw,
    );
    return correct(request, input);
  });
  app.delete(
    '/api/conversations/:id/corrections/:field',
    async (request): Promise<ChangeJson> => withdraw(request),
  );
  app.post(
    '/api/conversations/:id/status',
    async (request): Promise<ChangeJson> => move(request, parse(StatusBody, body(request))),
  );
  app.get('/api/conversations/:id/reply', async (request): Promise<ReplyProposalJson> => {
    const { id } = params(Params, request.params);
    const { thread, text } = await proposal(id);
    return { proposal: { ...thread, text } };
  });
  app.post('/api/conversations/:id/replies', async (request, reply) => {
    params(Params, request.params);
    const input = parse(ReplyBody, body(request));
    return reply.code(201).send(await sendReply(request, input.text, input.awaitCustomer));
  });
}
