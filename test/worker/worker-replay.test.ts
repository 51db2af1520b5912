import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestOutcome } from '../../src/worker/ingest.js';
import { customerMail } from '../support/customer-mail.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const SMALL = 48 * 1024;

describe('intake replay against real servers', () => {
  let h: Harness;
  const outcomes: [string | null, IngestOutcome][] = [];
  const outcomeOf = (messageId: string, n = 1) =>
    eventually(
      async () => {
        const seen = outcomes.filter(([id]) => id === messageId).map(([, o]) => o);
        return seen.length >= n ? seen : undefined;
      },
      10_000,
      `ingest of ${messageId}`,
    );
  const replay = async (...args: string[]) => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'replay', ...args], {
        env: { PATH: process.env.PATH ?? '', ...h.env, LOG_LEVEL: 'error' },
      });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout + e.stderr };
    }
  };

  beforeAll(async () => {
    h = await startHarness({ env: { INTAKE_MAX_MESSAGE_BYTES: String(SMALL) } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('puts a quarantined message back through the worker once the cause is fixed, and audits it', async () => {
    const first = await h.startWorker({ onCommitted: (job, _ms, o) => outcomes.push([job.messageId, o]) });
    const big = customerMail({
      subject: 'Reinstall, logs attached',
      body: `Hello,\n\nPlease reinstall Ubuntu 24.04 on 203.0.113.77.\n\nLogs:\n${'kernel: eth0 link down\n'.repeat(3_000)}`,
    });
    expect(big.raw.length).toBeGreaterThan(SMALL);
    await h.dovecot.append('INBOX', big.raw);
    expect(await outcomeOf(big.messageId)).toEqual(['quarantined']);
    await first.stop();

    // The fix: a larger limit. The worker runs again; replay hands it the message.
    await h.startWorker(
      { onCommitted: (job, _ms, o) => outcomes.push([job.messageId, o]) },
      { INTAKE_MAX_MESSAGE_BYTES: String(1024 * 1024) },
    );
    const run = await replay(big.messageId);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^requeued +<.+> +back in INBOX as UID \d+ and queued \(was quarantined: message_too_large\)$/m,
    );
    expect(await outcomeOf(big.messageId, 2)).toEqual(['quarantined', 'committed']);
    const [reply] = await h.smtp.waitFor(1, 10_000);
    expect(reply!.inReplyTo).toBe(big.messageId);

    const store = await h.openStore();
    try {
      expect(await store.listQuarantine(10)).toEqual([]);
      const audit = await store.listAudit({ subject: big.messageId, limit: 10 });
      expect(audit.map((a) => [a.action, a.details.code])).toEqual([['replay', 'message_too_large']]);
    } finally {
      await store.close();
    }
    expect((await h.dovecot.list('Quarantine')).map((m) => m.messageId)).not.toContain(big.messageId);
    expect((await h.dovecot.list('Processed')).map((m) => m.messageId)).toContain(big.messageId);

    // Replaying it again does nothing: the customer is not answered twice.
    const again = await replay(big.messageId);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      /^already_processed .* already processed \(INT-\d{6}\): nothing to replay$/m,
    );
  });

  it('says so when there is nothing to replay, and refuses an ambiguous command line', async () => {
    expect(await replay('--quarantine')).toEqual({ code: 0, stdout: 'nothing to replay\n' });
    expect(await replay('--failed')).toEqual({ code: 0, stdout: 'nothing to replay\n' });
    const unknown = await replay('<nobody@nowhere.example>');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('not_found');
    const both = await replay('--quarantine', '<x@y>');
    expect(both.code).toBe(2);
    expect(both.stdout).toContain('give one MESSAGE-ID, or --quarantine, or --failed');
  });
});
