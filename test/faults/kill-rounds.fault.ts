import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MAILER_DEFAULTS } from '../../src/mailer/smtp-mailer.js';
import type { Store } from '../../src/store/store.js';
import { type Harness, startHarness } from '../support/worker-harness.js';
import type { WorkerProcess } from '../support/worker-process.js';
import { audit } from './audit.js';
import { feed } from './feeder.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';
import { faultSeed, requestMix, seededRandom } from './request-mix.js';
import { logCounter, settle, sleep } from './settle.js';

/** Short takeover and SMTP deadlines, so that a killed worker's lease and jobs pass on within seconds. */
const FAST = { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '2000' };
const MESSAGES = 500;
const KILLS = 10;

/** Where a round ends: after a delay, or once this process has committed so many more messages. */
type KillPoint = { after: 'delay'; ms: number } | { after: 'commits'; n: number };

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

it('SIGKILLs the worker at ten random points while 500 messages arrive: none lost, none twice', async () => {
  const seed = faultSeed();
  // Printed first, so that a failing run can be replayed with INTAKE_FAULT_SEED.
  process.stdout.write(`[fault] kill-rounds seed ${seed} (replay: INTAKE_FAULT_SEED=${seed})\n`);
  const random = seededRandom(seed);
  const messages = requestMix(MESSAGES, random);
  const points: KillPoint[] = Array.from({ length: KILLS }, () =>
    random() < 0.5
      ? { after: 'delay', ms: 800 + Math.floor(random() * 3_500) }
      : { after: 'commits', n: 5 + Math.floor(random() * 60) },
  );
  // Half the restarts at once, the others after a short pause (the lease and job locks then expire first).
  const pauses = points.map(() => (random() < 0.5 ? 0 : Math.floor(random() * 1_500)));
  // The feeder's batches and pauses, drawn up front so that the run does not depend on timing for its draws.
  const batches: [number, number][] = [];
  for (let fed = 0; fed < MESSAGES; ) {
    const size = Math.min(MESSAGES - fed, 5 + Math.floor(random() * 25));
    batches.push([size, 200 + Math.floor(random() * 1_300)]);
    fed += size;
  }

  h = await startHarness({ env: FAST });
  const harness = h;
  const started = Date.now();
  const feeder = feed(harness, messages, batches);

  const workers: WorkerProcess[] = [];
  const rounds: string[] = [];
  const kills: number[] = [];
  for (const [round, point] of points.entries()) {
    const worker = harness.spawnWorker();
    workers.push(worker);
    const roundStart = Date.now();
    const commits = logCounter(worker.output, 'message processed');
    if (point.after === 'delay') await sleep(point.ms);
    else {
      // A process that never gets to commit (waiting for the lease or the dead one's job locks) is still
      // killed in the end: the round is bounded.
      while (commits() < point.n && Date.now() - roundStart < 10_000) await sleep(20);
    }
    const committed = commits();
    kills.push(Date.now());
    expect(await worker.kill('SIGKILL'), `round ${round + 1}: the worker died of the SIGKILL`).toBeNull();
    rounds.push(`${point.after === 'delay' ? `${point.ms}ms` : `${point.n}c`}:${committed}/${feeder.fed()}`);
    if (pauses[round]! > 0) await sleep(pauses[round]!);
  }
  const last = harness.spawnWorker();
  workers.push(last);
  await feeder.done;

  const store = await harness.openStore();
  try {
    // Replies cut by a kill stay `sending` for the send deadline plus grace (about 14 s here) before they
    // are settled from the Sent folder or marked uncertain.
    const left = await settle(harness, store, 120_000);
    const report = await audit(harness, { appended: feeder.appended, store });
    const captured = harness.smtp.messages.map((m) => m.inReplyTo);
    const cut = await uncertainPerKill(store, kills);
    const answeredTwice = captured.filter((id, i) => captured.indexOf(id) !== i);
    recordFigures({
      scenario: 'kill-rounds',
      seconds: (Date.now() - started) / 1000,
      faults: KILLS,
      notes: {
        seed,
        kills: KILLS,
        messages: feeder.appended.length,
        'follow-ups held back for good': feeder.dropped.length,
        records: report.conversations,
        replies: report.replies.sent ?? 0,
        uncertain: report.replies.uncertain ?? 0,
        // Uncertain replies the SMTP peer did receive (cut between its answer and the store's `sent`).
        'uncertain received': report.captured - (report.replies.sent ?? 0),
        duplicates: report.duplicated.length + report.duplicateReplies.length + answeredTwice.length,
        losses: report.lost.length,
        // Per round: kill point, messages this process committed, messages fed by then.
        rounds: rounds.join(' '),
        'uncertain per kill': cut.perKill.join(' '),
      },
      audit: report,
    });

    // INTAKE_FAULT_LOGS=DIR keeps every process's log there, to see what a failing run went through.
    const logs = process.env.INTAKE_FAULT_LOGS;
    if (logs) {
      mkdirSync(logs, { recursive: true });
      for (const [i, w] of workers.entries()) writeFileSync(join(logs, `worker-${i + 1}.log`), w.output());
    }
    expect(left, `not settled; failed jobs ${JSON.stringify(report.failedJobs)}`).toBeNull();
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(feeder.appended.length);
    // Only a follow-up whose request's reply never went out (uncertain) is never written.
    expect(feeder.dropped.length).toBeLessThanOrEqual(report.replies.uncertain ?? 0);
    expect(report.failedJobs).toEqual([]);
    // A kill inside an SMTP transaction leaves that reply uncertain; nothing else is allowed. The worker
    // runs one transaction per pooled SMTP connection, so a kill can cut at most that many: every
    // uncertain reply was claimed before a kill, by the process that kill ended, at most that many a kill.
    const statuses = Object.keys(report.replies).filter((s) => s !== 'sent' && s !== 'uncertain');
    expect(statuses).toEqual([]);
    expect(cut.unexplained).toBe(0);
    for (const n of cut.perKill) expect(n).toBeLessThanOrEqual(MAILER_DEFAULTS.maxConnections);
    // No customer message was answered twice, whatever the Message-ID.
    expect(answeredTwice).toEqual([]);
    // Every incomplete request was answered (or is uncertain), none of the complete ones.
    const incomplete = messages.filter((m) => m.kind === 'incomplete').length;
    expect((report.replies.sent ?? 0) + (report.replies.uncertain ?? 0)).toBe(incomplete);
    // Follow-ups joined their request's conversation, answering our reply.
    const followUps = messages.filter((m) => m.kind === 'follow-up').length;
    expect(followUps - feeder.dropped.length).toBeGreaterThan(0);
    expect(report.conversations).toBe(MESSAGES - followUps);
    // The last process never crashed on what the others left behind.
    await last.kill('SIGTERM');
    expect(last.output()).not.toMatch(/"level":(50|60)/);
  } finally {
    await store.close();
  }
});

/**
 * Uncertain replies counted against the kill that cut them: the first kill after the reply's claim, within
 * the send deadline (a claim older than that was not in a transaction any more); `unexplained` when none.
 */
async function uncertainPerKill(
  store: Store,
  kills: readonly number[],
): Promise<{ perKill: number[]; unexplained: number }> {
  const perKill = kills.map(() => 0);
  const deadline = Number(FAST.INTAKE_SMTP_TIMEOUT_MS) * 2;
  let unexplained = 0;
  const { rows } = await store.listConversations({ limit: 100_000, offset: 0 });
  for (const row of rows) {
    for (const reply of (await store.getConversation(row.id))?.replies ?? []) {
      if (reply.status !== 'uncertain') continue;
      const claimed = reply.claimedAt ? Date.parse(reply.claimedAt) : Number.NaN;
      const k = kills.findIndex((t) => t >= claimed && t - claimed <= deadline);
      if (k >= 0) perKill[k]!++;
      else unexplained++;
    }
  }
  return { perKill, unexplained };
}
