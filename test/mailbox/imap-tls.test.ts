import { describe, expect, it } from 'vitest';
import { useDovecot } from './support/fixture.js';
import { collector, rawMessage } from './support/mail.js';

// Dovecot with a self-signed certificate: implicit TLS on one port, STARTTLS on the plain one.
const t = useDovecot({ tls: true });

describe('mailbox source over TLS', () => {
  it('watches over imaps:// trusting the given certificate', async () => {
    const mailbox = await t.freshMailbox();
    const { raw, messageId } = rawMessage('over TLS');
    await t.dovecot.append(mailbox, raw);
    const got = collector();
    const s = t.source(mailbox, { url: t.dovecot.imapsUrl!, tls: { ca: t.dovecot.certificate! } });
    await s.start(got.onMessages);
    expect(got.messages.map((m) => m.messageId)).toEqual([messageId]);
    const uidValidity = got.messages[0]!.uidValidity;
    const body = Buffer.concat(await (await s.download(got.messages[0]!.uid, uidValidity)).toArray());
    expect(body.toString()).toBe(raw);
  });

  it('upgrades imap:// with STARTTLS when required', async () => {
    const mailbox = await t.freshMailbox();
    const got = collector();
    const s = t.source(mailbox, { starttls: true, tls: { ca: t.dovecot.certificate! } });
    await s.start(got.onMessages);
    expect(s.state).toBe('idle');
  });

  it('fails start with imap_tls_failed on an untrusted certificate, instead of retrying forever', async () => {
    const s = t.source(await t.freshMailbox(), { url: t.dovecot.imapsUrl! });
    await expect(s.start(collector().onMessages)).rejects.toMatchObject({ code: 'imap_tls_failed' });
    expect(s.state).toBe('closed');
  });
});
