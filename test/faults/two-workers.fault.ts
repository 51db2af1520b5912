import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parseImapUrl } from '../../src/mailbox/imap-url.js';
import { redisConnection } from '../../src/queue/queues.js';
import { testDatabases } from '../support/postgres.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';
import type { WorkerProcess } from '../support/worker-process.js';
import { audit } from './audit.js';
import { feed } from './feeder.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';
import { faultSeed, requestMix, seededRandom } from './request-mix.js';
import { logCounter, settle, sleep } from './settle.js';

// A takeover within 4 s: short enough for the suite, long enough that a loaded machine's pauses do not pass
// the lease from a live holder to the other process (that would be correct, but not what is checked here).
const FAST = { INTAKE_TAKEOVER_MS: '4000', INTAKE_SMTP_TIMEOUT_MS: '2000' };
const MESSAGES = 200;
const AFTER = 20;

let h: Harness | null = null;
let dropDatabases: (() => Promise<void>) | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
  await dropDatabases?.();
  dropDatabases = null;
});

/**
 * IMAP sessions of this Dovecot instance in IDLE, from the process titles Dovecot keeps up to date with
 * `verbose_proctitle` (`dovecot-<instance>/imap [user 127.0.0.1 IDLE]`): what the server sees, whatever the
 * workers log.
 */
function idleSessions(instance: string): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (title.includes(`${instance}/imap [`) && title.includes(' IDLE]')) n++;
  }
  return n;
}

it('two workers on one mailbox: one IDLE, work shared, each message and reply once, takeover on SIGKILL', async () => {
  const seed = faultSeed();
  process.stdout.write(`[fault] two-workers seed ${seed} (replay: INTAKE_FAULT_SEED=${seed})\n`);
  const random = seededRandom(seed);
  const messages = requestMix(MESSAGES + AFTER, random, 20);
  const databases = await testDatabases();
  dropDatabases = () => databases.dropAll();
  // PostgreSQL, as production runs several workers: both processes share the store, the queues and Redis.
  h = await startHarness({ databaseUrl: await databases.fresh(), env: FAST });
  const harness = h;
  appendFileSync(h.dovecot.configPath, '\nverbose_proctitle = yes\n');
  await h.dovecot.restart();
  const instance = basename(h.dovecot.dir);
  const imap = parseImapUrl(h.config.INTAKE_IMAP_URL!);
  const leaseKey = `${h.config.INTAKE_QUEUE_PREFIX}:mailbox-lease:${imap.user}@${imap.host}:${imap.port}/INBOX`;
  const redis = redisConnection(h.config.REDIS_URL);
  const store = await h.openStore();

  // Sampled all along: IDLE sessions the server has, and who holds the lease.
  let sampling = true;
  const idle: number[] = [];
  const holders = new Set<string>();
  const sampler = (async () => {
    while (sampling) {
      idle.push(idleSessions(instance));
      const holder = await redis.get(leaseKey);
      if (holder) holders.add(holder.split(':').pop()!);
      await sleep(50);
    }
  })();

  const started = Date.now();
  try {
    const a = h.spawnWorker();
    await eventually(
      async () => (a.output().includes('"msg":"watching mailbox"') ? true : undefined),
      30_000,
      'the first worker to watch the mailbox',
    );
    const b = h.spawnWorker();
    await eventually(
      async () => (b.output().includes('"msg":"worker started"') ? true : undefined),
      30_000,
      'the second worker to start',
    );
    const workers = { [String(a.child.pid)]: a, [String(b.child.pid)]: b };
    const processed = Object.fromEntries(
      Object.entries(workers).map(([pid, w]) => [pid, logCounter(w.output, 'message processed')]),
    );
    const batches = Array.from({ length: 20 }, () => [10, 100 + Math.floor(random() * 400)] as const);
    const first = feed(h, messages.slice(0, MESSAGES), batches);
    await first.done;
    const leftBefore = await settle(h, store, 60_000);
    const idleBefore = [...idle];
    const holdersBefore = [...holders];
    const watching = Object.entries(workers)
      .filter(([, w]) => w.output().includes('"msg":"watching mailbox"'))
      .map(([pid]) => pid);
    const committedBefore = Object.fromEntries(Object.entries(processed).map(([pid, n]) => [pid, n()]));

    // Kill the lease holder; the other one must take the mailbox over and new mail still flow.
    const holderPid = (await redis.get(leaseKey))?.split(':').pop() ?? '';
    const holder: WorkerProcess | undefined = workers[holderPid];
    const [survivorPid, survivor] = Object.entries(workers).find(([pid]) => pid !== holderPid)!;
    expect(holder, `lease held by ${holderPid}, workers ${Object.keys(workers)}`).toBeDefined();
    expect(await holder!.kill('SIGKILL')).toBeNull();
    const killedAt = Date.now();
    await eventually(
      async () => ((await redis.get(leaseKey))?.endsWith(`:${survivorPid}`) ? true : undefined),
      30_000,
      'the surviving worker to take the lease',
    );
    await eventually(
      async () => (idleSessions(instance) === 1 ? true : undefined),
      30_000,
      'the surviving worker to IDLE',
    );
    const takeoverSeconds = (Date.now() - killedAt) / 1000;
    const second = feed(h, messages.slice(MESSAGES), [[AFTER, 0]]);
    await second.done;
    const left = await settle(h, store, 60_000);
    sampling = false;
    await sampler;

    const appended = [...first.appended, ...second.appended];
    const report = await audit(harness, { appended, store });
    const after = processed[survivorPid]!() - committedBefore[survivorPid]!;
    recordFigures({
      scenario: 'two-workers',
      seconds: (Date.now() - started) / 1000,
      faults: 1,
      notes: {
        seed,
        'committed by each before the kill': Object.values(committedBefore).join(' + '),
        'committed by the survivor after': after,
        'max IDLE sessions': Math.max(...idle),
        'takeover s': takeoverSeconds.toFixed(1),
      },
      audit: report,
    });

    expect(leftBefore).toBeNull();
    expect(left).toBeNull();
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(appended.length);
    expect(report.failedJobs).toEqual([]);
    // Nothing was in flight when the holder died: every reply went out, once.
    expect(Object.keys(report.replies)).toEqual(['sent']);
    const answered = harness.smtp.messages.map((m) => m.inReplyTo);
    expect(new Set(answered).size).toBe(answered.length);
    // Before the kill: the server saw one IDLE session at most at any time (and some), one process held
    // the lease and watched the mailbox, and both committed messages.
    expect(Math.max(...idleBefore)).toBe(1);
    expect(holdersBefore).toEqual([holderPid]);
    expect(watching).toEqual([holderPid]);
    for (const n of Object.values(committedBefore)) expect(n).toBeGreaterThan(0);
    expect(Object.values(committedBefore).reduce((x, y) => x + y, 0)).toBe(first.appended.length);
    // After it: still one IDLE session at most, the survivor's, and it committed every new message.
    expect(Math.max(...idle)).toBe(1);
    expect([...holders].sort()).toEqual([holderPid, survivorPid].sort());
    expect(survivor.output()).toContain('"msg":"took the mailbox lease"');
    expect(after).toBe(second.appended.length);
    expect(survivor.output()).not.toMatch(/"level":(50|60)/);
  } finally {
    sampling = false;
    await sampler;
    redis.disconnect();
    await store.close();
  }
});
