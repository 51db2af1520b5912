import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

/** Short takeover and SMTP deadlines, so that a killed worker's work passes on within seconds. */
const FAST = { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '2000' };

const request = (i: number) => reinstallRequest(i);

/** Every conversation with its messages and replies, read from the store. */
async function snapshot(store: Store) {
  const { rows } = await store.listConversations({ limit: 1_000, offset: 0 });
  return Promise.all(rows.map(async (r) => (await store.getConversation(r.id))!));
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('worker recovery against real servers', () => {
  it('resumes after SIGKILL mid-stream: every message committed once, no reply sent twice', async () => {
    h = await startHarness({ env: FAST });
    const N = 40;
    const first = h.spawnWorker();
    const sent = Array.from({ length: N }, (_, i) => request(i + 1));
    for (const m of sent) await h.dovecot.append('INBOX', m.raw);
    const store = await h.openStore();
    try {
      // Kill it while it is busy: some messages committed, others not yet.
      await eventually(
        async () => ((await store.listConversations({ limit: 1, offset: 0 })).total >= 8 ? true : undefined),
        15_000,
        'the first worker to commit some messages',
      );
      expect(await first.kill('SIGKILL')).toBeNull();
      const committedAtKill = (await store.listConversations({ limit: 1, offset: 0 })).total;
      expect(committedAtKill).toBeLessThan(N);

      const second = h.spawnWorker();
      let seen = '';
      await eventually(
        async () => {
          const inbox = await h!.dovecot.list('INBOX');
          const unsettled = await store.listUnsettledReplies(1_000);
          seen = `${inbox.length} in INBOX, unsettled replies ${JSON.stringify(unsettled.map((r) => [r.id, r.status]))}`;
          return inbox.length === 0 && unsettled.length === 0 ? true : undefined;
        },
        45_000,
        'the second worker to file every message and settle every reply',
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${seen}\n${second.output()}`);
      });
      const conversations = await snapshot(store);
      expect(conversations).toHaveLength(N);
      // Each request once, in its own conversation.
      const messageIds = conversations.flatMap((c) => c.messages.map((m) => m.messageId)).sort();
      expect(messageIds).toEqual(sent.map((m) => m.messageId).sort());
      const processed = (await h.dovecot.list('Processed')).map((m) => m.messageId).sort();
      expect(processed).toEqual(messageIds);

      // One reply row per conversation; sent, or `uncertain` when the kill cut its SMTP transaction.
      const replies = conversations.flatMap((c) => c.replies);
      expect(replies).toHaveLength(N);
      const uncertain = replies.filter((r) => r.status === 'uncertain');
      expect(replies.filter((r) => r.status !== 'sent' && r.status !== 'uncertain')).toEqual([]);
      expect(uncertain.length).toBeLessThanOrEqual(4);
      // No customer got two replies, and every reply marked sent reached the SMTP peer.
      const captured = h.smtp.messages.map((m) => m.inReplyTo);
      expect(new Set(captured).size).toBe(captured.length);
      const sentIds = replies.filter((r) => r.status === 'sent').map((r) => r.messageId);
      const capturedIds = new Set(h.smtp.messages.map((m) => m.messageId));
      for (const id of sentIds) expect(capturedIds.has(id)).toBe(true);
      // A job cut off by the kill and run again finds its work done: nothing is left failed.
      expect(await h.failedJobs()).toEqual([]);
      await second.kill('SIGTERM');
      expect(second.output()).not.toMatch(/"level":(50|60)/);
    } finally {
      await store.close();
    }
  });

  it('stops cleanly on SIGTERM and the next process takes over where it stopped', async () => {
    h = await startHarness({ env: FAST });
    const worker = h.spawnWorker();
    const before = [request(101), request(102)];
    for (const m of before) await h.dovecot.append('INBOX', m.raw);
    await h.smtp.waitFor(2, 10_000);
    expect(await worker.kill('SIGTERM')).toBe(0);
    expect(worker.output()).toContain('worker stopped');
    // Mail arriving while no worker runs is picked up at the next start, from the stored position.
    const during = request(103);
    await h.dovecot.append('INBOX', during.raw);
    h.spawnWorker();
    const replies = await h.smtp.waitFor(3, 15_000);
    expect(replies.map((r) => r.inReplyTo).sort()).toEqual(
      [...before, during].map((m) => m.messageId).sort(),
    );
  });
});
