import { describe, expect, it } from 'vitest';
import { memoryPositionStore } from '../../src/mailbox/position-store.js';
import { useDovecot } from './support/fixture.js';
import { collector, rawMessage, sleep, stateLog } from './support/mail.js';

// Real Dovecot on loopback: a test that cannot start it fails (startDovecot throws), it never skips.
const t = useDovecot();

describe('mailbox source: delivery and position', () => {
  it('hands over a message appended by another client within 1.5 s (IDLE)', async () => {
    const mailbox = await t.freshMailbox();
    const got = collector();
    const s = t.source(mailbox);
    await s.start(got.onMessages);
    expect(s.state).toBe('idle');
    const latencies: number[] = [];
    for (let i = 1; i <= 3; i++) {
      // Longer than autoIdleDelay, so the connection is really in IDLE when the mail arrives.
      await sleep(1100);
      const { raw, messageId } = rawMessage(`idle ${i}`);
      const appendedAt = Date.now();
      const uid = await t.dovecot.append(mailbox, raw);
      await got.waitFor(i, 1500);
      const m = got.messages[i - 1]!;
      latencies.push(m.at - appendedAt);
      expect(m).toMatchObject({ mailbox, uid, messageId, size: Buffer.byteLength(raw) });
      expect(m.uidValidity).toMatch(/^\d+$/);
    }
    latencies.sort((a, b) => a - b);
    console.log(`APPEND → onMessages latency (ms): ${latencies.join(', ')}; median ${latencies[1]}`);
    expect(latencies[1]).toBeLessThan(1000);
  });

  it('hands over the backlog at start, ascending, in batches, storing the position after each', async () => {
    const mailbox = await t.freshMailbox();
    const uids: number[] = [];
    for (let i = 0; i < 5; i++) uids.push(await t.dovecot.append(mailbox, rawMessage(`backlog ${i}`).raw));
    const positions = memoryPositionStore();
    const seenPositions: number[] = [];
    const got = collector();
    const s = t.source(mailbox, { positions, batchSize: 2 });
    await s.start(async (batch) => {
      seenPositions.push((await positions.get(mailbox))?.lastUid ?? 0);
      await got.onMessages(batch);
    });
    expect(got.batches.map((b) => b.map((m) => m.uid))).toEqual([
      uids.slice(0, 2),
      uids.slice(2, 4),
      uids.slice(4),
    ]);
    // Each batch is handed over before the position moves past it.
    expect(seenPositions).toEqual([0, uids[1], uids[3]]);
    expect(await positions.get(mailbox)).toEqual({
      uidValidity: got.messages[0]!.uidValidity,
      lastUid: uids[4],
    });
  });

  it('resumes after a restart from the stored last UID without handing anything over twice', async () => {
    const mailbox = await t.freshMailbox();
    const positions = memoryPositionStore();
    for (let i = 0; i < 2; i++) await t.dovecot.append(mailbox, rawMessage(`before ${i}`).raw);
    const first = collector();
    const a = t.source(mailbox, { positions });
    await a.start(first.onMessages);
    expect(first.messages).toHaveLength(2);
    await a.stop();
    expect(a.state).toBe('closed');

    const later = await t.dovecot.append(mailbox, rawMessage('while stopped').raw);
    const second = collector();
    const b = t.source(mailbox, { positions });
    await b.start(second.onMessages);
    expect(second.messages.map((m) => m.uid)).toEqual([later]);
  });

  it('delivers again, rather than loses, a batch whose hand-over failed', async () => {
    const mailbox = await t.freshMailbox();
    const uid = await t.dovecot.append(mailbox, rawMessage('refused once').raw);
    let refusals = 0;
    const got = collector({ fail: () => refusals++ === 0 });
    const positions = memoryPositionStore();
    const s = t.source(mailbox, { positions });
    const states = stateLog(s);
    await s.start(got.onMessages);
    expect(got.messages.map((m) => m.uid)).toEqual([uid]);
    expect(states).toContain('backoff');
    expect((await positions.get(mailbox))?.lastUid).toBe(uid);
  });

  it('resyncs at start when the stored UIDVALIDITY is not the mailbox’s', async () => {
    const mailbox = await t.freshMailbox();
    const uid = await t.dovecot.append(mailbox, rawMessage('old epoch').raw);
    const positions = memoryPositionStore({ [mailbox]: { uidValidity: '1', lastUid: 999 } });
    const got = collector();
    await t.source(mailbox, { positions }).start(got.onMessages);
    expect(got.messages.map((m) => m.uid)).toEqual([uid]);
    expect((await positions.get(mailbox))?.uidValidity).not.toBe('1');
  });

  it('stops within its time budget, and may start again', async () => {
    const mailbox = await t.freshMailbox();
    const s = t.source(mailbox, { stopTimeoutMs: 1000 });
    await s.start(collector().onMessages);
    await sleep(1100); // in IDLE
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.state).toBe('closed');

    const got = collector();
    await s.start(got.onMessages);
    await sleep(1100);
    await t.dovecot.append(mailbox, rawMessage('after restart of the source').raw);
    await got.waitFor(1, 1500);
  });

  it('refuses a second start while running', async () => {
    const s = t.source(await t.freshMailbox());
    await s.start(collector().onMessages);
    await expect(s.start(collector().onMessages)).rejects.toMatchObject({ code: 'source_running' });
  });
});
