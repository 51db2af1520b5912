import { describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../../src/conversation/record.js';
import type { CommitInput, ConversationCriteria, Store } from '../../../src/store/store.js';
import { type MessageSpec, message } from './fixtures.js';
import type { Harnessed } from './harness.js';
import { seedSql, timed } from './timing.js';

const sourced = (value: string, messageId: string) => ({ value, messageId, evidence: [] });

/** A fixture message whose record also gets these request types, language and servers. */
export function messageWith(
  spec: MessageSpec & {
    types?: ConversationRecord['requestTypes'][number]['value'][];
    language?: 'fr' | 'en';
    ips?: string[];
    hostnames?: string[];
    receivedAt?: string;
  },
): CommitInput {
  const base = message(spec);
  const id = base.key.messageId;
  return {
    ...base,
    receivedAt: spec.receivedAt ?? base.receivedAt,
    decide: (conversationId, stored) => {
      const decided = base.decide(conversationId, stored)!;
      const r = decided.record;
      return {
        ...decided,
        record: {
          ...r,
          language: spec.language ?? r.language,
          requestTypes: [...r.requestTypes, ...(spec.types ?? []).map((t) => sourced(t, id))],
          ips: [...r.ips, ...(spec.ips ?? []).map((v) => sourced(v, id))],
          hostnames: [...r.hostnames, ...(spec.hostnames ?? []).map((v) => sourced(v, id))],
        } as ConversationRecord,
      };
    },
  };
}

const ids = async (store: Store, criteria: ConversationCriteria & { status?: 'ready' }) =>
  (await store.listConversations({ ...criteria, limit: 50, offset: 0 })).rows.map((r) => r.id);

/** Six conversations that differ in every filtered column. */
export async function seed(store: Store) {
  await store.commitMessage(
    messageWith({
      serviceId: 'SRV-1001',
      types: ['os_reinstall'],
      language: 'fr',
      from: 'Alice@Acme.example',
      status: 'ready',
      receivedAt: '2026-03-01T23:30:00.000Z', // 00:30 on 2 March in Paris
    }),
  );
  await store.commitMessage(
    messageWith({
      serviceId: 'SRV-1002',
      types: ['hardware', 'intervention'],
      ips: ['203.0.113.7'],
      from: 'bob@acme.example',
      receivedAt: '2026-03-02T12:00:00.000Z',
    }),
  );
  await store.commitMessage(
    messageWith({
      hostnames: ['Web1.Customer.example'],
      types: ['hardware'],
      language: 'fr',
      from: 'carol@other.example',
      status: 'ready',
      receivedAt: '2026-03-02T22:59:59.000Z', // 23:59:59 in Paris
    }),
  );
  await store.commitMessage(
    messageWith({
      serviceId: 'SRV-2001',
      ips: ['2001:db8::1'],
      from: 'dave@other.example',
      receivedAt: '2026-03-02T23:00:00.000Z', // 3 March in Paris
    }),
  );
  await store.commitMessage(
    messageWith({ from: 'eve@100%.example', receivedAt: '2026-03-05T09:00:00.000Z' }),
  );
  await store.commitMessage(
    messageWith({ serviceId: 'srv-10', status: 'ready', receivedAt: '2026-02-27T09:00:00.000Z' }),
  );
}

export function queueFilterTests(h: Harnessed) {
  describe('queue filters', () => {
    it('filter by request type, language, server, sender and date, alone and together, and count alike', async () => {
      const { store } = await h.fresh();
      await seed(store);
      expect(await ids(store, { requestType: 'hardware' })).toEqual(['INT-000003', 'INT-000002']);
      expect(await ids(store, { requestType: 'os_reinstall' })).toEqual(['INT-000001']);
      expect(await ids(store, { language: 'fr' })).toEqual(['INT-000003', 'INT-000001']);
      // Server: a service id, an IP or a host name, exactly or by its beginning, in any case.
      expect(await ids(store, { server: 'srv-1001' })).toEqual(['INT-000001']);
      expect(await ids(store, { server: 'SRV-10' })).toEqual(['INT-000006', 'INT-000002', 'INT-000001']);
      expect(await ids(store, { server: 'srv-2' })).toEqual(['INT-000004']);
      expect(await ids(store, { server: '203.0.113' })).toEqual(['INT-000002']);
      expect(await ids(store, { server: '2001:DB8::1' })).toEqual(['INT-000004']);
      expect(await ids(store, { server: 'web1.customer' })).toEqual(['INT-000003']);
      expect(await ids(store, { server: 'customer.example' })).toEqual([]);
      expect(await ids(store, { server: '%' })).toEqual([]);
      // Sender: a substring of the address, in any case; wildcards are literal.
      expect(await ids(store, { sender: 'ACME' })).toEqual(['INT-000002', 'INT-000001']);
      expect(await ids(store, { sender: '100%' })).toEqual(['INT-000005']);
      expect(await ids(store, { sender: '_' })).toEqual([]);
      // Dates: instants at the bounds (the web layer turns provider days into them).
      const march2 = {
        lastCustomerFrom: '2026-03-01T23:00:00.000Z',
        lastCustomerBefore: '2026-03-02T23:00:00.000Z',
      };
      expect(await ids(store, march2)).toEqual(['INT-000003', 'INT-000002', 'INT-000001']);
      expect(await ids(store, { lastCustomerFrom: '2026-03-02T23:00:00.000Z' })).toEqual([
        'INT-000005',
        'INT-000004',
      ]);
      expect(await ids(store, { lastCustomerBefore: '2026-03-01T00:00:00.000Z' })).toEqual(['INT-000006']);
      // Together, with the status and the text search.
      expect(await ids(store, { ...march2, language: 'fr', status: 'ready' })).toEqual([
        'INT-000003',
        'INT-000001',
      ]);
      expect(await ids(store, { server: 'srv-10', requestType: 'hardware', text: 'bob@' })).toEqual([
        'INT-000002',
      ]);
      const page = await store.listConversations({ server: 'srv-10', limit: 2, offset: 2 });
      expect(page).toMatchObject({ total: 3, rows: [{ id: 'INT-000001' }] });
      expect(await store.countConversations({ ...march2 })).toEqual({
        ready: 2,
        awaiting_customer: 1,
        needs_review: 0,
        ignored: 0,
        scheduled: 0,
        done: 0,
      });
      expect(await store.countConversations({ server: 'srv-10', sender: 'acme' })).toEqual({
        ready: 1,
        awaiting_customer: 1,
        needs_review: 0,
        ignored: 0,
        scheduled: 0,
        done: 0,
      });
    });

    it('keeps the server index in step with the record as a conversation grows', async () => {
      const { store } = await h.fresh();
      const first = messageWith({ serviceId: 'SRV-7' });
      await store.commitMessage(first);
      expect(await ids(store, { server: '198.51.100.4' })).toEqual([]);
      await store.commitMessage(messageWith({ inReplyTo: first.key.messageId, ips: ['198.51.100.4'] }));
      expect(await ids(store, { server: '198.51.100.4' })).toEqual(['INT-000001']);
      expect(await ids(store, { server: 'srv-7' })).toEqual(['INT-000001']);
      // An automatic message joins the conversation but leaves its servers alone.
      await store.commitMessage(
        messageWith({ inReplyTo: first.key.messageId, state: 'ignored', hostnames: ['auto.example'] }),
      );
      expect(await ids(store, { server: 'auto.example' })).toEqual([]);
    });

    it('backfills the server index from the stored records when the migration runs', async () => {
      const { url, store } = await h.fresh();
      await seed(store);
      // Back to the schema before migration 4, with the conversations already there.
      await h.raw(url, 'DROP TABLE conversation_servers');
      await h.raw(url, 'DROP INDEX conversations_last_customer');
      await h.raw(url, 'DELETE FROM schema_migrations WHERE version = 4');
      await store.migrate();
      const rows = await h.raw(
        url,
        'SELECT conversation_id, value FROM conversation_servers ORDER BY conversation_id, value',
      );
      expect(rows.map((r) => `${r.conversation_id} ${r.value}`)).toEqual([
        'INT-000001 srv-1001',
        'INT-000002 203.0.113.7',
        'INT-000002 srv-1002',
        'INT-000003 web1.customer.example',
        'INT-000004 2001:db8::1',
        'INT-000004 srv-2001',
        'INT-000006 srv-10',
      ]);
      expect(await ids(store, { server: 'SRV-10' })).toEqual(['INT-000006', 'INT-000002', 'INT-000001']);
    });
  });

  describe('queue filter timings', () => {
    it('answers a filtered queue page (rows, total, per-status counts) over 10,000 conversations in well under 100 ms', async () => {
      const { url, store } = await h.fresh();
      await h.raw(url, seedSql(h.harness.kind, 10_000));
      await h.raw(
        url,
        'INSERT INTO conversation_servers (value, conversation_id) SELECT lower(server), id FROM conversations',
      );
      // What the queue page asks for one view: a page, its total and the tabs' counts, under the same filter.
      const view = (criteria: ConversationCriteria) => async () => {
        const filter = { ...criteria, limit: 50, offset: 0 };
        await Promise.all([store.listConversations(filter), store.countConversations(filter)]);
      };
      const server = await timed(view({ server: 'srv-77' }));
      const sender = await timed(view({ sender: 'c7777@' }));
      const dates = await timed(
        view({
          lastCustomerFrom: '2026-01-01T01:00:00.000Z',
          lastCustomerBefore: '2026-01-01T02:00:00.000Z',
        }),
      );
      const all = await timed(
        view({
          server: 'srv-1',
          sender: 'customer',
          language: 'fr',
          requestType: 'hardware',
          text: 'demande',
        }),
      );
      expect((await store.listConversations({ server: 'SRV-777', limit: 50, offset: 0 })).total).toBe(11);
      expect((await store.listConversations({ sender: 'c7777@', limit: 50, offset: 0 })).total).toBe(1);
      console.log(
        `[${h.harness.kind}] filtered queue view over 10,000: server prefix ${server.toFixed(1)} ms, ` +
          `sender ${sender.toFixed(1)} ms, one hour ${dates.toFixed(1)} ms, every filter ${all.toFixed(1)} ms`,
      );
      expect(Math.max(server, sender, dates, all)).toBeLessThan(100);
    });
  });

  describe('quarantine pages', () => {
    it('pages newest first, counts open or all entries, finds one by id', async () => {
      const { store } = await h.fresh();
      const entry = (n: number) => ({
        mailbox: 'INBOX',
        uidValidity: '7',
        uid: n,
        messageId: `<q${n}@x>`,
        contentHash: null,
        code: 'mime_unreadable',
        reason: `entry ${n}`,
      });
      const made: number[] = [];
      for (let n = 1; n <= 5; n++) made.push(await store.quarantine(entry(n)));
      await store.resolveQuarantine(made[1]!);
      expect(await store.countQuarantine()).toBe(4);
      expect(await store.countQuarantine({ includeResolved: true })).toBe(5);
      const newest = await store.listQuarantine(2, { newestFirst: true, offset: 1 });
      expect(newest.map((e) => e.uid)).toEqual([4, 3]);
      const all = await store.listQuarantine(10, { newestFirst: true, includeResolved: true, offset: 3 });
      expect(all.map((e) => e.uid)).toEqual([2, 1]);
      expect(await store.getQuarantine(made[1]!)).toMatchObject({
        ...entry(2),
        id: made[1],
        resolvedAt: expect.any(String),
      });
      expect(await store.getQuarantine(9_999)).toBeNull();
    });
  });
}
