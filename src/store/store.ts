import type { ConversationRecord } from '../conversation/record.js';
import type { CustomerDirectory } from '../directory/directory.js';
import type { SecretKind } from '../reader/inbound-message.js';
import type { DeskStatus } from '../record/desk-status.js';
import type { Status } from '../record/schema.js';
import type { ConversationChangeInput, ConversationChangeResult } from './conversation-change.js';

export type {
  ConversationChange,
  ConversationChangeInput,
  ConversationChangeResult,
  ConversationState,
} from './conversation-change.js';

import type { StatusEventStore } from './status-events.js';

/**
 * The service's durable state, behind one interface: SQLite (better-sqlite3) by default, PostgreSQL when
 * DATABASE_URL says so. Every method is atomic on its own; `commitMessage` is the one transaction that turns
 * a read message into its conversation's new state, so that a crash leaves either all of it or none.
 */
export interface Store extends StatusEventStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations; safe to run from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;

  // ── Mailbox position ──────────────────────────────────────────────────────────────────────────
  getMailboxState(mailbox: string): Promise<MailboxState | null>;
  setMailboxState(mailbox: string, state: MailboxState): Promise<void>;

  // ── Messages ───────────────────────────────────────────────────────────────────────────────────
  /** The stored message with this key, whatever its state: the guard that makes ingest idempotent. */
  findMessage(key: MessageKey): Promise<StoredMessage | null>;
  /** Every stored message with this Message-ID (one per distinct content), oldest first. */
  findMessagesById(messageId: string): Promise<StoredMessage[]>;
  /**
   * What became of the message read from this place: its stored row, or its quarantine entry. A job run
   * again after its worker died finds the work done (the message already filed) rather than a lost message.
   */
  findByLocation(
    location: MessageLocation,
  ): Promise<{ message: StoredMessage | null; quarantineId: number | null }>;
  /** Records where a message now sits in the mailbox (after a move, or a resync under a new UIDVALIDITY). */
  updateMessageLocation(
    id: number,
    location: { mailbox: string; uidValidity: string; uid: number | null; state?: MessageState },
  ): Promise<void>;

  /**
   * Commits one message: links it to its conversation (inside the same transaction, serialised per
   * mailbox, so that two workers cannot give two conversations to one thread), runs `decide` on the loaded
   * record, and stores what it returns: the record, the message row, its encrypted secrets, the outbox
   * reply if any, and an audit entry. If the message key is already stored, nothing is written and the
   * existing row is returned with `duplicate: true`. Linking: a ticket in the subject, else the message's
   * own Message-ID, In-Reply-To, then References newest first, else a new number; the ids the message
   * answers are linked to its conversation too, so a thread committed out of order stays one.
   */
  commitMessage(input: CommitInput): Promise<CommitResult>;

  // ── Conversations (for the desk and for replay) ───────────────────────────────────────────────
  getConversation(id: string): Promise<StoredConversation | null>;
  /** What the desk shows of a conversation's messages (headers and new text, oldest first). */
  listMessageTexts(conversationId: string): Promise<MessageText[]>;
  listConversations(filter: ConversationFilter): Promise<{ rows: ConversationSummary[]; total: number }>;
  /**
   * How many conversations have each status, among those matching the criteria (a string: the text search
   * alone): one query.
   */
  countConversations(criteria?: string | ConversationCriteria): Promise<Record<DeskStatus, number>>;
  /**
   * A staff action on one conversation, in one transaction: the row is read under the write lock, the
   * pure `change` says what to store (or throws a coded error, and nothing is written), and the record,
   * its new history entries, the status (an UPDATE of conversations.status), the reply to send if any and
   * the audit entry are written together. Null when there is no such conversation.
   */
  changeConversation(input: ConversationChangeInput): Promise<ConversationChangeResult | null>;

  // ── Outbox ─────────────────────────────────────────────────────────────────────────────────────
  getReply(id: number): Promise<OutboxReply | null>;
  /** Replies not yet settled (pending, or sending without an outcome), oldest first. */
  listUnsettledReplies(limit: number): Promise<OutboxReply[]>;
  /**
   * Moves a reply from `pending` to `sending` and counts the attempt, only if it is `pending` (compare and
   * set): returns false when another worker took it or it is settled.
   */
  claimReply(id: number): Promise<boolean>;
  /** Records the outcome of an attempt; a reply once `sent` stays sent. */
  settleReply(id: number, outcome: ReplyOutcome): Promise<void>;
  /** Replies sent (or being sent) to an address since a time: the per-sender daily limit. */
  countRepliesTo(address: string, since: Date): Promise<number>;

  // ── Quarantine ────────────────────────────────────────────────────────────────────────────────
  quarantine(entry: QuarantineEntry): Promise<number>;
  /**
   * Unresolved entries oldest first (the replay order); with `includeResolved`, all of them; `newestFirst`
   * and `offset` page them for the desk.
   */
  listQuarantine(
    limit: number,
    options?: { includeResolved?: boolean; offset?: number; newestFirst?: boolean },
  ): Promise<QuarantineRecord[]>;
  /** How many entries are unresolved (with `includeResolved`, how many there are). */
  countQuarantine(options?: { includeResolved?: boolean }): Promise<number>;
  getQuarantine(id: number): Promise<QuarantineRecord | null>;
  resolveQuarantine(id: number): Promise<void>;

  // ── Secrets ───────────────────────────────────────────────────────────────────────────────────
  /**
   * Decrypts one stored secret (null when there is no such secret); the caller writes the audit entry (only
   * the desk's reveal does this). Throws when the store has no key or the value does not decrypt with it.
   */
  revealSecret(id: number): Promise<string | null>;

  // ── Desk access (staff, sessions, API tokens) ─────────────────────────────────────────────────
  /** Adds a staff account (email stored lower-cased); `staff_exists` when the email is taken in any case. */
  addStaff(input: { email: string; passwordHash: string }): Promise<StaffAccount>;
  /** The account with its password hash, for sign-in; the email is matched case-insensitively. */
  findStaff(email: string): Promise<StaffCredentials | null>;
  /** Disables or enables an account; disabling also ends its sessions. False when there is no such email. */
  setStaffDisabled(email: string, disabled: boolean): Promise<boolean>;
  createSession(input: NewSession): Promise<void>;
  /** The session with this id digest, unless it has expired or its account is disabled. */
  findSession(idHash: string, now: Date): Promise<DeskSession | null>;
  /** Ends a session; false when there was none. */
  deleteSession(idHash: string): Promise<boolean>;
  /** Removes sessions past their expiry; returns how many. */
  deleteExpiredSessions(now: Date): Promise<number>;
  createApiToken(input: { tokenHash: string; name: string; staffId: number }): Promise<number>;
  /**
   * The token with this digest, unless revoked or its account disabled; records the use (last_used_at).
   */
  useApiToken(tokenHash: string, now: Date): Promise<ApiTokenInfo | null>;
  /** Revokes a token for good; false when there is no such token or it was already revoked. */
  revokeApiToken(id: number): Promise<boolean>;

  // ── Directory and audit ───────────────────────────────────────────────────────────────────────
  replaceDirectory(directory: CustomerDirectory): Promise<void>;
  getDirectory(): Promise<CustomerDirectory | null>;
  audit(entry: AuditEntry): Promise<void>;
  listAudit(filter: {
    subject?: string;
    limit: number;
  }): Promise<(AuditEntry & { id: number; at: string })[]>;
}

export type { StatusEvent, StatusEventOutcome } from './status-events.js';

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
