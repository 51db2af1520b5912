import { CustomerDirectory } from '../directory/directory.js';
import { IntakeError } from '../errors.js';
import { DeskStatus } from '../record/desk-status.js';
import { changeQueries, changeSteps } from './change-conversation.js';
import { commitSteps } from './commit-message.js';
import { commitQueries, MESSAGE_COLUMNS } from './commit-queries.js';
import { conversationWhere } from './conversation-where.js';
import { deskAccess } from './desk-access.js';
import { migrateSteps } from './migrate.js';
import { outboxAccess, REPLY_COLUMNS } from './outbox-access.js';
import { quarantineAccess } from './quarantine-access.js';
import { rowSchemas } from './rows.js';
import { openSecret } from './secret-box.js';
import type { SqlDriver, SqlResult, TxSteps } from './sql-driver.js';
import { isoNow, toJson } from './sql-values.js';
import { statusEventAccess } from './status-events.js';
import type {
  CommitInput,
  CommitResult,
  ConversationChangeInput,
  ConversationCriteria,
  ConversationFilter,
  MessageLocation,
  Store,
} from './store.js';

const SUMMARY_COLUMNS =
  'id, subject, status, missing, request_types, server, customer, language, last_customer_message_at, updated_at';

/**
 * The one `Store` implementation: the SQL is shared (with the few dialect differences spelled out where
 * they occur), the driver decides how statements and transactions run.
 */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private readonly rows;
  private readonly q;
  private readonly changes;
  private readonly desk;
  private readonly events;
  private readonly outbox;
  private readonly quarantined;

  constructor(
    private readonly driver: SqlDriver,
    private readonly secretKey: Buffer | null,
  ) {
    this.kind = driver.dialect;
    this.rows = rowSchemas(driver.dialect);
    this.q = commitQueries(this.rows, driver.dialect);
    this.changes = changeQueries(this.rows, driver.dialect);
    this.desk = deskAccess((text, params) => this.exec(text, params), isoNow);
    this.events = statusEventAccess((text, params) => this.exec(text, params), driver.dialect);
    this.outbox = outboxAccess((text, params, deferSync) => this.exec(text, params, deferSync), this.rows);
    this.quarantined = quarantineAccess((text, params) => this.exec(text, params), this.rows);
  }

  /** Runs steps outside a transaction (each statement on its own): for reads and single writes. */
  private async loose<T>(steps: TxSteps<T>): Promise<T> {
    let next = steps.next();
    while (!next.done) next = steps.next(await this.driver.run(next.value));
    return next.value;
  }

  private exec(text: string, params: readonly unknown[] = [], deferSync = false): Promise<SqlResult> {
    return this.driver.run({ sql: text, params, ...(deferSync ? { deferSync } : {}) });
  }

  async migrate(): Promise<void> {
    await this.driver.transaction(() => migrateSteps(this.rows, this.kind));
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  async ping(): Promise<void> {
    await this.exec('SELECT 1');
  }

  async getMailboxState(mailbox: string) {
    const { rows } = await this.exec('SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = ?', [
      mailbox,
    ]);
    return rows[0] === undefined ? null : this.rows.mailboxState.parse(rows[0]);
  }

  async setMailboxState(mailbox: string, state: { uidValidity: string; lastUid: number }): Promise<void> {
    await this.exec(
      `INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
         updated_at = excluded.updated_at`,
      [mailbox, state.uidValidity, state.lastUid, isoNow()],
      // Lost in a power cut, the next sync starts from an older UID and finds those messages committed.
      true,
    );
  }

  findMessage(key: { messageId: string; contentHash: string }) {
    return this.loose(this.q.findMessage(key));
  }

  async findMessagesById(messageId: string) {
    const { rows } = await this.exec(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE message_id = ? ORDER BY id`,
      [messageId],
    );
    return rows.map((r) => this.rows.message.parse(r));
  }

  async findByLocation(location: MessageLocation) {
    const where = 'WHERE mailbox = ? AND uid_validity = ? AND uid = ? ORDER BY id LIMIT 1';
    const params = [location.mailbox, location.uidValidity, location.uid];
    const messages = await this.exec(`SELECT ${MESSAGE_COLUMNS} FROM messages ${where}`, params);
    const quarantined = await this.exec(`SELECT id FROM quarantine ${where}`, params);
    const row = messages.rows[0];
    return {
      message: row === undefined ? null : this.rows.message.parse(row),
      quarantineId: quarantined.rows[0] ? Number((quarantined.rows[0] as { id: unknown }).id) : null,
    };
  }

  async updateMessageLocation(
    id: number,
    location: { mailbox: string; uidValidity: string; uid: number | null; state?: CommitInput['state'] },
  ): Promise<void> {
    await this.exec(
      'UPDATE messages SET mailbox = ?, uid_validity = ?, uid = ?, state = COALESCE(?, state) WHERE id = ?',
      [location.mailbox, location.uidValidity, location.uid, location.state ?? null, id],
    );
  }

  async commitMessage(input: CommitInput): Promise<CommitResult> {
    try {
      return await this.driver.transaction(() => commitSteps(this.q, input, this.secretKey));
    } catch (error) {
      // The same message committed at the same moment through another mailbox lock: it is stored once.
      if (!this.driver.isDuplicateMessage(error)) throw error;
      const message = await this.findMessage(input.key);
      if (!message) throw error;
      return { duplicate: true, message, conversationId: message.conversationId, replyId: null };
    }
  }

  async getConversation(id: string) {
    const { rows } = await this.exec(
      'SELECT id, record, status, missing, line, search, created_at, updated_at FROM conversations WHERE id = ?',
      [id],
    );
    if (rows[0] === undefined) return null;
    const c = this.rows.conversation.parse(rows[0]);
    const messages = await this.exec(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY id`,
      [id],
    );
    const replies = await this.exec(
      `SELECT ${REPLY_COLUMNS} FROM replies WHERE conversation_id = ? ORDER BY revision`,
      [id],
    );
    const secrets = await this.exec(
      `SELECT s.id, m.message_id, s.placeholder, s.kind, s.label, s.username
       FROM secrets s JOIN messages m ON m.id = s.message_row_id WHERE s.conversation_id = ? ORDER BY s.id`,
      [id],
    );
    return {
      id: c.id,
      record: c.record,
      status: c.status,
      missing: c.missing,
      line: c.line,
      messages: messages.rows.map((r) => this.rows.message.parse(r)),
      replies: replies.rows.map((r) => this.rows.reply.parse(r)),
      secrets: secrets.rows.map((r) => this.rows.secretMeta.parse(r)),
      createdAt: c.created_at,
      updatedAt: c.updated_at,
    };
  }

  async listMessageTexts(conversationId: string) {
    const { rows } = await this.exec(
      `SELECT id, message_id, from_address, subject, date, new_text, automatic, state, received_at
       FROM messages WHERE conversation_id = ? ORDER BY id`,
      [conversationId],
    );
    return rows.map((r) => this.rows.messageText.parse(r));
  }

  async listConversations(filter: ConversationFilter) {
    const { clause, params } = conversationWhere(this.kind, filter);
    const page = await this.exec(
      `SELECT ${SUMMARY_COLUMNS} FROM conversations ${clause} ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    );
    const count = await this.exec(`SELECT COUNT(*) AS n FROM conversations ${clause}`, params);
    return {
      rows: page.rows.map((r) => this.rows.summary.parse(r)),
      total: this.rows.count.parse(count.rows[0]).n,
    };
  }

  async countConversations(criteria?: string | ConversationCriteria) {
    const { clause, params } = conversationWhere(
      this.kind,
      typeof criteria === 'string' ? { text: criteria } : { ...criteria, status: undefined },
    );
    const { rows } = await this.exec(
      `SELECT status, COUNT(*) AS n FROM conversations ${clause} GROUP BY status`,
      params,
    );
    const counts = Object.fromEntries(DeskStatus.options.map((status) => [status, 0])) as Record<
      DeskStatus,
      number
    >;
    for (const row of rows) {
      const { status, n } = this.rows.statusCount.parse(row);
      counts[status] = n;
    }
    return counts;
  }

  changeConversation(input: ConversationChangeInput) {
    return this.driver.transaction(() => changeSteps(this.q, this.changes, input));
  }

  async revealSecret(id: number): Promise<string | null> {
    const { rows } = await this.exec('SELECT iv, tag, ciphertext FROM secrets WHERE id = ?', [id]);
    if (rows[0] === undefined) return null;
    if (!this.secretKey) {
      throw new IntakeError(
        'secret_key_missing',
        'no secret key is configured: stored secrets cannot be read',
      );
    }
    return openSecret(this.secretKey, this.rows.sealed.parse(rows[0]));
  }

  async replaceDirectory(directory: CustomerDirectory): Promise<void> {
    const checked = CustomerDirectory.parse(directory);
    await this.exec(
      `INSERT INTO directory (id, directory, updated_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET directory = excluded.directory, updated_at = excluded.updated_at`,
      [toJson(checked), isoNow()],
    );
  }

  async getDirectory(): Promise<CustomerDirectory | null> {
    const { rows } = await this.exec('SELECT directory FROM directory WHERE id = 1');
    if (rows[0] === undefined) return null;
    return CustomerDirectory.parse(this.rows.directory.parse(rows[0]).directory);
  }

  async audit(entry: Parameters<Store['audit']>[0]): Promise<void> {
    await this.loose(
      this.q.insertAudit(entry.actor, entry.action, entry.subject, toJson(entry.details), isoNow()),
    );
  }

  async listAudit(filter: { subject?: string; limit: number }) {
    const { rows } = await this.exec(
      `SELECT id, actor, action, subject, details, at FROM audit ${filter.subject === undefined ? '' : 'WHERE subject = ?'}
       ORDER BY id DESC LIMIT ?`,
      filter.subject === undefined ? [filter.limit] : [filter.subject, filter.limit],
    );
    return rows.map((r) => this.rows.audit.parse(r));
  }

  // Outbox and quarantine: the statements live in outbox-access.ts and quarantine-access.ts.
  getReply: Store['getReply'] = (id) => this.outbox.getReply(id);
  listUnsettledReplies: Store['listUnsettledReplies'] = (limit) => this.outbox.listUnsettledReplies(limit);
  claimReply: Store['claimReply'] = (id) => this.outbox.claimReply(id);
  settleReply: Store['settleReply'] = (id, outcome) => this.outbox.settleReply(id, outcome);
  countRepliesTo: Store['countRepliesTo'] = (address, since) => this.outbox.countRepliesTo(address, since);
  quarantine: Store['quarantine'] = (entry) => this.quarantined.quarantine(entry);
  listQuarantine: Store['listQuarantine'] = (limit, options) =>
    this.quarantined.listQuarantine(limit, options);
  countQuarantine: Store['countQuarantine'] = (options) => this.quarantined.countQuarantine(options);
  getQuarantine: Store['getQuarantine'] = (id) => this.quarantined.getQuarantine(id);
  resolveQuarantine: Store['resolveQuarantine'] = (id) => this.quarantined.resolveQuarantine(id);

  // Desk access: the statements live in desk-access.ts.
  addStaff: Store['addStaff'] = (input) => this.desk.addStaff(input);
  findStaff: Store['findStaff'] = (email) => this.desk.findStaff(email);
  setStaffDisabled: Store['setStaffDisabled'] = (email, disabled) =>
    this.desk.setStaffDisabled(email, disabled);
  createSession: Store['createSession'] = (input) => this.desk.createSession(input);
  findSession: Store['findSession'] = (idHash, now) => this.desk.findSession(idHash, now);
  deleteSession: Store['deleteSession'] = (idHash) => this.desk.deleteSession(idHash);
  deleteExpiredSessions: Store['deleteExpiredSessions'] = (now) => this.desk.deleteExpiredSessions(now);
  createApiToken: Store['createApiToken'] = (input) => this.desk.createApiToken(input);
  useApiToken: Store['useApiToken'] = (tokenHash, now) => this.desk.useApiToken(tokenHash, now);
  revokeApiToken: Store['revokeApiToken'] = (id) => this.desk.revokeApiToken(id);

  // Status events (written by triggers): the statements live in status-events.ts.
  claimStatusEvents: Store['claimStatusEvents'] = (input) => this.events.claimStatusEvents(input);
  settleStatusEvent: Store['settleStatusEvent'] = (id, attempts, outcome) =>
    this.events.settleStatusEvent(id, attempts, outcome);
  listStatusEvents: Store['listStatusEvents'] = (filter) => this.events.listStatusEvents(filter);
}
