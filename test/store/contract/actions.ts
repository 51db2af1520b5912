import { describe, expect, it } from 'vitest';
import { IntakeError } from '../../../src/errors.js';
import type { ConversationState, Store } from '../../../src/store/store.js';
import { message, replyDraft } from './fixtures.js';
import type { Harnessed } from './harness.js';

const ACTOR = 'desk:alice@example.org';

/** A staff change that sets the status and adds one history entry of the staff member's. */
const setStatus =
  (status: ConversationState['status'], extra: Partial<ConversationState> = {}) =>
  (c: ConversationState) => ({
    record: {
      ...c.record,
      history: [
        ...c.record.history,
        { field: 'backup', value: 'confirmed', messageId: 'desk', actor: ACTOR },
      ],
    },
    status,
    missing: extra.missing ?? c.missing,
    line: { ...(c.line as object), status },
    reply: null,
    audit: { action: 'status.changed', details: { before: c.status, after: status } },
  });

async function seeded(store: Store, status: 'ready' | 'awaiting_customer' = 'ready') {
  const first = message({ status, serviceId: 'SRV-1', reply: status === 'awaiting_customer' });
  await store.commitMessage(first);
  return first;
}

export function actionTests(h: Harnessed) {
  describe('staff actions (changeConversation)', () => {
    it('updates the status column, record, history (with its actor) and audit in one transaction', async () => {
      const { url, store } = await h.fresh();
      await seeded(store);
      const result = await store.changeConversation({
        id: 'INT-000001',
        actor: ACTOR,
        change: setStatus('scheduled', { missing: [] }),
      });
      expect(result).toEqual({ status: 'scheduled', missing: [], replyId: null });
      const c = await store.getConversation('INT-000001');
      expect(c).toMatchObject({ status: 'scheduled', missing: [], line: { status: 'scheduled' } });
      const rows = await h.raw(url, 'SELECT field, message_id, actor FROM record_changes ORDER BY seq');
      expect(rows.at(-1)).toEqual({ field: 'backup', message_id: 'desk', actor: ACTOR });
      // The worker's own changes carry no actor.
      expect(rows[0]).toMatchObject({ actor: null });
      const [audit] = await store.listAudit({ subject: 'INT-000001', limit: 1 });
      expect(audit).toMatchObject({
        actor: ACTOR,
        action: 'status.changed',
        details: { before: 'ready', after: 'scheduled' },
      });

      // The workflow states are counted and listed like the parser's.
      expect(await store.countConversations()).toMatchObject({ scheduled: 1, done: 0, ready: 0 });
      expect((await store.listConversations({ status: 'scheduled', limit: 10, offset: 0 })).total).toBe(1);
      await store.changeConversation({ id: 'INT-000001', actor: ACTOR, change: setStatus('done') });
      expect(await store.countConversations()).toMatchObject({ scheduled: 0, done: 1 });
    });

    it('writes nothing when the change refuses, and answers null for an unknown conversation', async () => {
      const { url, store } = await h.fresh();
      await seeded(store);
      const before = await h.raw(url, 'SELECT COUNT(*) AS n FROM audit');
      await expect(
        store.changeConversation({
          id: 'INT-000001',
          actor: ACTOR,
          change: () => {
            throw new IntakeError('status_transition_invalid', 'no');
          },
        }),
      ).rejects.toMatchObject({ code: 'status_transition_invalid' });
      expect(await h.raw(url, 'SELECT COUNT(*) AS n FROM audit')).toEqual(before);
      expect((await store.getConversation('INT-000001'))?.status).toBe('ready');
      expect(
        await store.changeConversation({ id: 'INT-000999', actor: ACTOR, change: setStatus('done') }),
      ).toBeNull();
    });

    it("keeps the queue's server filter in step with a corrected server", async () => {
      const { store } = await h.fresh();
      await seeded(store);
      const page = (server: string) => store.listConversations({ server, limit: 10, offset: 0 });
      expect((await page('srv-1')).total).toBe(1);
      await store.changeConversation({
        id: 'INT-000001',
        actor: ACTOR,
        change: (c) => ({
          ...setStatus('ready')(c),
          record: {
            ...c.record,
            serviceIds: [{ value: 'SRV-42', messageId: null, evidence: [] }],
          },
        }),
      });
      expect((await page('SRV-1')).total).toBe(0);
      expect((await page('srv-4')).rows.map((r) => r.id)).toEqual(['INT-000001']);
    });

    it("queues a staff reply as the conversation's next revision, linked for the customer's answer", async () => {
      const { store } = await h.fresh();
      await seeded(store, 'awaiting_customer');
      const draft = { ...replyDraft('client@customer.example'), headers: {}, requested: [] };
      const result = await store.changeConversation({
        id: 'INT-000001',
        actor: ACTOR,
        change: (c) => ({
          ...setStatus('awaiting_customer')(c),
          reply: draft,
          audit: { action: 'reply.sent_by_staff', details: {} },
        }),
      });
      const row = await store.getReply(result!.replyId!);
      expect(row).toMatchObject({
        revision: 2,
        status: 'pending',
        text: draft.text,
        messageId: draft.messageId,
      });
      expect((await store.listUnsettledReplies(10)).map((r) => r.id)).toContain(row!.id);
      const [audit] = await store.listAudit({ subject: 'INT-000001', limit: 1 });
      expect(audit?.details).toEqual({ replyId: row!.id });
      // The customer answers our reply without the ticket in the subject: same conversation.
      const answer = await store.commitMessage(
        message({ subject: 'Re: question', inReplyTo: draft.messageId }),
      );
      expect(answer.conversationId).toBe('INT-000001');
    });

    it('lets a new customer message reopen a scheduled or done conversation, audited as system', async () => {
      const { store } = await h.fresh();
      const first = await seeded(store);
      await store.changeConversation({ id: 'INT-000001', actor: ACTOR, change: setStatus('scheduled') });
      const next = message({ subject: 'Re: more', inReplyTo: first.key.messageId, status: 'ready' });
      await store.commitMessage(next);
      expect((await store.getConversation('INT-000001'))?.status).toBe('ready');
      const entries = await store.listAudit({ subject: 'INT-000001', limit: 5 });
      expect(entries.find((e) => e.action === 'status.reopened')).toMatchObject({
        actor: 'system',
        details: { before: 'scheduled', after: 'ready', messageId: next.key.messageId },
      });
      // An automatic message does not reopen anything.
      await store.changeConversation({ id: 'INT-000001', actor: ACTOR, change: setStatus('done') });
      await store.commitMessage(
        message({ subject: 'Auto: away', inReplyTo: first.key.messageId, state: 'ignored' }),
      );
      expect((await store.getConversation('INT-000001'))?.status).toBe('done');
    });
  });
}
