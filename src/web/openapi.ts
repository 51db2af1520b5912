import { z } from 'zod';
import { IntakeError } from '../errors.js';
import { actionOperations } from './openapi-actions.js';
import { conversationOperations } from './openapi-conversations.js';
import { quarantineOperations } from './openapi-quarantine.js';
import { ApiError, type ApiOperation, apiSchemas } from './openapi-registry.js';

export type { ApiOperation } from './openapi-registry.js';

/** The OpenAPI document itself: a 3.1 object, described loosely (its own standard defines it). */
export const OpenApiDocumentJson = apiSchemas.named(
  'OpenApiDocument',
  z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }),
);

const metaOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tags: ['meta'],
    responses: { 200: { description: 'The OpenAPI 3.1 document of the API.', schema: OpenApiDocumentJson } },
  },
];

/**
 * Every JSON route of the desk, one entry each. A route under /api/ that is not listed here fails
 * test/web/openapi.test.ts: add its entry to its group's file (or a new group's, listed below).
 */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...metaOperations,
  ...conversationOperations,
  ...actionOperations,
  ...quarantineOperations,
];

/** `/api/conversations/:id` as OpenAPI writes it: `/api/conversations/{id}`. */
export const openApiPath = (fastifyPath: string) => fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

type JsonSchema = Record<string, unknown>;

const ref = (schema: z.ZodType): JsonSchema => ({ $ref: `#/components/schemas/${apiSchemas.idOf(schema)}` });

/** One parameter per property of a params or query object, described as a client sends it (strings). */
function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** A body as a client sends it (before the route's transforms), inline: bodies are one route's own. */
function requestBody(schema: z.ZodType): JsonSchema {
  const { $schema: _s, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return { required: true, content: { 'application/json': { schema: json } } };
}

const STANDARD_ERRORS = {
  '401': { description: 'No session and no API token, or a wrong, malformed or revoked token.' },
  '429': { description: 'Too many requests from this address.' },
} as const;

function operationObject(op: ApiOperation): JsonSchema {
  const declared = Object.keys(op.params?.shape ?? {});
  const inPath = [...op.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  if (inPath.length !== declared.length || inPath.some((name) => !declared.includes(name!))) {
    throw new IntakeError(
      'openapi_params_mismatch',
      `${op.method.toUpperCase()} ${op.path}: params must declare exactly the path's parameters (${inPath.join(', ') || 'none'})`,
    );
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { 'application/json': { schema: ref(response.schema) } } } : {}),
    };
  }
  for (const [status, response] of Object.entries(STANDARD_ERRORS)) {
    responses[status] ??= {
      description: response.description,
      content: { 'application/json': { schema: ref(ApiError) } },
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
    ...(op.body ? { requestBody: requestBody(op.body) } : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document, generated from the zod schemas the routes are typed with (and the test
 * validates real responses against), so that it cannot drift from what the API answers.
 */
export function openApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  const components = z.toJSONSchema(apiSchemas.registry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  // Component schemas live inside the document: their own $schema and $id would only restate that.
  const schemas = Object.fromEntries(
    Object.entries(components).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'intake review desk API',
      version: '1',
      description:
        'The desk’s data and actions for helpdesks. Every route needs `Authorization: Bearer <token>` ' +
        '(`intake token create`) or a signed-in desk session. Errors are `{ error: { code, message } }`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token.' } },
      schemas,
    },
  };
}
