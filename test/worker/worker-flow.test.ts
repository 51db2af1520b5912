import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestJob } from '../../src/queue/jobs.js';
import type { IngestOutcome } from '../../src/worker/ingest.js';
import { bounceMail, customerMail } from '../support/customer-mail.js';
import { type TestDatabases, testDatabases } from '../support/postgres.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

const POWER =
  'I authorize INTROSERV to perform the necessary actions, including a server reboot, a power cycle or a temporary shutdown if this is necessary for troubleshooting.';
const BACKUP = 'I confirm that I have an up-to-date backup of all important data.';
const DATA_LOSS =
  'I understand and accept that reinstalling the operating system completely erases all existing data on the server. I have backed up all necessary data or I accept its permanent loss.';

const MAX_BYTES = 48 * 1024;

describe.each(['sqlite', 'postgres'] as const)(
  'worker end to end: Dovecot → BullMQ → %s → SMTP',
  (database) => {
    let databases: TestDatabases | null = null;
    let h: Harness;
    const committed: { job: IngestJob; outcome: IngestOutcome }[] = [];
    const outcomeOf = (messageId: string) =>
      eventually(
        async () => committed.find((c) => c.job.messageId === messageId)?.outcome,
        10_000,
        `ingest of ${messageId}`,
      );

    beforeAll(async () => {
      if (database === 'postgres') databases = await testDatabases();
      h = await startHarness({
        env: { INTAKE_MAX_MESSAGE_BYTES: String(MAX_BYTES) },
        ...(databases ? { databaseUrl: await databases.fresh() } : {}),
      });
      await h.startWorker({ onCommitted: (job, _ms, outcome) => committed.push({ job, outcome }) });
    });
    afterAll(async () => {
      await h?.stop();
      await databases?.dropAll();
    });

    it('answers an incomplete request within 2 s, in the thread, quoting the wording; the answer completes it silently', async () => {
      const request = customerMail({
        subject: 'Reinstall needed',
        body: 'Hello,\n\nPlease reinstall Ubuntu 24.04 on our server 203.0.113.20.\n\nThanks,\nAlice',
      });
      const appendedAt = Date.now();
      await h.dovecot.append('INBOX', request.raw);
      const [reply] = await h.smtp.waitFor(1, 5_000);
      const latency = Date.now() - appendedAt;
      expect(latency).toBeLessThanOrEqual(2_000);

      expect(reply!.envelope.rcptTo).toEqual(['alice@customer.example']);
      expect(reply!.inReplyTo).toBe(request.messageId);
      expect(reply!.references).toContain(request.messageId);
      expect(reply!.header('auto-submitted')).toBe('auto-replied');
      const ticket = /\[(INT-\d{6,})\]/.exec(reply!.subject)?.[1];
      expect(reply!.subject).toMatch(/^Re: Reinstall needed \[INT-\d{6,}\]$/);
      for (const wording of [POWER, BACKUP, DATA_LOSS]) expect(reply!.text).toContain(wording);

      // The record is committed before the reply goes, and the message is filed only after that.
      const store = await h.openStore();
      try {
        const conversation = await store.getConversation(ticket!);
        expect(conversation?.status).toBe('awaiting_customer');
        expect(conversation?.missing).toEqual(['power_authorization', 'backup', 'data_loss_ack']);
        expect(conversation?.replies.map((r) => [r.status, r.messageId])).toEqual([
          ['sent', reply!.messageId],
        ]);
        await eventually(
          async () => ((await h.dovecot.list('INBOX')).length === 0 ? true : undefined),
          5_000,
          'the request to leave INBOX',
        );
        expect((await h.dovecot.list('Processed')).map((m) => m.messageId)).toContain(request.messageId);
        // The reply as sent, appended to Sent.
        await eventually(
          async () =>
            (await h.dovecot.list('Sent')).some((m) => m.messageId === reply!.messageId) ? true : undefined,
          5_000,
          'the reply in Sent',
        );

        // The customer answers in the thread with the three sentences.
        const answer = customerMail({
          subject: reply!.subject,
          inReplyTo: reply!.messageId!,
          references: [request.messageId, reply!.messageId!],
          body: `Hello,\n\n${POWER}\n${BACKUP}\n${DATA_LOSS}\n\nAlice\n\nOn Wed, Support wrote:\n> Hello,\n> Thank you for your message.`,
        });
        await h.dovecot.append('INBOX', answer.raw);
        expect(await outcomeOf(answer.messageId)).toBe('committed');
        const after = await store.getConversation(ticket!);
        expect(after?.status).toBe('ready');
        expect(after?.missing).toEqual([]);
        expect(after?.messages.map((m) => m.messageId)).toEqual([request.messageId, answer.messageId]);
        // No further reply: give a reply job every chance to run.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(h.smtp.messages).toHaveLength(1);
        expect(after?.replies).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('answers neither an out-of-office nor a bounce, and files both', async () => {
      const before = h.smtp.messages.length;
      const ooo = customerMail({
        from: 'Bob Durand <bob@customer.example>',
        subject: 'Absence du bureau : Re: Serveur en panne',
        body: "Bonjour,\n\nJe suis absent jusqu'au 3 décembre. Pour toute urgence, contactez ops@customer.example.\n\nBob",
        headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
      });
      const bounceId = `<${Date.now()}@bounce.test>`;
      const bounce = bounceMail(bounceId);
      await h.dovecot.append('INBOX', ooo.raw);
      await h.dovecot.append('INBOX', bounce);
      expect(await outcomeOf(ooo.messageId)).toBe('ignored');
      const bounceMessageId = /^Message-ID: (.+)$/m.exec(bounce)![1]!.trim();
      expect(await outcomeOf(bounceMessageId)).toBe('ignored');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(h.smtp.messages.length).toBe(before);
      const processed = (await h.dovecot.list('Processed')).map((m) => m.messageId);
      expect(processed).toEqual(expect.arrayContaining([ooo.messageId, bounceMessageId]));
    });

    it('quarantines a message it refuses to read, with the reason, in the store and the mailbox', async () => {
      const before = h.smtp.messages.length;
      const big = customerMail({
        subject: 'Logs attached',
        body: `Hello,\n\nHere are the logs:\n${'0123456789abcdef'.repeat(4_096).replace(/(.{64})/g, '$1\n')}`,
      });
      expect(big.raw.length).toBeGreaterThan(MAX_BYTES);
      await h.dovecot.append('INBOX', big.raw);
      expect(await outcomeOf(big.messageId)).toBe('quarantined');
      expect((await h.dovecot.list('Quarantine')).map((m) => m.messageId)).toContain(big.messageId);
      expect((await h.dovecot.list('INBOX')).map((m) => m.messageId)).not.toContain(big.messageId);
      const store = await h.openStore();
      try {
        const [entry] = (await store.listQuarantine(10)).filter((q) => q.messageId === big.messageId);
        expect(entry?.code).toBe('message_too_large');
        expect(entry?.reason).toContain(String(MAX_BYTES));
      } finally {
        await store.close();
      }
      expect(h.smtp.messages.length).toBe(before);
    });
  },
);
