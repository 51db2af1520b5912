import { describe, expect, it } from 'vitest';
import type { MailboxSource } from '../../src/mailbox/imap-source.js';
import { MailboxError } from '../../src/mailbox/mailbox-error.js';
import { memoryPositionStore } from '../../src/mailbox/position-store.js';
import { useDovecot } from './support/fixture.js';
import { collector, rawMessage, sleep, stateLog, uniqueName, waitForState } from './support/mail.js';

// Real Dovecot on loopback, restarted and tampered with by these tests: a test that cannot start it fails.
const t = useDovecot();

describe('mailbox source: failures and recovery', () => {
  it('resyncs the whole mailbox when UIDVALIDITY changes under a running source', async () => {
    const mailbox = await t.freshMailbox();
    for (let i = 0; i < 3; i++) await t.dovecot.append(mailbox, rawMessage(`epoch ${i}`).raw);
    const positions = memoryPositionStore();
    const got = collector();
    const s = t.source(mailbox, { positions });
    await s.start(got.onMessages);
    const before = got.messages[0]!.uidValidity;
    expect(got.messages).toHaveLength(3);

    const after = await t.dovecot.changeUidValidity(mailbox);
    // Dovecot drops the session ("inconsistent"); the source reconnects and sees the new epoch.
    await got.waitFor(6, 5000);
    const resynced = got.messages.slice(3);
    expect(resynced.map((m) => m.uidValidity)).toEqual([after, after, after]);
    expect(resynced.map((m) => m.messageId)).toEqual(got.messages.slice(0, 3).map((m) => m.messageId));
    expect(after).not.toBe(before);
    await waitForState(s, 'idle', 2000);
    expect(await positions.get(mailbox)).toEqual({ uidValidity: after, lastUid: resynced[2]!.uid });
  });

  it('reconnects after Dovecot restarts mid-IDLE and delivers what arrived while it was down', async () => {
    const mailbox = await t.freshMailbox();
    const got = collector();
    const s = t.source(mailbox);
    const states = stateLog(s);
    await s.start(got.onMessages);
    await sleep(1100);
    const { raw, messageId } = rawMessage('delivered while down');
    await t.dovecot.restart(async () => {
      await waitForState(s, 'backoff', 3000);
      await t.dovecot.deliver(mailbox, raw);
      // Long enough for several failed attempts: the backoff must not give up.
      await sleep(600);
    });
    await got.waitFor(1, 5000);
    expect(got.messages[0]!.messageId).toBe(messageId);
    await waitForState(s, 'idle', 2000);
    expect(states.filter((x) => x === 'connecting').length).toBeGreaterThanOrEqual(3);

    await sleep(1100);
    const next = rawMessage('after the restart');
    await t.dovecot.append(mailbox, next.raw);
    await got.waitFor(2, 1500);
    expect(got.messages[1]!.messageId).toBe(next.messageId);
  });

  it('keeps trying while the server is unreachable, and start() resolves once it is there', async () => {
    const mailbox = await t.freshMailbox();
    const uid = await t.dovecot.append(mailbox, rawMessage('waiting').raw);
    const got = collector();
    let started = false;
    let s: MailboxSource | null = null;
    await t.dovecot.restart(async () => {
      s = t.source(mailbox);
      void s.start(got.onMessages).then(() => {
        started = true;
      });
      await sleep(500);
      expect(started).toBe(false);
      expect(['backoff', 'connecting']).toContain(s.state);
    });
    await got.waitFor(1, 5000);
    expect(got.messages[0]!.uid).toBe(uid);
    await sleep(10);
    expect(started).toBe(true);
  });

  it('fails start with imap_auth_failed on bad credentials, instead of retrying forever', async () => {
    const url = t.dovecot.url.replace(`:${encodeURIComponent(t.dovecot.password)}@`, ':wrong@');
    const s = t.source('INBOX', { url });
    const err = await s.start(collector().onMessages).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxError);
    expect((err as MailboxError).code).toBe('imap_auth_failed');
    expect(s.state).toBe('closed');
  });

  it('fails start with mailbox_missing for a mailbox that does not exist', async () => {
    const s = t.source(uniqueName('missing'));
    await expect(s.start(collector().onMessages)).rejects.toMatchObject({ code: 'mailbox_missing' });
  });
});

describe('mailbox source without IDLE', () => {
  const p = useDovecot({ idle: false });

  it('falls back to polling with NOOP', async () => {
    const mailbox = await p.freshMailbox('P');
    const got = collector();
    const s = p.source(mailbox, { pollIntervalMs: 300 });
    await s.start(got.onMessages);
    expect(s.state).toBe('polling');
    const t0 = Date.now();
    await p.dovecot.append(mailbox, rawMessage('polled').raw);
    await got.waitFor(1, 1500);
    expect(Date.now() - t0).toBeLessThan(1000);
    await waitForState(s, 'polling', 1000);
  });
});
