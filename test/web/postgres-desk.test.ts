import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/web/desk-secrets.js';
import { message } from '../store/contract/fixtures.js';
import { type TestDatabases, testDatabases } from '../support/postgres.js';
import { type Desk, EMAIL, openDesk, PASSWORD, postLogin, signIn } from './support/desk.js';
import { undocumentedParts } from './support/openapi-validate.js';
import { SECRET_VALUE, seedRecords } from './support/record-fixture.js';

/** The same desk on PostgreSQL (127.0.0.1; an unreachable server fails the file). */
let databases: TestDatabases;
let desk: Desk;

beforeAll(async () => {
  databases = await testDatabases();
  desk = await openDesk({}, await databases.fresh());
});
afterAll(async () => {
  await desk?.close();
  await databases?.dropAll();
});

describe('the review desk on PostgreSQL', () => {
  it('signs in, shows the queue, serves the API to a token, signs out for good, throttles guesses', async () => {
    await desk.store.commitMessage(
      message({ subject: '<b>Disque</b> HS', status: 'ready', serviceId: 'SRV-9' }),
    );
    const { app, store, token } = desk;
    const { cookie, csrf, sessionId } = await signIn(app);
    const page = await app.inject({ method: 'GET', url: '/?status=ready', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<td class="id">INT-000001</td>');
    expect(page.body).toContain('&lt;b&gt;Disque&lt;/b&gt; HS');
    expect(page.body).toMatch(/Ready <span class="count">1<\/span>/);
    const api = await app.inject({
      method: 'GET',
      url: '/api/conversations',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.json()).toMatchObject({ total: 1, conversations: [{ id: 'INT-000001', server: 'SRV-9' }] });
    const forged = await app.inject({ method: 'POST', url: '/logout', headers: { cookie } });
    expect(forged.statusCode).toBe(403);
    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(303);
    expect(await store.findSession(sha256Hex(sessionId), new Date())).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/', headers: { cookie } })).statusCode).toBe(303);
    for (let i = 0; i < 5; i++) {
      expect((await postLogin(app, { email: EMAIL, password: `guess ${i}` })).statusCode).toBe(401);
    }
    expect((await postLogin(app, { email: EMAIL, password: PASSWORD })).statusCode).toBe(429);
    const actions = (await store.listAudit({ subject: `staff:${EMAIL}`, limit: 20 })).map((e) => e.action);
    expect(actions).toEqual([
      'staff.sign_in_refused',
      ...Array(5).fill('staff.sign_in_failed'),
      'staff.sign_out',
      'staff.sign_in',
    ]);
  });

  it('shows a record with its marked evidence and timeline, and reveals a secret once audited', async () => {
    const records = await openDesk({}, await databases.fresh());
    try {
      await seedRecords(records.store);
      const { cookie, csrf } = await signIn(records.app);
      const page = await records.app.inject({
        method: 'GET',
        url: '/conversations/INT-000001',
        headers: { cookie },
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<mark>Mon serveur SRV-4242 ne répond plus depuis ce matin.</mark>');
      expect(page.body).toContain('<strong>Message 2</strong>');
      expect(page.body).toContain('Delivery: <span class="state">sent</span>');
      expect(page.body).not.toContain(SECRET_VALUE);
      const reveal = await records.app.inject({
        method: 'POST',
        url: '/conversations/INT-000001/secrets/1/reveal',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(reveal.statusCode).toBe(200);
      expect(reveal.body).toContain('Tr0ub4dor&amp;3-&lt;b&gt;root&lt;/b&gt;');
      const audit = await records.store.listAudit({ subject: 'INT-000001', limit: 10 });
      expect(audit[0]).toMatchObject({
        actor: `desk:${EMAIL}`,
        action: 'secret.revealed',
        details: { secretId: 1 },
      });
    } finally {
      await records.close();
    }
  });

  it('answers the API as its OpenAPI document says (timestamps and JSON as PostgreSQL returns them)', async () => {
    const records = await openDesk({}, await databases.fresh());
    try {
      await seedRecords(records.store);
      const get = (method: 'GET' | 'POST', url: string) =>
        records.app.inject({ method, url, headers: { authorization: `Bearer ${records.token}` } });
      const doc = (await get('GET', '/api/openapi.json')).json();
      const checks: [res: Awaited<ReturnType<typeof get>>, method: string, path: string][] = [
        [await get('GET', '/api/conversations'), 'get', '/api/conversations'],
        [await get('GET', '/api/conversations/INT-000001'), 'get', '/api/conversations/{id}'],
        [await get('GET', '/api/conversations/INT-000003'), 'get', '/api/conversations/{id}'],
        [
          await get('POST', '/api/conversations/INT-000001/secrets/1/reveal'),
          'post',
          '/api/conversations/{id}/secrets/{secretId}/reveal',
        ],
      ];
      for (const [res, method, path] of checks) {
        expect(res.statusCode, path).toBe(200);
        expect(undocumentedParts(doc, method, path, res.statusCode, res.json()), path).toEqual([]);
      }
    } finally {
      await records.close();
    }
  });
});
