import type { ConversationRecord } from '../conversation/record.js';
import type { SecretKind } from '../reader/inbound-message.js';
import type { DeskStatus } from '../record/desk-status.js';
import type { Status } from '../record/schema.js';

// The shapes the store reads and writes; store.ts holds the Store interface and re-exports these.

export interface MailboxState {
  /** IMAP UIDVALIDITY is a 32-bit unsigned number that imapflow gives as a BigInt: kept as a string. */
  uidValidity: string;
  /** The highest UID handed to the ingest queue under this UIDVALIDITY. */
  lastUid: number;
}

/** A message is the same message when its Message-ID and its content hash are (a resync must not duplicate). */
export interface MessageLocation {
  mailbox: string;
  uidValidity: string;
  uid: number;
}

export interface MessageKey {
  messageId: string;
  /** SHA-256 (hex) of the raw message. */
  contentHash: string;
}

export type MessageState = 'processed' | 'ignored' | 'quarantined';

export interface StoredMessage extends MessageKey {
  id: number;
  conversationId: string | null;
  mailbox: string;
  uidValidity: string;
  uid: number | null;
  state: MessageState;
  receivedAt: string | null;
  processedAt: string;
}

/** A message as the desk shows it: its headers and new text (placeholders where the secrets were). */
export interface MessageText {
  id: number;
  messageId: string;
  from: string | null;
  subject: string;
  /** The Date header as written. */
  date: string | null;
  newText: string;
  automatic: boolean;
  state: MessageState;
  receivedAt: string | null;
}

export interface StoredSecret {
  placeholder: string;
  kind: SecretKind;
  label: string;
  username: string | null;
  /** The clear value: encrypted (AES-256-GCM) by the store before it is written, never logged. */
  value: string;
}

/** What the linking inside the transaction needs from a message. */
export interface ThreadKeys {
  messageId: string;
  subject: string;
  inReplyTo: string | null;
  references: readonly string[];
}

export interface ReplyDraft {
  /** Our Message-ID, generated before anything is sent, so that a resend can be recognised. */
  messageId: string;
  to: string;
  subject: string;
  inReplyTo: string;
  references: string[];
  headers: Record<string, string>;
  language: string;
  requested: string[];
  text: string;
  html: string;
}

export interface Decided {
  record: ConversationRecord;
  status: Status;
  missing: string[];
  /** The line `intake parse --json` would print for this message (stored for the desk and for replay). */
  line: unknown;
  reply: ReplyDraft | null;
}

export interface CommitInput {
  mailbox: string;
  uidValidity: string;
  uid: number | null;
  key: MessageKey;
  thread: ThreadKeys;
  /** Headers and new text for the desk (never a secret: the reader already put placeholders in them). */
  summary: {
    from: string | null;
    subject: string;
    date: string | null;
    newText: string;
    automatic: boolean;
    language: string;
  };
  secrets: StoredSecret[];
  /**
   * Called inside the transaction with the conversation id the thread links to and the record as stored
   * (or null for a new conversation); returns what to store, or null to leave the conversation as it is
   * (a new one is then not created). Pure: no I/O.
   */
  decide(conversationId: string, stored: ConversationRecord | null): Decided | null;
  /**
   * Ignored (automatic) and quarantined messages are stored and linked to an existing conversation, never
   * create one, and change at most its record (not its status, missing, line), never queue a reply.
   */
  state: MessageState;
  receivedAt: string | null;
}

export interface CommitResult {
  duplicate: boolean;
  message: StoredMessage;
  conversationId: string | null;
  /** The outbox row created for the reply, if any. */
  replyId: number | null;
}

export interface StoredConversation {
  id: string;
  record: ConversationRecord;
  status: DeskStatus;
  missing: string[];
  line: unknown;
  messages: StoredMessage[];
  replies: OutboxReply[];
  secrets: {
    id: number;
    messageId: string;
    placeholder: string;
    kind: SecretKind;
    label: string;
    username: string | null;
  }[];
  createdAt: string;
  updatedAt: string;
}

/** What the desk's queue narrows conversations by, besides the status; every criterion given must hold. */
export interface ConversationCriteria {
  /** Substring of the customer, subject, server ids or the customers' text, case-insensitive. */
  text?: string;
  requestType?: string;
  language?: string;
  /** A service id, IP address or host name of the record, or its beginning; case-insensitive. */
  server?: string;
  /** Substring of the customer's address, case-insensitive. */
  sender?: string;
  /** The last customer message at or after this instant (ISO-8601 UTC). */
  lastCustomerFrom?: string;
  /** The last customer message strictly before this instant (ISO-8601 UTC). */
  lastCustomerBefore?: string;
}

export interface ConversationFilter extends ConversationCriteria {
  status?: DeskStatus;
  limit: number;
  offset: number;
}

export interface ConversationSummary {
  id: string;
  subject: string;
  status: DeskStatus;
  missing: string[];
  requestTypes: string[];
  server: string | null;
  customer: string | null;
  language: string;
  lastCustomerMessageAt: string | null;
  updatedAt: string;
}

export type ReplyStatus = 'pending' | 'sending' | 'sent' | 'uncertain' | 'failed' | 'refused_limit';

export interface OutboxReply extends ReplyDraft {
  id: number;
  conversationId: string;
  /** 1 for the conversation's first reply, then 2, …: one reply per revision. */
  revision: number;
  status: ReplyStatus;
  attempts: number;
  smtpResponse: string | null;
  createdAt: string;
  /** When the last claim moved it to `sending`: a sender that finds an old one knows its owner died. */
  claimedAt: string | null;
  sentAt: string | null;
}

export type ReplyOutcome =
  | { status: 'sent'; smtpResponse: string }
  | { status: 'uncertain'; reason: string }
  | { status: 'failed'; reason: string }
  | { status: 'refused_limit'; reason: string }
  | { status: 'pending'; reason: string };

export interface QuarantineEntry {
  mailbox: string;
  uidValidity: string;
  uid: number | null;
  messageId: string | null;
  contentHash: string | null;
  code: string;
  reason: string;
}

export interface QuarantineRecord extends QuarantineEntry {
  id: number;
  createdAt: string;
  resolvedAt: string | null;
}

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface StaffAccount {
  id: number;
  /** Lower-cased. */
  email: string;
  disabled: boolean;
  createdAt: string;
}

export interface StaffCredentials extends StaffAccount {
  /** argon2id, in its PHC string form (parameters and salt included). */
  passwordHash: string;
}

export interface NewSession {
  /** SHA-256 (hex) of the random session id the browser holds: the id itself is never stored. */
  idHash: string;
  staffId: number;
  /** The key the session's CSRF tokens are derived from. */
  csrfSecret: string;
  expiresAt: Date;
}

export interface DeskSession {
  idHash: string;
  staff: StaffAccount;
  csrfSecret: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiTokenInfo {
  id: number;
  name: string;
  staff: StaffAccount;
  createdAt: string;
  lastUsedAt: string | null;
}
