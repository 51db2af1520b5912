import type { OutgoingReply } from '../../src/mailer/build-message.js';

export const SUPPORT = 'support@hosting.example';

/** A reply as the outbox stores it (composeReply's shape), French, with text and html. */
export function replyFixture(overrides: Partial<OutgoingReply> = {}): OutgoingReply {
  return {
    messageId: '<reply.1.INT-000007@intake.hosting.example>',
    to: 'ann@example.com',
    subject: 'Re: Serveur planté [INT-000007]',
    inReplyTo: '<m2@example.com>',
    references: ['<m0@example.com>', '<r1@intake.hosting.example>', '<m2@example.com>'],
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    text: 'Bonjour,\n\nMerci de nous indiquer le serveur concerné.\n\n1. Le nom du serveur\n',
    html: '<!doctype html>\n<html><body>\n<p>Bonjour,</p>\n<p>Merci de nous indiquer le serveur concerné.</p>\n</body></html>\n',
    createdAt: '2026-11-20 09:30:00',
    ...overrides,
  };
}
