import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { Store } from '../../../src/store/store.js';
import {
  createWebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../../../src/webhook/webhook-dispatcher.js';
import { verifyWebhookSignature } from '../../../src/webhook/webhook-signature.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { message } from './fixtures.js';
import type { Harnessed } from './harness.js';

const SECRET = 'whsec-0123456789abcdef0123456789abcdef';
const log = createLogger({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const eventually = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
};

/** Status rows the triggers wrote for a conversation, oldest first. */
const events = async (store: Store, conversationId?: string) =>
  (await store.listStatusEvents({ conversationId, limit: 100 })).reverse();

export function statusEventTests(h: Harnessed) {
  describe('status events (triggers) and their webhook', () => {
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
    });
    afterEach(() => receiver.close());

    const dispatcher = (store: Store, options: Partial<WebhookDispatcherOptions> = {}) =>
      createWebhookDispatcher({
        store,
        url: receiver.url,
        secret: SECRET,
        log,
        // Retries due at once, so that a test does not wait for backoff.
        retry: { baseMs: 1, capMs: 1, jitter: 0 },
        ...options,
      });

    /** Runs the dispatcher until nothing is due (retries included). */
    const drain = async (d: ReturnType<typeof dispatcher>) => {
      for (let i = 0; i < 50; i++) {
        if ((await d.runOnce()) === 0) {
          await sleep(5);
          if ((await d.runOnce()) === 0) return;
        }
      }
    };

    it('fire on insert and on a change of status, not on an update that keeps the status', async () => {
      const { url, store } = await h.fresh();
      const first = await store.commitMessage(message({ subject: 'Disque HS', status: 'awaiting_customer' }));
      const id = first.conversationId!;
      expect(await events(store, id)).toMatchObject([
        { from: null, to: 'awaiting_customer', subject: 'Disque HS', missing: ['os'], delivery: 'pending' },
      ]);
      // Same status through the worker's own path, then through hand-written SQL: nothing new.
      await store.commitMessage(message({ inReplyTo: first.message.messageId, status: 'awaiting_customer' }));
      await h.raw(url, 'UPDATE conversations SET status = status, subject = ? WHERE id = ?', ['Autre', id]);
      expect(await events(store, id)).toHaveLength(1);
      await store.commitMessage(message({ inReplyTo: first.message.messageId, status: 'ready' }));
      await h.raw(url, 'UPDATE conversations SET status = ? WHERE id = ?', ['needs_review', id]);
      // Not a message of an existing conversation that changes nothing (no decision).
      await store.commitMessage(message({ inReplyTo: first.message.messageId, noDecision: true }));
      expect(await events(store)).toHaveLength(3);
      // The trigger does not care which statuses exist (the desk added some; the store itself refuses to
      // load a row with a status it does not know, so this one is written last).
      await h.raw(url, 'UPDATE conversations SET status = ? WHERE id = ?', ['some_future_status', id]);
      const all = await events(store, id);
      expect(all.map((e) => [e.from, e.to])).toEqual([
        [null, 'awaiting_customer'],
        ['awaiting_customer', 'ready'],
        ['ready', 'needs_review'],
        ['needs_review', 'some_future_status'],
      ]);
      expect(all.every((e) => !Number.isNaN(Date.parse(e.at)) && e.attempts === 0)).toBe(true);
    });

    it('delivers a change made by commitMessage and one made by a direct UPDATE, each once, signed', async () => {
      const { url, store } = await h.fresh();
      const first = await store.commitMessage(
        message({ subject: 'Serveur <b>bloqué</b>', status: 'awaiting_customer', serviceId: 'SRV-42' }),
      );
      const id = first.conversationId!;
      await store.commitMessage(message({ inReplyTo: first.message.messageId, status: 'ready' }));
      await h.raw(url, 'UPDATE conversations SET status = ? WHERE id = ?', ['needs_review', id]);
      const d = dispatcher(store);
      await drain(d);
      await drain(d);
      expect(receiver.received).toHaveLength(3);
      const bodies = receiver.received.map((r) => {
        expect(r.headers['content-type']).toBe('application/json');
        expect(verifyWebhookSignature(SECRET, r.headers['intake-signature'] as string, r.body, 300)).toBe(
          true,
        );
        expect(
          verifyWebhookSignature(
            'another-secret-another-secret-xx',
            r.headers['intake-signature'] as string,
            r.body,
            300,
          ),
        ).toBe(false);
        const body = JSON.parse(r.body.toString('utf8'));
        expect(r.headers['intake-event-id']).toBe(body.id);
        return body;
      });
      expect(bodies[1]).toEqual({
        id: expect.stringMatching(/^status-\d+$/),
        type: 'conversation.status_changed',
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        conversation: {
          id,
          from: 'awaiting_customer',
          to: 'ready',
          subject: 'Serveur <b>bloqué</b>',
          requestTypes: [],
          server: 'SRV-42',
          missing: ['os'],
        },
      });
      expect(bodies.map((b) => [b.conversation.from, b.conversation.to])).toEqual([
        [null, 'awaiting_customer'],
        ['awaiting_customer', 'ready'],
        ['ready', 'needs_review'],
      ]);
      expect(new Set(bodies.map((b) => b.id)).size).toBe(3);
      const stored = await events(store, id);
      expect(stored.map((e) => [e.delivery, e.attempts, e.lastError])).toEqual(
        Array(3).fill(['delivered', 1, null]),
      );
    });

    it('retries a 500, a 503 and a timeout, then delivers once; the event keeps the last error until then', async () => {
      const { store } = await h.fresh();
      await store.commitMessage(message());
      receiver.answers.push(500, 503, 'hang');
      const d = dispatcher(store, { timeoutMs: 1_000 });
      expect(await d.runOnce()).toBe(1);
      const [afterFirst] = await events(store);
      expect(afterFirst).toMatchObject({ delivery: 'pending', attempts: 1, lastError: 'HTTP 500: refused' });
      await drain(d);
      expect(receiver.received.map((r) => r.status)).toEqual([500, 503, 0, 200]);
      const ids = new Set(receiver.received.map((r) => r.headers['intake-event-id']));
      expect(ids.size).toBe(1);
      const [event] = await events(store);
      expect(event).toMatchObject({ delivery: 'delivered', attempts: 4, lastError: null });
      expect(event?.deliveredAt).toEqual(expect.any(String));
      await drain(d);
      expect(receiver.received).toHaveLength(4);
    });

    it('takes a 400 as final, and gives up after the last attempt with the last error kept', async () => {
      const { store } = await h.fresh();
      await store.commitMessage(message());
      receiver.answers.push(400);
      const d = dispatcher(store);
      await drain(d);
      expect(receiver.received).toHaveLength(1);
      expect(await events(store)).toMatchObject([
        { delivery: 'failed', attempts: 1, lastError: 'HTTP 400: refused' },
      ]);
      await store.commitMessage(message());
      receiver.answers.push(502, 502, 502);
      await drain(dispatcher(store, { retry: { maxAttempts: 3, baseMs: 1, capMs: 1, jitter: 0 } }));
      expect(receiver.received.map((r) => r.status)).toEqual([400, 502, 502, 502]);
      const [, second] = await events(store);
      expect(second).toMatchObject({ delivery: 'failed', attempts: 3, lastError: 'HTTP 502: refused' });
      // 408 and 429 are worth another try; a network error too.
      await store.commitMessage(message());
      receiver.answers.push(429, 408);
      await drain(dispatcher(store));
      expect(receiver.received.map((r) => r.status).slice(4)).toEqual([429, 408, 200]);
    });

    it('sends the credentials of the URL as Basic authentication, and says so when a receiver times out', async () => {
      const { store } = await h.fresh();
      await store.commitMessage(message());
      receiver.answers.push('hang');
      const withUser = receiver.url.replace('http://', 'http://hook%40desk:p%3Ass@');
      const d = dispatcher(store, { url: withUser, timeoutMs: 1_000 });
      await d.runOnce();
      expect(await events(store)).toMatchObject([
        { delivery: 'pending', lastError: 'network: no answer within 1000 ms' },
      ]);
      await drain(d);
      const basic = `Basic ${Buffer.from('hook@desk:p:ss').toString('base64')}`;
      expect(receiver.received.map((r) => r.headers.authorization)).toEqual([basic, basic]);
      expect((await events(store))[0]?.delivery).toBe('delivered');
    });

    it('stops at once while a receiver hangs, leaving the event due again', async () => {
      const { store } = await h.fresh();
      for (let i = 0; i < 3; i++) await store.commitMessage(message());
      receiver.answers.push('hang');
      const d = dispatcher(store, { timeoutMs: 30_000 });
      d.start();
      await eventually(() => receiver.received.length === 1);
      const began = Date.now();
      await d.stop();
      expect(Date.now() - began).toBeLessThan(2_000);
      const after = await events(store);
      expect(after.map((e) => e.delivery)).toEqual(['pending', 'pending', 'pending']);
      expect(after[0]).toMatchObject({ attempts: 1, lastError: 'the worker stopped' });
      expect(after.every((e) => Date.parse(e.nextAttemptAt) <= Date.now())).toBe(true);
      await drain(dispatcher(store));
      expect(receiver.received).toHaveLength(4);
      expect((await events(store)).every((e) => e.delivery === 'delivered')).toBe(true);
    });

    it('treats a receiver that is not there as a network error to retry', async () => {
      const { store } = await h.fresh();
      await store.commitMessage(message());
      const d = dispatcher(store, { url: 'http://127.0.0.1:1/nothing-listens-here' });
      expect(await d.runOnce()).toBe(1);
      expect(await events(store)).toMatchObject([
        { delivery: 'pending', attempts: 1, lastError: expect.stringMatching(/^network: /) },
      ]);
    });

    it('delivers each event once when two dispatchers run at the same time', async () => {
      const { url, store } = await h.fresh();
      const other = await h.openStore(url);
      for (let i = 0; i < 12; i++) await store.commitMessage(message());
      const a = dispatcher(store, { batchSize: 3 });
      const b = dispatcher(other, { batchSize: 3 });
      await Promise.all([drain(a), drain(b)]);
      const ids = receiver.received.map((r) => r.headers['intake-event-id']);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect((await events(store)).every((e) => e.delivery === 'delivered' && e.attempts === 1)).toBe(true);
    });

    it('lets a claim whose dispatcher died pass to another once its lease is over, and not before', async () => {
      const { store } = await h.fresh();
      await store.commitMessage(message());
      const now = new Date();
      const [claimed] = await store.claimStatusEvents({ now, leaseMs: 60_000, limit: 10 });
      expect(claimed).toMatchObject({ attempts: 1 });
      expect(await store.claimStatusEvents({ now, leaseMs: 60_000, limit: 10 })).toEqual([]);
      const later = new Date(now.getTime() + 61_000);
      const [again] = await store.claimStatusEvents({ now: later, leaseMs: 60_000, limit: 10 });
      expect(again).toMatchObject({ id: claimed!.id, attempts: 2 });
      // The dead claim's late outcome does not undo the newer one.
      expect(
        await store.settleStatusEvent(claimed!.id, 1, {
          delivery: 'failed',
          error: 'stale',
        }),
      ).toBe(false);
      expect(await store.settleStatusEvent(again!.id, 2, { delivery: 'delivered' })).toBe(true);
      expect(await events(store)).toMatchObject([{ delivery: 'delivered', attempts: 2 }]);
    });
  });
}
