import { describe, expect, it } from 'vitest';
import { emptyRecord } from '../../src/conversation/record.js';
import type { MessageText, OutboxReply } from '../../src/store/store.js';
import { zonedMinute } from '../../src/web/format.js';
import { highlight, locate, mergeSpans } from '../../src/web/highlight.js';
import { missingWording, shippedMissingWording } from '../../src/web/missing-wording.js';
import { recordFields } from '../../src/web/record-fields.js';
import { timeline } from '../../src/web/record-view.js';

describe('locate and highlight', () => {
  const text = 'Bonjour. Le serveur <b>SRV-1</b> est HS. Merci.';
  const sentence = 'Le serveur <b>SRV-1</b> est HS.';
  const at = text.indexOf(sentence);

  it('uses the stored offsets while they point at the sentence, else finds it, else gives up', () => {
    expect(locate(text, { text: sentence, start: at, end: at + sentence.length })).toEqual({
      start: at,
      end: at + sentence.length,
    });
    expect(locate(text, { text: sentence, start: 0, end: 5 })).toEqual({
      start: at,
      end: at + sentence.length,
    });
    expect(locate(text, { text: 'absent', start: 0, end: 6 })).toBeNull();
    expect(locate(text, { text: '', start: 0, end: 0 })).toBeNull();
  });

  it('wraps each span in <mark> and escapes every piece', () => {
    expect(highlight(text, [{ start: at, end: at + sentence.length }]).value).toBe(
      'Bonjour. <mark>Le serveur &lt;b&gt;SRV-1&lt;/b&gt; est HS.</mark> Merci.',
    );
    expect(highlight('<i>', []).value).toBe('&lt;i&gt;');
  });

  it('merges overlapping spans and clips them to the text', () => {
    expect(
      mergeSpans(
        [
          { start: 5, end: 9 },
          { start: -3, end: 2 },
          { start: 8, end: 12 },
          { start: 30, end: 40 },
        ],
        20,
      ),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 5, end: 12 },
    ]);
  });
});

describe('zonedMinute', () => {
  it('shows the instant in the zone, across daylight saving, and leaves a non-date as written', () => {
    expect(zonedMinute('2026-03-03T09:00:00Z', 'Europe/Paris')).toBe('2026-03-03 10:00 Europe/Paris');
    expect(zonedMinute('2026-07-03T09:00:00Z', 'Europe/Paris')).toBe('2026-07-03 11:00 Europe/Paris');
    expect(zonedMinute('2026-03-03T23:30:00Z', 'Europe/Paris')).toBe('2026-03-04 00:30 Europe/Paris');
    expect(zonedMinute('Tue, 3 Mar 2026 10:00:00 +0100', 'UTC')).toBe('2026-03-03 09:00 UTC');
    expect(zonedMinute('sometime', 'Europe/Paris')).toBe('sometime');
  });
});

describe('missingWording', () => {
  it("takes the reply's heading before the colon, and the whole sentence otherwise", () => {
    const w = missingWording({
      items: { backup: 'Backup: confirm that you have a backup.', odd: 'A sentence with no heading at all.' },
      recommended: {},
    } as never);
    expect(w.backup).toEqual({ heading: 'Backup', sentence: 'Backup: confirm that you have a backup.' });
    expect(w.odd!.heading).toBe('A sentence with no heading at all.');
  });

  it('has words for every missing id of the shipped English template', () => {
    const w = shippedMissingWording();
    expect(w.server_id!.heading).toBe('Server identification');
    expect(w.os_choice!.heading).toBe('Operating system');
  });
});

describe('timeline', () => {
  const msg = (id: number, receivedAt: string | null, date: string | null = null): MessageText => ({
    id,
    messageId: `<m${id}@x>`,
    from: 'a@x',
    subject: 's',
    date,
    newText: 't',
    automatic: false,
    state: 'processed',
    receivedAt,
  });
  const reply = (id: number, createdAt: string) =>
    ({ id, revision: id, createdAt }) as unknown as OutboxReply;

  it('orders messages and replies by time, a message first on a tie, undated ones last', () => {
    const entries = timeline(
      [msg(1, '2026-03-03T09:00:00Z'), msg(2, null), msg(3, null, 'Tue, 3 Mar 2026 11:00:00 +0100')],
      [reply(1, '2026-03-03T09:00:00Z'), reply(2, '2026-03-03T10:30:00Z')],
    );
    expect(entries.map((e) => (e.kind === 'message' ? `m${e.message.id}` : `r${e.reply.id}`))).toEqual([
      'm1',
      'r1',
      'm3',
      'r2',
      'm2',
    ]);
  });
});

describe('recordFields', () => {
  it('shows defaults as not given and a window with its authorization', () => {
    const record = emptyRecord('INT-000001');
    const fields = recordFields(record);
    expect(fields.every((f) => f.value === null)).toBe(true);
    const powered = recordFields({
      ...record,
      power: {
        value: { authorization: 'window', limited: false, windows: [{ start: 'a', end: 'b' }] },
        messageId: '<m@x>',
        evidence: [],
      },
      noBackupStated: true,
    });
    expect(powered.find((f) => f.field === 'power')).toMatchObject({
      value: 'window',
      windows: [{ start: 'a', end: 'b' }],
      messageId: '<m@x>',
    });
    expect(powered.find((f) => f.field === 'backup')?.value).toBe('no backup stated');
  });
});
