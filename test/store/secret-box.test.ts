import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, parseSecretKey, sealSecret } from '../../src/store/secret-box.js';

describe('parseSecretKey', () => {
  const key = randomBytes(32);

  it('reads 64 hex characters or the base64 (standard or URL-safe) of 32 bytes', () => {
    expect(parseSecretKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
    expect(parseSecretKey(` ${key.toString('base64')}\n`).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url')).equals(key)).toBe(true);
  });

  it('refuses anything else with a clear error that does not repeat the key', () => {
    const short = randomBytes(16).toString('base64');
    for (const text of [
      '',
      'not a key!',
      key.toString('hex').slice(1),
      short,
      randomBytes(48).toString('hex'),
    ]) {
      let error: unknown;
      try {
        parseSecretKey(text);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'secret_key_invalid' });
      const message = (error as Error).message;
      expect(message).toMatch(/32 bytes|64 hex/);
      if (text.length > 4) expect(message).not.toContain(text);
    }
  });
});

describe('sealSecret / openSecret', () => {
  const key = randomBytes(32);

  it('round-trips with a fresh IV each time and no clear text in the ciphertext', () => {
    const value = 'P@ssw0rd-éà-🔑';
    const a = sealSecret(key, value);
    const b = sealSecret(key, value);
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(Buffer.from(value))).toBe(false);
    expect(openSecret(key, a)).toBe(value);
    expect(openSecret(key, b)).toBe(value);
  });

  it('refuses a wrong key, an altered ciphertext or tag, and a bad key length', () => {
    const sealed = sealSecret(key, 'hunter2');
    expect(() => openSecret(randomBytes(32), sealed)).toThrow(
      expect.objectContaining({ code: 'secret_undecryptable' }),
    );
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0]! ^= 1;
    expect(() => openSecret(key, { ...sealed, ciphertext: flipped })).toThrow(/does not decrypt/);
    expect(() => openSecret(key, { ...sealed, tag: randomBytes(16) })).toThrow(/does not decrypt/);
    expect(() => openSecret(key, { ...sealed, tag: sealed.tag.subarray(0, 8) })).toThrow(/malformed/);
    expect(() => sealSecret(randomBytes(16), 'x')).toThrow(
      expect.objectContaining({ code: 'secret_key_invalid' }),
    );
  });
});
