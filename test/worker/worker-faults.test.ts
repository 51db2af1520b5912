import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestJob } from '../../src/queue/jobs.js';
import { createQueues } from '../../src/queue/queues.js';
import type { IngestOutcome } from '../../src/worker/ingest.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

const request = (i: number) => reinstallRequest(i);

/** A connection of the test's own, for what the harness does not offer (flags, UIDVALIDITY). */
async function imap<T>(h: Harness, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: h.dovecot.host,
    port: h.dovecot.port,
    secure: false,
    auth: { user: h.dovecot.user, pass: h.dovecot.password },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('worker faults against real servers', () => {
  it('survives a UIDVALIDITY change in keyword mode without a duplicate record or reply', async () => {
    const KEYWORD = '$IntakeDone';
    h = await startHarness({ env: { INTAKE_PROCESSED_KEYWORD: KEYWORD } });
    let worker = await h.startWorker();
    const old = [request(1), request(2), request(3)];
    for (const m of old) await h.dovecot.append('INBOX', m.raw);
    await h.smtp.waitFor(3, 10_000);
    const flagged = async () =>
      (await h!.dovecot.list('INBOX')).filter((m) => m.flags.includes(KEYWORD)).map((m) => m.messageId);
    await eventually(async () => ((await flagged()).length === 3 ? true : undefined), 5_000, 'keywords');
    await worker.stop();

    // A mailbox rebuild: new UIDVALIDITY, and one message lost its keyword on the way.
    await imap(h!, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        await client.messageFlagsRemove('1', [KEYWORD], { uid: true });
      } finally {
        lock.release();
      }
    });
    const before = await imap(
      h,
      async (c) => ((await c.status('INBOX', { uidValidity: true })) as { uidValidity?: bigint }).uidValidity,
    );
    const after = await h.dovecot.changeUidValidity('INBOX');
    expect(after).not.toBe(String(before));
    const fresh = request(4);
    await h.dovecot.append('INBOX', fresh.raw);

    const outcomes: [string | null, IngestOutcome][] = [];
    worker = await h.startWorker({ onCommitted: (job, _ms, o) => outcomes.push([job.messageId, o]) });
    await h.smtp.waitFor(4, 10_000);
    await eventually(async () => ((await flagged()).length === 4 ? true : undefined), 10_000, 'keywords');
    // The message that lost its keyword was recognised, not processed again; the new one was.
    expect(outcomes.sort()).toEqual(
      [
        [old[0]!.messageId, 'duplicate'],
        [fresh.messageId, 'committed'],
      ].sort(),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(h.smtp.messages).toHaveLength(4);
    const store = await h.openStore();
    try {
      expect((await store.listConversations({ limit: 10, offset: 0 })).total).toBe(4);
      expect(await store.getMailboxState('INBOX')).toMatchObject({ uidValidity: after });
    } finally {
      await store.close();
    }
  });

  it('fails a job whose message someone else deleted, visibly and once, and goes on', async () => {
    h = await startHarness();
    const outcomes: IngestOutcome[] = [];
    await h.startWorker({ onCommitted: (_job, _ms, o) => outcomes.push(o) });
    const gone = request(5);
    const uid = await h.dovecot.append('INBOX', gone.raw);
    await h.smtp.waitFor(1, 10_000);
    const uidValidity = String(
      await imap(
        h,
        async (c) =>
          ((await c.status('INBOX', { uidValidity: true })) as { uidValidity?: bigint }).uidValidity,
      ),
    );
    // The state a deletion leaves behind: a job queued for a UID that no longer holds anything.
    const queues = createQueues(h.config.REDIS_URL, h.config.INTAKE_QUEUE_PREFIX);
    const job: IngestJob = {
      mailbox: 'INBOX',
      uidValidity,
      uid: uid + 1,
      messageId: null,
      seenAt: Date.now(),
    };
    try {
      await h.dovecot.append('INBOX', request(6).raw).then((u) => h!.dovecot.deleteMessage('INBOX', u));
      await queues.addIngest([job]);
      const failed = await eventually(
        async () => {
          const jobs = await queues.ingest.getFailed();
          return jobs.length > 0 ? jobs : undefined;
        },
        10_000,
        'the job to fail',
      );
      expect(failed).toHaveLength(1);
      expect(failed[0]!.attemptsMade).toBe(1);
      expect(failed[0]!.failedReason).toMatch(/^message_gone: UID \d+ is no longer in INBOX/);
    } finally {
      await queues.close();
    }
    // Nothing stored for it, nothing sent, and the next message goes through.
    const next = request(7);
    await h.dovecot.append('INBOX', next.raw);
    const replies = await h.smtp.waitFor(2, 10_000);
    expect(replies.map((r) => r.inReplyTo)).toEqual([gone.messageId, next.messageId]);
    expect(outcomes).toEqual(['committed', 'committed']);
  });

  it('retries a reply the SMTP server refused with 421 and sends it once when it answers 250', async () => {
    h = await startHarness();
    h.smtp.script([{ stage: 'connect', code: 421, message: 'Too many connections, try again later' }]);
    await h.startWorker();
    const m = request(8);
    await h.dovecot.append('INBOX', m.raw);
    const [reply] = await h.smtp.waitFor(1, 15_000);
    expect(reply!.inReplyTo).toBe(m.messageId);
    expect(h.smtp.events.map((e) => [e.stage, e.code])).toEqual([['connect', 421]]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.smtp.messages).toHaveLength(1);
    const store = await h.openStore();
    try {
      const { rows } = await store.listConversations({ limit: 1, offset: 0 });
      const [row] = (await store.getConversation(rows[0]!.id))!.replies;
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      expect(row!.smtpResponse).toMatch(/^250/);
    } finally {
      await store.close();
    }
  });
});
