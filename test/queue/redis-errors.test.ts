import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRedisConnectionError } from '../../src/queue/connection-error.js';
import { throttledRedisErrors } from '../../src/queue/queues.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('throttledRedisErrors', () => {
  it('reports the first error at once, then one line per period with the errors folded into it', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lines: [string, string, number][] = [];
    const sink = throttledRedisErrors(
      (err, source, suppressed) => lines.push([err.message, source, suppressed]),
      30_000,
    );
    const refused = new Error('connect ECONNREFUSED');
    sink(refused, 'lease');
    // ioredis retries every 2 s: 14 more errors within the period are counted, not printed.
    for (let i = 0; i < 14; i++) {
      vi.advanceTimersByTime(2_000);
      sink(refused, i % 2 ? 'queues' : 'lease');
    }
    expect(lines).toEqual([['connect ECONNREFUSED', 'lease', 0]]);
    vi.advanceTimersByTime(2_000);
    sink(refused, 'ingest worker');
    expect(lines).toEqual([
      ['connect ECONNREFUSED', 'lease', 0],
      ['connect ECONNREFUSED', 'ingest worker', 14],
    ]);
  });
});

describe('isRedisConnectionError', () => {
  const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('is true for what ioredis reports while Redis is down or restarting', () => {
    expect(isRedisConnectionError(coded('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))).toBe(true);
    expect(isRedisConnectionError(coded('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(
      isRedisConnectionError(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
    const wrapped = new Error('could not renew lock', { cause: coded('connect ETIMEDOUT', 'ETIMEDOUT') });
    expect(isRedisConnectionError(wrapped)).toBe(true);
  });

  it('is false for faults of their own, which must not be folded into "unreachable"', () => {
    expect(isRedisConnectionError(new Error('Missing lock for job 42. moveToFinished'))).toBe(false);
    expect(
      isRedisConnectionError(new Error('ERR Error running script (call to f_abc): @user_script:1')),
    ).toBe(false);
    expect(
      isRedisConnectionError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(false);
    expect(isRedisConnectionError('ECONNREFUSED')).toBe(false);
    expect(isRedisConnectionError(undefined)).toBe(false);
  });
});
