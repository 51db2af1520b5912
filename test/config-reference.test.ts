import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigSchema, MASKED_KEYS } from '../src/config.js';
import {
  configVariables,
  extractConfigReference,
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
  spliceConfigReference,
} from '../src/config-reference.js';

// Inside the repository: the committed document the generator must agree with.
const operationsPath = fileURLToPath(new URL('../docs/operations.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/operations.md holds what the generator produces now', () => {
    const committed = extractConfigReference(readFileSync(operationsPath, 'utf8'));
    expect(committed, `docs/operations.md lacks ${REFERENCE_START} … ${REFERENCE_END}`).not.toBeNull();
    expect(
      committed,
      'docs/operations.md: the configuration reference is stale; run `npm run docs:config` and commit it',
    ).toBe(renderConfigReference());
  });

  it('lists every key of ConfigSchema, once, in schema order', () => {
    const keys = Object.keys(ConfigSchema.in.shape);
    expect(configVariables().map((v) => v.name)).toEqual(keys);
    const reference = renderConfigReference();
    for (const key of keys) {
      expect(reference.match(new RegExp(`^\\| \`${key}\` \\|`, 'gm')), key).toHaveLength(1);
    }
  });

  it('flags exactly what check-config masks as secret', () => {
    const variables = configVariables();
    const flagged = Object.fromEntries(
      variables.filter((v) => v.masking).map((v) => [v.name, v.masking] as const),
    );
    expect(flagged).toEqual(MASKED_KEYS);
    const row = (name: string) =>
      renderConfigReference()
        .split('\n')
        .find((l) => l.startsWith(`| \`${name}\``));
    expect(row('INTAKE_SECRET_KEY')).toMatch(/\| yes \(masked\) \|$/);
    expect(row('INTAKE_WEBHOOK_SECRET')).toMatch(/\| yes \(masked\) \|$/);
    expect(row('INTAKE_IMAP_URL')).toMatch(/\| password in the URL \(masked\) \|$/);
    expect(row('PROVIDER_NAME')).toMatch(/\| no \|$/);
  });

  it('has check-config mask every variable whose name says it is a secret', () => {
    const secretLooking = Object.keys(ConfigSchema.in.shape).filter((k) =>
      /SECRET|PASSWORD|TOKEN$|_KEY$/.test(k),
    );
    expect(secretLooking.length).toBeGreaterThan(0);
    for (const key of secretLooking) expect(MASKED_KEYS, key).toHaveProperty(key, 'secret');
  });

  it('shows defaults, requirement and enum values', () => {
    const byName = new Map(configVariables().map((v) => [v.name, v]));
    expect(byName.get('PORT')).toMatchObject({ defaultValue: '8080', required: false });
    expect(byName.get('INTAKE_DEFAULT_LANGUAGE')?.allowedValues).toEqual(['fr', 'en']);
    expect(byName.get('INTAKE_OWN_ADDRESSES')?.defaultValue).toBe('');
    expect(byName.get('INTAKE_IMAP_URL')).toMatchObject({
      defaultValue: undefined,
      required: false,
      requiredByWorker: true,
    });
    const required = configVariables(z.object({ NEEDED: z.string().describe('Must be set') }));
    expect(required[0]).toMatchObject({ required: true, defaultValue: undefined });
  });

  it('refuses a variable without a description, naming it', () => {
    const schema = z
      .object({
        DESCRIBED: z.string().default('x').describe('Has one'),
        BARE_VARIABLE: z.string().optional(),
      })
      .transform((c) => c);
    expect(() => renderConfigReference(schema)).toThrow(/BARE_VARIABLE has no description/);
  });

  it('escapes a pipe in a description so the table keeps its columns', () => {
    const reference = renderConfigReference(z.object({ A: z.string().describe('left | right') }));
    expect(reference).toContain('left \\| right');
  });

  it('replaces only the text between the markers', () => {
    const doc = `# T\n\nbefore\n${REFERENCE_START}\nold\n${REFERENCE_END}\nafter\n`;
    const spliced = spliceConfigReference(doc, 'new');
    expect(spliced).toBe(`# T\n\nbefore\n${REFERENCE_START}\nnew\n${REFERENCE_END}\nafter\n`);
    expect(extractConfigReference(spliced)).toBe('new');
    expect(spliceConfigReference(spliced, 'new')).toBe(spliced);
    expect(() => spliceConfigReference('# no markers\n', 'x')).toThrow(/not found/);
  });
});
