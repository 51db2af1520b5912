import { describe, expect, it } from 'vitest';
import { composeReply, replySubject } from '../../src/compose/compose-reply.js';
import { replyTemplates } from '../../src/compose/reply-templates.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { canonicalStatements } from '../../src/understand/acknowledgements.js';

const book = shippedRules();
const templates = replyTemplates(book);
const catalog = canonicalStatements(book, 'INTROSERV');
const statements = Object.fromEntries(
  Object.entries(catalog).map(([id, s]) => [id, { fr: s.fr, en: s.en }]),
) as Parameters<typeof composeReply>[2];

const base = {
  ticket: 'INT-000007',
  provider: 'INTROSERV',
  to: 'ann@example.com',
  subject: 'RE: TR: Serveur planté',
  messageId: '<m2@example.com>',
  references: ['<r1@intake.hosting.example>'],
  hotSwapQuestion: false,
};

describe('composeReply', () => {
  it('asks for each missing item, with the exact statements on lines of their own, in the record’s language', () => {
    const reply = composeReply(
      {
        ...base,
        language: 'fr',
        missing: ['server_id', 'power_authorization', 'backup', 'data_loss_ack'],
        recommended: ['partitioning'],
      },
      templates,
      statements,
    );
    const lines = reply.text.split('\n');
    for (const statement of [
      statements.power_authorization.fr,
      statements.backup_confirmed.fr,
      statements.backup_none.fr,
      statements.data_loss_ack.fr,
    ]) {
      expect(lines).toContain(statement);
    }
    expect(reply.text).toMatch(/^Bonjour,\n\nMerci pour votre message/);
    expect(reply.text).toMatch(/\n1\. Identification du serveur/);
    expect(reply.text).toContain('Facultatif');
    expect(reply.text).toContain('INT-000007');
    expect(reply.text).not.toContain(statements.hardware_ack.fr);
    expect(reply).toMatchObject({
      to: 'ann@example.com',
      subject: 'Re: Serveur planté [INT-000007]',
      inReplyTo: '<m2@example.com>',
      references: ['<r1@intake.hosting.example>', '<m2@example.com>'],
      headers: { 'Auto-Submitted': 'auto-replied' },
      requested: ['server_id', 'power_authorization', 'backup', 'data_loss_ack'],
      recommended: ['partitioning'],
    });
  });

  it('builds the HTML alternative from the same blocks, escaped', () => {
    const reply = composeReply(
      {
        ...base,
        subject: '<script>',
        language: 'en',
        missing: ['hardware_ack'],
        recommended: [],
        hotSwapQuestion: true,
      },
      templates,
      statements,
    );
    expect(reply.html).toContain('<blockquote><p>I understand and accept');
    expect(reply.html).not.toContain('<script>');
    expect(reply.text).toContain('About hot swapping');
  });

  it('keeps an existing ticket reference and strips reply prefixes', () => {
    expect(replySubject('Re: [INT-000001] Disk', 'INT-000001')).toBe('Re: [INT-000001] Disk');
    expect(replySubject('AW: Fwd: RE : Disk', 'INT-000002')).toBe('Re: Disk [INT-000002]');
    expect(replySubject('', 'INT-000003')).toBe('Re: [INT-000003]');
  });
});
