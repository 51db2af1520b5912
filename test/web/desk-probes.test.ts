import { afterEach, describe, expect, it } from 'vitest';
import { createDeskRegistry } from '../../src/metrics/desk-metrics.js';
import { testDatabases } from '../support/postgres.js';
import { parseExposition, sampleValue } from '../support/prom-text.js';
import { type Desk, openDesk } from './support/desk.js';

let desk: Desk | null = null;
afterEach(async () => {
  await desk?.close().catch(() => {});
  desk = null;
});

describe.each(['sqlite', 'postgres'] as const)(
  'the desk’s /healthz, /readyz and /metrics on %s',
  (database) => {
    it('answers all three without signing in; /readyz names the database check', async () => {
      const databases = database === 'postgres' ? await testDatabases() : null;
      try {
        desk = await openDesk({}, databases ? await databases.fresh() : undefined);
        const health = await desk.app.inject({ method: 'GET', url: '/healthz' });
        expect(health.statusCode).toBe(200);
        expect(health.json()).toEqual({ ok: true });
        const ready = await desk.app.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toEqual({
          ok: true,
          checks: { database: { ok: true, ms: expect.any(Number) } },
        });
        const metrics = await desk.app.inject({ method: 'GET', url: '/metrics' });
        expect(metrics.statusCode).toBe(200);
        expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(() => parseExposition(metrics.body)).not.toThrow();

        // The database gone: still alive (no restart would help), not ready, and saying why.
        await desk.store.close();
        expect((await desk.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
        const down = await desk.app.inject({ method: 'GET', url: '/readyz' });
        expect(down.statusCode).toBe(503);
        expect(down.json()).toMatchObject({
          ok: false,
          checks: { database: { ok: false, detail: expect.any(String) } },
        });
      } finally {
        await desk?.app.close();
        desk = null;
        await databases?.dropAll();
      }
    });
  },
);

describe('the desk’s request timings', () => {
  it('times requests by route pattern and status, never by the concrete URL', async () => {
    desk = await openDesk();
    const auth = { authorization: `Bearer ${desk.token}` };
    await desk.app.inject({ method: 'GET', url: '/api/conversations/INT-000001', headers: auth });
    await desk.app.inject({ method: 'GET', url: '/api/conversations/INT-000002', headers: auth });
    await desk.app.inject({ method: 'GET', url: '/no-such-page', headers: auth });
    await desk.app.inject({ method: 'GET', url: '/login' });
    const m = parseExposition((await desk.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(m.types.get('intake_http_request_duration_seconds')).toBe('histogram');
    const count = (route: string, status: string) =>
      sampleValue(m, 'intake_http_request_duration_seconds_count', {
        method: 'GET',
        route,
        status_code: status,
      });
    expect(count('/api/conversations/:id', '404')).toBe(2);
    expect(count('unmatched', '404')).toBe(1);
    expect(count('/login', '200')).toBe(1);
    expect(m.samples.some((s) => Object.values(s.labels).some((v) => v.includes('INT-0000')))).toBe(false);
    // Only the desk's timings by default; `intake web` adds the process metrics.
    expect(sampleValue(m, 'intake_process_cpu_user_seconds_total')).toBeUndefined();
  });

  it('serves the process metrics from the registry `intake web` gives it', async () => {
    desk = await openDesk({ metrics: createDeskRegistry({ processMetrics: true }) });
    const m = parseExposition((await desk.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(sampleValue(m, 'intake_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});
