import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message } from '../store/contract/fixtures.js';
import { type TestDatabases, testDatabases } from '../support/postgres.js';
import { type Desk, openDesk, signIn } from './support/desk.js';
import { seedRecords } from './support/record-fixture.js';

/** The record actions on PostgreSQL (127.0.0.1; an unreachable server fails the file). */
let databases: TestDatabases;
let desk: Desk;

beforeAll(async () => {
  databases = await testDatabases();
  desk = await openDesk({}, await databases.fresh());
  await seedRecords(desk.store);
  await desk.store.commitMessage(message({ subject: 'Prêt', status: 'ready', serviceId: 'SRV-5' }));
});
afterAll(async () => {
  await desk?.close();
  await databases?.dropAll();
});

describe('the record actions on PostgreSQL', () => {
  it('corrects, withdraws, schedules and replies, each audited', async () => {
    const { app, store, token } = desk;
    const { cookie, csrf } = await signIn(app);
    const form = (url: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...fields, csrf }).toString(),
      });
    const bearer = { authorization: `Bearer ${token}` };

    expect(
      (
        await form('/conversations/INT-000001/corrections', {
          field: 'hostnames',
          values: 'Web1.Example.com',
        })
      ).statusCode,
    ).toBe(303);
    expect((await store.getConversation('INT-000001'))?.record.hostnames.map((h) => h.value)).toEqual([
      'web1.example.com',
    ]);
    const shown = await app.inject({ method: 'GET', url: '/api/conversations/INT-000001', headers: bearer });
    expect(shown.json().corrections).toMatchObject([{ field: 'hostnames', by: 'desk:alice@example.org' }]);
    const withdrawn = await app.inject({
      method: 'DELETE',
      url: '/api/conversations/INT-000001/corrections/hostnames',
      headers: bearer,
    });
    expect(withdrawn.statusCode).toBe(200);
    expect((await store.getConversation('INT-000001'))?.record.hostnames).toEqual([]);

    expect((await form('/conversations/INT-000004/status', { status: 'scheduled' })).statusCode).toBe(303);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/conversations/INT-000004/status',
      headers: bearer,
      payload: { status: 'scheduled' },
    });
    expect(refused.statusCode).toBe(409);
    expect((await store.countConversations()).scheduled).toBe(1);

    const sent = await app.inject({
      method: 'POST',
      url: '/api/conversations/INT-000001/replies',
      headers: bearer,
      payload: { text: 'Bonjour,\n\nPouvez-vous confirmer ?', awaitCustomer: true },
    });
    expect(sent.statusCode).toBe(201);
    const c = await store.getConversation('INT-000001');
    expect(c?.status).toBe('awaiting_customer');
    expect(c?.replies.map((r) => [r.revision, r.status])).toEqual([
      [1, 'sent'],
      [2, 'pending'],
    ]);
    const actions = (await store.listAudit({ subject: 'INT-000001', limit: 10 })).map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual([
      'reply.sent_by_staff',
      'record.correction_withdrawn',
      'record.corrected',
    ]);
  });
});
