import { describe, expect, it } from 'vitest';
import { memoryPositionStore } from '../../src/mailbox/position-store.js';
import { useDovecot } from './support/fixture.js';
import { collector, rawMessage, sleep } from './support/mail.js';

// Real Dovecot on loopback. The sweep hands over again the messages a lost queue forgot: those at or below
// the stored position still in the mailbox (unprocessed) once they are older than the grace period.
const t = useDovecot();

/** The UIDs handed over, in order, with repeats: a sweep shows as a UID handed over a second time. */
const uidsOf = (got: ReturnType<typeof collector>) => got.messages.map((m) => m.uid);

describe('mailbox sweep: messages handed over but never processed', () => {
  it('hands them over again when a connection starts, but not the processed ones', async () => {
    const mailbox = await t.freshMailbox();
    const uids: number[] = [];
    for (let i = 0; i < 4; i++) uids.push(await t.dovecot.append(mailbox, rawMessage(`left ${i}`).raw));
    const positions = memoryPositionStore();
    // A first holder hands all four over (its queue then loses them) and processes one.
    const first = t.source(mailbox, { positions, sweep: { everyMs: 60_000, graceMs: 0 } });
    const firstGot = collector();
    await first.start(firstGot.onMessages);
    expect(uidsOf(firstGot)).toEqual(uids);
    await first.markProcessed(uids[1]!, firstGot.messages[0]!.uidValidity);
    await first.close();
    const newer = await t.dovecot.append(mailbox, rawMessage('after the position').raw);

    const second = t.source(mailbox, { positions, sweep: { everyMs: 60_000, graceMs: 0 } });
    const got = collector();
    await second.start(got.onMessages);
    // The three left behind (swept, before the hand-over of what is new), then the new one, once each.
    expect(uidsOf(got)).toEqual([uids[0], uids[2], uids[3], newer]);
    expect(got.batches.map((b) => b.map((m) => m.uid))).toEqual([[uids[0], uids[2], uids[3]], [newer]]);
    expect(got.messages[0]).toMatchObject({ mailbox, uidValidity: firstGot.messages[0]!.uidValidity });
    expect(got.messages[0]!.messageId).toBe(firstGot.messages[0]!.messageId);
    expect(await positions.get(mailbox)).toMatchObject({ lastUid: newer });
  });

  it('leaves alone what arrived within the grace period, and sweeps it once it is older', async () => {
    const mailbox = await t.freshMailbox();
    const positions = memoryPositionStore();
    const first = t.source(mailbox, { positions, sweep: { everyMs: 60_000, graceMs: 60_000 } });
    const firstGot = collector();
    await first.start(firstGot.onMessages);
    const uid = await t.dovecot.append(mailbox, rawMessage('young').raw);
    await firstGot.waitFor(1, 5_000);
    await first.close();

    const graceMs = 3_000;
    const second = t.source(mailbox, { positions, sweep: { everyMs: 300, graceMs } });
    const got = collector();
    const startedAt = Date.now();
    await second.start(got.onMessages);
    // Younger than the grace period at start: still in flight as far as the sweep can tell.
    expect(uidsOf(got)).toEqual([]);
    await got.waitFor(1, 10_000);
    expect(uidsOf(got)).toEqual([uid]);
    // Not before the position passed it a grace period ago in this process (it passed at start).
    expect(got.messages[0]!.at - startedAt).toBeGreaterThanOrEqual(graceMs - 100);
  });

  it('hands over again, every period, a message its handler took but nobody processed', async () => {
    const mailbox = await t.freshMailbox();
    // The production autoIdleDelay: with the fixture's 1 s, sweeps this frequent would keep IDLE from
    // starting (each lock release re-arms the delay), and new mail would go unannounced.
    const s = t.source(mailbox, { autoIdleDelayMs: 100, sweep: { everyMs: 400, graceMs: 1_000 } });
    const got = collector();
    await s.start(got.onMessages);
    const kept = await t.dovecot.append(mailbox, rawMessage('never processed').raw);
    const done = await t.dovecot.append(mailbox, rawMessage('processed').raw);
    await got.waitFor(2, 5_000);
    const uidValidity = got.messages[0]!.uidValidity;
    await s.markProcessed(done, uidValidity);
    const handedAt = got.messages[0]!.at;
    await got.waitFor(3, 10_000);
    // Swept once the grace period has passed since the hand-over, not at the next period already.
    expect(got.messages[2]!.uid).toBe(kept);
    expect(got.messages[2]!.at - handedAt).toBeGreaterThanOrEqual(1_000);
    await got.waitFor(4, 10_000);
    await sleep(300);
    // Only ever the unprocessed one, one batch per sweep.
    expect(
      uidsOf(got)
        .slice(2)
        .every((u) => u === kept),
    ).toBe(true);
    expect(got.batches.slice(1).every((b) => b.length === 1)).toBe(true);
  });

  it('in keyword mode skips the messages carrying the processed keyword', async () => {
    const mailbox = await t.freshMailbox();
    const keyword = '$IntakeProcessed';
    const uids: number[] = [];
    for (let i = 0; i < 3; i++) uids.push(await t.dovecot.append(mailbox, rawMessage(`kw ${i}`).raw));
    const positions = memoryPositionStore();
    const options = { positions, processedKeyword: keyword, sweep: { everyMs: 60_000, graceMs: 0 } };
    const first = t.source(mailbox, options);
    const firstGot = collector();
    await first.start(firstGot.onMessages);
    await first.markProcessed(uids[0]!, firstGot.messages[0]!.uidValidity);
    await first.close();

    const got = collector();
    await t.source(mailbox, options).start(got.onMessages);
    expect(uidsOf(got)).toEqual([uids[1], uids[2]]);
    // Still all in the mailbox: keyword mode files nothing away.
    expect((await t.dovecot.list(mailbox)).map((m) => m.uid)).toEqual(uids);
  });

  it('sweeps nothing in a new epoch: the hand-over gives the whole mailbox over again', async () => {
    const mailbox = await t.freshMailbox();
    const uid = await t.dovecot.append(mailbox, rawMessage('epoch').raw);
    const positions = memoryPositionStore({ [mailbox]: { uidValidity: '1', lastUid: 99 } });
    const got = collector();
    await t.source(mailbox, { positions, sweep: { everyMs: 60_000, graceMs: 0 } }).start(got.onMessages);
    expect(uidsOf(got)).toEqual([uid]);
  });
});
