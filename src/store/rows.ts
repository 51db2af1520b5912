import { z } from 'zod';
import type { ConversationRecord } from '../conversation/record.js';
import { SecretKind } from '../reader/inbound-message.js';
import { DeskStatus } from '../record/desk-status.js';
import type {
  AuditEntry,
  ConversationSummary,
  MailboxState,
  MessageText,
  OutboxReply,
  QuarantineRecord,
  StoredMessage,
} from './store.js';

/**
 * What comes back from the database is checked here, one schema per table, before it becomes a domain
 * value: the two drivers disagree on types (bigint as string, timestamptz as Date, jsonb parsed or not),
 * and a row written by another version of the service must fail loudly rather than flow on half-typed.
 */
export type Dialect = 'sqlite' | 'postgres';

export const int = z
  .union([z.number().int(), z.bigint(), z.string().regex(/^-?\d+$/)])
  .transform((v) => Number(v))
  .refine((n) => Number.isSafeInteger(n), 'integer beyond 2^53');
export const iso = z
  .union([z.string(), z.date()])
  .transform((v) => (typeof v === 'string' ? v : v.toISOString()));
const text = z.string();
const bytes = z.instanceof(Buffer);

const MessageState = z.enum(['processed', 'ignored', 'quarantined']);
const ReplyStatus = z.enum(['pending', 'sending', 'sent', 'uncertain', 'failed', 'refused_limit']);

/** Deep enough to catch a row that is not a record at all; the record's own shape is the pipeline's. */
const RecordShape = z.looseObject({
  id: z.string(),
  messageIds: z.array(z.string()),
  history: z.array(z.looseObject({ field: z.string(), messageId: z.string() })),
});

export function rowSchemas(dialect: Dialect) {
  // SQLite keeps JSON as text; pg parses jsonb itself (and a jsonb string must not be parsed twice).
  const json = dialect === 'sqlite' ? z.string().transform((s): unknown => JSON.parse(s)) : z.unknown();
  const jsonOf = <T extends z.ZodType>(schema: T) => json.pipe(schema);

  const message = z
    .object({
      id: int,
      mailbox: text,
      uid_validity: text,
      uid: int.nullable(),
      message_id: text,
      content_hash: text,
      conversation_id: text.nullable(),
      state: MessageState,
      received_at: text.nullable(),
      processed_at: iso,
    })
    .transform(
      (r): StoredMessage => ({
        id: r.id,
        messageId: r.message_id,
        contentHash: r.content_hash,
        conversationId: r.conversation_id,
        mailbox: r.mailbox,
        uidValidity: r.uid_validity,
        uid: r.uid,
        state: r.state,
        receivedAt: r.received_at,
        processedAt: r.processed_at,
      }),
    );

  const messageText = z
    .object({
      id: int,
      message_id: text,
      from_address: text.nullable(),
      subject: text,
      date: text.nullable(),
      new_text: text,
      // SQLite has no boolean: 0 or 1.
      automatic: z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1),
      state: MessageState,
      received_at: text.nullable(),
    })
    .transform(
      (r): MessageText => ({
        id: r.id,
        messageId: r.message_id,
        from: r.from_address,
        subject: r.subject,
        date: r.date,
        newText: r.new_text,
        automatic: r.automatic,
        state: r.state,
        receivedAt: r.received_at,
      }),
    );

  const reply = z
    .object({
      id: int,
      conversation_id: text,
      revision: int,
      message_id: text,
      to_address: text,
      subject: text,
      in_reply_to: text,
      refs: jsonOf(z.array(z.string())),
      headers: jsonOf(z.record(z.string(), z.string())),
      language: text,
      requested: jsonOf(z.array(z.string())),
      text: text,
      html: text,
      status: ReplyStatus,
      attempts: int,
      smtp_response: text.nullable(),
      created_at: iso,
      claimed_at: iso.nullable(),
      sent_at: iso.nullable(),
    })
    .transform(
      (r): OutboxReply => ({
        id: r.id,
        conversationId: r.conversation_id,
        revision: r.revision,
        messageId: r.message_id,
        to: r.to_address,
        subject: r.subject,
        inReplyTo: r.in_reply_to,
        references: r.refs,
        headers: r.headers,
        language: r.language,
        requested: r.requested,
        text: r.text,
        html: r.html,
        status: r.status,
        attempts: r.attempts,
        smtpResponse: r.smtp_response,
        createdAt: r.created_at,
        claimedAt: r.claimed_at,
        sentAt: r.sent_at,
      }),
    );

  const summary = z
    .object({
      id: text,
      subject: text,
      status: DeskStatus,
      missing: jsonOf(z.array(z.string())),
      request_types: jsonOf(z.array(z.string())),
      server: text.nullable(),
      customer: text.nullable(),
      language: text,
      last_customer_message_at: iso.nullable(),
      updated_at: iso,
    })
    .transform(
      (r): ConversationSummary => ({
        id: r.id,
        subject: r.subject,
        status: r.status,
        missing: r.missing,
        requestTypes: r.request_types,
        server: r.server,
        customer: r.customer,
        language: r.language,
        lastCustomerMessageAt: r.last_customer_message_at,
        updatedAt: r.updated_at,
      }),
    );

  const conversation = z.object({
    id: text,
    record: jsonOf(RecordShape).transform((r) => r as unknown as ConversationRecord),
    status: DeskStatus,
    missing: jsonOf(z.array(z.string())),
    line: json,
    search: text,
    created_at: iso,
    updated_at: iso,
  });

  const secretMeta = z
    .object({
      id: int,
      message_id: text,
      placeholder: text,
      kind: SecretKind,
      label: text,
      username: text.nullable(),
    })
    .transform((r) => ({
      id: r.id,
      messageId: r.message_id,
      placeholder: r.placeholder,
      kind: r.kind,
      label: r.label,
      username: r.username,
    }));

  const sealed = z.object({ iv: bytes, tag: bytes, ciphertext: bytes });

  const quarantine = z
    .object({
      id: int,
      mailbox: text,
      uid_validity: text,
      uid: int.nullable(),
      message_id: text.nullable(),
      content_hash: text.nullable(),
      code: text,
      reason: text,
      created_at: iso,
      resolved_at: iso.nullable(),
    })
    .transform(
      (r): QuarantineRecord => ({
        id: r.id,
        mailbox: r.mailbox,
        uidValidity: r.uid_validity,
        uid: r.uid,
        messageId: r.message_id,
        contentHash: r.content_hash,
        code: r.code,
        reason: r.reason,
        createdAt: r.created_at,
        resolvedAt: r.resolved_at,
      }),
    );

  const audit = z
    .object({
      id: int,
      actor: text,
      action: text,
      subject: text,
      details: jsonOf(z.record(z.string(), z.unknown())),
      at: iso,
    })
    .transform((r): AuditEntry & { id: number; at: string } => r);

  const mailboxState = z
    .object({ uid_validity: text, last_uid: int })
    .transform((r): MailboxState => ({ uidValidity: r.uid_validity, lastUid: r.last_uid }));

  const directory = z.object({ directory: json });
  const count = z.object({ n: int });
  const statusCount = z.object({ status: DeskStatus, n: int });
  const version = z.object({ version: int });
  const link = z.object({ message_id: text, conversation_id: text });

  return {
    message,
    messageText,
    reply,
    summary,
    conversation,
    secretMeta,
    sealed,
    quarantine,
    audit,
    mailboxState,
    directory,
    count,
    statusCount,
    version,
    link,
  };
}

export type RowSchemas = ReturnType<typeof rowSchemas>;
