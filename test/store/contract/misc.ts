import { describe, expect, it } from 'vitest';
import type { CustomerDirectory } from '../../../src/directory/directory.js';
import { message } from './fixtures.js';
import type { Harnessed } from './harness.js';

export function stateTests(h: Harnessed) {
  describe('mailbox state', () => {
    it('keeps UIDVALIDITY as a string and UIDs beyond 2^31', async () => {
      const { store } = await h.fresh();
      expect(await store.getMailboxState('INBOX')).toBeNull();
      await store.setMailboxState('INBOX', { uidValidity: '4294967295', lastUid: 3_000_000_000 });
      expect(await store.getMailboxState('INBOX')).toEqual({
        uidValidity: '4294967295',
        lastUid: 3_000_000_000,
      });
      await store.setMailboxState('INBOX', { uidValidity: '18446744073709551615', lastUid: 1 });
      expect(await store.getMailboxState('INBOX')).toEqual({
        uidValidity: '18446744073709551615',
        lastUid: 1,
      });
      expect(await store.getMailboxState('Other')).toBeNull();
    });
  });

  describe('quarantine', () => {
    it('lists unresolved entries oldest first, resolves them, keeps them for the record', async () => {
      const { store } = await h.fresh();
      const entry = {
        mailbox: 'INBOX',
        uidValidity: '4294967295',
        uid: 4_294_967_000,
        messageId: null,
        contentHash: 'ab'.repeat(32),
        code: 'mime_unreadable',
        reason: 'the MIME structure does not parse',
      };
      const a = await store.quarantine(entry);
      const b = await store.quarantine({ ...entry, uid: 5, messageId: '<q@x>', code: 'message_too_large' });
      const listed = await store.listQuarantine(10);
      expect(listed.map((q) => q.id)).toEqual([a, b]);
      expect(listed[0]).toMatchObject({ ...entry, resolvedAt: null });
      await store.resolveQuarantine(a);
      expect((await store.listQuarantine(10)).map((q) => q.id)).toEqual([b]);
      const all = await store.listQuarantine(10, { includeResolved: true });
      expect(all.find((q) => q.id === a)?.resolvedAt).not.toBeNull();
    });
  });

  describe('findByLocation', () => {
    it('finds the message read from a mailbox place, or its quarantine entry, and nothing elsewhere', async () => {
      const { store } = await h.fresh();
      const place = { mailbox: 'INBOX', uidValidity: '1700000000', uid: 42 };
      expect(await store.findByLocation(place)).toEqual({ message: null, quarantineId: null });
      const committed = await store.commitMessage(message());
      const found = await store.findByLocation(place);
      expect(found.message?.id).toBe(committed.message.id);
      expect(found.quarantineId).toBeNull();
      expect(await store.findByLocation({ ...place, uidValidity: '1700000001' })).toEqual({
        message: null,
        quarantineId: null,
      });
      const q = await store.quarantine({
        ...place,
        uid: 43,
        messageId: null,
        contentHash: null,
        code: 'mime_unreadable',
        reason: 'x',
      });
      expect(await store.findByLocation({ ...place, uid: 43 })).toEqual({ message: null, quarantineId: q });
      // By Message-ID: every stored content under it.
      const id = committed.message.messageId;
      expect((await store.findMessagesById(id)).map((m) => m.id)).toEqual([committed.message.id]);
      expect(await store.findMessagesById('<nobody@x>')).toEqual([]);
    });
  });

  describe('directory and audit', () => {
    it('round-trips the customer directory, replacing it whole', async () => {
      const { store } = await h.fresh();
      expect(await store.getDirectory()).toBeNull();
      const directory: CustomerDirectory = {
        accounts: [
          {
            id: 'acme',
            name: 'ACME',
            contacts: ['ops@acme.example'],
            servers: [{ serviceId: 'SRV-1', ips: ['203.0.113.7'], hostnames: ['web1.acme.example'] }],
          },
        ],
      };
      await store.replaceDirectory(directory);
      expect(await store.getDirectory()).toEqual(directory);
      await store.replaceDirectory({ accounts: [] });
      expect(await store.getDirectory()).toEqual({ accounts: [] });
    });

    it('lists audit entries newest first, by subject', async () => {
      const { store } = await h.fresh();
      await store.audit({
        actor: 'desk:alice',
        action: 'secret.reveal',
        subject: 'INT-000001',
        details: { id: 1 },
      });
      await store.audit({ actor: 'desk:bob', action: 'record.view', subject: 'INT-000002', details: {} });
      await store.audit({
        actor: 'desk:alice',
        action: 'record.view',
        subject: 'INT-000001',
        details: { n: [1] },
      });
      const mine = await store.listAudit({ subject: 'INT-000001', limit: 10 });
      expect(mine.map((e) => e.action)).toEqual(['record.view', 'secret.reveal']);
      expect(mine[0]).toMatchObject({ actor: 'desk:alice', details: { n: [1] } });
      expect(Number.isNaN(Date.parse(mine[0]!.at))).toBe(false);
      expect(await store.listAudit({ limit: 2 })).toHaveLength(2);
    });
  });
}

export function listTests(h: Harnessed) {
  describe('listConversations', () => {
    it('filters by status, searches customer, subject, new text and server, pages newest first', async () => {
      const { store } = await h.fresh();
      for (let i = 1; i <= 12; i++) {
        await store.commitMessage(
          message({
            status: i % 3 === 0 ? 'ready' : 'awaiting_customer',
            subject: i === 5 ? 'Disque défaillant sur Élevé-7' : `Demande ${i}`,
            from: i === 7 ? 'Zoe@Example.org' : `c${i}@customer.example`,
            newText: i === 9 ? 'Remplacer la barrette 100% HS' : 'Bonjour',
            serviceId: i === 11 ? 'SRV-4711' : undefined,
          }),
        );
      }
      const all = await store.listConversations({ limit: 5, offset: 0 });
      expect(all.total).toBe(12);
      expect(all.rows.map((r) => r.id)).toEqual([
        'INT-000012',
        'INT-000011',
        'INT-000010',
        'INT-000009',
        'INT-000008',
      ]);
      const page3 = await store.listConversations({ limit: 5, offset: 10 });
      expect(page3.rows.map((r) => r.id)).toEqual(['INT-000002', 'INT-000001']);
      const ready = await store.listConversations({ status: 'ready', limit: 50, offset: 0 });
      expect(ready.total).toBe(4);
      expect(ready.rows.every((r) => r.status === 'ready')).toBe(true);
      const search = async (text: string, status?: 'ready') =>
        (await store.listConversations({ text, status, limit: 50, offset: 0 })).rows.map((r) => r.id);
      expect(await search('élevé')).toEqual(['INT-000005']);
      expect(await search('DÉFAILLANT')).toEqual(['INT-000005']);
      expect(await search('zoe@example')).toEqual(['INT-000007']);
      expect(await search('barrette')).toEqual(['INT-000009']);
      expect(await search('100%')).toEqual(['INT-000009']);
      expect(await search('srv-4711')).toEqual(['INT-000011']);
      expect(await search('srv-4711', 'ready')).toEqual([]);
      expect(await search('_')).toEqual([]);
      const row = (await store.listConversations({ text: 'srv-4711', limit: 1, offset: 0 })).rows[0];
      expect(row).toMatchObject({
        id: 'INT-000011',
        subject: 'Demande 11',
        status: 'awaiting_customer',
        missing: ['os'],
        requestTypes: [],
        server: 'SRV-4711',
        customer: 'c11@customer.example',
        language: 'en',
        lastCustomerMessageAt: '2026-03-03T09:00:01.000Z',
      });

      // The desk's counts: every status, zeros included, in one query; under a search, its matches only.
      expect(await store.countConversations()).toEqual({
        awaiting_customer: 8,
        ready: 4,
        needs_review: 0,
        ignored: 0,
        scheduled: 0,
        done: 0,
      });
      expect(await store.countConversations('  DEMANDE  ')).toEqual({
        awaiting_customer: 7,
        ready: 4,
        needs_review: 0,
        ignored: 0,
        scheduled: 0,
        done: 0,
      });
      expect(await store.countConversations('100%')).toEqual({
        awaiting_customer: 0,
        ready: 1,
        needs_review: 0,
        ignored: 0,
        scheduled: 0,
        done: 0,
      });
      expect(await store.countConversations('_')).toEqual({
        awaiting_customer: 0,
        ready: 0,
        needs_review: 0,
        ignored: 0,
        scheduled: 0,
        done: 0,
      });
    });
  });

  describe('listMessageTexts', () => {
    it("gives a conversation's messages oldest first with their headers and new text, and no other's", async () => {
      const { store } = await h.fresh();
      const first = message({
        subject: 'Serveur HS',
        from: 'a@customer.example',
        newText: 'Premier <b>texte</b>',
      });
      await store.commitMessage(first);
      await store.commitMessage(message({ subject: 'Autre', newText: 'Autre conversation' }));
      await store.commitMessage(
        message({
          subject: 'Re: Serveur HS',
          inReplyTo: first.key.messageId,
          newText: 'Réponse : oui',
          state: 'ignored',
        }),
      );
      const texts = await store.listMessageTexts('INT-000001');
      expect(texts).toEqual([
        {
          id: expect.any(Number),
          messageId: first.key.messageId,
          from: 'a@customer.example',
          subject: 'Serveur HS',
          date: 'Tue, 3 Mar 2026 10:00:00 +0100',
          newText: 'Premier <b>texte</b>',
          automatic: false,
          state: 'processed',
          receivedAt: '2026-03-03T09:00:01.000Z',
        },
        expect.objectContaining({
          subject: 'Re: Serveur HS',
          newText: 'Réponse : oui',
          automatic: true,
          state: 'ignored',
        }),
      ]);
      expect(texts[0]!.id).toBeLessThan(texts[1]!.id);
      expect(await store.listMessageTexts('INT-000009')).toEqual([]);
    });
  });
}
