import { composeReply, replySubject, type Statements } from '../compose/compose-reply.js';
import { fill, type ReplyTemplates, replyTemplates } from '../compose/reply-templates.js';
import { type PolicyTable, policyTable, recommendedItems } from '../decide/decide.js';
import type { MissingId } from '../record/schema.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { MessageText, ReplyDraft, StoredConversation } from '../store/store.js';
import { canonicalStatements } from '../understand/acknowledgements.js';
import { newMessageId } from '../worker/ingest.js';
import { escapeHtml } from './html.js';
import { WebError } from './web-error.js';

/** What the desk's actions need from the rules, compiled once (as `createAdvance` does for the worker). */
export interface DeskRules {
  provider: string;
  templates: ReplyTemplates;
  statements: Statements;
  policy: PolicyTable;
}

export function deskRules(book: RuleBook, provider: string): DeskRules {
  const catalog = canonicalStatements(book, provider);
  const statements = Object.fromEntries(
    Object.entries(catalog).map(([id, s]) => [id, { fr: s.fr, en: s.en }]),
  ) as Statements;
  return { provider, templates: replyTemplates(book), statements, policy: policyTable(book) };
}

/** Where a reply goes and what it answers: the conversation's last message from the customer. */
export interface ReplyThread {
  ticket: string;
  to: string;
  subject: string;
  inReplyTo: string;
  references: string[];
  language: 'fr' | 'en';
}

/** References are capped (the oldest dropped) as mail clients do: a long thread must not grow the header. */
const MAX_REFERENCES = 20;

export function replyThread(c: StoredConversation, messages: readonly MessageText[]): ReplyThread {
  const last = [...messages].reverse().find((m) => m.state === 'processed' && !m.automatic);
  const to = c.record.customer?.address ?? last?.from ?? null;
  if (!last || !to) {
    throw new WebError('reply_no_customer', 409, 'This conversation has no customer message to answer.');
  }
  const earlier = c.record.messageIds.filter((id) => id !== last.messageId);
  return {
    ticket: c.id,
    to,
    subject: replySubject(last.subject, c.id),
    inReplyTo: last.messageId,
    references: [...earlier, last.messageId].slice(-MAX_REFERENCES),
    language: c.record.language,
  };
}

/**
 * The reply the record calls for now, in the customer's language: the worker's composer when something
 * is missing, otherwise its greeting and sign-off around an empty line for staff to write in.
 */
export function proposedReply(c: StoredConversation, thread: ReplyThread, rules: DeskRules): string {
  const missing = c.missing as MissingId[];
  const recommended = recommendedItems(c.record, rules.policy);
  if (missing.length > 0) {
    return composeReply(
      {
        ticket: c.id,
        language: thread.language,
        provider: rules.provider,
        to: thread.to,
        subject: thread.subject,
        messageId: thread.inReplyTo,
        references: thread.references,
        missing,
        recommended,
        hotSwapQuestion: c.record.hotSwapQuestion.value,
      },
      rules.templates,
      rules.statements,
    ).text;
  }
  const t = rules.templates[thread.language];
  const values = { provider: rules.provider, ticket: c.id };
  return `${fill(t.greeting, values)}\n\n\n\n${fill(t.signoff, values)}\n`;
}

/** The staff's text as the outbox stores it: threaded like the worker's replies, plain text and HTML. */
export function staffDraft(thread: ReplyThread, text: string, messageIdDomain: string): ReplyDraft {
  const normalized = `${text.replace(/\r\n?/g, '\n').trimEnd()}\n`;
  const paragraphs = normalized
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return {
    messageId: newMessageId(messageIdDomain),
    to: thread.to,
    subject: thread.subject,
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    headers: {},
    language: thread.language,
    requested: [],
    text: normalized,
    html: `<!doctype html>\n<html><body>\n${paragraphs}\n</body></html>\n`,
  };
}

/**
 * Refuses a text that contains one of the conversation's stored secrets. The values are compared here,
 * on the server, and never echoed: the refusal names the secret's placeholder only.
 */
export async function refuseSecrets(
  text: string,
  secrets: readonly { id: number; placeholder: string }[],
  reveal: (id: number) => Promise<string | null>,
): Promise<void> {
  for (const s of secrets) {
    const value = (await reveal(s.id))?.trim();
    if (value && text.includes(value)) {
      throw new WebError(
        'reply_contains_secret',
        400,
        `The reply contains the customer's secret ${s.placeholder}: remove it before sending.`,
      );
    }
  }
}
