import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_OPERATIONS, openApiDocument, openApiPath } from '../../src/web/openapi.js';
import { message } from '../store/contract/fixtures.js';
import { type Desk, openDesk, signIn } from './support/desk.js';
import { documentedSchema, inlineRefs, undocumentedParts } from './support/openapi-validate.js';
import { HOSTILE, SECRET_VALUE, seedRecords } from './support/record-fixture.js';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let desk: Desk;
/** Every method and path registered under /api/ on a real app, as fastify's onRoute hook saw them. */
const registered: { method: string; url: string }[] = [];
let doc: Json;

beforeAll(async () => {
  desk = await openDesk({
    onRoute: (route) => {
      if (!route.url.startsWith('/api/')) return;
      for (const method of [route.method].flat())
        registered.push({ method: method.toLowerCase(), url: route.url });
    },
  });
  await seedRecords(desk.store);
  await desk.store.commitMessage(message({ subject: 'Réinstallation', status: 'ready', serviceId: 'SRV-7' }));
  const res = await api('GET', '/api/openapi.json');
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => desk?.close());

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  desk.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${desk.token}` },
    ...(payload ? { payload } : {}),
  });

const paths = () => doc.paths as Record<string, Record<string, Json>>;
const components = () => (doc.components as { schemas: Record<string, Json> }).schemas;

const inline = (schema: unknown) => inlineRefs(doc, schema);
const documented = (method: string, path: string, status: number) =>
  documentedSchema(doc, method, path, status);

function expectDocumented(res: LightMyRequestResponse, method: string, path: string) {
  expect(undocumentedParts(doc, method, path, res.statusCode, res.json()), `${method} ${path}`).toEqual([]);
}

describe('the OpenAPI document', () => {
  it('documents every route registered under /api/, with its method, and no route that does not exist', () => {
    const routes = registered.filter(
      // fastify adds HEAD beside each GET by itself.
      (r) => !(r.method === 'head' && registered.some((g) => g.method === 'get' && g.url === r.url)),
    );
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const undocumented = routes
      .filter((r) => !paths()[openApiPath(r.url)]?.[r.method])
      .map(
        (r) =>
          `${r.method.toUpperCase()} ${r.url} is registered but not in the OpenAPI document: add an entry to ` +
          'API_OPERATIONS (src/web/openapi.ts) or to its group file (src/web/openapi-*.ts)',
      );
    expect(undocumented).toEqual([]);
    const phantom = Object.entries(paths()).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => !routes.some((r) => r.method === method && openApiPath(r.url) === path))
        .map((method) => `${method.toUpperCase()} ${path} is documented but no such route is registered`),
    );
    expect(phantom).toEqual([]);
  });

  it('is structurally valid OpenAPI 3.1: unique operationIds, path parameters declared, every $ref resolves', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect((doc.components as Json).securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const ids: string[] = [];
    for (const [path, item] of Object.entries(paths())) {
      expect(path).toMatch(/^\/api\//);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        expect(operation.operationId).toEqual(expect.any(String));
        ids.push(operation.operationId as string);
        const parameters = operation.parameters as {
          name: string;
          in: string;
          required: boolean;
          schema: Json;
        }[];
        const inPath = parameters.filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name).sort()).toEqual([...templated].sort());
        for (const p of parameters) {
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
          expect(p.schema).toEqual(expect.any(Object));
          if (p.in === 'path') expect(p.required).toBe(true);
        }
        const responses = Object.entries(operation.responses as Record<string, Json>);
        expect(responses.length).toBeGreaterThan(0);
        for (const [status, response] of responses) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description).toEqual(expect.any(String));
        }
        // A success answer (200, or 201 for a creation) and the standard refusal.
        expect(Object.keys(operation.responses as Json).some((k) => /^2\d\d$/.test(k))).toBe(true);
        expect(Object.keys(operation.responses as Json)).toContain('401');
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Every $ref anywhere in the document names a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(() => inline({ $ref: ref })).not.toThrow();
    for (const [name, schema] of Object.entries(components())) {
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(() => z.fromJSONSchema(inline(schema) as Parameters<typeof z.fromJSONSchema>[0])).not.toThrow();
    }
    // Served as generated: the same document the code builds.
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(API_OPERATIONS.length).toBe(ids.length);
  });

  it('describes a request body when an entry has one (for the routes still to come)', () => {
    const made = openApiDocument([
      {
        method: 'post',
        path: '/api/conversations/:id/status',
        operationId: 'changeStatus',
        summary: 'test entry',
        tags: ['test'],
        params: z.object({ id: z.string() }),
        body: z.strictObject({ status: z.enum(['scheduled', 'done']), note: z.string().max(10).optional() }),
        responses: { 204: { description: 'Changed.' } },
      },
    ]) as { paths: Record<string, Record<string, Json>> };
    const operation = made.paths['/api/conversations/{id}/status']?.post;
    expect(operation?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(operation?.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['scheduled', 'done'] },
              note: { type: 'string', maxLength: 10 },
            },
            required: ['status'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(Object.keys(operation?.responses as Json)).toEqual(['204', '401', '429']);
    // A path parameter the entry does not declare is a mistake caught when the document is built.
    expect(() =>
      openApiDocument([
        { method: 'get', path: '/api/x/:id', operationId: 'x', summary: 'x', tags: [], responses: {} },
      ]),
    ).toThrow(/params must declare exactly the path's parameters \(id\)/);
  });

  it('is refused without a session or a valid token, like every route', async () => {
    const anonymous = await desk.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(anonymous.statusCode).toBe(401);
    const wrong = await desk.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { authorization: 'Bearer intake_wrongwrongwrongwrongwrongwrong' },
    });
    expect(wrong.statusCode).toBe(401);
    expectDocumented(wrong, 'get', '/api/openapi.json');
    const { cookie } = await signIn(desk.app);
    const session = await desk.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('real answers validate against the documented schemas', () => {
  it('the queue, every page and status', async () => {
    for (const url of [
      '/api/conversations',
      '/api/conversations?status=needs_review&limit=1&page=2',
      '/api/conversations?q=srv',
      '/api/conversations?status=ignored',
    ]) {
      const res = await api('GET', url);
      expect(res.statusCode).toBe(200);
      expectDocumented(res, 'get', '/api/conversations');
    }
    const bad = await api('GET', '/api/conversations?status=nope');
    expect(bad.statusCode).toBe(400);
    expectDocumented(bad, 'get', '/api/conversations');
  });

  it('each record (the one with a reply, evidence and a secret; the hostile one), and a 404', async () => {
    for (const id of ['INT-000001', 'INT-000002', 'INT-000003', 'INT-000004']) {
      const res = await api('GET', `/api/conversations/${id}`);
      expect(res.statusCode).toBe(200);
      expectDocumented(res, 'get', '/api/conversations/{id}');
      expect(res.body).not.toContain(SECRET_VALUE);
    }
    const hostile = await api('GET', '/api/conversations/INT-000003');
    expect(hostile.json().subject).toBe(HOSTILE.subject);
    const missing = await api('GET', '/api/conversations/INT-000999');
    expect(missing.statusCode).toBe(404);
    expectDocumented(missing, 'get', '/api/conversations/{id}');
  });

  it('a reveal, and a refused one', async () => {
    const res = await api('POST', '/api/conversations/INT-000001/secrets/1/reveal');
    expect(res.statusCode).toBe(200);
    expectDocumented(res, 'post', '/api/conversations/{id}/secrets/{secretId}/reveal');
    const other = await api('POST', '/api/conversations/INT-000001/secrets/2/reveal');
    expect(other.statusCode).toBe(404);
    expectDocumented(other, 'post', '/api/conversations/{id}/secrets/{secretId}/reveal');
  });

  it('the record actions and the quarantine, with their refusals', async () => {
    const corrected = await api('POST', '/api/conversations/INT-000001/corrections', {
      field: 'backup',
      value: 'confirmed',
      note: 'told us on the phone',
    });
    expect(corrected.statusCode).toBe(200);
    expectDocumented(corrected, 'post', '/api/conversations/{id}/corrections');
    const record = await api('GET', '/api/conversations/INT-000001');
    expectDocumented(record, 'get', '/api/conversations/{id}');
    expect(record.json().corrections).toMatchObject([{ field: 'backup', value: 'confirmed' }]);
    const badValue = await api('POST', '/api/conversations/INT-000001/corrections', {
      field: 'backup',
      value: 'maybe',
    });
    expect(badValue.statusCode).toBe(400);
    expectDocumented(badValue, 'post', '/api/conversations/{id}/corrections');
    const withdrawn = await api('DELETE', '/api/conversations/INT-000001/corrections/backup');
    expect(withdrawn.statusCode).toBe(200);
    expectDocumented(withdrawn, 'delete', '/api/conversations/{id}/corrections/{field}');
    const refused = await api('POST', '/api/conversations/INT-000001/status', { status: 'done' });
    expect(refused.statusCode).toBe(409);
    expectDocumented(refused, 'post', '/api/conversations/{id}/status');
    const proposal = await api('GET', '/api/conversations/INT-000001/reply');
    expect(proposal.statusCode).toBe(200);
    expectDocumented(proposal, 'get', '/api/conversations/{id}/reply');
    const sent = await api('POST', '/api/conversations/INT-000001/replies', { text: 'Bonjour, c’est noté.' });
    expect(sent.statusCode).toBe(201);
    expectDocumented(sent, 'post', '/api/conversations/{id}/replies');

    await desk.store.quarantine({
      mailbox: 'INBOX',
      uidValidity: '7',
      uid: 12,
      messageId: '<broken@example.net>',
      contentHash: 'a'.repeat(64),
      code: 'mime_malformed',
      reason: 'the boundary never closes',
    });
    const list = await api('GET', '/api/quarantine?resolved=1');
    expect(list.statusCode).toBe(200);
    expect(list.json().entries).toHaveLength(1);
    expectDocumented(list, 'get', '/api/quarantine');
    const unavailable = await api('POST', `/api/quarantine/${list.json().entries[0].id}/reprocess`);
    expect(unavailable.statusCode).toBe(503);
    expectDocumented(unavailable, 'post', '/api/quarantine/{id}/reprocess');
  });

  it('the validator is not a formality: a leaked secret value or a wrong type is refused', async () => {
    const record = (await api('GET', '/api/conversations/INT-000001')).json();
    const schema = documented('get', '/api/conversations/{id}', 200);
    expect(schema.safeParse(record).success).toBe(true);
    const leaked = { ...record, secrets: [{ ...record.secrets[0], value: SECRET_VALUE }] };
    expect(schema.safeParse(leaked).success).toBe(false);
    expect(schema.safeParse({ ...record, status: 'nope' }).success).toBe(false);
    expect(schema.safeParse({ ...record, updatedAt: 'yesterday' }).success).toBe(false);
    const { fields: _f, ...withoutFields } = record;
    expect(schema.safeParse(withoutFields).success).toBe(false);
  });
});
