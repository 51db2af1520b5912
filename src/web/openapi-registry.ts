import { z } from 'zod';
import { IntakeError } from '../errors.js';

/** One JSON route as the OpenAPI document describes it. `path` is written the fastify way (`:id`). */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: `/api/${string}`;
  /** Unique across the API: clients generate method names from it. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The zod schemas the route parses its path parameters and query string with. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The JSON body the route parses, when it takes one. */
  body?: z.ZodType;
  /** Each answer by status; a schema must be `apiSchemas.named(…)` (it becomes a component). */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

const registry = z.registry<{ id: string }>();

/** The schemas the document lists under components: each response schema is registered here by name. */
export const apiSchemas = {
  registry,
  named<T extends z.ZodType>(id: string, schema: T): T {
    if (registry.get(schema))
      throw new IntakeError('openapi_schema_named_twice', `schema ${id} is already named`);
    registry.add(schema, { id });
    return schema;
  },
  idOf(schema: z.ZodType): string {
    const id = registry.get(schema)?.id;
    if (!id) {
      throw new IntakeError(
        'openapi_schema_unnamed',
        'a response schema must be named with apiSchemas.named() to be documented',
      );
    }
    return id;
  },
};

/** Every refusal and failure of the API has this shape (web-app.ts's error and not-found handlers). */
export const ApiError = apiSchemas.named(
  'Error',
  z.strictObject({
    error: z.strictObject({
      code: z.string().describe('Stable, lower-case: unauthorized, not_found, query_invalid, …'),
      message: z.string(),
    }),
  }),
);

/**
 * Compile-time checks that a documented schema and the type a route builds its answer with are the same
 * shape: `DocumentedShape<Same<A, B>>` fails type-checking when one side changes alone.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type DocumentedShape<T extends true> = T;
