import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '../support/prom-text.js';

describe('the exposition parser the metrics tests rely on', () => {
  it('reads what prom-client writes, labels with escapes included', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 't_total', help: 'a "test"', labelNames: ['k'], registers: [registry] });
    c.inc({ k: 'a"b\\c\nd' }, 3);
    c.inc({ k: 'plain' });
    const h = new Histogram({ name: 't_seconds', help: 'h', buckets: [1, 5], registers: [registry] });
    h.observe(0.5);
    h.observe(3);
    const parsed = parseExposition(await registry.metrics());
    expect(parsed.types.get('t_total')).toBe('counter');
    expect(parsed.types.get('t_seconds')).toBe('histogram');
    expect(sampleValue(parsed, 't_total', { k: 'a"b\\c\nd' })).toBe(3);
    expect(sampleValue(parsed, 't_total', { k: 'plain' })).toBe(1);
    expect(sampleValue(parsed, 't_seconds_bucket', { le: '1' })).toBe(1);
    expect(sampleValue(parsed, 't_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(sampleValue(parsed, 't_seconds_count')).toBe(2);
    expect(sampleValue(parsed, 't_seconds_sum')).toBe(3.5);
    expect(sampleValue(parsed, 't_nothing')).toBeUndefined();
    expect(() => sampleValue(parsed, 't_total')).toThrow(/2 samples/);
  });

  it('refuses malformed lines rather than skipping them', () => {
    expect(() => parseExposition('x{a="1" 2\n')).toThrow(/line 1/);
    expect(() => parseExposition('x one\n')).toThrow(/not a number/);
    // What prom-client prints for an event-loop lag not yet measured, and Go's other spellings.
    const words = parseExposition('a Nan\nb NaN\nc +Inf\nd -inf\n');
    expect(words.samples.map((s) => s.value)).toEqual([NaN, NaN, Infinity, -Infinity]);
    expect(() => parseExposition('# TYPE x blob\n')).toThrow(/unknown type/);
  });
});
