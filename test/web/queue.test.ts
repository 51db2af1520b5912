import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/web/desk-secrets.js';
import { message, secret } from '../store/contract/fixtures.js';
import { type Desk, EMAIL, openDesk, PASSWORD, signIn } from './support/desk.js';

const HOSTILE = {
  subject: '<script>alert(1)</script> disk "><img src=x onerror=alert(1)>',
  from: '"><img src=x onerror=alert(2)>@evil.example',
  server: 'javascript:alert(3)',
  text: '<a href="javascript:alert(4)">click</a> <style>body{display:none}</style>',
};
const SECRET_VALUE = 'Tr0ub4dor&3-root-password';

const NOW = new Date('2026-03-03T12:00:00.000Z');
let desk: Desk;
let auth: { cookie: string; csrf: string; sessionId: string };
const page = (url: string) => desk.app.inject({ method: 'GET', url, headers: { cookie: auth.cookie } });
const api = (url: string) =>
  desk.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${desk.token}` } });

beforeAll(async () => {
  desk = await openDesk({ now: () => NOW });
  // 60 conversations, oldest first: 1-20 ready, 21-50 awaiting the customer, 51-59 need review, 60 hostile.
  for (let i = 1; i <= 59; i++) {
    await desk.store.commitMessage(
      message({
        subject: `Request ${i}`,
        status: i <= 20 ? 'ready' : i <= 50 ? 'awaiting_customer' : 'needs_review',
        serviceId: `SRV-${1000 + i}`,
      }),
    );
  }
  await desk.store.commitMessage(
    message({
      subject: HOSTILE.subject,
      from: HOSTILE.from,
      serviceId: HOSTILE.server,
      newText: `${HOSTILE.text} le mot de passe est [[SECRET-1]]`,
      status: 'needs_review',
      secrets: [secret(SECRET_VALUE)],
    }),
  );
  auth = await signIn(desk.app);
});
afterAll(() => desk?.close());

const ids = (body: string) => [...body.matchAll(/<td class="id">(INT-\d+)<\/td>/g)].map((m) => m[1]);

describe('the queue page', () => {
  it('lists conversations newest first, 50 a page, with the count of each status', async () => {
    const res = await page('/');
    expect(res.statusCode).toBe(200);
    const shown = ids(res.body);
    expect(shown).toHaveLength(50);
    expect(shown[0]).toBe('INT-000060');
    expect(shown[49]).toBe('INT-000011');
    expect(res.body).toContain('1–50 of 60, newest first');
    expect(res.body).toMatch(/All <span class="count">60<\/span>/);
    expect(res.body).toMatch(/Ready <span class="count">20<\/span>/);
    expect(res.body).toMatch(/Awaiting customer <span class="count">30<\/span>/);
    expect(res.body).toMatch(/Needs review <span class="count">10<\/span>/);
    expect(res.body).toMatch(/Ignored <span class="count">0<\/span>/);
    expect(res.body).toContain('<a rel="next" href="/?page=2">Older</a>');
    const second = await page('/?page=2');
    expect(ids(second.body)).toEqual(
      Array.from({ length: 10 }, (_, i) => `INT-${String(10 - i).padStart(6, '0')}`),
    );
    expect(second.body).toContain('<a rel="prev" href="/">Newer</a>');
  });

  it('shows per row the id, type, server, what is missing, the subject and the last customer message', async () => {
    const res = await page('/?status=ready&limit=1');
    const row = /<tbody>([\s\S]*)<\/tbody>/.exec(res.body)?.[1] ?? '';
    expect(row).toContain('<td class="id">INT-000020</td>');
    expect(row).toContain('Ready');
    expect(row).toContain('<span class="none">unknown</span>');
    expect(row).toContain('<td>SRV-1020</td>');
    expect(row).toContain('<ul class="missing"><li>os</li></ul>');
    expect(row).toContain('Request 20');
    expect(row).toContain('<time datetime="2026-03-03T09:00:01.000Z">2026-03-03 09:00 UTC</time>');
    expect(row).toContain('<div class="age">2 h</div>');
  });

  it('filters by status and searches, keeping the filter in the page links', async () => {
    const ready = await page('/?status=ready');
    expect(ids(ready.body)).toHaveLength(20);
    expect(ready.body).toContain('aria-current="page">Ready');
    const review = await page('/?status=needs_review&limit=5&page=2');
    expect(ids(review.body)).toEqual(['INT-000055', 'INT-000054', 'INT-000053', 'INT-000052', 'INT-000051']);
    expect(review.body).toContain('href="/?status=needs_review&amp;limit=5">Newer</a>');
    const search = await page('/?q=srv-1007');
    expect(ids(search.body)).toEqual(['INT-000007']);
    expect(search.body).toMatch(/Ready <span class="count">1<\/span>/);
    expect(search.body).toMatch(/Awaiting customer <span class="count">0<\/span>/);
    expect((await page('/?status=')).statusCode).toBe(200);
  });

  it('answers 400 to a query it does not understand', async () => {
    for (const url of ['/?status=archived', '/?page=0', '/?page=abc', '/?limit=1000', '/?unknown=1']) {
      const res = await page(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
  });
});

describe('hostile content', () => {
  it('renders subjects, senders and servers as escaped text', async () => {
    const res = await page('/?status=needs_review&limit=1');
    expect(ids(res.body)).toEqual(['INT-000060']);
    // Only the markup is neutralised: `javascript:alert(3)` is shown as the text it is, never as a link.
    for (const value of [HOSTILE.subject, HOSTILE.from]) expect(res.body).not.toContain(value);
    // No element, event-handler attribute or link made of the values: only their text.
    expect(res.body).not.toMatch(/<(script|img|style)\b|<[^>]*\son\w+=|href="javascript:/i);
    expect(res.body).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; disk &quot;&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(res.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;@evil.example');
    expect(res.body).toContain('<td>javascript:alert(3)</td>');
    // A search for the hostile text is echoed escaped in the search box.
    const echoed = await page(`/?q=${encodeURIComponent('"><script>alert(5)</script>')}`);
    expect(echoed.statusCode).toBe(200);
    expect(echoed.body).toContain('value="&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"');
    expect(echoed.body).not.toContain('<script>alert(5)');
  });

  it('returns the same values as JSON data on the API', async () => {
    const res = await api('/api/conversations?status=needs_review&limit=1');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toMatchObject({
      total: 10,
      page: 1,
      pageSize: 1,
      counts: { all: 60, ready: 20, awaiting_customer: 30, needs_review: 10, ignored: 0 },
      conversations: [
        { id: 'INT-000060', subject: HOSTILE.subject, server: HOSTILE.server, missing: ['os'] },
      ],
    });
  });
});

describe('the API', () => {
  it('pages and filters like the page, and refuses a bad query with 400 JSON', async () => {
    const res = await api('/api/conversations?status=ready&page=2&limit=15');
    const body = res.json();
    expect(body.total).toBe(20);
    expect(body.conversations.map((c: { id: string }) => c.id)).toEqual([
      'INT-000005',
      'INT-000004',
      'INT-000003',
      'INT-000002',
      'INT-000001',
    ]);
    expect(body.conversations[0]).toEqual({
      id: 'INT-000005',
      subject: 'Request 5',
      status: 'ready',
      missing: ['os'],
      requestTypes: [],
      server: 'SRV-1005',
      customer: 'client@customer.example',
      language: 'en',
      lastCustomerMessageAt: '2026-03-03T09:00:01.000Z',
      updatedAt: expect.any(String),
    });
    const bad = await api('/api/conversations?status=archived');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: { code: 'query_invalid', message: expect.stringContaining('status') },
    });
  });
});

describe('secrets', () => {
  it('never appear in any response: customer secrets, passwords, hashes, tokens, session ids, CSRF secrets', async () => {
    const staff = await desk.store.findStaff(EMAIL);
    const session = await desk.store.findSession(sha256Hex(auth.sessionId), NOW);
    const forbidden = [
      SECRET_VALUE,
      PASSWORD,
      staff!.passwordHash,
      desk.token,
      auth.sessionId,
      session!.csrfSecret,
    ];
    const responses = [
      await page('/'),
      await page('/?status=needs_review'),
      await page(`/?q=${encodeURIComponent('mot de passe')}`),
      await api('/api/conversations?limit=200'),
      await api('/api/conversations?status=needs_review'),
      await desk.app.inject({ method: 'GET', url: '/login' }),
      await page('/?status=bad'),
      await desk.app.inject({ method: 'GET', url: '/healthz' }),
    ];
    for (const res of responses) {
      const text = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const value of forbidden) expect(text).not.toContain(value);
    }
    // The search does find the conversation (the placeholder, not the value, is stored in its text).
    expect(ids(responses[2]!.body)).toEqual(['INT-000060']);
  });
});
