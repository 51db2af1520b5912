import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCorrections, withoutCorrections } from '../../src/conversation/corrections.js';
import { createQueues, type Queues } from '../../src/queue/queues.js';
import { message } from '../store/contract/fixtures.js';
import { type Desk, openDesk, signIn } from './support/desk.js';
import { HOSTILE, SECRET_VALUE, seedRecords } from './support/record-fixture.js';

let desk: Desk;
let queues: Queues;
let auth: { cookie: string; csrf: string };
let ids: { firstMessageId: string; secondMessageId: string };
/** INT-000004: a complete request, ready for the workflow. */
const READY = 'INT-000004';

const form = (url: string, fields: Record<string, string>, cookie = auth.cookie) =>
  desk.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
const signedForm = (url: string, fields: Record<string, string>) => form(url, { ...fields, csrf: auth.csrf });
const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, token = desk.token) =>
  desk.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const page = (url: string) => desk.app.inject({ method: 'GET', url, headers: { cookie: auth.cookie } });
const audit = async (id: string, action: string) =>
  (await desk.store.listAudit({ subject: id, limit: 100 })).filter((e) => e.action === action);
const row = (body: string, field: string) =>
  new RegExp(`<tr class="field[^"]*" data-field="${field}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';

beforeAll(async () => {
  queues = createQueues('redis://127.0.0.1:6379', `intake-test-${randomUUID()}`);
  desk = await openDesk({ providerTimeZone: 'Europe/Paris', enqueueReply: (job) => queues.addReply(job) });
  ids = await seedRecords(desk.store);
  await desk.store.commitMessage(
    message({ subject: 'Disque à remplacer', status: 'ready', serviceId: 'SRV-77' }),
  );
  auth = await signIn(desk.app);
});
afterAll(async () => {
  await queues?.reply.obliterate({ force: true });
  await queues?.close();
  await desk?.close();
});

/** Every new route, with a body that would be accepted. */
const FORM_ROUTES: [string, Record<string, string>][] = [
  ['/conversations/INT-000001/corrections', { field: 'backup', value: 'confirmed' }],
  ['/conversations/INT-000001/corrections/backup/withdraw', {}],
  [`/conversations/${READY}/status`, { status: 'scheduled' }],
  ['/conversations/INT-000001/replies', { text: 'Hello' }],
];
const API_ROUTES: ['GET' | 'POST' | 'DELETE', string, unknown][] = [
  ['POST', '/api/conversations/INT-000001/corrections', { field: 'backup', value: 'confirmed' }],
  ['DELETE', '/api/conversations/INT-000001/corrections/backup', undefined],
  ['POST', `/api/conversations/${READY}/status`, { status: 'scheduled' }],
  ['GET', '/api/conversations/INT-000001/reply', undefined],
  ['POST', '/api/conversations/INT-000001/replies', { text: 'Hello' }],
];

describe('access to the actions', () => {
  it('sends anonymous forms to sign in, answers 401 to an anonymous or wrong token, changes nothing', async () => {
    const before = await desk.store.listAudit({ limit: 1000 });
    for (const [url, fields] of FORM_ROUTES) {
      const res = await desk.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe('/login');
    }
    expect(
      (await desk.app.inject({ method: 'GET', url: '/conversations/INT-000001/reply' })).statusCode,
    ).toBe(303);
    for (const token of [null, `intake_${'x'.repeat(43)}`]) {
      for (const [method, url, payload] of API_ROUTES) {
        const res = await desk.app.inject({
          method,
          url,
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(payload === undefined ? {} : { payload: payload as object }),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
      }
    }
    expect(await desk.store.listAudit({ limit: 1000 })).toEqual(before);
  });

  it('refuses a forged form (no or a wrong CSRF token) and a session API call without its token: 403', async () => {
    const before = await desk.store.listAudit({ limit: 1000 });
    for (const [url, fields] of FORM_ROUTES) {
      for (const csrf of [undefined, 'forged', `${auth.csrf.slice(0, -1)}x`]) {
        const res = await form(url, csrf === undefined ? fields : { ...fields, csrf });
        expect(res.statusCode, url).toBe(403);
      }
    }
    const res = await desk.app.inject({
      method: 'POST',
      url: `/api/conversations/${READY}/status`,
      headers: { cookie: auth.cookie },
      payload: { status: 'scheduled' },
    });
    expect(res.statusCode).toBe(403);
    expect(await desk.store.listAudit({ limit: 1000 })).toEqual(before);
    expect((await desk.store.getConversation(READY))?.status).toBe('ready');
  });

  it('answers 404 to an unknown or malformed conversation or field, page and API', async () => {
    for (const [url, fields] of FORM_ROUTES) {
      for (const bad of [url.replace(/INT-00000\d/, 'INT-000099'), url.replace(/INT-00000\d/, 'nope')]) {
        expect((await signedForm(bad, fields)).statusCode, bad).toBe(404);
      }
    }
    for (const [method, url, payload] of API_ROUTES) {
      const res = await api(method, url.replace(/INT-00000\d/, 'INT-000099'), payload);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await page('/conversations/INT-000099/reply')).statusCode).toBe(404);
    expect((await api('DELETE', '/api/conversations/INT-000001/corrections/history')).statusCode).toBe(404);
    // A field that has no correction.
    const none = await api('DELETE', '/api/conversations/INT-000001/corrections/downtime');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: { code: 'correction_not_found' } });
  });

  it('answers 400 to an invalid body, with a code, and changes nothing', async () => {
    const before = await desk.store.listAudit({ limit: 1000 });
    for (const payload of [
      { field: 'backup', value: 'maybe' },
      { field: 'history', value: [] },
      { field: 'ips', value: ['10.0.0.300'] },
      { field: 'power', value: { authorization: 'window', windows: [{ start: 'saturday', end: 'sunday' }] } },
      { field: 'backup', value: 'confirmed', extra: 1 },
      [{ field: 'backup', value: 'confirmed' }],
    ]) {
      const res = await api('POST', '/api/conversations/INT-000001/corrections', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toMatch(/^(body_invalid|bad_request)$/);
    }
    for (const payload of [{ status: 'archived' }, { status: 'awaiting_customer' }, {}]) {
      expect((await api('POST', `/api/conversations/${READY}/status`, payload)).statusCode).toBe(400);
    }
    for (const payload of [{ text: '   ' }, { text: 'Hi', awaitCustomer: 'yes' }, {}]) {
      expect((await api('POST', '/api/conversations/INT-000001/replies', payload)).statusCode).toBe(400);
    }
    expect(
      (await signedForm('/conversations/INT-000001/corrections', { field: 'ips', values: 'not-an-ip' }))
        .statusCode,
    ).toBe(400);
    expect(await desk.store.listAudit({ limit: 1000 })).toEqual(before);
  });
});

describe('correcting a field', () => {
  it('stores a staff correction shown as such, audited with before and after, missing recomputed', async () => {
    const res = await signedForm('/conversations/INT-000001/corrections', {
      field: 'backup',
      value: 'no_backup_acknowledged',
      note: HOSTILE.reason,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/conversations/INT-000001#record');
    const body = (await page('/conversations/INT-000001')).body;
    const backup = row(body, 'backup');
    expect(backup).toContain('no backup acknowledged');
    expect(backup).toMatch(
      /corrected by alice@example\.org at \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Paris; parsed: confirmed/,
    );
    expect(backup).toContain('Note: &lt;script&gt;alert(6)&lt;/script&gt;');
    expect(backup).toContain('action="/conversations/INT-000001/corrections/backup/withdraw"');
    expect(body).not.toContain('<script>alert');
    const [entry] = await audit('INT-000001', 'record.corrected');
    expect(entry).toMatchObject({
      actor: 'desk:alice@example.org',
      details: {
        field: 'backup',
        before: 'confirmed',
        after: 'no_backup_acknowledged',
        note: HOSTILE.reason,
        via: 'session',
        statusBefore: 'needs_review',
        statusAfter: 'needs_review',
      },
    });
    // The record's own policy decides again (an intervention needs no system; the contradiction still
    // needs review).
    const json = (await api('GET', '/api/conversations/INT-000001')).json();
    expect(json.status).toBe('needs_review');
    expect(json.missing).toEqual([]);
    expect(json.corrections).toEqual([
      expect.objectContaining({
        field: 'backup',
        value: 'no_backup_acknowledged',
        by: 'desk:alice@example.org',
        parsedText: 'confirmed',
        later: null,
      }),
    ]);
    // The audit entry is on the page.
    expect(body).toMatch(/<td>desk:alice@example\.org<\/td><td>record\.corrected<\/td>/);
  });

  it('keeps the correction when a later message says otherwise, and shows what the customer wrote', async () => {
    const later = message({
      subject: 'Re: Serveur SRV-4242 bloqué',
      inReplyTo: ids.secondMessageId,
      status: 'needs_review',
    });
    const laterId = later.key.messageId;
    await desk.store.commitMessage({
      ...later,
      // What the worker's advance does: merge into the parsed values, then put the corrections back.
      decide: (id, stored) => {
        const base = later.decide(id, stored)!;
        const parsed = withoutCorrections(stored!);
        return {
          ...base,
          missing: [],
          line: { reviewReasons: ['contradiction:power'] },
          record: applyCorrections({
            ...parsed,
            messageIds: base.record.messageIds,
            backup: { value: 'confirmed', messageId: laterId, evidence: [] },
            history: [...parsed.history, { field: 'backup', value: 'confirmed', messageId: laterId }],
          }),
        };
      },
    });
    const backup = row((await page('/conversations/INT-000001')).body, 'backup');
    expect(backup).toContain('no backup acknowledged');
    expect(backup).toContain('customer later wrote confirmed');
  });

  it('corrects power windows typed in the provider zone and stores them in UTC; lists replace the parsed ones', async () => {
    const power = await signedForm('/conversations/INT-000001/corrections', {
      field: 'power',
      authorization: 'window',
      windows: '2026-07-04 02:00 - 2026-07-04 05:30',
    });
    expect(power.statusCode).toBe(303);
    const c = await desk.store.getConversation('INT-000001');
    expect(c?.record.power.value).toEqual({
      authorization: 'window',
      limited: false,
      windows: [{ start: '2026-07-04T00:00:00.000Z', end: '2026-07-04T03:30:00.000Z' }],
    });
    const ips = await api('POST', '/api/conversations/INT-000001/corrections', {
      field: 'ips',
      value: ['192.0.2.10', '2001:DB8::1'],
    });
    expect(ips.statusCode).toBe(200);
    expect(ips.json()).toMatchObject({ id: 'INT-000001', status: 'needs_review', replyId: null });
    expect((await desk.store.getConversation('INT-000001'))?.record.ips.map((s) => s.value)).toEqual([
      '192.0.2.10',
      '2001:db8::1',
    ]);
    const [entry] = await audit('INT-000001', 'record.corrected');
    expect(entry?.details).toMatchObject({
      field: 'ips',
      before: [],
      after: ['192.0.2.10', '2001:db8::1'],
      via: 'token',
      tokenName: 'helpdesk',
    });
  });

  it('withdraws a correction: the parsed value returns, audited', async () => {
    const res = await signedForm('/conversations/INT-000001/corrections/backup/withdraw', {});
    expect(res.statusCode).toBe(303);
    const c = await desk.store.getConversation('INT-000001');
    expect(c?.record.backup.value).toBe('confirmed');
    expect(c?.record.corrections?.backup).toBeUndefined();
    const [entry] = await audit('INT-000001', 'record.correction_withdrawn');
    expect(entry?.details).toMatchObject({
      field: 'backup',
      before: 'no_backup_acknowledged',
      after: 'confirmed',
    });
    const del = await api('DELETE', '/api/conversations/INT-000001/corrections/ips');
    expect(del.statusCode).toBe(200);
    expect((await desk.store.getConversation('INT-000001'))?.record.ips).toEqual([]);
  });
});

describe('the staff workflow', () => {
  it('moves ready → scheduled → done, refuses other moves with 409, counts the new tabs', async () => {
    const scheduled = await signedForm(`/conversations/${READY}/status`, {
      status: 'scheduled',
      note: 'Tuesday night',
    });
    expect(scheduled.statusCode).toBe(303);
    expect((await desk.store.getConversation(READY))?.status).toBe('scheduled');
    const queue = await page('/?status=scheduled');
    expect(queue.body).toMatch(/Scheduled <span class="count">1<\/span>/);
    expect(queue.body).toContain(`<td class="id">${READY}</td>`);
    const record = await page(`/conversations/${READY}`);
    expect(record.body).toContain('<span class="status status-scheduled">Scheduled</span>');
    expect(record.body).toContain('Mark done');
    const done = await api('POST', `/api/conversations/${READY}/status`, { status: 'done' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done' });
    for (const status of ['ready', 'scheduled', 'done']) {
      const res = await api('POST', `/api/conversations/${READY}/status`, { status });
      expect(res.statusCode, status).toBe(409);
      expect(res.json()).toMatchObject({ error: { code: 'status_transition_invalid' } });
    }
    // needs_review cannot be scheduled: the form answers the same refusal.
    expect((await signedForm('/conversations/INT-000001/status', { status: 'scheduled' })).statusCode).toBe(
      409,
    );
    const entries = await audit(READY, 'status.changed');
    expect(entries.map((e) => [e.details.before, e.details.after, e.actor])).toEqual([
      ['scheduled', 'done', 'desk:alice@example.org'],
      ['ready', 'scheduled', 'desk:alice@example.org'],
    ]);
    expect(entries[1]?.details.note).toBe('Tuesday night');
    const counts = (await api('GET', '/api/conversations')).json().counts;
    expect(counts).toMatchObject({ done: 1, scheduled: 0 });
  });
});

describe('replies written by staff', () => {
  it('proposes the reply the record calls for, in the thread', async () => {
    // A reinstall after all: the record now calls for the system and the data-loss statement.
    const types = await api('POST', '/api/conversations/INT-000001/corrections', {
      field: 'requestTypes',
      value: ['os_reinstall'],
    });
    expect(types.json().missing).toEqual(expect.arrayContaining(['os_choice', 'data_loss_ack']));
    const res = await page('/conversations/INT-000001/reply');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /<textarea id="reply-text" name="text"[^>]*>Hello,\n\nThank you for your message/,
    );
    expect(res.body).toContain('Operating system: give the distribution');
    const json = (await api('GET', '/api/conversations/INT-000001/reply')).json();
    expect(json.proposal).toMatchObject({
      to: 'client@customer.example',
      subject: 'Re: Serveur SRV-4242 bloqué [INT-000001]',
      language: 'en',
    });
    expect(json.proposal.references.slice(0, 2)).toEqual([ids.firstMessageId, ids.secondMessageId]);
  });

  it("refuses a text that contains one of the conversation's secrets, without echoing it", async () => {
    for (const text of [`the password is ${SECRET_VALUE}`, `x${SECRET_VALUE}x`]) {
      const res = await api('POST', '/api/conversations/INT-000001/replies', { text });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'reply_contains_secret' } });
      expect(res.body).not.toContain(SECRET_VALUE);
      const page = await signedForm('/conversations/INT-000001/replies', { text, action: 'send' });
      expect(page.statusCode).toBe(400);
      expect(page.body).not.toContain(SECRET_VALUE);
    }
    expect(await audit('INT-000001', 'reply.sent_by_staff')).toEqual([]);
  });

  it('sends it back to the customer: next revision in the outbox, threaded, queued, audited', async () => {
    const text = `Hello,\n\nCould you confirm the access? ${HOSTILE.subject}\n\nRegards`;
    const res = await signedForm('/conversations/INT-000001/replies', { text, action: 'await' });
    expect(res.statusCode).toBe(303);
    const c = await desk.store.getConversation('INT-000001');
    expect(c?.status).toBe('awaiting_customer');
    const reply = c!.replies.at(-1)!;
    expect(reply).toMatchObject({
      revision: 2,
      status: 'pending',
      to: 'client@customer.example',
      subject: 'Re: Serveur SRV-4242 bloqué [INT-000001]',
      text: `${text}\n`,
      headers: {},
    });
    expect(reply.inReplyTo).not.toBe(ids.secondMessageId);
    expect(reply.references).toEqual(
      expect.arrayContaining([ids.firstMessageId, ids.secondMessageId, reply.inReplyTo]),
    );
    expect(reply.references.at(-1)).toBe(reply.inReplyTo);
    expect(reply.html).toContain('&lt;script&gt;');
    expect(reply.html).not.toContain('<script>');
    const job = await queues.reply.getJob(`reply-${reply.id}`);
    expect(job?.data).toEqual({ replyId: reply.id, conversationId: 'INT-000001', revision: 2 });
    const [entry] = await audit('INT-000001', 'reply.sent_by_staff');
    expect(entry?.details).toMatchObject({
      replyId: reply.id,
      after: `${text}\n`,
      statusBefore: 'needs_review',
      statusAfter: 'awaiting_customer',
    });
    expect(entry?.details.before).toMatch(/^Hello,\n\nThank you for your message/);
    // The timeline shows it, escaped.
    const body = (await page('/conversations/INT-000001')).body;
    expect(body).toContain('Could you confirm the access?');
    expect(body).not.toContain('<script>alert(1)');
    // Through the API, the status is left as it is unless asked.
    const again = await api('POST', '/api/conversations/INT-000001/replies', { text: 'One more thing.' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ status: 'awaiting_customer', replyId: expect.any(Number) });
  });
});
