import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { asciiDomain, buildRawSync } from '../../src/mailer/build-message.js';
import { replyFixture, SUPPORT } from './reply-fixture.js';

/** Text as a customer's mail client and our templates produce it: any Unicode, any line ends, long lines. */
const line = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.constantFrom(
    '.',
    '..',
    '.dot at start',
    'From me',
    '   ',
    'trailing space ',
    'tab\t',
    '=3D',
    '--_intake-',
  ),
  fc.string({ unit: fc.constantFrom('é', 'à', '«', '»', '’', '😀', 'x', ' ', '='), maxLength: 300 }),
);
const body = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => lines.join(eol));
const normalised = (text: string) => text.replace(/\r\n|\r/g, '\n');

describe('buildRawSync: the bytes of a reply', () => {
  it('reads back as what was stored, whatever the text, in 7-bit lines of at most 76 characters, CRLF only', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.option(body, { nil: '' }),
        fc.string({ unit: 'grapheme', maxLength: 150 }),
        async (text, html, subject) => {
          const reply = replyFixture({ text, html, subject: `Re: ${subject}` });
          const raw = buildRawSync(reply, `Support Hébergeur <${SUPPORT}>`);
          const wire = raw.toString('latin1');
          // biome-ignore lint/suspicious/noControlCharactersInRegex: 7-bit is the point
          expect(/[^\x00-\x7f]/.test(wire)).toBe(false);
          expect(/[^\r]\n|\r(?!\n)/.test(wire)).toBe(false);
          for (const l of wire.split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
          expect(buildRawSync(reply, `Support Hébergeur <${SUPPORT}>`).equals(raw)).toBe(true);

          const parsed = await simpleParser(raw);
          // The builder flattens control characters in a Subject; a parser trims a header's ends.
          // biome-ignore lint/suspicious/noControlCharactersInRegex: see above
          const flat = `Re: ${subject}`.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
          expect(parsed.subject?.trim()).toBe(flat);
          expect(parsed.messageId).toBe(reply.messageId);
          expect(parsed.from?.value).toEqual([{ address: SUPPORT, name: 'Support Hébergeur' }]);
          // mailparser reads an empty part as one line break, as it reads a part of one line break: the
          // two cannot be told apart, so both sides compare with that one case folded.
          const back = (value: string) => (value === '\n' ? '' : normalised(value));
          if (html) {
            expect(back(String(parsed.html))).toBe(back(normalised(html)));
            expect(back(parsed.text ?? '')).toBe(back(normalised(text)));
          } else {
            expect(parsed.html).toBe(false);
            // A message's last line ends with a line break: a single text part gains one if it had none.
            const ended = normalised(text) === '' || normalised(text).endsWith('\n');
            expect(back(parsed.text ?? '')).toBe(back(ended ? normalised(text) : `${normalised(text)}\n`));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('without html it is a single text/plain part', () => {
    const raw = buildRawSync(replyFixture({ html: '' }), SUPPORT).toString('latin1');
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).not.toMatch(/multipart/);
  });
});

describe('asciiDomain: the envelope form of an address', () => {
  it('turns an internationalised domain into its A-label and leaves the rest alone', () => {
    expect(asciiDomain('client@exämple.fr')).toBe('client@xn--exmple-cua.fr');
    expect(asciiDomain('Client@Example.COM')).toBe('Client@example.com');
    expect(asciiDomain('jörg@exämple.fr')).toBe('jörg@xn--exmple-cua.fr');
    expect(asciiDomain('a@b@exämple.fr')).toBe('a@b@xn--exmple-cua.fr');
    expect(asciiDomain('no-at-sign')).toBe('no-at-sign');
    expect(asciiDomain('x@[127.0.0.1]')).toBe('x@[127.0.0.1]');
  });
});
