import { afterEach, describe, expect, it } from 'vitest';
import { reinstallRequest } from '../support/customer-mail.js';
import type { ScriptedResponse } from '../support/smtp-capture.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';
import { audit } from './audit.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';

/** Short takeover and SMTP deadlines: a hung SMTP answer times out in 2 s instead of 30. */
const FAST = { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '2000' };
const N = 30;
const customer = (i: number) => `customer${i}@client${i}.example`;
/** The recipient the SMTP peer refuses for good (550 to RCPT TO). */
const BLOCKED = customer(13);
/** The recipient the SMTP peer defers once at RCPT TO (451). */
const DEFERRED = customer(7);

const request = (i: number) => reinstallRequest(i, `Customer ${i} <${customer(i)}>`);

/**
 * Every answer a struggling SMTP relay gives, each once, while 30 replies are due: greetings refused (421),
 * commands deferred (451 to MAIL FROM, to one RCPT TO, to the end of DATA), one recipient refused for good
 * (550) and one end of DATA never answered. Scripted answers apply to the next command of their stage, in
 * this order, whichever reply that command carries.
 */
const SCRIPT: ScriptedResponse[] = [
  { stage: 'connect', code: 421, message: 'Too many connections, try again later' },
  { stage: 'connect', code: 421 },
  { stage: 'mail', code: 451 },
  { stage: 'mail', code: 451 },
  { stage: 'rcpt', code: 451, recipient: DEFERRED },
  { stage: 'rcpt', code: 550, message: '5.1.1 User unknown', recipient: BLOCKED },
  { stage: 'data', code: 451 },
  // The relay takes the message but its answer never comes (held until the peer stops): the worker's socket
  // timeout (2 s) ends the wait not knowing whether it went through. Sending it again would deliver it twice.
  { stage: 'data', hang: true, keep: true },
];

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('fault: the SMTP peer fails in every way it can', () => {
  it('retries 421 and 451, fails the 550 recipient once, never sends a hung reply twice', async () => {
    h = await startHarness({ env: FAST });
    h.smtp.script(SCRIPT);
    const started = Date.now();
    const worker = h.spawnWorker();
    const sent = Array.from({ length: N }, (_, i) => request(i + 1));
    for (const m of sent) await h.dovecot.append('INBOX', m.raw);

    const store = await h.openStore();
    try {
      let seen = '';
      await eventually(
        async () => {
          const { rows } = await store.listConversations({ limit: 1_000, offset: 0 });
          const unsettled = await store.listUnsettledReplies(1_000);
          const inbox = await h!.dovecot.list('INBOX');
          seen = `${rows.length} records, ${inbox.length} in INBOX, unsettled ${JSON.stringify(unsettled.map((r) => [r.to, r.status]))}`;
          return rows.length === N && unsettled.length === 0 && inbox.length === 0 ? true : undefined;
        },
        90_000,
        'every reply to be settled',
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${seen}\n${worker.output().slice(-4_000)}`);
      });
      // Late retries would show up as extra captures: give a stray one the time to arrive.
      await new Promise((r) => setTimeout(r, 1_500));
      const report = await audit(h, { appended: sent.map((m) => m.messageId), store });
      const { rows } = await store.listConversations({ limit: 1_000, offset: 0 });
      const replies = (
        await Promise.all(rows.map(async (r) => (await store.getConversation(r.id))!.replies))
      ).flat();
      const byTo = new Map(replies.map((r) => [r.to.toLowerCase(), r]));
      const retried = replies.filter((r) => r.attempts > 1).length;
      const extraAttempts = replies.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0);
      recordFigures({
        scenario: 'smtp-failures',
        seconds: (Date.now() - started) / 1_000,
        faults: h.smtp.events.length,
        notes: {
          retried,
          extraAttempts,
          smtpConnections: h.smtp.connections,
          answers: h.smtp.events.map((e) => `${e.stage} ${e.code}`).join(' / '),
        },
        audit: report,
      });
      expect(cleanAudit(report)).toEqual(CLEAN);
      expect(report.committed).toBe(N);
      expect(report.failedJobs).toEqual([]);

      // Every scripted answer was given (the scenario tested what it says), each exactly once.
      expect(h.smtp.events.map((e) => `${e.stage} ${e.code}`).sort()).toEqual(
        SCRIPT.map((s) => `${s.stage} ${'hang' in s ? 'hang' : 'code' in s ? s.code : 'reset'}`).sort(),
      );
      // 550: settled as failed after one attempt, not retried, never sent; the rest are unaffected.
      expect(byTo.get(BLOCKED)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(byTo.get(BLOCKED)!.smtpResponse).toMatch(/smtp_permanent/);
      expect(h.smtp.events.filter((e) => e.address?.toLowerCase() === BLOCKED)).toHaveLength(1);
      expect(h.smtp.messages.filter((m) => m.to.includes(BLOCKED))).toEqual([]);
      // The hung end of DATA: left `uncertain` for a person (or, had the Sent folder shown it, `sent`).
      const uncertain = replies.filter((r) => r.status === 'uncertain');
      expect(uncertain.length).toBeLessThanOrEqual(1);
      // Everyone else's reply is `sent`: the 421s and 451s were retried until they went through.
      const others = replies.filter((r) => r.to.toLowerCase() !== BLOCKED && r.status !== 'uncertain');
      expect(others).toHaveLength(N - 1 - uncertain.length);
      for (const r of others) expect(r.status).toBe('sent');
      expect(byTo.get(DEFERRED)).toMatchObject({ status: 'sent' });
      // Each of the four 451s sent its reply back to the queue for one more attempt.
      expect(extraAttempts).toBeGreaterThanOrEqual(4);
      // Every customer but the refused one got exactly one copy, the hung one included (the relay kept it).
      const captured = h.smtp.messages.map((m) => m.inReplyTo);
      expect(new Set(captured).size).toBe(captured.length);
      expect(captured).toHaveLength(N - 1);
      expect(await worker.kill('SIGTERM')).toBe(0);
      expect(worker.output()).not.toMatch(/"level":(50|60)/);
    } finally {
      await store.close();
    }
  });
});
