import { afterAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../scripts/redis-server.js';
import { reinstallRequest } from '../support/customer-mail.js';
import { type Harness, startHarness } from '../support/worker-harness.js';

const request = (i: number) => reinstallRequest(i);

describe('worker and a Redis outage', () => {
  let redis: RedisServer | null = null;
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.stop();
    await redis?.stop();
  });

  it('rides out Redis going away for a few seconds: mail that arrived meanwhile is answered once', async () => {
    // A Redis of the test's own (the machine's shared one must not be stopped), keeping its data on disk
    // across the restart as a production Redis under BullMQ does.
    redis = await startRedisServer({ persist: true });
    h = await startHarness({ env: { REDIS_URL: redis.url, INTAKE_TAKEOVER_MS: '3000' } });
    await h.startWorker();
    const before = request(1);
    await h.dovecot.append('INBOX', before.raw);
    await h.smtp.waitFor(1, 10_000);

    const during = request(2);
    await redis.restart(async () => {
      await h!.dovecot.append('INBOX', during.raw);
      await new Promise((r) => setTimeout(r, 3_000));
      // Nothing can be queued while Redis is away: the message waits in the mailbox, not in memory.
      expect(h!.smtp.messages).toHaveLength(1);
      expect((await h!.dovecot.list('INBOX')).map((m) => m.messageId)).toEqual([during.messageId]);
    });
    const replies = await h.smtp.waitFor(2, 20_000);
    expect(replies.map((r) => r.inReplyTo)).toEqual([before.messageId, during.messageId]);

    const after = request(3);
    await h.dovecot.append('INBOX', after.raw);
    await h.smtp.waitFor(3, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(h.smtp.messages.map((r) => r.inReplyTo)).toEqual([before, during, after].map((m) => m.messageId));
    const store = await h.openStore();
    try {
      expect((await store.listConversations({ limit: 10, offset: 0 })).total).toBe(3);
    } finally {
      await store.close();
    }
  });
});
