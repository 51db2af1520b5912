import { describe, expect, it } from 'vitest';
import { createSlots } from '../../src/worker/send-slots.js';

const settled = () => new Promise((r) => setTimeout(r, 0));

describe('createSlots', () => {
  it('gives out at most `size` slots, then one per release, first come first served', async () => {
    const slots = createSlots(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = slots.acquire().then((release) => {
      order.push('d');
      return release;
    });
    await settled();
    expect(order).toEqual([]);
    a();
    // A slot given back twice counts once: d still waits.
    a();
    await settled();
    expect(order).toEqual(['c']);
    b();
    await settled();
    expect(order).toEqual(['c', 'd']);
    (await c)();
    (await d)();
    // All free again: two at once without waiting, not more.
    await slots.acquire();
    await slots.acquire();
    let third = false;
    void slots.acquire().then(() => {
      third = true;
    });
    await settled();
    expect(third).toBe(false);
  });

  it('never waits when unlimited', async () => {
    const slots = createSlots(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1_000; i++) await slots.acquire();
  });
});
