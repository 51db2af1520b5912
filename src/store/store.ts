import type { CustomerDirectory } from '../directory/directory.js';
import type { DeskStatus } from '../record/desk-status.js';
import type { ConversationChangeInput, ConversationChangeResult } from './conversation-change.js';

export type {
  ConversationChange,
  ConversationChangeInput,
  ConversationChangeResult,
  ConversationState,
} from './conversation-change.js';

import type { StatusEventStore } from './status-events.js';
import type {
  ApiTokenInfo,
  AuditEntry,
  CommitInput,
  CommitResult,
  ConversationCriteria,
  ConversationFilter,
  ConversationSummary,
  DeskSession,
  MailboxState,
  MessageKey,
  MessageLocation,
  MessageState,
  MessageText,
  NewSession,
  OutboxReply,
  QuarantineEntry,
  QuarantineRecord,
  ReplyOutcome,
  StaffAccount,
  StaffCredentials,
  StoredConversation,
  StoredMessage,
} from './store-types.js';

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

export * from './store-types.js';
