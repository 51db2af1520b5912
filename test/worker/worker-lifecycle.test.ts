import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';
import { spawnWorkerProcess } from '../support/worker-process.js';

const request = (i: number) => reinstallRequest(i);

/** The reply rows of the conversation a customer message started. */
async function repliesTo(store: Store, messageId: string) {
  const { rows } = await store.listConversations({ limit: 100, offset: 0 });
  for (const row of rows) {
    const conversation = await store.getConversation(row.id);
    if (conversation?.messages.some((m) => m.messageId === messageId)) return conversation.replies;
  }
  return [];
}

/** A wall-clock stopwatch around a promise. */
async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work;
  return { value, ms: Date.now() - start };
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('intake worker stops within its bound', () => {
  it('exits when idle with status 0, logs out of IDLE, and flushes its last line', async () => {
    h = await startHarness({ env: { INTAKE_TAKEOVER_MS: '2000' } });
    const worker = h.spawnWorker();
    await eventually(
      async () => (worker.output().includes('watching mailbox') ? true : undefined),
      30_000,
      'the worker to watch the mailbox with IDLE',
    );
    // A message through the whole path first, so that the pooled IMAP and SMTP connections are open too.
    await h.dovecot.append('INBOX', request(1).raw);
    await h.smtp.waitFor(1, 20_000);
    const { value: code, ms } = await timed(worker.kill('SIGTERM'));
    expect(code).toBe(0);
    // Far below the 30 s default bound: nothing was in flight.
    expect(ms).toBeLessThan(15_000);
    const out = worker.output();
    expect(out).toContain('"msg":"stopping"');
    expect(out).toContain('stopped watching mailbox');
    expect(out.trimEnd().split('\n').at(-1)).toContain('worker stopped');
    expect(out).not.toMatch(/"level":(50|60)/);
    // Every IMAP session the worker opened ended with a LOGOUT, none cut off by the process exiting.
    const dovecotLog = h.dovecot.log();
    const ends = dovecotLog.split('\n').filter((l) => /imap\(.*Disconnected/.test(l));
    expect(ends.length).toBeGreaterThanOrEqual(2);
    expect(ends.filter((l) => !/Logged out/.test(l))).toEqual([]);
  });

  it('exits at INTAKE_STOP_TIMEOUT_MS while an SMTP send hangs; the reply is never sent twice', async () => {
    h = await startHarness({
      // The send deadline (twice the SMTP timeout, 40 s) outlasts the stop bound (3 s).
      env: { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '20000', INTAKE_STOP_TIMEOUT_MS: '3000' },
    });
    h.smtp.script([{ stage: 'data', hang: true }]);
    const worker = h.spawnWorker();
    const first = request(2);
    await h.dovecot.append('INBOX', first.raw);
    await eventually(
      async () => (h!.smtp.events.some((e) => e.code === 'hang') ? true : undefined),
      30_000,
      'the reply to reach DATA and hang',
    );
    const store = await h.openStore();
    try {
      expect((await repliesTo(store, first.messageId)).map((r) => r.status)).toEqual(['sending']);
      const { value: code, ms } = await timed(worker.kill('SIGTERM'));
      // It waited for the send in flight, up to the bound, then gave up on it.
      expect(code).toBe(1);
      expect(ms).toBeGreaterThanOrEqual(2_500);
      expect(ms).toBeLessThan(20_000);
      const out = worker.output();
      expect(out).toContain('"msg":"stopping"');
      expect(out.trimEnd().split('\n').at(-1)).toContain('stop took too long; exiting');
      // Cut off mid-transaction: the outbox still says `sending`, not `pending` (which would be resent).
      expect((await repliesTo(store, first.messageId)).map((r) => r.status)).toEqual(['sending']);

      // The next process (a short SMTP deadline, so its grace for a reply in flight is 14 s) settles it.
      const next = h.spawnWorker({ INTAKE_SMTP_TIMEOUT_MS: '2000' });
      const second = request(3);
      await h.dovecot.append('INBOX', second.raw);
      const delivered = await h.smtp.waitFor(1, 30_000);
      expect(delivered.map((m) => m.inReplyTo)).toEqual([second.messageId]);
      await eventually(
        async () => {
          const statuses = (await repliesTo(store, first.messageId)).map((r) => r.status);
          return statuses[0] === 'uncertain' ? statuses : undefined;
        },
        60_000,
        'the interrupted reply to be settled as uncertain',
      );
      // Not in the Sent folder, so not known to be delivered; and never sent again.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(h.smtp.messages.filter((m) => m.inReplyTo === first.messageId)).toEqual([]);
      expect(await next.kill('SIGTERM')).toBe(0);
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('intake worker refuses a bad configuration at start', () => {
  it('lists every problem of the environment at once and exits 70 before connecting anywhere', async () => {
    const worker = spawnWorkerProcess({
      INTAKE_IMAP_URL: 'http://mail.example/INBOX',
      INTAKE_SMTP_URL: 'smtp://127.0.0.1:1',
      INTAKE_INGEST_CONCURRENCY: '0',
      INTAKE_STOP_TIMEOUT_MS: '5',
      LOG_LEVEL: 'loud',
    });
    expect(await worker.exited).toBe(70);
    const out = worker.output();
    expect(out).toContain('config_invalid');
    for (const key of ['INTAKE_IMAP_URL', 'INTAKE_INGEST_CONCURRENCY', 'INTAKE_STOP_TIMEOUT_MS', 'LOG_LEVEL'])
      expect(out).toContain(`${key}:`);
    expect(out).not.toContain('worker started');
  });

  it('lists every key the worker needs that is missing', async () => {
    const worker = spawnWorkerProcess({ NODE_ENV: 'production', DATABASE_URL: 'file:/nonexistent/x.db' });
    expect(await worker.exited).toBe(70);
    const out = worker.output();
    for (const key of ['INTAKE_IMAP_URL', 'INTAKE_SMTP_URL', 'INTAKE_SECRET_KEY'])
      expect(out).toContain(`${key}:`);
    expect(out).not.toContain('worker started');
  });
});
