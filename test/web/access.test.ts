import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/web/desk-secrets.js';
import { cookieValue, type Desk, EMAIL, openDesk, PASSWORD, postLogin, signIn } from './support/desk.js';

let desk: Desk | null = null;
const open = async (...args: Parameters<typeof openDesk>) => {
  desk = await openDesk(...args);
  return desk;
};
afterEach(async () => {
  await desk?.close();
  desk = null;
});

const PAGES = ['/', '/?status=ready', '/?page=2', '/no-such-page'];
const API = [
  '/api/conversations',
  '/api/conversations?status=needs_review',
  '/api/openapi.json',
  '/api/nothing-here',
];

describe('every route but the sign-in page, the stylesheet and /healthz needs a session or a token', () => {
  it('sends anonymous browsers to /login and answers 401 JSON on the API', async () => {
    const { app } = await open();
    for (const url of PAGES) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/login');
    }
    for (const url of API) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json(), url).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    const logout = await app.inject({ method: 'POST', url: '/logout' });
    expect(logout.statusCode).toBe(303);
    expect(logout.headers.location).toBe('/login');
    for (const url of ['/login', '/desk.css', '/healthz']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const css = await app.inject({ method: 'GET', url: '/desk.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('table.queue');
  });

  it('refuses a wrong, malformed or revoked token with 401, pages included', async () => {
    const { app, store, token, tokenId } = await open();
    const wrong =
      `${token.slice(0, -4)}AAAA` === token ? `${token.slice(0, -4)}BBBB` : `${token.slice(0, -4)}AAAA`;
    for (const authorization of [`Bearer ${wrong}`, 'Bearer nope', `Basic ${token}`, token, 'Bearer ']) {
      for (const url of [...PAGES, ...API]) {
        const res = await app.inject({ method: 'GET', url, headers: { authorization } });
        expect(res.statusCode, `${authorization} ${url}`).toBe(401);
      }
    }
    expect(
      (await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    await store.revokeApiToken(tokenId);
    const revoked = await app.inject({
      method: 'GET',
      url: '/api/conversations',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toBe('The API token is not valid.');
  });

  it('serves every page and API route to a signed-in session and to a valid token', async () => {
    const { app, token, store } = await open();
    const { cookie } = await signIn(app);
    for (const headers of [{ cookie }, { authorization: `Bearer ${token}` }]) {
      for (const url of ['/', '/?status=ready', '/?page=2']) {
        const res = await app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain(EMAIL);
      }
      const api = await app.inject({ method: 'GET', url: '/api/conversations', headers });
      expect(api.statusCode).toBe(200);
      expect(api.json()).toMatchObject({ total: 0, page: 1, conversations: [] });
      expect((await app.inject({ method: 'GET', url: '/no-such-page', headers })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/api/nothing-here', headers })).statusCode).toBe(404);
    }
    // The token's use is recorded.
    expect((await store.useApiToken(sha256Hex(token), new Date()))?.lastUsedAt).not.toBeNull();
  });
});

describe('sign-in', () => {
  it('signs in with the right password in any case of the email, sets a strict cookie and audits it', async () => {
    const { app, store } = await open();
    const res = await postLogin(app, { email: 'ALICE@Example.org', password: PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const session = res.cookies.find((c) => c.name === 'intake_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 12 * 3600 });
    expect(session.secure).toBeUndefined();
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the digest of the session id is stored.
    expect(await store.findSession(sha256Hex(session.value), new Date())).toMatchObject({
      staff: { email: EMAIL },
    });
    expect(await store.findSession(session.value, new Date())).toBeNull();
    const audit = await store.listAudit({ subject: `staff:${EMAIL}`, limit: 5 });
    expect(audit[0]).toMatchObject({ actor: `desk:${EMAIL}`, action: 'staff.sign_in' });
  });

  it('sets Secure cookies when configured, or in auto mode behind a trusted TLS proxy', async () => {
    const always = await openDesk({ secureCookies: 'always' });
    try {
      const res = await postLogin(always.app, { email: EMAIL, password: PASSWORD });
      expect(res.cookies.find((c) => c.name === 'intake_session')?.secure).toBe(true);
      const form = await always.app.inject({ method: 'GET', url: '/login' });
      expect(form.cookies.find((c) => c.name === 'intake_login_csrf')).toMatchObject({
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
      });
    } finally {
      await always.close();
    }
    const { app } = await open({ secureCookies: 'auto', trustProxy: ['127.0.0.1'] });
    const viaTls = await app.inject({
      method: 'GET',
      url: '/login',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(viaTls.cookies.find((c) => c.name === 'intake_login_csrf')?.secure).toBe(true);
    const plain = await app.inject({ method: 'GET', url: '/login' });
    expect(plain.cookies.find((c) => c.name === 'intake_login_csrf')?.secure).toBeUndefined();
  });

  it('refuses a wrong password, an unknown email and a disabled account alike, and audits why', async () => {
    const { app, store } = await open();
    await store.addStaff({
      email: 'bob@example.org',
      passwordHash: (await store.findStaff(EMAIL))!.passwordHash,
    });
    await store.setStaffDisabled('bob@example.org', true);
    const answers = [];
    for (const [email, password] of [
      [EMAIL, 'wrong password'],
      ['nobody@example.org', PASSWORD],
      ['bob@example.org', PASSWORD],
    ] as const) {
      const res = await postLogin(
        app,
        { email, password },
        { remoteAddress: `10.0.0.${answers.length + 1}` },
      );
      expect(res.statusCode, email).toBe(401);
      expect(cookieValue(res, 'intake_session'), email).toBeUndefined();
      answers.push(res.body.replace(/value="[^"]*"/g, ''));
    }
    // The same page whatever the reason (only the echoed email differs).
    expect(answers[0]).toContain('Wrong email or password.');
    expect(answers[1]!.replace('nobody@example.org', EMAIL)).toBe(answers[0]);
    const reasons = async (email: string) =>
      (await store.listAudit({ subject: `staff:${email}`, limit: 5 })).map((e) => [
        e.action,
        e.details.reason,
      ]);
    expect(await reasons(EMAIL)).toEqual([['staff.sign_in_failed', 'wrong_password']]);
    expect(await reasons('nobody@example.org')).toEqual([['staff.sign_in_failed', 'unknown_email']]);
    expect(await reasons('bob@example.org')).toEqual([['staff.sign_in_failed', 'disabled']]);
    // A password typed into the email field is not written to the audit.
    await postLogin(app, { email: PASSWORD, password: PASSWORD }, { remoteAddress: '10.0.0.9' });
    const last = (await store.listAudit({ limit: 1 }))[0];
    expect(last).toMatchObject({ action: 'staff.sign_in_failed', subject: 'staff:(not an email address)' });
    expect(JSON.stringify(last)).not.toContain(PASSWORD);
    const empty = await postLogin(app, { email: '', password: '' });
    expect(empty.statusCode).toBe(400);
  });

  it('answers 429 after 5 failures for one email (from any address) and for one address (any email)', async () => {
    const { app, store } = await open();
    for (let i = 0; i < 5; i++) {
      const res = await postLogin(
        app,
        { email: EMAIL, password: `guess ${i}` },
        { remoteAddress: `10.1.0.${i}` },
      );
      expect(res.statusCode).toBe(401);
    }
    // Even the right password is refused while the account is throttled.
    const blocked = await postLogin(
      app,
      { email: EMAIL, password: PASSWORD },
      { remoteAddress: '10.1.0.99' },
    );
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Too many failed sign-ins');
    expect(blocked.body).toMatch(/Try again in 15 minutes/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    expect(cookieValue(blocked, 'intake_session')).toBeUndefined();
    expect((await store.listAudit({ subject: `staff:${EMAIL}`, limit: 1 }))[0]).toMatchObject({
      action: 'staff.sign_in_refused',
      details: { reason: 'too_many_failures' },
    });

    for (let i = 0; i < 5; i++) {
      const res = await postLogin(
        app,
        { email: `x${i}@example.org`, password: 'x' },
        { remoteAddress: '10.2.0.1' },
      );
      expect(res.statusCode).toBe(401);
    }
    const sameAddress = await postLogin(
      app,
      { email: 'y@example.org', password: 'x' },
      { remoteAddress: '10.2.0.1' },
    );
    expect(sameAddress.statusCode).toBe(429);
    const otherAddress = await postLogin(
      app,
      { email: 'y@example.org', password: 'x' },
      { remoteAddress: '10.2.0.2' },
    );
    expect(otherAddress.statusCode).toBe(401);
  });

  it('refuses a sign-in form without the pre-session CSRF pair (a forged cross-site login)', async () => {
    const { app } = await open();
    const fields = { email: EMAIL, password: PASSWORD };
    for (const options of [
      { cookie: null },
      { csrf: 'forged' },
      { cookie: 'A'.repeat(43) },
      { cookie: null, csrf: '' },
    ]) {
      const res = await postLogin(app, fields, options);
      expect(res.statusCode, JSON.stringify(options)).toBe(403);
      expect(cookieValue(res, 'intake_session')).toBeUndefined();
    }
  });
});

describe('request rate limit', () => {
  it('answers 429 past the requests allowed per address per minute, as JSON on the API', async () => {
    const { app, token } = await open({ requestsPerMinute: 3 });
    const headers = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ method: 'GET', url: '/api/conversations', headers })).statusCode).toBe(200);
    }
    const api = await app.inject({ method: 'GET', url: '/api/conversations', headers });
    expect(api.statusCode).toBe(429);
    expect(api.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/^Too many requests/) },
    });
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
    const page = await app.inject({ method: 'GET', url: '/login' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const elsewhere = await app.inject({ method: 'GET', url: '/login', remoteAddress: '10.9.9.9' });
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('refuses a form POST without or with a wrong CSRF token (403), and signs out with the right one', async () => {
    const { app, store } = await open();
    const { cookie, csrf, sessionId } = await signIn(app);
    const post = (payload: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/logout',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload,
      });
    for (const payload of ['', 'csrf=', `csrf=${csrf.slice(0, -1)}x`, 'csrf=forged']) {
      const res = await post(payload);
      expect(res.statusCode, payload).toBe(403);
      expect(await store.findSession(sha256Hex(sessionId), new Date()), payload).not.toBeNull();
    }
    const out = await post(`csrf=${encodeURIComponent(csrf)}`);
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(out.cookies.find((c) => c.name === 'intake_session')?.value).toBe('');
    // Deleted server-side: the old cookie no longer works even if a browser kept it.
    expect(await store.findSession(sha256Hex(sessionId), new Date())).toBeNull();
    const after = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(after.statusCode).toBe(303);
    expect((await store.listAudit({ subject: `staff:${EMAIL}`, limit: 1 }))[0]?.action).toBe(
      'staff.sign_out',
    );
  });

  it('accepts the CSRF token in the X-CSRF-Token header too', async () => {
    const { app } = await open();
    const { cookie, csrf } = await signIn(app);
    const res = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(res.statusCode).toBe(303);
  });

  it('expires sessions after their lifetime', async () => {
    let now = Date.parse('2026-06-01T08:00:00Z');
    const { app } = await open({ now: () => new Date(now), sessionTtlMs: 3_600_000 });
    const { cookie } = await signIn(app);
    now += 3_599_000;
    expect((await app.inject({ method: 'GET', url: '/', headers: { cookie } })).statusCode).toBe(200);
    now += 2_000;
    expect((await app.inject({ method: 'GET', url: '/', headers: { cookie } })).statusCode).toBe(303);
  });
});

describe('security headers', () => {
  it('sends a strict CSP and the other helmet headers on pages, the API and refusals', async () => {
    const { app, token } = await open();
    for (const req of [
      { url: '/login' },
      { url: '/' },
      { url: '/', headers: { authorization: `Bearer ${token}` } },
      { url: '/api/conversations', headers: { authorization: `Bearer ${token}` } },
    ]) {
      const res = await app.inject({ method: 'GET', ...req });
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ]) {
        expect(csp, req.url).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeDefined();
      if (req.url !== '/desk.css') expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('has no inline script or style in any page', async () => {
    const { app } = await open();
    const { cookie } = await signIn(app);
    for (const res of [
      await app.inject({ method: 'GET', url: '/login' }),
      await app.inject({ method: 'GET', url: '/', headers: { cookie } }),
    ]) {
      expect(res.body).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
      expect(res.body).toContain('<link rel="stylesheet" href="/desk.css">');
    }
  });
});
