import { z } from 'zod';

type Json = Record<string, unknown>;

/** The schema with every `$ref` to a component replaced by the component (none of ours is recursive). */
export function inlineRefs(doc: Json, schema: unknown, depth = 0): unknown {
  if (depth > 50) throw new Error('a $ref cycle');
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(doc, s, depth + 1));
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === 'string') {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
    const target = name === undefined ? undefined : schemas[name];
    if (!target) throw new Error(`unresolved $ref ${ref}`);
    return inlineRefs(doc, target, depth + 1);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlineRefs(doc, v, depth + 1)]));
}

/**
 * A validator for one documented answer, built from the OpenAPI document alone (its JSON Schema turned
 * back into a zod schema), so that an answer is checked against what clients read, not against our code.
 */
export function documentedSchema(doc: Json, method: string, path: string, status: number) {
  const operation = (doc.paths as Record<string, Record<string, Json>>)[path]?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  const response = (operation.responses as Record<string, Json>)[String(status)];
  if (!response) throw new Error(`${method.toUpperCase()} ${path} does not document status ${status}`);
  const schema = (response.content as Record<string, { schema: unknown }>)['application/json']?.schema;
  return z.fromJSONSchema(inlineRefs(doc, schema) as Parameters<typeof z.fromJSONSchema>[0]);
}

/** The problems of an answer against its documented schema (empty when it conforms). */
export function undocumentedParts(doc: Json, method: string, path: string, status: number, body: unknown) {
  return documentedSchema(doc, method, path, status).safeParse(body).error?.issues ?? [];
}
