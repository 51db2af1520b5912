import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { type TestDatabases, testDatabases } from '../support/postgres.js';
import { eventually, type Harness, SECRET_KEY, startHarness } from '../support/worker-harness.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';
import {
  auditWhenSettled,
  commitFirstThenBurst,
  committed,
  logEntries,
  secondsSince,
  sleep,
  withWorkerLog,
} from './settle.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * Issue 6: the database unreachable for 10 s while mail arrives. The worker reaches PostgreSQL through a
 * loopback proxy that the test cuts (live connections reset, new ones refused) and restores, so that the
 * machine's server stays up for everyone else. The ingest jobs meet connection errors, which must count as
 * transient: they are retried, and after the restore every message is committed once, nothing is stuck and
 * no job has failed for good. The test reads the database directly, not through the proxy.
 */
const FAST = { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '2000', INTAKE_SWEEP_MS: '2000' };
const OUTAGE_MS = 10_000;

const request = (i: number) => reinstallRequest(i);

let databases: TestDatabases | null = null;
let proxy: TcpProxy | null = null;
let h: Harness | null = null;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  await h?.stop();
  await proxy?.close();
  await databases?.dropAll();
  store = null;
  h = null;
  proxy = null;
  databases = null;
});

describe('fault: the database unavailable under the worker', () => {
  it('rides out 10 s without PostgreSQL while mail arrives: retried, then every message committed once', async () => {
    databases = await testDatabases();
    const direct = await databases.fresh();
    const target = new URL(direct);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(direct);
    proxied.port = String(proxy.port);
    store = await createStore(direct, { secretKey: Buffer.from(SECRET_KEY, 'hex') });
    await store.migrate();
    // One message read at a time, so that a burst handed over just before the cut is still queued and
    // its jobs meet the outage (the watch itself cannot hand anything over without the database).
    h = await startHarness({
      databaseUrl: proxied.toString(),
      env: { ...FAST, INTAKE_INGEST_CONCURRENCY: '1' },
    });
    const worker = h.spawnWorker();
    const mail = Array.from({ length: 18 }, (_, i) => request(i + 1));
    const start = Date.now();
    await commitFirstThenBurst(h, store!, worker, mail[0]!, mail.slice(1, 11), { handedOver: true });
    proxy.cut();
    const cutAt = Date.now();
    // A COMMIT the server had read just before the cut may still land: count after it has.
    await sleep(500);
    const before = await committed(store);
    for (const m of mail.slice(11, 16)) {
      await h.dovecot.append('INBOX', m.raw);
      await sleep(OUTAGE_MS / 6);
    }
    await sleep(Math.max(0, cutAt + OUTAGE_MS - Date.now()));
    // Nothing can commit through a cut proxy: the scenario really took the database away.
    const duringOutage = (await committed(store)) - before;
    proxy.restore();
    const restoredAt = Date.now();
    await eventually(
      async () => ((await committed(store!)) > before ? true : undefined),
      60_000,
      'a commit after the restore',
    ).catch(withWorkerLog(worker));
    const firstCommitAfter = secondsSince(restoredAt);
    for (const m of mail.slice(16)) {
      await h.dovecot.append('INBOX', m.raw);
      await sleep(100);
    }
    const report = await auditWhenSettled(
      h,
      mail.map((m) => m.messageId),
      { store, timeoutMs: 60_000 },
    );
    const output = worker.output();
    const attemptsFailed = logEntries(output, /^job failed$/).length;
    recordFigures({
      scenario: 'database-outage',
      seconds: secondsSince(start),
      faults: 1,
      notes: {
        'database down (s)': (OUTAGE_MS / 1000).toFixed(0),
        'attempts failed (retried)': attemptsFailed,
        'restore → first commit (s)': firstCommitAfter.toFixed(1),
      },
      audit: report,
    });
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(mail.length);
    expect(report.replies).toEqual({ sent: mail.length });
    // Transient, every one of them: nothing failed for good.
    expect(report.failedJobs).toEqual([]);
    expect(duringOutage).toBe(0);
    expect(attemptsFailed).toBeGreaterThan(0);
    expect(output).not.toMatch(/"level":60/);
  });
});
