import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSignatureHeader,
  signWebhook,
  verifyWebhookSignature,
} from '../../src/webhook/webhook-signature.js';

const secret = fc.string({ minLength: 32, maxLength: 80 });
const body = fc.oneof(fc.string({ maxLength: 2000 }), fc.json({ maxDepth: 3 }));
const timestamp = fc.integer({ min: 1_600_000_000, max: 2_100_000_000 });
const TOLERANCE = 300;

describe('webhook signatures (Stripe scheme)', () => {
  it('round-trips: what is signed verifies, at any time within the tolerance', () => {
    fc.assert(
      fc.property(
        secret,
        body,
        timestamp,
        fc.integer({ min: -TOLERANCE, max: TOLERANCE }),
        (s, b, t, skew) => {
          const header = signWebhook(s, t, b);
          expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
          expect(verifyWebhookSignature(s, header, b, TOLERANCE, (t + skew) * 1000)).toBe(true);
          expect(verifyWebhookSignature(s, header, Buffer.from(b, 'utf8'), TOLERANCE, t * 1000)).toBe(true);
        },
      ),
    );
  });

  it('fails for any change of the body', () => {
    fc.assert(
      fc.property(secret, body, body, timestamp, (s, b, other, t) => {
        fc.pre(other !== b);
        expect(verifyWebhookSignature(s, signWebhook(s, t, b), other, TOLERANCE, t * 1000)).toBe(false);
      }),
    );
    // One byte flipped anywhere.
    fc.assert(
      fc.property(
        secret,
        fc.uint8Array({ minLength: 1, maxLength: 500 }),
        timestamp,
        fc.nat(),
        (s, bytes, t, at) => {
          const raw = Buffer.from(bytes);
          const header = signWebhook(s, t, raw);
          const tampered = Buffer.from(raw);
          const i = at % tampered.length;
          tampered[i] = tampered[i]! ^ 0xff;
          expect(verifyWebhookSignature(s, header, tampered, TOLERANCE, t * 1000)).toBe(false);
        },
      ),
    );
  });

  it('fails for a changed timestamp (the signature covers it), and for one outside the tolerance', () => {
    fc.assert(
      fc.property(
        secret,
        body,
        timestamp,
        fc.integer({ min: -TOLERANCE, max: TOLERANCE }),
        (s, b, t, shift) => {
          fc.pre(shift !== 0);
          const v1 = signWebhook(s, t, b).split(',')[1];
          expect(verifyWebhookSignature(s, `t=${t + shift},${v1}`, b, TOLERANCE, t * 1000)).toBe(false);
        },
      ),
    );
    fc.assert(
      fc.property(
        secret,
        body,
        timestamp,
        fc.integer({ min: TOLERANCE + 1, max: 10 ** 7 }),
        fc.boolean(),
        (s, b, t, d, late) => {
          const header = signWebhook(s, t, b);
          expect(verifyWebhookSignature(s, header, b, TOLERANCE, (late ? t + d : t - d) * 1000)).toBe(false);
        },
      ),
    );
  });

  it('fails with another secret, and for any signature character changed', () => {
    fc.assert(
      fc.property(secret, secret, body, timestamp, (s, other, b, t) => {
        fc.pre(s !== other);
        expect(verifyWebhookSignature(other, signWebhook(s, t, b), b, TOLERANCE, t * 1000)).toBe(false);
      }),
    );
    fc.assert(
      fc.property(secret, body, timestamp, fc.nat(63), (s, b, t, i) => {
        const header = signWebhook(s, t, b);
        const at = header.indexOf('v1=') + 3 + i;
        const swapped = header[at] === '0' ? '1' : '0';
        const tampered = header.slice(0, at) + swapped + header.slice(at + 1);
        expect(verifyWebhookSignature(s, tampered, b, TOLERANCE, t * 1000)).toBe(false);
      }),
    );
  });

  it('accepts a header listing several v1 signatures (secret rotation) and refuses malformed ones', () => {
    const s = 'x'.repeat(32);
    const t = 1_800_000_000;
    const good = signWebhook(s, t, 'body');
    const v1 = good.split(',')[1]!;
    expect(verifyWebhookSignature(s, `t=${t},v1=${'0'.repeat(64)},${v1}`, 'body', 300, t * 1000)).toBe(true);
    for (const header of [
      undefined,
      '',
      `t=abc,${v1}`,
      v1,
      `t=${t}`,
      `t=${t},v1=zz`,
      `t=${t},t=${t},${v1}`,
      'garbage',
    ]) {
      expect(verifyWebhookSignature(s, header, 'body', 300, t * 1000)).toBe(false);
    }
    expect(parseSignatureHeader(`t=${t}, ${v1}`)).toEqual({ timestamp: t, signatures: [v1.slice(3)] });
  });
});
