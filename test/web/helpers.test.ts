import { describe, expect, it } from 'vitest';
import { IntakeError } from '../../src/errors.js';
import { bearerToken } from '../../src/web/auth.js';
import { csrfToken, newApiToken, randomSecret, sameSecret, sha256Hex } from '../../src/web/desk-secrets.js';
import { age, utcMinute } from '../../src/web/format.js';
import { createLoginThrottle } from '../../src/web/login-throttle.js';
import { generatePassword, hashPassword, verifyPassword } from '../../src/web/passwords.js';
import { parseQueueQuery, queueHref, toFilter } from '../../src/web/queue-query.js';
import { publicError, WebError } from '../../src/web/web-error.js';

describe('login throttle', () => {
  const windowMs = 15 * 60_000;
  it('blocks a key after the allowed failures until the oldest leave the window', () => {
    const t = createLoginThrottle({ maxFailures: 3, windowMs });
    const keys = ['ip:1', 'email:a'];
    for (let i = 0; i < 2; i++) t.recordFailure(keys, 1_000 * i);
    expect(t.retryAfter(keys, 5_000)).toBe(0);
    t.recordFailure(['email:a'], 10_000);
    expect(t.retryAfter(['ip:1'], 10_000)).toBe(0);
    expect(t.retryAfter(['email:a'], 10_000)).toBe(windowMs - 10_000);
    expect(t.retryAfter(keys, windowMs - 1)).toBe(1);
    expect(t.retryAfter(keys, windowMs)).toBe(0);
    t.recordFailure(['email:a'], windowMs + 1);
    expect(t.retryAfter(['email:a'], windowMs + 1)).toBeGreaterThan(0);
    t.clear('email:a');
    expect(t.retryAfter(['email:a'], windowMs + 1)).toBe(0);
  });

  it('keeps at most maxKeys keys, forgetting the oldest', () => {
    const t = createLoginThrottle({ maxFailures: 1, windowMs, maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) t.recordFailure([key], 0);
    expect(t.retryAfter(['a'], 1)).toBe(0);
    expect(t.retryAfter(['b'], 1)).toBeGreaterThan(0);
    expect(t.retryAfter(['c'], 1)).toBeGreaterThan(0);
  });
});

describe('desk secrets', () => {
  it('makes 256-bit values, prefixed API tokens, SHA-256 digests and per-secret CSRF tokens', () => {
    expect(randomSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomSecret()).not.toBe(randomSecret());
    expect(newApiToken()).toMatch(/^intake_[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(csrfToken('a')).toBe(csrfToken('a'));
    expect(csrfToken('a')).not.toBe(csrfToken('b'));
    expect(csrfToken('a')).not.toContain('a'.repeat(3));
    expect(sameSecret('abc', 'abc')).toBe(true);
    for (const other of ['abd', 'ab', 'abcd', '', undefined, ['abc'], 1])
      expect(sameSecret('abc', other)).toBe(false);
  });

  it('reads only Bearer tokens of our shape from the Authorization header', () => {
    const token = newApiToken();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer  ${token}`)).toBe(token);
    for (const header of [
      `Basic ${token}`,
      token,
      'Bearer ',
      'Bearer abc',
      `Bearer ${token} x`,
      `Bearer ${token}%`,
    ]) {
      expect(bearerToken(header), header).toBe('invalid');
    }
  });
});

describe('passwords', () => {
  it('hashes with argon2id, verifies, refuses a wrong password or a corrupt hash', async () => {
    const hash = await hashPassword('s3cret password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 's3cret password')).toBe(true);
    expect(await verifyPassword(hash, 's3cret passwore')).toBe(false);
    expect(await verifyPassword('not a hash', 's3cret password')).toBe(false);
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('queue query', () => {
  it('parses status, search, page and size, and turns them into a store filter', () => {
    expect(parseQueueQuery({})).toEqual({ page: 1, limit: 50 });
    const q = parseQueueQuery({ status: 'ready', q: '  srv-1 ', page: '3', limit: '20' });
    expect(q).toEqual({ status: 'ready', q: 'srv-1', page: 3, limit: 20 });
    expect(toFilter(q, 'Europe/Paris')).toEqual({ status: 'ready', text: 'srv-1', limit: 20, offset: 40 });
    expect(parseQueueQuery({ status: '', q: '' })).toEqual({ page: 1, limit: 50 });
  });

  it('refuses anything else with a coded error naming the parameter', () => {
    for (const query of [
      { status: 'archived' },
      { page: '0' },
      { page: '1.5' },
      { limit: '201' },
      { other: 'x' },
      { q: 'x'.repeat(201) },
    ]) {
      let error: unknown;
      try {
        parseQueueQuery(query);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(query)).toBeInstanceOf(IntakeError);
      expect((error as IntakeError).code).toBe('query_invalid');
    }
  });

  it('links to another page of the same view, leaving defaults out', () => {
    const q = parseQueueQuery({ status: 'needs_review', q: 'a&b' });
    expect(queueHref(q, { page: 2 })).toBe('/?status=needs_review&q=a%26b&page=2');
    expect(queueHref(q, { status: undefined, q: undefined })).toBe('/');
  });
});

describe('format and errors', () => {
  it('shows times in UTC to the minute and ages in the largest whole unit', () => {
    expect(utcMinute('2026-03-03T09:00:59.000Z')).toBe('2026-03-03 09:00 UTC');
    expect(utcMinute('nonsense')).toBe('nonsense');
    const now = Date.parse('2026-03-05T12:00:00Z');
    expect(age('2026-03-05T11:59:30Z', now)).toBe('just now');
    expect(age('2026-03-05T11:15:00Z', now)).toBe('45 min');
    expect(age('2026-03-04T13:00:00Z', now)).toBe('23 h');
    expect(age('2026-03-01T12:00:00Z', now)).toBe('4 d');
  });

  it('tells clients the status and code of a refusal but nothing of an internal failure', () => {
    expect(publicError(new WebError('csrf_invalid', 403, 'reload'))).toEqual({
      status: 403,
      code: 'csrf_invalid',
      message: 'reload',
    });
    expect(publicError(new IntakeError('query_invalid', 'page: too small'))).toMatchObject({ status: 400 });
    expect(
      publicError(Object.assign(new Error('x'), { statusCode: 415, code: 'FST_ERR_CTP' })),
    ).toMatchObject({
      status: 415,
      code: 'bad_request',
    });
    expect(publicError(new Error('database password is hunter2'))).toEqual({
      status: 500,
      code: 'internal_error',
      message: 'Something went wrong on our side.',
    });
  });
});
