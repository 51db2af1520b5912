import { z } from 'zod';
import { CORRECTABLE } from '../conversation/correction-fields.js';
import { DeskStatus } from '../record/desk-status.js';
import type { ConversationChangeResult } from '../store/store.js';
import { FieldParams, Params, ReplyBody, StatusBody } from './action-routes.js';
import {
  ApiError,
  type ApiOperation,
  apiSchemas,
  type DocumentedShape,
  type Same,
} from './openapi-registry.js';
import type { ReplyThread } from './reply-draft.js';

/**
 * The record actions' entries. The correction body is described field by field (the route checks the value
 * against the field's own schema after reading `field`), so that a client sees each value's shape.
 */
const CorrectionBody = z.union(
  Object.entries(CORRECTABLE).map(([field, { schema }]) =>
    z.strictObject({
      field: z.literal(field),
      value: schema,
      note: z.string().max(1000).optional().describe('Why: kept with the correction and in the audit'),
    }),
  ),
);

export const ChangeJson = apiSchemas.named(
  'ConversationChange',
  z.strictObject({
    id: z.string(),
    status: DeskStatus,
    missing: z.array(z.string()).describe('Missing item ids after the change'),
    replyId: z.number().int().nullable().describe('The outbox reply the action queued, if any'),
  }),
);
export type ChangeJson = z.output<typeof ChangeJson>;

export const ReplyProposalJson = apiSchemas.named(
  'ReplyProposal',
  z.strictObject({
    proposal: z.strictObject({
      ticket: z.string(),
      to: z.string(),
      subject: z.string(),
      inReplyTo: z.string(),
      references: z.array(z.string()),
      language: z.enum(['fr', 'en']),
      text: z.string().describe('What the record calls for now, in the customer’s language, to edit'),
    }),
  }),
);
export type ReplyProposalJson = z.output<typeof ReplyProposalJson>;

const notFound = { description: 'No such conversation.', schema: ApiError };
const invalid = { description: 'The body is not understood (`body_invalid`).', schema: ApiError };

export const actionOperations: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/api/conversations/:id/corrections',
    operationId: 'correctField',
    summary: 'Corrects a field (a staff correction no later parse overwrites)',
    description:
      'Power windows are ISO instants with a zone, or wall times in the provider’s zone. `missing` and the ' +
      'status are decided again; no reply is sent. Audited `record.corrected` with before and after.',
    tags: ['actions'],
    params: Params,
    body: CorrectionBody,
    responses: { 200: { description: 'Corrected.', schema: ChangeJson }, 400: invalid, 404: notFound },
  },
  {
    method: 'delete',
    path: '/api/conversations/:id/corrections/:field',
    operationId: 'withdrawCorrection',
    summary: 'Withdraws a correction: the parsed value returns',
    tags: ['actions'],
    params: FieldParams,
    responses: {
      200: { description: 'Withdrawn.', schema: ChangeJson },
      404: { description: 'No such conversation, or no correction of that field.', schema: ApiError },
    },
  },
  {
    method: 'post',
    path: '/api/conversations/:id/status',
    operationId: 'changeStatus',
    summary: 'Moves a conversation: ready → scheduled → done, or scheduled → ready',
    tags: ['actions'],
    params: Params,
    body: StatusBody,
    responses: {
      200: { description: 'Moved.', schema: ChangeJson },
      400: invalid,
      404: notFound,
      409: {
        description: 'Not allowed from the current status (`status_transition_invalid`).',
        schema: ApiError,
      },
    },
  },
  {
    method: 'get',
    path: '/api/conversations/:id/reply',
    operationId: 'proposeReply',
    summary: 'The reply the record calls for now, and where it would go',
    tags: ['actions'],
    params: Params,
    responses: {
      200: { description: 'The proposal.', schema: ReplyProposalJson },
      404: notFound,
      409: { description: 'No customer message to answer.', schema: ApiError },
    },
  },
  {
    method: 'post',
    path: '/api/conversations/:id/replies',
    operationId: 'sendReply',
    summary: 'Sends a reply written or edited by staff (the next outbox revision)',
    description:
      'Threaded on the last customer message. `awaitCustomer` sets `awaiting_customer`. A text holding one ' +
      'of the conversation’s secrets is refused (`reply_contains_secret`).',
    tags: ['actions'],
    params: Params,
    body: ReplyBody,
    responses: { 201: { description: 'Queued.', schema: ChangeJson }, 400: invalid, 404: notFound },
  },
];

export type DocumentedActionShapes = [
  DocumentedShape<Same<Omit<ChangeJson, 'id'>, ConversationChangeResult>>,
  DocumentedShape<Same<Omit<ReplyProposalJson['proposal'], 'text'>, ReplyThread>>,
];
