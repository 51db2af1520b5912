import { randomUUID } from 'node:crypto';
import { emptyRecord } from '../../../src/conversation/record.js';
import type { CommitInput, Decided, ReplyDraft, StoredSecret } from '../../../src/store/store.js';

export interface MessageSpec {
  messageId?: string;
  contentHash?: string;
  subject?: string;
  inReplyTo?: string | null;
  references?: string[];
  mailbox?: string;
  from?: string;
  newText?: string;
  state?: CommitInput['state'];
  secrets?: StoredSecret[];
  /** Queue a reply with this Message-ID (true: a generated one). */
  reply?: boolean | string;
  status?: Decided['status'];
  serviceId?: string;
  /** decide returns null. */
  noDecision?: boolean;
  /** Counts the calls to decide. */
  calls?: { n: number };
}

export const mid = (tag = 'm') => `<${tag}-${randomUUID()}@customer.example>`;

export function replyDraft(to: string, messageId = `<reply-${randomUUID()}@intake.test>`): ReplyDraft {
  return {
    messageId,
    to,
    subject: 'Re: your request',
    inReplyTo: '<x@customer.example>',
    references: ['<x@customer.example>'],
    headers: { 'Auto-Submitted': 'auto-replied' },
    language: 'fr',
    requested: ['os', 'backup'],
    text: 'Bonjour,\n\nMerci de préciser le système.',
    html: '<p>Bonjour,</p>',
  };
}

/** A message and a `decide` that appends it to the record, with one history entry per message. */
export function message(spec: MessageSpec = {}): CommitInput {
  const messageId = spec.messageId ?? mid();
  const from = spec.from ?? 'client@customer.example';
  const subject = spec.subject ?? 'Réinstallation serveur';
  const state = spec.state ?? 'processed';
  return {
    mailbox: spec.mailbox ?? 'INBOX',
    uidValidity: '1700000000',
    uid: 42,
    key: { messageId, contentHash: spec.contentHash ?? randomUUID().replaceAll('-', '') },
    thread: {
      messageId,
      subject,
      inReplyTo: spec.inReplyTo ?? null,
      references: spec.references ?? [],
    },
    summary: {
      from,
      subject,
      date: 'Tue, 3 Mar 2026 10:00:00 +0100',
      newText: spec.newText ?? 'Bonjour, merci de réinstaller mon serveur.',
      automatic: state === 'ignored',
      language: 'fr',
    },
    secrets: spec.secrets ?? [],
    state,
    receivedAt: '2026-03-03T09:00:01.000Z',
    decide: (id, stored) => {
      if (spec.calls) spec.calls.n++;
      if (spec.noDecision) return null;
      const base = stored ?? emptyRecord(id);
      const record = {
        ...base,
        subject: base.subject || subject,
        customer: base.customer ?? { name: 'Client Exemple', address: from },
        messageIds: [...base.messageIds, messageId],
        serviceIds: spec.serviceId
          ? [...base.serviceIds, { value: spec.serviceId, messageId, evidence: [] }]
          : base.serviceIds,
        history: [...base.history, { field: 'messageIds', value: [messageId], messageId }],
      };
      const reply =
        spec.reply === undefined || spec.reply === false
          ? null
          : replyDraft(from, typeof spec.reply === 'string' ? spec.reply : undefined);
      return { record, status: spec.status ?? 'awaiting_customer', missing: ['os'], line: { id }, reply };
    },
  };
}

export const secret = (value: string, n = 1): StoredSecret => ({
  placeholder: `[[SECRET-${n}]]`,
  kind: 'password',
  label: 'mot de passe root',
  username: 'root',
  value,
});
