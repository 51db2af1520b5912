import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_PARSE_ERROR_CODES, MessageParseError } from '../../src/errors.js';
import { InboundMessage } from '../../src/reader/inbound-message.js';
import { createReader } from '../../src/reader/read-message.js';
import { fixtureMessages } from '../support/fixtures.js';
import { headerLine, mutate, mutation } from '../support/fuzz-inputs.js';

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
    await fc.assert(
      fc.asyncProperty(fc.array(headerLine, { maxLength: 60 }), (lines) =>
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
