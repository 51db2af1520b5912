import { z } from 'zod';
import { DeskStatus } from '../record/desk-status.js';
import { Window } from '../record/schema.js';
import type { ConversationSummary } from '../store/store.js';
import {
  ApiError,
  type ApiOperation,
  apiSchemas,
  type DocumentedShape,
  type Same,
} from './openapi-registry.js';
import type { QueueView } from './queue-page.js';
import { QueueQuery } from './queue-query.js';
import type { RecordView } from './record-view.js';
import type { RevealedSecret } from './reveal-page.js';

/** Path parameters: conversation ids are the store's `INT-` numbers; anything else names nothing (404). */
export const RecordParams = z.object({ id: z.string().regex(/^INT-\d{6,12}$/) });
export const SecretParams = RecordParams.extend({
  secretId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/)
    .transform(Number),
});

/** Timestamps the service writes: ISO 8601 UTC with `Z`. */
const instant = z.iso.datetime();

const ConversationSummaryJson = apiSchemas.named(
  'ConversationSummary',
  z.strictObject({
    id: z.string(),
    subject: z.string(),
    status: DeskStatus,
    missing: z.array(z.string()).describe('Missing item ids, in the policy’s order'),
    requestTypes: z.array(z.string()),
    server: z.string().nullable(),
    customer: z.string().nullable(),
    language: z.string(),
    lastCustomerMessageAt: instant.nullable(),
    updatedAt: instant,
  }),
);

export const QueueJson = apiSchemas.named(
  'ConversationPage',
  z.strictObject({
    total: z.number().int().min(0).describe('Conversations matching the query, all pages'),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    counts: z
      .record(z.enum([...DeskStatus.options, 'all']), z.number().int().min(0))
      .describe('Per status under the same search and filters; `all` for every status'),
    conversations: z.array(ConversationSummaryJson),
  }),
);
export type QueueJson = z.output<typeof QueueJson>;

const Evidence = apiSchemas.named(
  'Evidence',
  z.strictObject({
    text: z.string().describe('The customer’s sentence'),
    start: z.number().int().min(0),
    end: z.number().int().min(0),
    in: z.literal('subject').optional().describe('Set when the words are the subject line'),
  }),
);

const Field = apiSchemas.named(
  'RecordField',
  z.strictObject({
    field: z.string().describe('The record’s key (`power`, `serviceIds`…)'),
    label: z.string(),
    value: z.string().nullable(),
    messageId: z.string().nullable(),
    evidence: z.array(Evidence),
    windows: z.array(Window).optional().describe('Intervention windows, in UTC'),
  }),
);

const MessageState = z.enum(['processed', 'ignored', 'quarantined']);
const MessageText = apiSchemas.named(
  'MessageText',
  z.strictObject({
    id: z.number().int(),
    messageId: z.string(),
    from: z.string().nullable(),
    subject: z.string(),
    date: z.string().nullable().describe('The Date header as written'),
    newText: z.string().describe('What the customer wrote this time, secrets replaced by placeholders'),
    automatic: z.boolean(),
    state: MessageState,
    receivedAt: z.string().nullable(),
  }),
);

const ReplyJson = apiSchemas.named(
  'Reply',
  z.strictObject({
    id: z.number().int(),
    revision: z.number().int().min(1),
    to: z.string(),
    subject: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'uncertain', 'failed', 'refused_limit']),
    attempts: z.number().int().min(0),
    smtpResponse: z.string().nullable(),
    requested: z.array(z.string()),
    text: z.string(),
    createdAt: instant,
    sentAt: instant.nullable(),
  }),
);

const TimelineEntry = apiSchemas.named(
  'TimelineEntry',
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('message'), at: z.string().nullable(), message: MessageText }),
    z.strictObject({ kind: z.literal('reply'), at: z.string(), reply: ReplyJson }),
  ]),
);

const MaskedSecret = apiSchemas.named(
  'MaskedSecret',
  z.strictObject({
    id: z.number().int(),
    kind: z.string(),
    label: z.string(),
    placeholder: z.string(),
    messageId: z.string(),
    masked: z.literal(true),
  }),
);

const AuditEntry = apiSchemas.named(
  'AuditEntry',
  z.strictObject({
    id: z.number().int(),
    at: instant,
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
);

const CorrectionJson = apiSchemas.named(
  'Correction',
  z.strictObject({
    field: z.string(),
    label: z.string(),
    value: z.unknown().describe('The corrected value, in the record’s shape'),
    valueText: z.string(),
    by: z.string().describe('The staff member (`desk:EMAIL`)'),
    at: instant,
    note: z.string().nullable(),
    parsedText: z.string().nullable().describe('What the messages say, in words'),
    later: z
      .strictObject({ text: z.string().nullable(), messageId: z.string().nullable() })
      .nullable()
      .describe('What a message after the correction said (kept in history, not applied)'),
  }),
);

export const RecordJson = apiSchemas.named(
  'ConversationRecord',
  z.strictObject({
    id: z.string(),
    status: DeskStatus,
    subject: z.string(),
    customer: z.strictObject({ name: z.string().nullable(), address: z.string() }).nullable(),
    language: z.string(),
    missing: z.array(z.string()),
    reviewReasons: z.array(z.string()),
    fields: z.array(Field),
    corrections: z.array(CorrectionJson).describe('Staff corrections: each wins over what the messages say'),
    timeline: z.array(TimelineEntry).describe('Customer messages and our replies, in time order'),
    secrets: z.array(MaskedSecret).describe('Never a value: see the reveal route'),
    audit: z.array(AuditEntry),
    createdAt: instant,
    updatedAt: instant,
    timeZone: z.string().describe('The provider’s IANA zone, in which the desk shows times'),
  }),
);
export type RecordJson = z.output<typeof RecordJson>;

export const RevealJson = apiSchemas.named(
  'RevealedSecret',
  z.strictObject({
    secret: z.strictObject({
      conversationId: z.string(),
      id: z.number().int(),
      kind: z.string(),
      label: z.string(),
      username: z.string().nullable(),
      placeholder: z.string(),
      messageId: z.string(),
      value: z.string().describe('The decrypted value; the reveal is audited before it is decrypted'),
    }),
  }),
);
export type RevealJson = z.output<typeof RevealJson>;

const notFound = { description: 'No such conversation (or secret in it).', schema: ApiError };

export const conversationOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/api/conversations',
    operationId: 'listConversations',
    summary: 'The queue: conversations newest first, one page, with the count of each status',
    tags: ['conversations'],
    query: QueueQuery,
    responses: {
      200: { description: 'One page of the queue.', schema: QueueJson },
      400: { description: 'A query parameter is invalid or unknown.', schema: ApiError },
    },
  },
  {
    method: 'get',
    path: '/api/conversations/:id',
    operationId: 'getConversation',
    summary: 'One record: fields with evidence, timeline, masked secrets, audit',
    tags: ['conversations'],
    params: RecordParams,
    responses: { 200: { description: 'The record.', schema: RecordJson }, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/conversations/:id/secrets/:secretId/reveal',
    operationId: 'revealSecret',
    summary: 'Reveals one secret of a conversation (audited first)',
    description: 'An audit entry `secret.revealed` is written before the value is decrypted.',
    tags: ['conversations'],
    params: SecretParams,
    responses: { 200: { description: 'The value.', schema: RevealJson }, 404: notFound },
  },
];

export type DocumentedShapes = [
  DocumentedShape<Same<QueueJson['conversations'][number], ConversationSummary>>,
  DocumentedShape<Same<QueueJson['counts'], QueueView['counts']>>,
  DocumentedShape<Same<Omit<RecordJson, 'timeZone'>, RecordView>>,
  DocumentedShape<Same<RevealJson['secret'], RevealedSecret>>,
];
