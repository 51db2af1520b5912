import fc from 'fast-check';
import { fixtureMessages } from '../support/fixtures.js';
import { headerLine, mutate, mutation } from '../support/fuzz-inputs.js';
import { rawMessage } from '../support/messages.js';

/**
 * Messages that have broken or slowed the reader, built by the generators of test/reader/bad-input.test.ts
 * and test/reader/fuzz.test.ts (malformed MIME, unknown charsets, huge and oversized messages, hostile
 * HTML, bodies shaped to make the splitter quadratic, random bytes, random header text, mutated fixtures).
 * Each carries a Message-ID of its own as its first header, followed by a marker header that absorbs
 * whatever folded continuation the poison starts with, so that the audit can find it whether it is
 * committed or quarantined; except a few with no header at all (null Message-ID), which only a refusal
 * (`message_empty`, `message_not_rfc5322`) can come of, counted apart.
 */
export interface Poison {
  name: string;
  messageId: string | null;
  raw: Buffer;
}

/** Larger than this is refused (INTAKE_MAX_MESSAGE_BYTES for the scenario). */
export const POISON_MAX_BYTES = 8 * 1024 * 1024;

const multipart = (boundary: string, parts: string[], close = true) =>
  `${parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n')}\r\n${close ? `--${boundary}--\r\n` : ''}`;

function nested(depth: number): string {
  let body = 'Content-Type: text/plain\r\n\r\nPlease reboot 203.0.113.7\r\n';
  for (let d = 0; d < depth; d++)
    body = `Content-Type: multipart/mixed; boundary="n${d}"\r\n\r\n${multipart(`n${d}`, [body])}`;
  return multipart('top', [body]);
}

/** Whole messages from the reader's bad-input cases; `id` gives each its Message-ID. */
function badInput(id: (name: string) => string): Poison[] {
  const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(3000, 7)]);
  const cases: [string, Parameters<typeof rawMessage>[0]][] = [
    ['headers only', { body: '' }],
    ['png bytes', { body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]) }],
    [
      'truncated multipart',
      {
        contentType: 'multipart/mixed; boundary="b1"',
        body: multipart(
          'b1',
          [
            'Content-Type: text/plain; charset=utf-8\r\n\r\nLe serveur SRV-10234 est planté.\r\n',
            'Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ',
          ],
          false,
        ),
      },
    ],
    ['multipart without boundary', { contentType: 'multipart/mixed', body: '--x\r\n\r\nhello\r\n--x--\r\n' }],
    [
      '8-bit header',
      { subject: Buffer.from('Probl\xe8me serveur', 'latin1').toString('latin1'), body: 'Bonjour' },
    ],
    [
      'unknown charset',
      { contentType: 'text/plain; charset="x-klingon-42"', body: 'Please reboot 203.0.113.7' },
    ],
    ['6 MB single line', { body: `reboot please ${'a'.repeat(6 * 1024 * 1024)}` }],
    [
      'over the size limit',
      { body: `${'0123456789abcdef'.repeat(4096)}\r\n`.repeat(POISON_MAX_BYTES / 65536 + 8) },
    ],
    ['100 levels of multipart', { contentType: 'multipart/mixed; boundary="top"', body: nested(100) }],
    [
      'zip attachment',
      {
        contentType: 'multipart/mixed; boundary="z"',
        body: multipart('z', [
          'Content-Type: text/plain\r\n\r\nlogs attached\r\n',
          `Content-Type: application/zip; name="logs.zip"\r\nContent-Disposition: attachment; filename="logs.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${zip.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`,
        ]),
      },
    ],
    ...(
      [
        ['unclosed tags', '<a'.repeat(200_000)],
        ['comment openers', '<!--'.repeat(200_000)],
        ['deep nesting', `${'<div>'.repeat(100_000)}x`],
        ['attribute soup', `<p ${'a="'.repeat(100_000)}>x</p>`],
        ['blockquotes', `${'<blockquote>'.repeat(5_000)}quoted`],
      ] as const
    ).map(([name, html]): [string, Parameters<typeof rawMessage>[0]] => [
      `hostile HTML: ${name}`,
      { contentType: 'text/html; charset=utf-8', body: html },
    ]),
    ['bad Date', { date: 'the day after tomorrow', body: 'hi' }],
    ...(
      [
        ['signature delimiters', '--\n'],
        ['sign-offs', 'Merci,\nJean\n'],
        ['attribution fragments', 'On Mon, 1 Jan 2026 at 10:00 Jean <\n'],
        ['header fields', 'From: a@example.com\nTo: b\n'],
        ['quote levels', '> a\nb\n'],
        ['mobile footers', 'Sent from my iPhone\n'],
        ['passwords', 'mot de passe : Xk7#ab1Q\npw: Zr9!ty2W\n'],
      ] as const
    ).map(([name, unit]): [string, Parameters<typeof rawMessage>[0]] => [
      `quadratic splitter: ${name}`,
      { body: `Bonjour\n${unit.repeat(Math.floor(900_000 / unit.length))}` },
    ]),
    [
      '20,000 passwords',
      { body: Array.from({ length: 20_000 }, (_, i) => `mot de passe : Xk7#ab${i}Q`).join('\n') },
    ],
  ];
  return cases.map(([name, o]) => {
    const messageId = id(name);
    return { name, messageId, raw: rawMessage({ ...o, messageId }) };
  });
}

function fuzzed(seed: number, each: number, id: (name: string) => string): Poison[] {
  const seeds = fixtureMessages().map((f) => f.raw);
  const withId = (name: string, body: Buffer): Poison => {
    const messageId = id(name);
    // The marker header takes any folded continuation the poison starts with, the Message-ID stays whole.
    const head = Buffer.from(`Message-ID: ${messageId}\r\nX-Fault-Poison: ${name}\r\n`);
    return { name, messageId, raw: Buffer.concat([head, body]) };
  };
  const bytes = fc.sample(fc.uint8Array({ maxLength: 4000 }), { seed, numRuns: each });
  const texts = fc.sample(fc.array(headerLine, { maxLength: 60 }), { seed: seed + 1, numRuns: each });
  const mutated = fc.sample(
    fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 })),
    { seed: seed + 2, numRuns: each },
  );
  return [
    ...bytes.map((b, i) => withId(`random bytes ${i + 1}`, Buffer.from(b))),
    ...texts.map((lines, i) => withId(`random header text ${i + 1}`, Buffer.from(lines.join('\r\n')))),
    ...mutated.map(([k, ops], i) =>
      withId(
        `mutated fixture ${i + 1}`,
        // The fixture's own Message-ID goes: it would name a message other poison shares.
        mutate(
          Buffer.from(seeds[k]!.toString('latin1').replace(/^message-id:.*\r?\n/gim, ''), 'latin1'),
          ops,
        ),
      ),
    ),
  ];
}

/** Bytes that are not a message at all: nothing names them, the reader must refuse them. */
function anonymous(seed: number): Poison[] {
  const [bytes] = fc.sample(fc.uint8Array({ minLength: 64, maxLength: 4000 }), {
    seed: seed + 3,
    numRuns: 1,
  });
  return [
    { name: 'blank lines only', messageId: null, raw: Buffer.from('\r\n\r\n  \r\n') },
    {
      name: 'png bytes, no header',
      messageId: null,
      raw: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]),
    },
    // A leading NUL byte: no header line can start with it.
    {
      name: 'random bytes, no header',
      messageId: null,
      raw: Buffer.concat([Buffer.from([0]), Buffer.from(bytes!)]),
    },
  ];
}

export function poisonCorpus(seed: number, fuzzedEach = 8): Poison[] {
  let n = 0;
  const id = (name: string) => `<poison-${++n}-${name.replace(/[^a-z0-9]+/gi, '-')}-${seed}@fuzz.example>`;
  return [...badInput(id), ...fuzzed(seed, fuzzedEach, id), ...anonymous(seed)];
}
