import { afterEach, describe, expect, it, vi } from 'vitest';
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
