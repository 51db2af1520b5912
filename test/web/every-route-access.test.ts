import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Desk, openDesk, signIn } from './support/desk.js';
import { seedRecords } from './support/record-fixture.js';

/**
 * Every route the desk registers, found as fastify adds it (not from a list kept by hand): each one that is
 * not marked public refuses a request without a session or token, and one with a wrong token, before it
 * reads anything — so that a route added later is covered the day it is added.
 */
const routes: { method: string; url: string; isPublic: boolean }[] = [];
let desk: Desk;

/** Path parameters filled with values that name something real in the seeded store. */
const SAMPLE: Record<string, string> = { id: 'INT-000001', secretId: '1', field: 'backup' };
const concrete = (url: string) => url.replace(/:([A-Za-z]+)/g, (_, name: string) => SAMPLE[name] ?? '1');

beforeAll(async () => {
  desk = await openDesk({
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        routes.push({
          method,
          url: route.url,
          isPublic: (route.config as { public?: boolean } | undefined)?.public === true,
        });
      }
    },
  });
  await seedRecords(desk.store);
});
afterAll(() => desk?.close());

describe('every registered route', () => {
  it('finds the routes of every part of the desk', () => {
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'GET /',
      'GET /quarantine',
      'GET /conversations/:id',
      'POST /conversations/:id/corrections',
      'POST /api/conversations/:id/status',
      'POST /api/quarantine/:id/reprocess',
      'GET /api/openapi.json',
    ])
      expect(urls).toContain(expected);
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual(['GET /desk.css', 'GET /healthz', 'GET /login', 'GET /metrics', 'GET /readyz', 'POST /login']);
  });

  it('refuses anonymous requests and a wrong token on each protected route, and changes nothing', async () => {
    const protectedRoutes = routes.filter((r) => !r.isPublic);
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(20);
    const auditBefore = (await desk.store.listAudit({ limit: 1000 })).length;
    for (const route of protectedRoutes) {
      const url = concrete(route.url);
      const method = route.method as 'GET' | 'POST' | 'DELETE';
      const what = `${method} ${url}`;
      const api = url.startsWith('/api/');
      const anonymous = await desk.app.inject({ method, url });
      if (api) expect(anonymous.statusCode, what).toBe(401);
      else if (method === 'GET' || [302, 303].includes(anonymous.statusCode)) {
        // Pages send a browser to sign in (a form POST may also be refused outright).
        expect([302, 303], what).toContain(anonymous.statusCode);
        expect(anonymous.headers.location, what).toBe('/login');
      } else expect([401, 403], what).toContain(anonymous.statusCode);
      const wrong = await desk.app.inject({
        method,
        url,
        headers: { authorization: 'Bearer intake_wrongwrongwrongwrongwrongwrongwrong' },
      });
      expect(wrong.statusCode, what).toBe(401);
    }
    // Nothing was corrected, moved, sent or revealed.
    expect((await desk.store.listAudit({ limit: 1000 })).length).toBe(auditBefore);
    expect((await desk.store.getConversation('INT-000001'))?.record.corrections ?? {}).toEqual({});
  });

  it('refuses every protected form POST from a signed-in session without its CSRF token', async () => {
    const { cookie } = await signIn(desk.app);
    const auditBefore = (await desk.store.listAudit({ limit: 1000 })).length;
    const forms = routes.filter((r) => !r.isPublic && r.method !== 'GET' && !r.url.startsWith('/api/'));
    expect(forms.length).toBeGreaterThanOrEqual(6);
    for (const route of forms) {
      const res = await desk.app.inject({
        method: route.method as 'POST',
        url: concrete(route.url),
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'status=scheduled&field=backup&value=confirmed&text=hello',
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
    expect((await desk.store.listAudit({ limit: 1000 })).length).toBe(auditBefore);
  });
});
