import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/worker-harness.js';
import { audit } from './audit.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';
import { POISON_MAX_BYTES, type Poison, poisonCorpus } from './poison-corpus.js';
import { faultSeed, incompleteRequest, seededRandom } from './request-mix.js';
import { logCounter, settle } from './settle.js';

/**
 * The production deadlines (INTAKE_SMTP_TIMEOUT_MS 30 s, INTAKE_TAKEOVER_MS 15 s), not the fault suite's
 * short ones: nothing here kills or cuts anything, while some poison keeps the worker's event loop busy
 * for a second or more (hostile HTML, splitter-shaped bodies) and, several in a row on a loaded machine,
 * outlasted 2 s deadlines: the lease lapsed and replies timed out as `uncertain`.
 */
const ENV = { INTAKE_MAX_MESSAGE_BYTES: String(POISON_MAX_BYTES) };
const GOOD = 100;

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

it('poison among good mail: quarantined or read, never a crash, never in the way of the good ones', async () => {
  const seed = faultSeed();
  process.stdout.write(`[fault] poison seed ${seed} (replay: INTAKE_FAULT_SEED=${seed})\n`);
  const random = seededRandom(seed);
  const poison = poisonCorpus(seed);
  const good = Array.from({ length: GOOD }, (_, i) => incompleteRequest(i + 1));
  // Poison spread among the good ones at random places, reproducibly.
  const order: ({ poison: Poison } | { good: (typeof good)[number] })[] = good.map((g) => ({ good: g }));
  for (const p of poison) order.splice(Math.floor(random() * (order.length + 1)), 0, { poison: p });

  h = await startHarness({ env: ENV });
  const harness = h;
  const worker = h.spawnWorker();
  const started = Date.now();
  let delivered = 0;
  for (const item of order) {
    const raw = 'poison' in item ? item.poison.raw : item.good.raw;
    try {
      await harness.dovecot.append('INBOX', raw);
    } catch {
      // What an IMAP client may not APPEND (a NUL byte …) still arrives by local delivery.
      await harness.dovecot.deliver('INBOX', raw);
      delivered++;
    }
  }

  const store = await h.openStore();
  try {
    const left = await settle(h, store, 90_000);
    const appended = order.flatMap((o) => ('poison' in o ? (o.poison.messageId ?? []) : o.good.messageId));
    const anonymous = poison.filter((p) => p.messageId === null);
    const report = await audit(h, { appended, store });
    const quarantine = await store.listQuarantine(1_000, { includeResolved: true });
    const quarantinedIds = new Set(quarantine.map((q) => q.messageId));
    const poisonQuarantined = poison.filter((p) => p.messageId !== null && quarantinedIds.has(p.messageId));
    const processed = await harness.dovecot.list('Processed');
    const folder = await harness.dovecot.list('Quarantine');
    const codes = new Map<string, number>();
    for (const q of quarantine) codes.set(q.code, (codes.get(q.code) ?? 0) + 1);
    const answered = new Set(harness.smtp.messages.map((m) => m.inReplyTo));
    const errors = logCounter(worker.output, 'job failed')();
    recordFigures({
      scenario: 'poison',
      seconds: (Date.now() - started) / 1000,
      faults: poison.length,
      notes: {
        seed,
        poison: poison.length,
        quarantined: quarantine.length,
        committed: poison.length - quarantine.length,
        'ignored (automatic)': report.ignored,
        'delivered locally': delivered,
        'quarantine codes': [...codes].map(([code, n]) => `${code} ${n}`).join(' '),
        'failed job attempts': errors,
        'lease lost': logCounter(worker.output, 'lease lost')(),
      },
      audit: report,
    });

    const logs = process.env.INTAKE_FAULT_LOGS;
    if (logs) {
      mkdirSync(logs, { recursive: true });
      writeFileSync(join(logs, 'poison-worker.log'), worker.output());
    }
    expect(left, worker.output().slice(-3000)).toBeNull();
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.failedJobs).toEqual([]);
    // The same process all along: alive, started once, never a fatal line.
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();
    expect(logCounter(worker.output, 'worker started')()).toBe(1);
    expect(worker.output()).not.toMatch(/"level":60/);
    // No poison kept the event loop so long that the mailbox lease lapsed (12.5 s of 15 s).
    expect(logCounter(worker.output, 'lease lost')()).toBe(0);
    // Every good request committed and answered; no reply cut (poison from one fixture's sender may meet the
    // per-address limits: refused_limit is the policy, not a fault).
    expect(report.replies.uncertain ?? 0).toBe(0);
    expect(report.replies.failed ?? 0).toBe(0);
    const goodIds = new Set(good.map((g) => g.messageId));
    expect(good.filter((g) => !answered.has(g.messageId)).map((g) => g.messageId)).toEqual([]);
    expect(quarantine.filter((q) => q.messageId !== null && goodIds.has(q.messageId))).toEqual([]);
    // Each quarantined message is in the store's quarantine and the Quarantine folder, and nowhere else;
    // the oversized one among them.
    const ids = (list: { messageId: string | null }[]) => list.flatMap((m) => m.messageId ?? []).sort();
    expect(ids(quarantine)).toEqual(ids(poisonQuarantined));
    expect(ids(folder)).toEqual(ids(poisonQuarantined));
    expect(quarantine.map((q) => q.code)).toContain('message_too_large');
    // What no Message-ID names was refused: quarantined, in the folder too, none committed.
    const refused = quarantine.filter((q) => q.messageId === null);
    expect(refused.length).toBe(anonymous.length);
    expect(refused.map((q) => q.code).sort()).toEqual(
      expect.arrayContaining(['message_empty', 'message_not_rfc5322']),
    );
    expect(folder.length).toBe(quarantine.length);
    expect(processed.length).toBe(report.committed);
  } finally {
    await store.close();
  }
});
