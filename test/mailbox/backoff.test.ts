import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../src/mailbox/backoff.js';

describe('reconnect backoff', () => {
  it('doubles from the base up to the cap', () => {
    const b = createBackoff({ baseMs: 100, capMs: 1000, jitter: 0 });
    expect(Array.from({ length: 6 }, () => b.next(null, 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws the jitter fraction at random, below the ceiling', () => {
    const low = createBackoff({ baseMs: 1000, jitter: 0.5, random: () => 1 });
    const high = createBackoff({ baseMs: 1000, jitter: 0.5, random: () => 0 });
    expect(low.next(null, 0)).toBe(500);
    expect(high.next(null, 0)).toBe(1000);
  });

  it('resets only after a connection that stayed up for the stable period', () => {
    const b = createBackoff({ baseMs: 100, capMs: 10_000, jitter: 0, stableAfterMs: 5000 });
    b.next(null, 0);
    b.next(null, 0);
    // Up for 1 s only: a server that accepts and drops keeps the delays growing.
    expect(b.next(10_000, 11_000)).toBe(400);
    // Up for 5 s: proven stable, start over.
    expect(b.next(20_000, 25_000)).toBe(100);
    expect(b.attempts).toBe(1);
  });

  it('does not overflow after many attempts', () => {
    const b = createBackoff({ baseMs: 500, capMs: 60_000, jitter: 0 });
    for (let i = 0; i < 2000; i++) b.next(null, 0);
    expect(b.next(null, 0)).toBe(60_000);
  });
});
