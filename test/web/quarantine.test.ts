import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../src/worker/replay.js';
import { type Desk, openDesk, signIn } from './support/desk.js';

/**
 * The Quarantine tab and the refusals of the Reprocess action. The action itself runs against a real
 * Dovecot and Redis in reprocess-live.test.ts; here the capability must never be reached.
 */
const NOW = new Date('2026-03-03T12:00:00.000Z');
const HOSTILE_REASON = '<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)';

let desk: Desk;
let bare: Desk;
let auth: { cookie: string; csrf: string };
let bareAuth: { cookie: string; csrf: string };
const reached: number[] = [];
const ids: Record<string, number> = {};

const entry = (
  n: number,
  extra: Partial<{ messageId: string | null; reason: string; code: string }> = {},
) => ({
  mailbox: 'INBOX',
  uidValidity: '1700000000',
  uid: 100 + n,
  messageId: `<q${n}@customer.example>`,
  contentHash: null,
  code: 'mime_unreadable',
  reason: `the MIME structure of ${n} does not parse`,
  ...extra,
});

beforeAll(async () => {
  desk = await openDesk({
    now: () => NOW,
    reprocess: async (id): Promise<ReplayResult> => {
      reached.push(id);
      throw new Error('the capability must not be reached by a refused request');
    },
  });
  bare = await openDesk({ now: () => NOW });
  // 55 entries, the 3rd resolved, the 55th hostile: two pages of open ones, newest first.
  for (let n = 1; n <= 55; n++) {
    const id = await desk.store.quarantine(
      entry(n, n === 55 ? { reason: HOSTILE_REASON, code: 'message_too_large', messageId: null } : {}),
    );
    ids[n] = id;
  }
  await desk.store.resolveQuarantine(ids[3]!);
  ids.bare = await bare.store.quarantine(entry(1));
  auth = await signIn(desk.app);
  bareAuth = await signIn(bare.app);
});
afterAll(async () => {
  await desk?.close();
  await bare?.close();
});

const rowIds = (body: string) =>
  [...body.matchAll(/<tr>\s*<td class="id">(\d+)<\/td>/g)].map((m) => Number(m[1]));

describe('the Quarantine tab', () => {
  it('lists open entries newest first, 50 a page, with when, code, reason, Message-ID and mailbox/UID', async () => {
    const res = await desk.app.inject({
      method: 'GET',
      url: '/quarantine',
      headers: { cookie: auth.cookie },
    });
    expect(res.statusCode).toBe(200);
    const shown = rowIds(res.body);
    expect(shown).toHaveLength(50);
    expect(shown[0]).toBe(ids[55]);
    expect(shown).not.toContain(ids[3]);
    expect(res.body).toMatch(/aria-current="page">Quarantine <span class="count">54<\/span>/);
    expect(res.body).toContain('54 entries');
    expect(res.body).toContain('<a rel="next" href="/quarantine?page=2">Older</a>');
    const row = res.body.slice(res.body.indexOf(`<td class="id">${ids[54]}</td>`));
    expect(row).toContain('<code>mime_unreadable</code>');
    expect(row).toContain('the MIME structure of 54 does not parse');
    expect(row).toContain('&lt;q54@customer.example&gt;');
    expect(row).toContain('UIDVALIDITY 1700000000, UID 154');
    expect(row).toMatch(/<time datetime="[^"]+">2026-\d\d-\d\d \d\d:\d\d Europe\/Paris<\/time>/);
    expect(row).toContain(`<form method="post" action="/quarantine/${ids[54]}/reprocess" class="reprocess">`);
    expect(row).toContain(`<input type="hidden" name="csrf" value="${auth.csrf}">`);
    const second = await desk.app.inject({
      method: 'GET',
      url: '/quarantine?page=2',
      headers: { cookie: auth.cookie },
    });
    expect(rowIds(second.body)).toEqual([ids[5], ids[4], ids[2], ids[1]]);
  });

  it('shows resolved entries too when asked, without a Reprocess button', async () => {
    const res = await desk.app.inject({
      method: 'GET',
      url: '/quarantine?resolved=1&page=2',
      headers: { cookie: auth.cookie },
    });
    expect(rowIds(res.body)).toEqual([ids[5], ids[4], ids[3], ids[2], ids[1]]);
    const resolved = res.body.slice(res.body.indexOf(`<td class="id">${ids[3]}</td>`));
    expect(resolved.slice(0, resolved.indexOf('</tr>'))).toMatch(/resolved 2\d{3}-/);
    expect(resolved.slice(0, resolved.indexOf('</tr>'))).not.toContain('<form');
    expect(res.body).toContain('href="/quarantine">Open entries only</a>');
    expect(res.body).toContain('<a rel="prev" href="/quarantine?resolved=1">Newer</a>');
  });

  it('renders hostile reasons as text', async () => {
    const res = await desk.app.inject({
      method: 'GET',
      url: '/quarantine',
      headers: { cookie: auth.cookie },
    });
    expect(res.body).not.toContain(HOSTILE_REASON);
    expect(res.body).not.toMatch(/<(script|img)\b|<[^>]*\son\w+=|href="javascript:/i);
    expect(res.body).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt; javascript:alert(3)',
    );
  });

  it('counts open entries on the queue tabs too', async () => {
    const res = await desk.app.inject({ method: 'GET', url: '/', headers: { cookie: auth.cookie } });
    expect(res.body).toMatch(/<a href="\/quarantine">Quarantine <span class="count">54<\/span>/);
  });

  it('serves the same data on GET /api/quarantine and refuses a bad query', async () => {
    const res = await desk.app.inject({
      method: 'GET',
      url: '/api/quarantine?limit=2&resolved=true',
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      total: 55,
      open: 54,
      page: 1,
      pageSize: 2,
      includeResolved: true,
      reprocessAvailable: true,
      entries: [
        { id: ids[55], code: 'message_too_large', reason: HOSTILE_REASON, messageId: null, resolvedAt: null },
        {
          id: ids[54],
          mailbox: 'INBOX',
          uidValidity: '1700000000',
          uid: 154,
          messageId: '<q54@customer.example>',
          createdAt: expect.any(String),
        },
      ],
    });
    for (const url of ['/api/quarantine?resolved=maybe', '/api/quarantine?page=0', '/api/quarantine?x=1']) {
      const bad = await desk.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${desk.token}` },
      });
      expect(bad.statusCode, url).toBe(400);
      expect(bad.json().error.code).toBe('query_invalid');
    }
  });
});

describe('Reprocess refusals', () => {
  const post = (app: Desk['app'], url: string, headers: Record<string, string>, payload?: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: payload ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' } : headers,
      ...(payload ? { payload } : {}),
    });

  it('refuses anonymous requests, wrong tokens and forged forms', async () => {
    const id = ids[10];
    const anonymousPage = await post(desk.app, `/quarantine/${id}/reprocess`, {});
    expect(anonymousPage.statusCode).toBe(303);
    expect(anonymousPage.headers.location).toBe('/login');
    const anonymousApi = await post(desk.app, `/api/quarantine/${id}/reprocess`, {});
    expect(anonymousApi.statusCode).toBe(401);
    const anonymousList = await desk.app.inject({ method: 'GET', url: '/quarantine?resolved=1' });
    expect(anonymousList.statusCode).toBe(303);
    expect(anonymousList.headers.location).toBe('/login');
    expect((await desk.app.inject({ method: 'GET', url: '/api/quarantine' })).statusCode).toBe(401);
    for (const url of [
      `/quarantine/${id}/reprocess`,
      `/api/quarantine/${id}/reprocess`,
      '/quarantine',
      '/api/quarantine',
    ]) {
      const wrong = await desk.app.inject({
        method: url.includes('reprocess') ? 'POST' : 'GET',
        url,
        headers: { authorization: `Bearer ${desk.token.slice(0, -4)}AAAA` },
      });
      expect(wrong.statusCode, url).toBe(401);
    }
    // A cross-site form carries the cookie but no token of the session: 403 before anything runs.
    const forged = await post(desk.app, `/quarantine/${id}/reprocess`, { cookie: auth.cookie }, 'x=1');
    expect(forged.statusCode).toBe(403);
    const wrongCsrf = await post(
      desk.app,
      `/quarantine/${id}/reprocess`,
      { cookie: auth.cookie },
      'csrf=nope',
    );
    expect(wrongCsrf.statusCode).toBe(403);
    expect(reached).toEqual([]);
    expect(await desk.store.listAudit({ subject: `quarantine:${id}`, limit: 5 })).toEqual([]);
  });

  it('answers 404 for an unknown or malformed id and 409 for a resolved entry', async () => {
    const bearer = { authorization: `Bearer ${desk.token}` };
    for (const id of ['999999', '0', 'abc', '-1']) {
      const api = await post(desk.app, `/api/quarantine/${id}/reprocess`, bearer);
      expect(api.statusCode, id).toBe(404);
      expect(api.json().error.code).toBe('not_found');
    }
    const page = await post(
      desk.app,
      '/quarantine/999999/reprocess',
      { cookie: auth.cookie },
      `csrf=${auth.csrf}`,
    );
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const resolved = await post(desk.app, `/api/quarantine/${ids[3]}/reprocess`, bearer);
    expect(resolved.statusCode).toBe(409);
    expect(resolved.json().error.code).toBe('already_resolved');
    const resolvedPage = await post(
      desk.app,
      `/quarantine/${ids[3]}/reprocess`,
      { cookie: auth.cookie },
      `csrf=${auth.csrf}`,
    );
    expect(resolvedPage.statusCode).toBe(409);
    expect(resolvedPage.body).toContain('is already resolved');
    expect(reached).toEqual([]);
  });

  it('without a mailbox and queue: the page says why the button is off, the API answers 503', async () => {
    const page = await bare.app.inject({
      method: 'GET',
      url: '/quarantine',
      headers: { cookie: bareAuth.cookie },
    });
    expect(page.body).toContain('Reprocessing is off');
    expect(page.body).toContain('INTAKE_IMAP_URL');
    expect(page.body).toMatch(
      /<button type="button" disabled title="Reprocessing is off[^"]*">Reprocess<\/button>/,
    );
    expect(page.body).not.toContain('action="/quarantine/');
    const api = await bare.app.inject({
      method: 'POST',
      url: `/api/quarantine/${ids.bare}/reprocess`,
      headers: { authorization: `Bearer ${bare.token}` },
    });
    expect(api.statusCode).toBe(503);
    expect(api.json()).toEqual({
      error: { code: 'reprocess_unavailable', message: expect.stringContaining('INTAKE_IMAP_URL') },
    });
    const form = await post(
      bare.app,
      `/quarantine/${ids.bare}/reprocess`,
      { cookie: bareAuth.cookie },
      `csrf=${bareAuth.csrf}`,
    );
    expect(form.statusCode).toBe(503);
    expect(
      (
        await bare.app.inject({
          method: 'GET',
          url: '/api/quarantine',
          headers: { authorization: `Bearer ${bare.token}` },
        })
      ).json(),
    ).toMatchObject({ reprocessAvailable: false });
  });

  it('audits and answers 502 when the mailbox or the queue fails, leaving the entry open', async () => {
    const res = await post(desk.app, `/api/quarantine/${ids[20]}/reprocess`, {
      authorization: `Bearer ${desk.token}`,
    });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('reprocess_failed');
    expect(reached).toEqual([ids[20]]);
    const [audit] = await desk.store.listAudit({ subject: `quarantine:${ids[20]}`, limit: 5 });
    expect(audit).toMatchObject({
      actor: 'desk:alice@example.org',
      action: 'quarantine.reprocess',
      details: {
        quarantineId: ids[20],
        before: { resolvedAt: null },
        after: { resolvedAt: null },
        result: { action: 'failed', error: 'internal_error' },
        via: 'token',
      },
    });
    expect((await desk.store.getQuarantine(ids[20]!))?.resolvedAt).toBeNull();
  });
});
