import fc from 'fast-check';

// Inputs of the reader's fuzz test (test/reader/fuzz.test.ts), also the poison of the fault scenarios
// (test/faults/poison-corpus.ts).

// Mutations that break MIME the way broken clients and transfers do.
export const mutation = fc.oneof(
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

export type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

export function mutate(raw: Buffer, ops: Mutation[]): Buffer {
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

/** A line of header-ish text: names, colons, encoded-word and address punctuation, folds and bare LFs. */
export const headerLine = fc.string({
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
