import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';
import type { WorkerProcess } from '../support/worker-process.js';
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

/**
 * Issue 6: Dovecot restarted under a running worker, first while it is in IDLE, then while mail is being
 * delivered (written into the maildir, as the local delivery agent does, while the IMAP server is down).
 * The worker has to notice, reconnect with its backoff and process everything once; the scenario prints
 * how long it took from Dovecot being back up to the first new record.
 */
const FAST = { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '2000' };

const request = (i: number) => reinstallRequest(i);

let h: Harness | null = null;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  await h?.stop();
  store = null;
  h = null;
});

/** Waits for more than `before` records; resolves to the seconds from `since`. */
async function firstRecordAfter(
  s: Store,
  before: number,
  since: number,
  what: string,
  worker: WorkerProcess,
): Promise<number> {
  await eventually(async () => ((await committed(s)) > before ? true : undefined), 60_000, what).catch(
    withWorkerLog(worker),
  );
  return secondsSince(since);
}

describe('fault: Dovecot restarted under the worker', () => {
  it('reconnects after a restart in IDLE and after one with mail delivered meanwhile: all processed once', async () => {
    h = await startHarness({ env: FAST });
    store = await h.openStore();
    const worker = h.spawnWorker();
    const mail = Array.from({ length: 14 }, (_, i) => request(i + 1));
    const start = Date.now();
    await commitFirstThenBurst(h, store, worker, mail[0]!, [], { handedOver: false });
    // In IDLE for a while: the first restart finds the watch connection waiting, nothing in flight.
    await sleep(1_000);
    await h.dovecot.restart();
    const upAfterIdle = Date.now();
    await h.dovecot.append('INBOX', mail[1]!.raw);
    const idleRecovery = await firstRecordAfter(
      store,
      1,
      upAfterIdle,
      'a record after the restart in IDLE',
      worker,
    );
    for (const m of mail.slice(2, 6)) {
      await h.dovecot.append('INBOX', m.raw);
      await sleep(150);
    }
    await eventually(
      async () => ((await committed(store!)) >= 6 ? true : undefined),
      30_000,
      '6 commits',
    ).catch(withWorkerLog(worker));

    // Delivered while the server is down: the worker finds them in the backlog once reconnected.
    await h.dovecot.restart(async () => {
      for (const m of mail.slice(6, 11)) {
        await h!.dovecot.deliver('INBOX', m.raw);
        await sleep(300);
      }
    });
    const upAfterDeliveries = Date.now();
    const deliveredRecovery = await firstRecordAfter(
      store,
      6,
      upAfterDeliveries,
      'a record after the restart with deliveries',
      worker,
    );
    for (const m of mail.slice(11)) {
      await h.dovecot.append('INBOX', m.raw);
      await sleep(150);
    }
    const report = await auditWhenSettled(
      h,
      mail.map((m) => m.messageId),
      { store, timeoutMs: 45_000 },
    );
    const output = worker.output();
    const sentCopiesMissing = logEntries(output, /could not append the reply to the Sent folder/).length;
    recordFigures({
      scenario: 'dovecot-restart',
      seconds: secondsSince(start),
      faults: 2,
      notes: {
        'up → first record, restart in IDLE (s)': idleRecovery.toFixed(1),
        'up → first record, restart with deliveries (s)': deliveredRecovery.toFixed(1),
        'Sent copies missing': sentCopiesMissing,
      },
      audit: report,
    });
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(mail.length);
    expect(report.replies).toEqual({ sent: mail.length });
    expect(report.failedJobs).toEqual([]);
    // Generous: the reconnect backoff after a short outage is a few seconds, not the 60 s cap.
    expect(idleRecovery).toBeLessThan(20);
    expect(deliveredRecovery).toBeLessThan(20);
    expect(output).not.toMatch(/"level":60/);
  });
});
