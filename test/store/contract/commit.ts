import { describe, expect, it } from 'vitest';
import { message, mid } from './fixtures.js';
import type { Harnessed } from './harness.js';

const count = async (h: Harnessed, url: string, table: string) =>
  Number((await h.raw(url, `SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);

export function migrationTests(h: Harnessed) {
  describe('migrations', () => {
    it('are idempotent and safe when two stores migrate the same database at once', async () => {
      const url = await h.harness.fresh();
      const [a, b, c] = await Promise.all([h.openStore(url), h.openStore(url), h.openStore(url)]);
      await Promise.all([a!.migrate(), b!.migrate(), c!.migrate()]);
      await a!.migrate();
      const versions = await h.raw(url, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
      await b!.ping();
      expect((await a!.commitMessage(message())).conversationId).toBe('INT-000001');
    });
  });
}

export function commitTests(h: Harnessed) {
  describe('commitMessage', () => {
    it('opens conversations numbered one after the other and stores record, message and audit', async () => {
      const { url, store } = await h.fresh();
      const first = await store.commitMessage(message({ serviceId: 'SRV-1234' }));
      const second = await store.commitMessage(message());
      expect(first).toMatchObject({ duplicate: false, conversationId: 'INT-000001', replyId: null });
      expect(second.conversationId).toBe('INT-000002');
      const stored = await store.getConversation('INT-000001');
      expect(stored).toMatchObject({ id: 'INT-000001', status: 'awaiting_customer', missing: ['os'] });
      expect(stored?.line).toEqual({ id: 'INT-000001' });
      expect(stored?.record.serviceIds.map((s) => s.value)).toEqual(['SRV-1234']);
      expect(stored?.messages).toHaveLength(1);
      expect(stored?.messages[0]).toMatchObject({ mailbox: 'INBOX', uid: 42, state: 'processed' });
      expect(await store.findMessage(first.message)).toEqual(first.message);
      const audit = await store.listAudit({ subject: 'INT-000001', limit: 10 });
      expect(audit[0]).toMatchObject({ actor: 'worker', action: 'message.processed' });
      expect(await count(h, url, 'audit')).toBe(2);
    });

    it('links by ticket in the subject, creating an unknown ticket and numbering after it', async () => {
      const { store } = await h.fresh();
      await store.commitMessage(message());
      const byTicket = await store.commitMessage(message({ subject: 'Re: [INT-000001] encore moi' }));
      expect(byTicket.conversationId).toBe('INT-000001');
      const unknown = await store.commitMessage(message({ subject: 'Suite INT-000050' }));
      expect(unknown.conversationId).toBe('INT-000050');
      expect((await store.commitMessage(message())).conversationId).toBe('INT-000051');
    });

    it('links by In-Reply-To, then References newest first, including our reply Message-ID', async () => {
      const { store } = await h.fresh();
      const a = message({ reply: true });
      const ra = await store.commitMessage(a);
      const b = message();
      await store.commitMessage(b);
      const reply = await store.getReply(ra.replyId!);
      const answer = await store.commitMessage(
        message({ subject: 'Re: sans ticket', inReplyTo: reply!.messageId }),
      );
      expect(answer.conversationId).toBe('INT-000001');
      const refs = await store.commitMessage(
        message({ references: [a.thread.messageId, b.thread.messageId, mid('unknown')] }),
      );
      expect(refs.conversationId).toBe('INT-000002');
      const inReplyTo = await store.commitMessage(
        message({ inReplyTo: a.thread.messageId, references: [b.thread.messageId] }),
      );
      expect(inReplyTo.conversationId).toBe('INT-000001');
      expect((await store.getConversation('INT-000001'))?.record.messageIds).toHaveLength(3);
    });

    it('links a thread committed out of order: the earlier message finds the later one by its own id', async () => {
      const { store } = await h.fresh();
      const first = message();
      const later = message({ inReplyTo: first.thread.messageId });
      expect((await store.commitMessage(later)).conversationId).toBe('INT-000001');
      expect((await store.commitMessage(first)).conversationId).toBe('INT-000001');
    });

    it('returns the stored row for a message key already committed, and writes nothing', async () => {
      const { url, store } = await h.fresh();
      const input = message({ reply: true, secrets: [] });
      const first = await store.commitMessage(input);
      const before = await Promise.all(
        ['messages', 'audit', 'replies', 'record_changes'].map((t) => count(h, url, t)),
      );
      const calls = { n: 0 };
      const again = await store.commitMessage({
        ...message({ calls }),
        key: input.key,
        thread: input.thread,
      });
      expect(again).toEqual({
        duplicate: true,
        message: first.message,
        conversationId: 'INT-000001',
        replyId: null,
      });
      expect(calls.n).toBe(0);
      const after = await Promise.all(
        ['messages', 'audit', 'replies', 'record_changes'].map((t) => count(h, url, t)),
      );
      expect(after).toEqual(before);
      // Same Message-ID, other content (a resync that changed the bytes): stored, in the same conversation.
      const changed = await store.commitMessage({
        ...message({ messageId: input.key.messageId }),
        key: { ...input.key, contentHash: 'other' },
      });
      expect(changed).toMatchObject({ duplicate: false, conversationId: 'INT-000001' });
    });

    it('gives one conversation to a thread committed concurrently from two connections', async () => {
      const { url, store: a } = await h.fresh();
      const b = await h.openStore(url);
      for (let round = 0; round < 10; round++) {
        const root = message();
        const answer = message({ inReplyTo: root.thread.messageId, references: [root.thread.messageId] });
        const third = message({ references: [root.thread.messageId, answer.thread.messageId] });
        const same = message();
        const results = await Promise.all([
          a.commitMessage(answer),
          b.commitMessage(root),
          a.commitMessage(third),
          a.commitMessage(same),
          b.commitMessage({ ...same, decide: same.decide }),
        ]);
        const ids = new Set(results.slice(0, 3).map((r) => r.conversationId));
        expect(ids.size).toBe(1);
        expect(results.slice(3).filter((r) => r.duplicate)).toHaveLength(1);
        expect(results[3]!.message.id).toBe(results[4]!.message.id);
      }
      const numbers = await h.raw(url, 'SELECT id FROM conversations ORDER BY id');
      expect(numbers.map((r) => r.id)).toEqual(
        Array.from({ length: 20 }, (_, i) => `INT-${String(i + 1).padStart(6, '0')}`),
      );
    });

    it('writes the history entries that are new, in order, with their values as JSON', async () => {
      const { url, store } = await h.fresh();
      const first = message();
      await store.commitMessage(first);
      const second = message({ subject: 'Re: [INT-000001]' });
      const values: unknown[] = [
        'unspecified',
        3,
        null,
        { authorization: 'granted', windows: [] },
        ['a', 'é'],
      ];
      await store.commitMessage({
        ...second,
        decide: (id, stored) => {
          const decided = second.decide(id, stored)!;
          const extra = values.map((value, i) => ({
            field: `f${i}`,
            value,
            messageId: second.key.messageId,
          }));
          return {
            ...decided,
            record: { ...decided.record, history: [...decided.record.history, ...extra] },
          };
        },
      });
      const rows = await h.raw(url, 'SELECT seq, field, value, message_id FROM record_changes ORDER BY seq');
      expect(rows.map((r) => [Number(r.seq), r.field, r.message_id])).toEqual([
        [0, 'messageIds', first.key.messageId],
        [1, 'messageIds', second.key.messageId],
        ...values.map((_, i) => [i + 2, `f${i}`, second.key.messageId]),
      ]);
      const parsed = rows.map((r) => (h.harness.kind === 'sqlite' ? JSON.parse(String(r.value)) : r.value));
      expect(parsed.slice(2)).toEqual(values);
      expect(parsed[0]).toEqual([first.key.messageId]);
      // A message that changes nothing adds no history.
      await store.commitMessage({
        ...message({ subject: 'Re: [INT-000001]' }),
        decide: (_id, stored) => ({ record: stored!, status: 'ready', missing: [], line: null, reply: null }),
      });
      expect(await h.raw(url, 'SELECT seq FROM record_changes')).toHaveLength(7);
    });

    it('stores automatic messages: linked to an existing thread, never opening one, never replying', async () => {
      const { url, store } = await h.fresh();
      const root = message();
      await store.commitMessage(root);
      const ooo = await store.commitMessage(
        message({ state: 'ignored', status: 'ignored', inReplyTo: root.thread.messageId }),
      );
      expect(ooo.conversationId).toBe('INT-000001');
      const stored = await store.getConversation('INT-000001');
      expect(stored?.status).toBe('awaiting_customer');
      expect(stored?.messages.map((m) => m.state)).toEqual(['processed', 'ignored']);
      const stray = await store.commitMessage(
        message({ state: 'ignored', subject: 'Out of office INT-000099' }),
      );
      expect(stray.conversationId).toBeNull();
      expect(stray.message.conversationId).toBeNull();
      expect(await count(h, url, 'conversations')).toBe(1);
      await expect(
        store.commitMessage(message({ state: 'ignored', reply: true, inReplyTo: root.thread.messageId })),
      ).rejects.toMatchObject({ code: 'store_reply_refused' });
      expect(await count(h, url, 'messages')).toBe(3);
      expect((await store.commitMessage(message())).conversationId).toBe('INT-000002');
    });

    it('opens no conversation when decide returns null, and rolls back when decide throws', async () => {
      const { url, store } = await h.fresh();
      expect((await store.commitMessage(message({ noDecision: true }))).conversationId).toBeNull();
      const failing = message();
      await expect(
        store.commitMessage({
          ...failing,
          decide: () => {
            throw new Error('boom');
          },
        }),
      ).rejects.toThrow('boom');
      expect(await store.findMessage(failing.key)).toBeNull();
      expect(await count(h, url, 'conversations')).toBe(0);
    });

    it('stores text with U+0000 in it (PostgreSQL refuses the character itself)', async () => {
      const { store } = await h.fresh();
      const input = message({ newText: 'avant\u0000après', subject: 'nul\u0000' });
      const decide = input.decide;
      const result = await store.commitMessage({
        ...input,
        decide: (id, stored) => {
          const decided = decide(id, stored)!;
          return {
            ...decided,
            record: { ...decided.record, subject: 'sujet\u0000' },
            line: { text: 'a\u0000b' },
          };
        },
      });
      const stored = await store.getConversation(result.conversationId!);
      expect(stored?.record.subject).toBe('sujet\uFFFD');
      expect(stored?.line).toEqual({ text: 'a\uFFFDb' });
    });

    it('records where a message moved', async () => {
      const { store } = await h.fresh();
      const { message: stored } = await store.commitMessage(message());
      await store.updateMessageLocation(stored.id, {
        mailbox: 'Processed',
        uidValidity: '4294967295',
        uid: 7,
      });
      expect(await store.findMessage(stored)).toMatchObject({
        mailbox: 'Processed',
        uidValidity: '4294967295',
        uid: 7,
        state: 'processed',
      });
      await store.updateMessageLocation(stored.id, {
        mailbox: 'Quarantine',
        uidValidity: '1',
        uid: null,
        state: 'quarantined',
      });
      expect(await store.findMessage(stored)).toMatchObject({ uid: null, state: 'quarantined' });
    });
  });
}
