import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../src/batcher.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createBatcher', () => {
  it('runs a lone item at once, on its own', async () => {
    const runs: number[][] = [];
    const b = createBatcher<number>({ key: () => 'k', run: async (items) => void runs.push(items) });
    await b.add(1);
    expect(runs).toEqual([[1]]);
  });

  it('gathers the items that arrive while a batch is in flight into the next one', async () => {
    const runs: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const b = createBatcher<number>({
      key: () => 'k',
      run: async (items) => {
        runs.push(items);
        if (runs.length === 1) await gate;
      },
    });
    const all = [1, 2, 3, 4].map((n) => b.add(n));
    await tick();
    expect(runs).toEqual([[1]]);
    release();
    await Promise.all(all);
    expect(runs).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps keys apart and fails only the batch that failed', async () => {
    const b = createBatcher<{ folder: string; uid: number }>({
      key: (i) => i.folder,
      run: async (items) => {
        if (items.some((i) => i.folder === 'bad')) throw new Error('refused');
      },
    });
    const results = await Promise.allSettled([
      b.add({ folder: 'good', uid: 1 }),
      b.add({ folder: 'bad', uid: 2 }),
      b.add({ folder: 'good', uid: 3 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('every item is run exactly once, in batches no larger than maxBatch, whatever the timing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(3)), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (plan, maxBatch) => {
          const seen: number[] = [];
          const b = createBatcher<{ key: string; id: number }>({
            key: (i) => i.key,
            maxBatch,
            run: async (items) => {
              expect(items.length).toBeLessThanOrEqual(maxBatch);
              expect(new Set(items.map((i) => i.key)).size).toBe(1);
              await tick();
              seen.push(...items.map((i) => i.id));
            },
          });
          const adds: Promise<void>[] = [];
          for (const [id, [key, pause]] of plan.entries()) {
            adds.push(b.add({ key, id }));
            for (let i = 0; i < pause; i++) await tick();
          }
          await Promise.all(adds);
          expect([...seen].sort((x, y) => x - y)).toEqual(plan.map((_, id) => id));
        },
      ),
      { numRuns: 100 },
    );
  });
});
