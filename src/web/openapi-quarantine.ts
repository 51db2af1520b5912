import { z } from 'zod';
import type { QuarantineRecord } from '../store/store.js';
import type { ReplayResult } from '../worker/replay.js';
import {
  ApiError,
  type ApiOperation,
  apiSchemas,
  type DocumentedShape,
  type Same,
} from './openapi-registry.js';
import { QuarantineParams, QuarantineQueryParams } from './quarantine-routes.js';

const instant = z.iso.datetime();

const QuarantineEntryJson = apiSchemas.named(
  'QuarantineEntry',
  z.strictObject({
    id: z.number().int(),
    mailbox: z.string(),
    uidValidity: z.string().describe('IMAP UIDVALIDITY, a 32-bit number written as a string'),
    uid: z.number().int().nullable(),
    messageId: z.string().nullable(),
    contentHash: z.string().nullable().describe('SHA-256 (hex) of the raw message'),
    code: z.string().describe('Why, as a stable code (mime_malformed, message_too_large, …)'),
    reason: z.string(),
    createdAt: instant,
    resolvedAt: instant.nullable(),
  }),
);

export const QuarantinePageJson = apiSchemas.named(
  'QuarantinePage',
  z.strictObject({
    total: z.number().int().min(0).describe('Entries matching the query, all pages'),
    open: z.number().int().min(0).describe('Unresolved entries'),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    includeResolved: z.boolean(),
    reprocessAvailable: z.boolean().describe('False when this desk has no mailbox to put messages back in'),
    entries: z.array(QuarantineEntryJson).describe('Newest first'),
  }),
);
export type QuarantinePageJson = z.output<typeof QuarantinePageJson>;

export const ReprocessJson = apiSchemas.named(
  'ReprocessResult',
  z.strictObject({
    quarantine: QuarantineEntryJson,
    result: z.strictObject({
      messageId: z.string().nullable(),
      action: z.enum(['requeued', 'retried', 'already_processed', 'not_found', 'not_locatable']),
      detail: z.string(),
    }),
  }),
);
export type ReprocessJson = z.output<typeof ReprocessJson>;

export const quarantineOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/api/quarantine',
    operationId: 'listQuarantine',
    summary: 'Messages that could not be read, with the reason',
    tags: ['quarantine'],
    query: QuarantineQueryParams,
    responses: {
      200: { description: 'One page of entries.', schema: QuarantinePageJson },
      400: { description: 'The query is not understood (`query_invalid`).', schema: ApiError },
    },
  },
  {
    method: 'post',
    path: '/api/quarantine/:id/reprocess',
    operationId: 'reprocessQuarantined',
    summary: 'Puts a quarantined message back in the watched mailbox and the ingest queue (audited)',
    tags: ['quarantine'],
    params: QuarantineParams,
    responses: {
      200: { description: 'What became of it.', schema: ReprocessJson },
      404: { description: 'No such entry.', schema: ApiError },
      409: { description: 'Already resolved, or being reprocessed.', schema: ApiError },
      502: { description: 'The mailbox or the queue refused; the entry stays open.', schema: ApiError },
      503: {
        description: 'This desk has no mailbox configured (`reprocess_unavailable`).',
        schema: ApiError,
      },
    },
  },
];

export type DocumentedQuarantineShapes = [
  DocumentedShape<Same<QuarantinePageJson['entries'][number], QuarantineRecord>>,
  DocumentedShape<Same<ReprocessJson['result'], ReplayResult>>,
];
