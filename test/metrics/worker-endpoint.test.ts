import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/dovecot-host.js';
import { type RedisServer, startRedisServer } from '../../scripts/redis-server.js';
import { customerMail } from '../support/customer-mail.js';
import { parseExposition, sampleValue } from '../support/prom-text.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; ms: number; detail?: string }>;
}

const get = async (url: string) => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text() };
  } catch {
    return null;
  }
};
const readiness = async (base: string) => {
  const res = await get(`${base}/readyz`);
  return res ? { status: res.status, body: JSON.parse(res.text) as Readiness } : null;
};

describe('`intake worker` serves /metrics, /healthz and /readyz on INTAKE_METRICS_PORT', () => {
  // A Redis of the test's own: it is stopped under the workers (the machine's shared one never is).
  let redis: RedisServer;
  let h: Harness;
  beforeAll(async () => {
    redis = await startRedisServer();
    h = await startHarness({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await h?.stop();
    await redis?.stop();
  });

  it('serves the endpoint from the CLI; a second process on the same port refuses to start', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = h.spawnWorker({ INTAKE_METRICS_PORT: String(port) });
    const live = await eventually(
      async () => ((await get(`${base}/healthz`))?.status === 200 ? true : undefined),
      30_000,
      `/healthz on ${base}\n${first.output()}`,
    );
    expect(live).toBe(true);
    const ready = await eventually(
      async () => {
        const r = await readiness(base);
        return r?.status === 200 && !r.body.checks.imap?.detail ? r : undefined;
      },
      30_000,
      'the lease holder to be ready',
    );
    expect(ready.body.checks).toMatchObject({
      redis: { ok: true },
      database: { ok: true },
      imap: { ok: true },
    });

    const request = customerMail({
      subject: 'Reinstall',
      body: 'Hello,\n\nPlease reinstall Debian 12 on 198.51.100.7.\n\nRegards',
    });
    await h.dovecot.append('INBOX', request.raw);
    await h.smtp.waitFor(1, 20_000);
    const metrics = await eventually(
      async () => {
        const res = await get(`${base}/metrics`);
        const m = res ? parseExposition(res.text) : null;
        return m && sampleValue(m, 'intake_replies_total', { outcome: 'sent' }) === 1 ? m : undefined;
      },
      10_000,
      'the sent reply in /metrics',
    );
    expect(sampleValue(metrics, 'intake_messages_total', { outcome: 'committed' })).toBe(1);
    expect(sampleValue(metrics, 'intake_mailbox_leader')).toBe(1);

    const second = h.spawnWorker({ INTAKE_METRICS_PORT: String(port) });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain('metrics_port_in_use');
    // The first one is untouched.
    expect((await get(`${base}/healthz`))?.status).toBe(200);
    expect(await first.kill('SIGTERM')).toBe(0);
    expect(await get(`${base}/healthz`)).toBeNull();
  });

  it('keeps a process without the lease ready, and answers 503 naming redis while Redis is down', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const leader = h.spawnWorker({ INTAKE_METRICS_PORT: String(portA) });
    const a = `http://127.0.0.1:${portA}`;
    await eventually(
      async () => ((await readiness(a))?.body.checks.imap?.detail === undefined ? true : undefined),
      30_000,
      `the first worker to hold the lease\n${leader.output()}`,
    );
    await eventually(async () => ((await readiness(a))?.status === 200 ? true : undefined), 30_000, 'ready');
    const standby = h.spawnWorker({ INTAKE_METRICS_PORT: String(portB) });
    const b = `http://127.0.0.1:${portB}`;
    const standing = await eventually(
      async () => {
        const r = await readiness(b);
        return r?.status === 200 ? r : undefined;
      },
      30_000,
      `the standby to be ready\n${standby.output()}`,
    );
    expect(standing.body.checks.imap).toEqual({
      ok: true,
      ms: expect.any(Number),
      detail: expect.stringMatching(/^standby/),
    });
    const m = parseExposition((await get(`${b}/metrics`))!.text);
    expect(sampleValue(m, 'intake_mailbox_leader')).toBe(0);
    expect(sampleValue(m, 'intake_imap_connection_state', { state: 'disconnected' })).toBe(1);
    // Only the lease holder counts the mailbox.
    expect(sampleValue(m, 'intake_mailbox_unprocessed_messages')).toBeUndefined();

    await redis.restart(async () => {
      for (const base of [a, b]) {
        const down = await eventually(
          async () => {
            const r = await readiness(base);
            return r?.status === 503 ? r : undefined;
          },
          15_000,
          `503 from ${base} with Redis down`,
        );
        expect(down.body.ok).toBe(false);
        expect(down.body.checks.redis).toMatchObject({ ok: false, detail: expect.any(String) });
        expect(down.body.checks.database?.ok).toBe(true);
        expect((await get(`${base}/healthz`))?.status).toBe(200);
        // A scrape still answers, without the queue depths it cannot read.
        const started = Date.now();
        const scraped = parseExposition((await get(`${base}/metrics`))!.text);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(sampleValue(scraped, 'intake_metrics_source_up', { source: 'queues' })).toBe(0);
        expect(
          sampleValue(scraped, 'intake_queue_jobs', { queue: 'ingest', state: 'waiting' }),
        ).toBeUndefined();
      }
    });
    for (const base of [a, b])
      await eventually(
        async () => ((await readiness(base))?.status === 200 ? true : undefined),
        30_000,
        `${base} ready again`,
      );
    expect(await standby.kill('SIGTERM')).toBe(0);
    expect(await leader.kill('SIGTERM')).toBe(0);
  });
});
