import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AutomaticReason, Language, SecretKind } from '../../src/reader/inbound-message.js';
import { createReader } from '../../src/reader/read-message.js';
import { fixtureMessages } from '../support/fixtures.js';

/** The hand-judged essentials of a fixture (fixtures/messages/README.md explains each file). */
const Expected = z.strictObject({
  provenance: z.string().min(10),
  language: Language,
  automatic: z.boolean(),
  automaticReasons: z.array(AutomaticReason).optional(),
  subject: z.string().optional(),
  newText: z.string(),
  quotedContains: z.array(z.string()).optional(),
  signatureContains: z.array(z.string()).nullable().optional(),
  attachments: z
    .array(z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number() }))
    .optional(),
  secrets: z.array(z.object({ kind: SecretKind, sha256: z.string().regex(/^[0-9a-f]{64}$/) })).optional(),
  notes: z.string().optional(),
});

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const reader = createReader({
  ownAddresses: ['support@hosting.example'],
  ownMessageIdDomains: ['intake.hosting.example'],
});
const fixtures = fixtureMessages();

describe('golden fixtures', () => {
  it('has at least 40 fixtures, each with an expectation', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const f of fixtures)
      expect(existsSync(f.path.replace(/\.eml$/, '.expected.json')), f.file).toBe(true);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s', async (file, fixture) => {
    const expected = Expected.parse(
      JSON.parse(readFileSync(fixture.path.replace(/\.eml$/, '.expected.json'), 'utf8')),
    );
    const { message, secrets } = await reader.read(fixture.raw);

    expect(collapse(message.newText), `${file}: new text`).toBe(collapse(expected.newText));
    expect(message.language, `${file}: language`).toBe(expected.language);
    expect(
      message.automatic.isAutomatic,
      `${file}: automatic (${JSON.stringify(message.automatic.reasons)})`,
    ).toBe(expected.automatic);
    const reasons = message.automatic.reasons.map((r) => r.code);
    for (const reason of expected.automaticReasons ?? [])
      expect(reasons, `${file}: reasons`).toContain(reason);
    if (expected.subject !== undefined) expect(message.subject).toBe(expected.subject);

    const quoted = collapse(message.quoted.map((q) => `${q.header ?? ''}\n${q.text}`).join('\n'));
    for (const piece of expected.quotedContains ?? []) {
      expect(quoted, `${file}: quoted parts should hold ${JSON.stringify(piece)}`).toContain(collapse(piece));
      expect(
        collapse(message.newText),
        `${file}: new text should not hold ${JSON.stringify(piece)}`,
      ).not.toContain(collapse(piece));
    }
    if (expected.signatureContains === null) expect(message.signature, `${file}: no signature`).toBeNull();
    for (const piece of expected.signatureContains ?? []) {
      expect(collapse(message.signature ?? ''), `${file}: signature`).toContain(collapse(piece));
    }
    if (expected.attachments) {
      expect(
        message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
      ).toEqual(expected.attachments);
    }
    expect(
      secrets
        .map((s) => ({ kind: s.ref.kind, sha256: s.value.sha256() }))
        .sort((a, b) => a.sha256.localeCompare(b.sha256)),
      `${file}: secrets`,
    ).toEqual([...(expected.secrets ?? [])].sort((a, b) => a.sha256.localeCompare(b.sha256)));
  });
});
