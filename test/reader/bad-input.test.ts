import { describe, expect, it } from 'vitest';
import { MessageParseError } from '../../src/errors.js';
import { InboundMessage } from '../../src/reader/inbound-message.js';
import { createReader } from '../../src/reader/read-message.js';
import { rawMessage } from '../support/messages.js';

const reader = createReader({ ownAddresses: ['support@hosting.example'] });

async function readError(raw: Buffer | string, limits = {}): Promise<MessageParseError> {
  const r = Object.keys(limits).length > 0 ? createReader({ limits }) : reader;
  try {
    await r.read(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(MessageParseError);
    return err as MessageParseError;
  }
  throw new Error('expected a MessageParseError');
}

const multipart = (boundary: string, parts: string[], close = true) =>
  `${parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n')}\r\n${close ? `--${boundary}--\r\n` : ''}`;

describe('bad input gives a result with warnings or a coded error, never a crash or a hang', () => {
  it('refuses an empty message', async () => {
    expect((await readError('')).code).toBe('message_empty');
    expect((await readError('\r\n\r\n  \r\n')).code).toBe('message_empty');
  });

  it('refuses bytes that are not a message at all', async () => {
    const err = await readError(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]),
    );
    expect(err.code).toBe('message_not_rfc5322');
  });

  it('refuses a message over the size limit before parsing it', async () => {
    const err = await readError(rawMessage({ body: 'x'.repeat(5000) }), { maxBytes: 4096 });
    expect(err.code).toBe('message_too_large');
  });

  it('reads a truncated multipart message (no closing boundary, part cut mid-way)', async () => {
    const body = multipart(
      'b1',
      [
        'Content-Type: text/plain; charset=utf-8\r\n\r\nLe serveur SRV-10234 est planté.\r\n',
        'Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ',
      ],
      false,
    );
    const { message } = await reader.read(
      rawMessage({ contentType: 'multipart/mixed; boundary="b1"', body }),
    );
    expect(message.newText).toBe('Le serveur SRV-10234 est planté.');
    expect(InboundMessage.safeParse(message).success).toBe(true);
  });

  it('reads a multipart message whose boundary parameter is missing', async () => {
    const { message } = await reader.read(
      rawMessage({ contentType: 'multipart/mixed', body: '--x\r\n\r\nhello\r\n--x--\r\n' }),
    );
    expect(InboundMessage.safeParse(message).success).toBe(true);
  });

  it('warns about raw 8-bit bytes in a header and still reads the body', async () => {
    const raw = rawMessage({
      subject: Buffer.from('Probl\xe8me serveur', 'latin1').toString('latin1'),
      body: 'Bonjour',
    });
    const { message } = await reader.read(raw);
    expect(message.newText).toBe('Bonjour');
    expect(message.warnings.map((w) => w.code)).toContain('header_undecodable');
  });

  it('warns about an unknown charset and keeps the text', async () => {
    const { message } = await reader.read(
      rawMessage({ contentType: 'text/plain; charset="x-klingon-42"', body: 'Please reboot 203.0.113.7' }),
    );
    expect(message.newText).toBe('Please reboot 203.0.113.7');
    expect(message.warnings.map((w) => w.code)).toContain('unknown_charset');
  });

  it('reads a 10 MB single-line body', async () => {
    const { message } = await reader.read(
      rawMessage({ body: `reboot please ${'a'.repeat(10 * 1024 * 1024)}` }),
    );
    expect(message.warnings.map((w) => w.code)).toContain('text_truncated');
    expect(message.newText.startsWith('reboot please')).toBe(true);
  });

  it('reads 100 levels of multipart nesting', async () => {
    let body = 'Content-Type: text/plain\r\n\r\ndeep text\r\n';
    for (let depth = 0; depth < 100; depth++) {
      body = `Content-Type: multipart/mixed; boundary="n${depth}"\r\n\r\n${multipart(`n${depth}`, [body])}`;
    }
    const raw = rawMessage({
      contentType: 'multipart/mixed; boundary="top"',
      body: multipart('top', [body]),
    });
    const { message } = await reader.read(raw);
    expect(message.newText).toBe('deep text');
  });

  it('keeps only metadata of a zip of attachments', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(3000, 7)]);
    const body = multipart('z', [
      'Content-Type: text/plain\r\n\r\nlogs attached\r\n',
      `Content-Type: application/zip; name="logs.zip"\r\nContent-Disposition: attachment; filename="logs.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${zip.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`,
    ]);
    const { message } = await reader.read(rawMessage({ contentType: 'multipart/mixed; boundary="z"', body }));
    expect(message.attachments).toEqual([
      expect.objectContaining({ filename: 'logs.zip', contentType: 'application/zip', size: zip.length }),
    ]);
    expect(JSON.stringify(message)).not.toContain(zip.toString('base64').slice(0, 40));
  });

  it.each([
    ['unclosed tags', '<a'.repeat(200_000)],
    ['comment openers', '<!--'.repeat(200_000)],
    ['deep nesting', `${'<div>'.repeat(100_000)}x`],
    ['attribute soup', `<p ${'a="'.repeat(100_000)}>x</p>`],
    ['blockquotes', `${'<blockquote>'.repeat(5_000)}quoted`],
  ])('reads hostile HTML: %s', async (_, html) => {
    const { message } = await reader.read(
      rawMessage({ contentType: 'text/html; charset=utf-8', body: html }),
    );
    expect(InboundMessage.safeParse(message).success).toBe(true);
    expect(message.textSource).toBe('html');
  });

  it('does not take a bad Date for "now"', async () => {
    const { message } = await reader.read(rawMessage({ date: 'the day after tomorrow', body: 'hi' }));
    expect(message.date).toBeNull();
    expect(message.warnings.map((w) => w.code)).toContain('date_invalid');
  });
});

describe('bodies shaped to make the splitter quadratic stay fast', () => {
  it.each([
    ['signature delimiters', '--\n'],
    ['sign-offs', 'Merci,\nJean\n'],
    ['attribution fragments', 'On Mon, 1 Jan 2026 at 10:00 Jean <\n'],
    ['header fields', 'From: a@example.com\nTo: b\n'],
    ['quote levels', '> a\nb\n'],
    ['mobile footers', 'Sent from my iPhone\n'],
    ['passwords', 'mot de passe : Xk7#ab1Q\npw: Zr9!ty2W\n'],
  ])('%s', async (_, unit) => {
    const body = `Bonjour\n${unit.repeat(Math.floor(900_000 / unit.length))}`;
    const started = performance.now();
    const { message } = await reader.read(rawMessage({ body }));
    // Not a speed test: a quadratic splitter takes minutes here, a linear one well under a second.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(message.newText.startsWith('Bonjour')).toBe(true);
  });
});

it('redacts every one of thousands of distinct passwords', async () => {
  const values = Array.from({ length: 20_000 }, (_, i) => `Xk7#ab${i}Q`);
  const { message, secrets } = await reader.read(
    rawMessage({ body: values.map((v) => `mot de passe : ${v}`).join('\n') }),
  );
  expect(secrets).toHaveLength(values.length);
  const printed = JSON.stringify(message);
  expect(values.filter((v) => printed.includes(v))).toEqual([]);
});
