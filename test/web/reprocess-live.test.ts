import { Queue } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import type { Store } from '../../src/store/store.js';
import { createReprocessCapability, type ReprocessCapability } from '../../src/web/reprocess-capability.js';
import { customerMail } from '../support/customer-mail.js';
import { type Harness, startHarness } from '../support/worker-harness.js';
import { type Desk, EMAIL, openDesk, signIn } from './support/desk.js';

/**
 * The desk's Reprocess button against a real Dovecot and the machine's Redis (queues under a prefix of the
 * test's own), wired by `createReprocessCapability` from the configuration as `intake web` wires it: the
 * quarantined message goes back to INBOX and onto the ingest queue, and the entry is resolved and audited.
 */
let h: Harness;
let desk: Desk;
let capabilityStore: Store;
let capability: ReprocessCapability;

/** A message in the Quarantine folder with its entry in the store, as the worker leaves one. */
async function quarantined(subject: string, store: Store = desk.store) {
  const mail = customerMail({ subject, body: 'Hello,\n\nPlease reinstall Debian 12 on SRV-5150.\n' });
  const uid = await h.dovecot.append('Quarantine', mail.raw);
  const id = await store.quarantine({
    mailbox: 'INBOX',
    uidValidity: '1',
    uid,
    messageId: mail.messageId,
    contentHash: null,
    code: 'message_too_large',
    reason: 'the message is larger than INTAKE_MAX_MESSAGE_BYTES',
  });
  return { id, messageId: mail.messageId };
}

async function queuedMessageIds(): Promise<string[]> {
  const connection = redisConnection(h.config.REDIS_URL);
  const queue = new Queue(INGEST_QUEUE, { connection, prefix: h.config.INTAKE_QUEUE_PREFIX });
  try {
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    return jobs.map((j) => (j.data as { messageId: string }).messageId);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

beforeAll(async () => {
  h = await startHarness();
  capabilityStore = await h.openStore();
  capability = createReprocessCapability({
    config: h.config,
    store: capabilityStore,
    logger: pino({ level: 'silent' }),
  })!;
  expect(capability).not.toBeNull();
  desk = await openDesk({ reprocess: capability.reprocess }, h.config.DATABASE_URL);
}, 60_000);
afterAll(async () => {
  await desk?.close();
  await capability?.close();
  await capabilityStore?.close();
  await h?.stop();
});

describe('Reprocess against a real mailbox and queue', () => {
  it('puts a quarantined message back in INBOX and on the ingest queue, from the page and from the API', async () => {
    const a = await quarantined('Reinstall, first');
    const b = await quarantined('Reinstall, second');
    const { cookie, csrf } = await signIn(desk.app);

    const list = await desk.app.inject({ method: 'GET', url: '/quarantine', headers: { cookie } });
    expect(list.body).toContain(`action="/quarantine/${a.id}/reprocess"`);
    const page = await desk.app.inject({
      method: 'POST',
      url: `/quarantine/${a.id}/reprocess`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `csrf=${encodeURIComponent(csrf)}`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<strong>requeued<\/strong>: back in INBOX as UID \d+ and queued \(was quarantined: message_too_large\)/,
    );

    const api = await desk.app.inject({
      method: 'POST',
      url: `/api/quarantine/${b.id}/reprocess`,
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({
      quarantine: { id: b.id, messageId: b.messageId, resolvedAt: expect.any(String) },
      result: { messageId: b.messageId, action: 'requeued' },
    });

    const inbox = (await h.dovecot.list('INBOX')).map((m) => m.messageId);
    expect(inbox).toEqual(expect.arrayContaining([a.messageId, b.messageId]));
    const left = (await h.dovecot.list('Quarantine')).map((m) => m.messageId);
    expect(left).not.toContain(a.messageId);
    expect(left).not.toContain(b.messageId);
    expect(await queuedMessageIds()).toEqual(expect.arrayContaining([a.messageId, b.messageId]));
    expect(await desk.store.countQuarantine()).toBe(0);

    // Audited twice: the desk's entry (who, before/after, the result) and replay's own, under the staff's name.
    const [entry] = await desk.store.listAudit({ subject: `quarantine:${a.id}`, limit: 5 });
    expect(entry).toMatchObject({
      actor: `desk:${EMAIL}`,
      action: 'quarantine.reprocess',
      details: {
        quarantineId: a.id,
        messageId: a.messageId,
        code: 'message_too_large',
        before: { resolvedAt: null },
        after: { resolvedAt: expect.any(String) },
        result: { action: 'requeued', detail: expect.stringContaining('back in INBOX') },
        via: 'session',
      },
    });
    const replay = await desk.store.listAudit({ subject: b.messageId, limit: 5 });
    expect(replay.map((e) => [e.actor, e.action])).toEqual([[`desk:${EMAIL}`, 'replay']]);

    // Once resolved, a second click is refused and nothing moves.
    const again = await desk.app.inject({
      method: 'POST',
      url: `/api/quarantine/${a.id}/reprocess`,
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(again.statusCode).toBe(409);
    expect(await queuedMessageIds()).toHaveLength(2);
  }, 60_000);

  it('says so when the message is no longer in the Quarantine folder, and leaves the entry open', async () => {
    const gone = await quarantined('Reinstall, moved by hand');
    const [stored] = (await h.dovecot.list('Quarantine')).filter((m) => m.messageId === gone.messageId);
    await h.dovecot.deleteMessage('Quarantine', stored!.uid);
    const res = await desk.app.inject({
      method: 'POST',
      url: `/api/quarantine/${gone.id}/reprocess`,
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: { action: 'not_found' }, quarantine: { resolvedAt: null } });
    const [entry] = await desk.store.listAudit({ subject: `quarantine:${gone.id}`, limit: 5 });
    expect(entry?.details).toMatchObject({ result: { action: 'not_found' }, after: { resolvedAt: null } });
  }, 60_000);
});

describe('Reprocess when Redis does not answer', () => {
  it('answers 502 within its time limit instead of hanging, audited, and the message is back in INBOX', async () => {
    // Nothing listens on port 9 here: BullMQ would retry without end, the desk must not wait with it.
    let silent: ReprocessCapability | null = null;
    const other = await openDesk({ reprocess: (id, actor) => silent!.reprocess(id, actor) });
    silent = createReprocessCapability({
      config: { ...h.config, REDIS_URL: 'redis://127.0.0.1:9' },
      store: other.store,
      logger: pino({ level: 'silent' }),
      timeoutMs: 1_500,
    })!;
    try {
      const entry = await quarantined('Reinstall, Redis away', other.store);
      const started = Date.now();
      const res = await other.app.inject({
        method: 'POST',
        url: `/api/quarantine/${entry.id}/reprocess`,
        headers: { authorization: `Bearer ${other.token}` },
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatchObject({ code: 'reprocess_failed' });
      expect(res.json().error.message).toContain('reprocess_timeout');
      const [audit] = await other.store.listAudit({ subject: `quarantine:${entry.id}`, limit: 1 });
      expect(audit?.details).toMatchObject({ result: { action: 'failed', error: 'reprocess_timeout' } });
      // Moved before the queue was asked: the worker finds it in INBOX by its new UID.
      expect((await h.dovecot.list('INBOX')).map((m) => m.messageId)).toContain(entry.messageId);
    } finally {
      await other.close();
      await silent?.close();
    }
  }, 60_000);
});
