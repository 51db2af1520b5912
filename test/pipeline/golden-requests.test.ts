import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareLine } from '../../src/pipeline/compare-lines.js';
import { createPipeline } from '../../src/pipeline/offline-pipeline.js';
import { createReader } from '../../src/reader/read-message.js';
import { labelledCases, PIPELINE_TEST_OPTIONS } from '../support/labelled.js';

const cases = labelledCases();
const reader = createReader({ ownAddresses: PIPELINE_TEST_OPTIONS.ownAddresses });

describe('labelled fixtures', () => {
  it('has at least 80 labelled messages, 35 per language, 10 conversations', () => {
    const lines = cases.flatMap((c) => c.expected);
    expect(lines.length).toBeGreaterThanOrEqual(80);
    expect(lines.filter((l) => l.language === 'fr').length).toBeGreaterThanOrEqual(35);
    expect(lines.filter((l) => l.language === 'en').length).toBeGreaterThanOrEqual(35);
    expect(cases.filter((c) => c.files.length >= 2).length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const pipeline = createPipeline(PIPELINE_TEST_OPTIONS);
    expect(c.files.length, `${name}: one expected line per message`).toBe(c.expected.length);
    for (const [i, { file, path }] of c.files.entries()) {
      const raw = readFileSync(path);
      const line = await pipeline.process(raw, file);
      const wrong = compareLine(c.expected[i]!, line as unknown as Record<string, unknown>).filter(
        (check) => !check.ok,
      );
      expect(
        wrong.map(
          (w) =>
            `${file}: ${w.field}: expected ${JSON.stringify(w.expected)}, got ${JSON.stringify(w.actual)}`,
        ),
      ).toEqual([]);
      // The reply never repeats a secret and always carries the exact statements it asks for.
      const { secrets } = await reader.read(raw);
      const printed = JSON.stringify(line);
      for (const s of secrets)
        expect(printed.includes(s.value.reveal()), `${file}: a secret in the output`).toBe(false);
    }
  });
});
