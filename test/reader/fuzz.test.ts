import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_PARSE_ERROR_CODES, MessageParseError } from '../../src/errors.js';
import { InboundMessage } from '../../src/reader/inbound-message.js';
import { createReader } from '../../src/reader/read-message.js';
import { fixtureMessages } from '../support/fixtures.js';

const reader = createReader({ ownAddresses: ['support@hosting.example'] });
const seeds = fixtureMessages().map((f) => f.raw);

/** The reader's whole contract on any input: a valid `InboundMessage`, or a coded `MessageParseError`. */
async function readsOrRefuses(raw: Buffer): Promise<void> {
  try {
    const { message } = await reader.read(raw);
    const parsed = InboundMessage.safeParse(message);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
  } catch (err) {
    expect(err).toBeInstanceOf(MessageParseError);
    expect(MESSAGE_PARSE_ERROR_CODES).toContain((err as MessageParseError).code);
  }
}

// Mutations that break MIME the way broken clients and transfers do.
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.constantFrom(
      '\r\n--',
      '\r\n\r\n',
      '=?utf-8?B?',
      '=\r\n',
      '<blockquote>',
      'Content-Type: multipart/mixed; boundary=x\r\n',
      '\u0000',
      '> > > ',
      '=C3',
      'charset=zz-top\r\n',
    ),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 400 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(raw: Buffer, ops: Mutation[]): Buffer {
  let out = raw;
  for (const op of ops) {
    const at = Math.floor(op.at * out.length);
    if (op.kind === 'truncate') out = out.subarray(0, at);
    else if (op.kind === 'flip')
      out = Buffer.concat([out.subarray(0, at), Buffer.from([op.byte]), out.subarray(at + 1)]);
    else if (op.kind === 'insert')
      out = Buffer.concat([out.subarray(0, at), Buffer.from(op.text, 'latin1'), out.subarray(at)]);
    else out = Buffer.concat([out.subarray(0, at + op.length), out.subarray(at)]);
  }
  return out;
}

describe('reader on random and mutated input', () => {
  it('has fixture messages to mutate', () => {
    expect(seeds.length).toBeGreaterThan(10);
  });

  it('reads or refuses random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), (bytes) => readsOrRefuses(Buffer.from(bytes))),
      {
        numRuns: 300,
      },
    );
  });

  it('reads or refuses random header-and-body text', async () => {
    const line = fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        ':',
        ' ',
        '\t',
        '=',
        '?',
        '-',
        '>',
        '<',
        '@',
        'é',
        '\r\n',
        '\n',
        ';',
        '"',
        '/',
      ),
      maxLength: 120,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 60 }), (lines) =>
        readsOrRefuses(Buffer.from(lines.join('\r\n'))),
      ),
      { numRuns: 300 },
    );
  });

  it('reads or refuses mutated fixture messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: Math.max(0, seeds.length - 1) }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (i, ops) => readsOrRefuses(mutate(seeds[i]!, ops)),
      ),
      { numRuns: 400 },
    );
  });
});
