import type { Language } from '../reader/inbound-message.js';
import { stripReplyPrefixes } from '../reader/subject.js';
import type { MissingId, RecommendedId } from '../record/schema.js';
import { fill, type ReplyTemplates } from './reply-templates.js';

export type StatementId =
  | 'power_authorization'
  | 'backup_confirmed'
  | 'backup_none'
  | 'data_loss_ack'
  | 'hardware_ack';
export type Statements = Record<StatementId, Record<Language, string>>;

/** The statements a missing item asks the customer to copy (section 8: for backup, both are offered). */
const STATEMENTS_FOR: Partial<Record<MissingId, StatementId[]>> = {
  power_authorization: ['power_authorization'],
  backup: ['backup_confirmed', 'backup_none'],
  data_loss_ack: ['data_loss_ack'],
  hardware_ack: ['hardware_ack'],
};

export interface ReplyInput {
  ticket: string;
  language: Language;
  provider: string;
  /** The customer's address: replies go to the sender alone. */
  to: string;
  /** The subject of the message being answered. */
  subject: string;
  messageId: string;
  references: readonly string[];
  missing: readonly MissingId[];
  recommended: readonly RecommendedId[];
  hotSwapQuestion: boolean;
}

export interface ComposedReply {
  to: string;
  subject: string;
  inReplyTo: string;
  references: string[];
  headers: Record<string, string>;
  language: Language;
  requested: MissingId[];
  recommended: RecommendedId[];
  text: string;
  html: string;
}

export function replySubject(subject: string, ticket: string): string {
  const base = stripReplyPrefixes(subject);
  const tagged = base.includes(ticket) ? base : `${base ? `${base} ` : ''}[${ticket}]`;
  return `Re: ${tagged}`;
}

interface Block {
  kind: 'paragraph' | 'statement' | 'item' | 'bullet';
  text: string;
  number?: number;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function toText(blocks: readonly Block[]): string {
  return `${blocks
    .map((b) => (b.kind === 'item' ? `${b.number}. ${b.text}` : b.kind === 'bullet' ? `- ${b.text}` : b.text))
    .join('\n\n')}\n`;
}

function toHtml(blocks: readonly Block[]): string {
  const body = blocks
    .map((b) => {
      const text = escapeHtml(b.text).replace(/\n/g, '<br>');
      if (b.kind === 'statement') return `<blockquote><p>${text}</p></blockquote>`;
      if (b.kind === 'item') return `<p><strong>${b.number}.</strong> ${text}</p>`;
      if (b.kind === 'bullet') return `<ul><li>${text}</li></ul>`;
      return `<p>${text}</p>`;
    })
    .join('\n');
  return `<!doctype html>\n<html><body>\n${body}\n</body></html>\n`;
}

/**
 * The reply that asks for exactly what is missing (section 8): in the record's language, one plain sentence
 * per missing item, the exact statements to copy on lines of their own, recommended items marked optional,
 * threaded on the customer's message, marked auto-replied. It quotes nothing of the customer's message, so
 * it can never repeat a secret.
 */
export function composeReply(
  input: ReplyInput,
  templates: ReplyTemplates,
  statements: Statements,
): ComposedReply {
  const t = templates[input.language];
  const values = { provider: input.provider, ticket: input.ticket };
  const blocks: Block[] = [
    { kind: 'paragraph', text: fill(t.greeting, values) },
    { kind: 'paragraph', text: fill(t.intro, values) },
  ];
  input.missing.forEach((id, i) => {
    blocks.push({ kind: 'item', number: i + 1, text: fill(t.items[id]!, values) });
    const wanted = STATEMENTS_FOR[id];
    if (!wanted) return;
    blocks.push({ kind: 'paragraph', text: fill(wanted.length > 1 ? t.copyEither : t.copyOne, values) });
    for (const statement of wanted)
      blocks.push({ kind: 'statement', text: statements[statement][input.language] });
  });
  if (input.recommended.length > 0) {
    blocks.push({ kind: 'paragraph', text: fill(t.optionalHeading, values) });
    for (const id of input.recommended)
      blocks.push({ kind: 'bullet', text: fill(t.recommended[id]!, values) });
  }
  if (input.hotSwapQuestion) blocks.push({ kind: 'paragraph', text: fill(t.hotSwap, values) });
  blocks.push({ kind: 'paragraph', text: fill(t.closing, values) });
  blocks.push({ kind: 'paragraph', text: fill(t.signoff, values) });
  return {
    to: input.to,
    subject: replySubject(input.subject, input.ticket),
    inReplyTo: input.messageId,
    references: [...new Set([...input.references, input.messageId])],
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    language: input.language,
    requested: [...input.missing],
    recommended: [...input.recommended],
    text: toText(blocks),
    html: toHtml(blocks),
  };
}
