import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImapUrl } from '../../src/mailbox/imap-url.js';
import { createMailboxCensus, type MailboxCensusOptions } from '../../src/metrics/mailbox-census.js';
import { customerMail } from '../support/customer-mail.js';
import { type DovecotInstance, startDovecot } from '../support/dovecot.js';

const log = pino({ level: 'silent' });
const mail = (i: number) => customerMail({ subject: `Message ${i}`, body: `Hello ${i}` }).raw;

describe('mailbox census: what the server holds, processed or not', () => {
  let dovecot: DovecotInstance;
  const census = (options: Partial<MailboxCensusOptions> = {}) =>
    createMailboxCensus({
      connection: { endpoint: parseImapUrl(dovecot.url), logger: log },
      mailbox: 'INBOX',
      processedFolder: 'Processed',
      log,
      ...options,
    });
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(() => dovecot?.stop());

  it('folder mode: every message in the mailbox is unprocessed, the processed folder holds the rest', async () => {
    // No such mailbox: no counts (rather than zeros that would look like an empty mailbox).
    expect(await census({ mailbox: 'Empty' }).read()).toBeNull();
    await dovecot.createMailbox('Empty');
    // No processed folder yet: nothing processed, not an error.
    expect(await census({ mailbox: 'Empty' }).read()).toMatchObject({
      messages: 0,
      unprocessed: 0,
      processed: 0,
    });
    for (const i of [1, 2, 3]) await dovecot.append('INBOX', mail(i));
    for (const i of [4, 5]) await dovecot.append('Processed', mail(i));
    const cached = census();
    const before = Date.now();
    const first = await cached.read();
    expect(first).toMatchObject({ messages: 3, unprocessed: 3, processed: 2 });
    expect(first!.at).toBeGreaterThanOrEqual(before);
    // Read again at once: the counts are served from the cache, not counted again.
    await dovecot.append('INBOX', mail(6));
    expect(await cached.read()).toEqual(first);
    expect(await census({ maxAgeMs: 0 }).read()).toMatchObject({ messages: 4, unprocessed: 4 });
  });

  it('keyword mode: the messages without the keyword are the unprocessed ones', async () => {
    await dovecot.createMailbox('Kw');
    await dovecot.append('Kw', mail(1), ['$IntakeProcessed']);
    await dovecot.append('Kw', mail(2), ['$IntakeProcessed', '\\Seen']);
    await dovecot.append('Kw', mail(3));
    expect(
      await census({ mailbox: 'Kw', processedKeyword: '$IntakeProcessed', maxAgeMs: 0 }).read(),
    ).toMatchObject({ messages: 3, unprocessed: 1, processed: 2 });
  });

  it('serves the previous counts, within its wait, while the server does not answer', async () => {
    const c = census({ maxAgeMs: 0, waitMs: 500 });
    const first = await c.read();
    expect(first).not.toBeNull();
    await dovecot.restart(async () => {
      const started = Date.now();
      expect(await c.read()).toEqual(first);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
