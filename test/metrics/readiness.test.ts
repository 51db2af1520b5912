import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../../src/metrics/readiness.js';

describe('readiness report', () => {
  it('is ready only when every check passes, and names the one that failed or hung', async () => {
    const started = Date.now();
    const report = await checkReadiness(
      {
        fine: async () => undefined,
        standby: async () => 'standby: not watching',
        broken: async () => {
          throw new Error('connection refused');
        },
        hung: () => new Promise<undefined>(() => {}),
      },
      300,
    );
    // The checks run side by side: one deadline, not one per check.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual({
      fine: { ok: true, ms: expect.any(Number) },
      standby: { ok: true, ms: expect.any(Number), detail: 'standby: not watching' },
      broken: { ok: false, ms: expect.any(Number), detail: 'connection refused' },
      hung: { ok: false, ms: expect.any(Number), detail: 'hung took over 300 ms' },
    });
    expect(report.checks.hung!.ms).toBeGreaterThanOrEqual(290);
    expect((await checkReadiness({ fine: async () => undefined }, 300)).ok).toBe(true);
  });
});
