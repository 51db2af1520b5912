import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { message, secret } from './fixtures.js';
import type { Harnessed } from './harness.js';

const toBuffer = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));

export function secretTests(h: Harnessed) {
  describe('secrets', () => {
    it('are encrypted at rest (AES-256-GCM) and revealed with the key', async () => {
      const { url, store } = await h.fresh();
      const value = 'Tr0ub4dor&3-root-password';
      await store.commitMessage(message({ secrets: [secret(value, 1), secret('ipmi-Pa55', 2)] }));
      const raw = await h.raw(url, 'SELECT id, iv, tag, ciphertext FROM secrets ORDER BY id');
      expect(raw).toHaveLength(2);
      for (const row of raw) {
        const ciphertext = toBuffer(row.ciphertext);
        expect(ciphertext.includes(Buffer.from(value))).toBe(false);
        expect(ciphertext.equals(Buffer.from(value))).toBe(false);
        expect(toBuffer(row.iv)).toHaveLength(12);
        expect(toBuffer(row.tag)).toHaveLength(16);
      }
      expect(toBuffer(raw[0]!.iv).equals(toBuffer(raw[1]!.iv))).toBe(false);
      const stored = await store.getConversation('INT-000001');
      expect(stored?.secrets).toEqual([
        expect.objectContaining({ placeholder: '[[SECRET-1]]', kind: 'password', username: 'root' }),
        expect.objectContaining({ placeholder: '[[SECRET-2]]' }),
      ]);
      expect(JSON.stringify(stored)).not.toContain(value);
      expect(await store.revealSecret(stored!.secrets[0]!.id)).toBe(value);
      expect(await store.revealSecret(stored!.secrets[1]!.id)).toBe('ipmi-Pa55');
      expect(await store.revealSecret(999_999)).toBeNull();

      const otherKey = await h.openStore(url, randomBytes(32));
      await expect(otherKey.revealSecret(stored!.secrets[0]!.id)).rejects.toMatchObject({
        code: 'secret_undecryptable',
      });
      const noKey = await h.openStore(url, null);
      await expect(noKey.revealSecret(stored!.secrets[0]!.id)).rejects.toMatchObject({
        code: 'secret_key_missing',
      });
    });

    it('are not stored at all without a key, and the commit proceeds', async () => {
      const { url, store } = await h.fresh(null);
      const result = await store.commitMessage(message({ secrets: [secret('hunter2')] }));
      expect(result.conversationId).toBe('INT-000001');
      expect(await h.raw(url, 'SELECT id FROM secrets')).toEqual([]);
      const [entry] = await store.listAudit({ subject: 'INT-000001', limit: 1 });
      expect(entry?.details).toMatchObject({ secretsStored: 0, secretsDropped: 1 });
      expect(JSON.stringify(await h.raw(url, 'SELECT * FROM messages'))).not.toContain('hunter2');
    });
  });
}

export function outboxTests(h: Harnessed) {
  describe('outbox', () => {
    it('stores replies as numbered revisions and links our Message-ID', async () => {
      const { url, store } = await h.fresh();
      const first = await store.commitMessage(message({ reply: '<r1@intake.test>' }));
      const second = await store.commitMessage(
        message({ subject: 'Re: [INT-000001]', reply: '<r2@intake.test>' }),
      );
      const r1 = await store.getReply(first.replyId!);
      const r2 = await store.getReply(second.replyId!);
      expect(r1).toMatchObject({
        conversationId: 'INT-000001',
        revision: 1,
        messageId: '<r1@intake.test>',
        status: 'pending',
        attempts: 0,
        references: ['<x@customer.example>'],
        headers: { 'Auto-Submitted': 'auto-replied' },
        requested: ['os', 'backup'],
        smtpResponse: null,
        claimedAt: null,
        sentAt: null,
      });
      expect(r2?.revision).toBe(2);
      const links = await h.raw(
        url,
        "SELECT conversation_id FROM message_links WHERE message_id = '<r2@intake.test>'",
      );
      expect(links).toEqual([{ conversation_id: 'INT-000001' }]);
      expect((await store.getConversation('INT-000001'))?.replies.map((r) => r.revision)).toEqual([1, 2]);
    });

    it('lets exactly one of two concurrent claims win, then settles and counts', async () => {
      const { url, store } = await h.fresh();
      const other = await h.openStore(url);
      const since = new Date(Date.now() - 60_000);
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (await store.commitMessage(message({ from: 'Client@Customer.example', reply: true }))).replyId!,
        );
      }
      expect((await store.listUnsettledReplies(10)).map((r) => r.id)).toEqual(ids);
      for (const id of ids) {
        const claims = await Promise.all([store.claimReply(id), other.claimReply(id), store.claimReply(id)]);
        expect(claims.filter(Boolean)).toHaveLength(1);
      }
      const claimed = await store.getReply(ids[0]!);
      expect(claimed).toMatchObject({ status: 'sending', attempts: 1 });
      expect(claimed?.claimedAt).not.toBeNull();
      expect(await store.claimReply(ids[0]!)).toBe(false);

      await store.settleReply(ids[0]!, { status: 'sent', smtpResponse: '250 2.0.0 Ok: queued as ABC' });
      await store.settleReply(ids[1]!, { status: 'uncertain', reason: 'connection closed after DATA' });
      await store.settleReply(ids[2]!, { status: 'failed', reason: '550 mailbox unavailable' });
      await store.settleReply(ids[3]!, { status: 'refused_limit', reason: 'daily limit' });
      await store.settleReply(ids[4]!, { status: 'pending', reason: '421 try later' });
      const sent = await store.getReply(ids[0]!);
      expect(sent).toMatchObject({ status: 'sent', smtpResponse: '250 2.0.0 Ok: queued as ABC' });
      expect(sent?.sentAt).not.toBeNull();
      expect(await store.getReply(ids[2]!)).toMatchObject({
        status: 'failed',
        smtpResponse: '550 mailbox unavailable',
      });
      // A reply once sent stays sent, whatever a late worker reports.
      await store.settleReply(ids[0]!, { status: 'failed', reason: 'late' });
      expect((await store.getReply(ids[0]!))?.status).toBe('sent');
      await expect(store.settleReply(987_654, { status: 'failed', reason: 'x' })).rejects.toMatchObject({
        code: 'reply_not_found',
      });

      expect((await store.listUnsettledReplies(10)).map((r) => r.id)).toEqual([ids[4]]);
      expect(await store.claimReply(ids[4]!)).toBe(true);
      expect((await store.getReply(ids[4]!))?.attempts).toBe(2);
      // sent, uncertain and sending count against the sender's limit; failed and refused do not.
      expect(await store.countRepliesTo('client@customer.example', since)).toBe(3);
      expect(await store.countRepliesTo('CLIENT@customer.EXAMPLE', since)).toBe(3);
      expect(await store.countRepliesTo('client@customer.example', new Date(Date.now() + 60_000))).toBe(0);
      expect(await store.countRepliesTo('someone@else.example', since)).toBe(0);
    });
  });
}
