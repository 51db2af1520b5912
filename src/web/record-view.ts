import { z } from 'zod';
import type {
  AuditEntry,
  MessageText,
  OutboxReply,
  ReplyStatus,
  StoredConversation,
} from '../store/store.js';
import { type CorrectionView, correctionViews } from './correction-view.js';
import { type FieldView, recordFields } from './record-fields.js';

/** A secret as the desk lists it before a reveal: that it exists, never its value (nor its user name). */
export interface MaskedSecret {
  id: number;
  kind: string;
  label: string;
  placeholder: string;
  messageId: string;
  masked: true;
}

export interface ReplyView {
  id: number;
  revision: number;
  to: string;
  subject: string;
  status: ReplyStatus;
  attempts: number;
  smtpResponse: string | null;
  requested: string[];
  text: string;
  createdAt: string;
  sentAt: string | null;
}

export type TimelineEntry =
  | { kind: 'message'; at: string | null; message: MessageText }
  | { kind: 'reply'; at: string; reply: ReplyView };

export interface RecordView {
  id: string;
  status: StoredConversation['status'];
  subject: string;
  customer: { name: string | null; address: string } | null;
  language: string;
  missing: string[];
  reviewReasons: string[];
  fields: FieldView[];
  /** Staff corrections: each field's corrected value wins over what the messages say. */
  corrections: CorrectionView[];
  timeline: TimelineEntry[];
  secrets: MaskedSecret[];
  audit: (AuditEntry & { id: number; at: string })[];
  createdAt: string;
  updatedAt: string;
}

/** The stored parse line is `unknown` to the store: only its review reasons are read, and checked. */
const LineReasons = z.looseObject({ reviewReasons: z.array(z.string()) });

const replyView = (r: OutboxReply): ReplyView => ({
  id: r.id,
  revision: r.revision,
  to: r.to,
  subject: r.subject,
  status: r.status,
  attempts: r.attempts,
  smtpResponse: r.smtpResponse,
  requested: r.requested,
  text: r.text,
  createdAt: r.createdAt,
  sentAt: r.sentAt,
});

/** When a message arrived: the mailbox's date, else its own Date header. */
export const messageTime = (m: MessageText): string | null => m.receivedAt ?? m.date;

const sortKey = (at: string | null) => {
  const ms = at === null ? Number.NaN : Date.parse(at);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
};

/** Customer messages and our replies in time order (a message before the reply it caused on a tie). */
export function timeline(messages: readonly MessageText[], replies: readonly OutboxReply[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...messages.map((m) => ({ kind: 'message' as const, at: messageTime(m), message: m })),
    ...replies.map((r) => ({ kind: 'reply' as const, at: r.createdAt, reply: replyView(r) })),
  ];
  // Array.prototype.sort is stable: equal times keep messages (listed first) ahead of replies.
  return entries.sort((a, b) => sortKey(a.at) - sortKey(b.at));
}

/** Everything the record page and `GET /api/conversations/:id` show, with no secret value in it. */
export function recordView(
  c: StoredConversation,
  messages: readonly MessageText[],
  audit: (AuditEntry & { id: number; at: string })[],
): RecordView {
  const reasons = LineReasons.safeParse(c.line);
  return {
    id: c.id,
    status: c.status,
    subject: c.record.subject,
    customer: c.record.customer
      ? { name: c.record.customer.name || null, address: c.record.customer.address }
      : null,
    language: c.record.language,
    missing: c.missing,
    reviewReasons: reasons.success ? reasons.data.reviewReasons : [],
    fields: recordFields(c.record),
    corrections: correctionViews(c.record),
    timeline: timeline(messages, c.replies),
    secrets: c.secrets.map((s) => ({
      id: s.id,
      kind: s.kind,
      label: s.label,
      placeholder: s.placeholder,
      messageId: s.messageId,
      masked: true,
    })),
    audit,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
