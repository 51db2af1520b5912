import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxSource, type MailboxSource } from '../../src/mailbox/imap-source.js';
import { acquireLease, type Lease, type LeaseRedis } from '../../src/mailbox/lease.js';
import { type LeasedSource, runLeasedSource } from '../../src/mailbox/leased-source.js';
import type { MailboxError } from '../../src/mailbox/mailbox-error.js';
import { memoryPositionStore } from '../../src/mailbox/position-store.js';
import { type DovecotInstance, startDovecot } from '../support/dovecot.js';
import { collector, rawMessage, sleep, testLogger, uniqueName, waitForState } from './support/mail.js';
import { connectRedis, type TestRedis } from './support/redis.js';

// Real Redis on 127.0.0.1:6379 and a real Dovecot: without them these tests fail, they never skip.
let redis: TestRedis;
let dovecot: DovecotInstance;
const keys: string[] = [];
const leases: Lease[] = [];
const running: LeasedSource[] = [];
const sources: MailboxSource[] = [];

beforeAll(async () => {
  redis = await connectRedis();
  dovecot = await startDovecot();
});
afterAll(async () => {
  await redis?.quit();
  await dovecot?.stop();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await Promise.all(leases.splice(0).map((l) => l.release()));
  for (const key of keys.splice(0)) await redis.del(key);
});

const newKey = () => {
  const key = `intake:test:lease:${randomUUID()}`;
  keys.push(key);
  return key;
};

async function take(key: string, ttlMs: number, owner: string, onLost?: (e: MailboxError) => void) {
  const lease = await acquireLease(redis, key, ttlMs, owner, onLost ? { onLost } : {});
  if (lease) leases.push(lease);
  return lease;
}

describe('Redis lease', () => {
  it('is held by one owner at a time, renewed past its ttl, and free again once released', async () => {
    const key = newKey();
    const a = await take(key, 600, 'a');
    expect(a?.held).toBe(true);
    expect(await take(key, 600, 'b')).toBeNull();
    expect(await redis.get(key)).toBe('a');
    await sleep(1000); // well past the ttl: only renewal keeps it
    expect(a!.held).toBe(true);
    expect(await redis.get(key)).toBe('a');
    expect(await redis.pttl(key)).toBeGreaterThan(200);
    await a!.release();
    expect(a!.held).toBe(false);
    expect(await redis.get(key)).toBeNull();
    expect((await take(key, 600, 'b'))?.held).toBe(true);
  });

  it('release never deletes a key someone else holds now', async () => {
    const key = newKey();
    const a = await take(key, 600, 'a');
    await redis.setValue(key, 'b', 600);
    await a!.release();
    expect(await redis.get(key)).toBe('b');
  });

  it('reports the loss when a renewal finds another owner', async () => {
    const key = newKey();
    const lost: MailboxError[] = [];
    const a = await take(key, 600, 'a', (e) => lost.push(e));
    await redis.setValue(key, 'intruder', 5000);
    await sleep(400); // one renewal period (ttl/3) and some
    expect(lost.map((e) => e.code)).toEqual(['lease_failed']);
    expect(a!.held).toBe(false);
    expect(await redis.get(key)).toBe('intruder');
  });

  it('reports the loss before expiry when renewals keep failing (Redis unreachable)', async () => {
    const key = newKey();
    let down = false;
    // The real client, with its EVAL failing while "down": what a broken connection looks like to the lease.
    const flaky: LeaseRedis = {
      set: (...args) => redis.set(...args),
      eval: (...args) => (down ? Promise.reject(new Error('ECONNREFUSED')) : redis.eval(...args)),
    };
    const lost: number[] = [];
    const t0 = Date.now();
    const lease = await acquireLease(flaky, key, 600, 'a', { onLost: () => lost.push(Date.now() - t0) });
    leases.push(lease!);
    down = true;
    await sleep(700);
    expect(lost).toHaveLength(1);
    // ttl − ttl/6: the holder stops before the key can expire and be taken.
    expect(lost[0]).toBeLessThan(600);
    expect(lost[0]).toBeGreaterThanOrEqual(450);
  });
});

describe('leased mailbox source', () => {
  function leasedSource(mailbox: string, key: string, onMessages: Parameters<typeof runLeasedSource>[1]) {
    const source = createMailboxSource({
      url: dovecot.url,
      mailbox,
      processedFolder: `${mailbox}-Processed`,
      quarantineFolder: `${mailbox}-Quarantine`,
      positions: memoryPositionStore(),
      reconnect: { baseMs: 50, capMs: 400 },
      logger: testLogger(),
    });
    sources.push(source);
    const leased = runLeasedSource(
      { source, redis, key, ttlMs: 900, retryMs: 150, logger: testLogger() },
      onMessages,
    );
    running.push(leased);
    return { source, leased };
  }

  it('lets only one of two workers watch, and the other take over when it stops', async () => {
    const mailbox = uniqueName('L');
    await dovecot.createMailbox(mailbox);
    const key = newKey();
    const gotA = collector();
    const gotB = collector();
    const a = leasedSource(mailbox, key, gotA.onMessages);
    await waitForState(a.source, 'idle', 3000);
    const b = leasedSource(mailbox, key, gotB.onMessages);
    await sleep(500); // b tries several times meanwhile
    expect(a.leased.leader).toBe(true);
    expect(b.leased.leader).toBe(false);
    expect(b.source.state).toBe('disconnected');
    expect(await redis.get(key)).toBe(a.leased.ownerId);

    await sleep(600);
    const first = rawMessage('for the leader');
    await dovecot.append(mailbox, first.raw);
    await gotA.waitFor(1, 1500);
    expect(gotB.messages).toHaveLength(0);

    const t0 = Date.now();
    await a.leased.stop();
    expect(a.source.state).toBe('closed');
    await waitForState(b.source, 'idle', 3000);
    console.log(`takeover after the holder stopped: ${Date.now() - t0} ms`);
    expect(b.leased.leader).toBe(true);
    // b starts from its own (empty) position store here, so it hands the first message over again: the
    // store's dedup absorbs that in production, where both share the position.
    await sleep(1100);
    const second = rawMessage('for the new leader');
    await dovecot.append(mailbox, second.raw);
    await gotB.waitFor(2, 1500);
    expect(gotB.messages.map((m) => m.messageId)).toEqual([first.messageId, second.messageId]);
    expect(gotA.messages).toHaveLength(1);
  });

  it('stops the source as soon as the lease is lost', async () => {
    const mailbox = uniqueName('L');
    await dovecot.createMailbox(mailbox);
    const key = newKey();
    const { source, leased } = leasedSource(mailbox, key, collector().onMessages);
    await waitForState(source, 'idle', 3000);
    const changes: boolean[] = [];
    leased.onLeadership((leader) => changes.push(leader));
    await redis.setValue(key, 'another-worker', 5000);
    await waitForState(source, 'closed', 1500);
    expect(leased.leader).toBe(false);
    expect(changes).toEqual([false]);
    // It keeps trying, and takes the lease back once the other holder's key is gone.
    await redis.del(key);
    await waitForState(source, 'idle', 3000);
    expect(leased.leader).toBe(true);
  });
});
