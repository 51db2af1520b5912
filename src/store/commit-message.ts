import { formatTicket, TICKET_PATTERN } from '../conversation/link.js';
import type { ConversationRecord } from '../conversation/record.js';
import { IntakeError } from '../errors.js';
import { type DeskStatus, isWorkflowStatus } from '../record/desk-status.js';
import type { CommitQueries, ConversationWrite } from './commit-queries.js';
import { serverKeys } from './conversation-where.js';
import { sealSecret } from './secret-box.js';
import type { TxSteps } from './sql-driver.js';
import { isoNow, toIso, toJson } from './sql-values.js';
import type { CommitInput, CommitResult, Decided } from './store.js';

/** Searched by `listConversations`: lower-cased, the record's identifiers first, then what customers wrote. */
const SEARCH_SEPARATOR = '\u001e';
const SEARCH_TEXT_LIMIT = 100_000;

export const serverValues = (record: ConversationRecord) =>
  [...record.serviceIds, ...record.hostnames, ...record.ips].map((s) => s.value);

export function serverSummary(record: ConversationRecord): string | null {
  const ids = serverValues(record);
  return ids.length > 0 ? [...new Set(ids)].join(', ') : null;
}

function searchText(record: ConversationRecord, previous: string, newText: string): string {
  const head = [record.customer?.name, record.customer?.address, record.subject, serverSummary(record)]
    .filter(Boolean)
    .join('\n');
  const before = previous.split(SEARCH_SEPARATOR)[1] ?? '';
  const texts = `${before}\n${newText}`.slice(0, SEARCH_TEXT_LIMIT);
  return `${head}${SEARCH_SEPARATOR}${texts}`.toLowerCase();
}

/** The message's possible threads in the order they are believed: its own id, In-Reply-To, References newest first. */
function threadRefs(input: CommitInput): string[] {
  const { messageId, inReplyTo, references } = input.thread;
  return [...new Set([messageId, inReplyTo, ...[...references].reverse()].filter((r): r is string => !!r))];
}

function conversationRow(id: string, decided: Decided, input: CommitInput, search: string, now: string) {
  const record = decided.record;
  return {
    id,
    record: toJson(record),
    status: decided.status,
    missing: toJson(decided.missing),
    requestTypes: toJson([...new Set(record.requestTypes.map((r) => r.value))]),
    server: serverSummary(record),
    customer: record.customer?.address ?? input.summary.from,
    subject: record.subject || input.summary.subject,
    language: record.language,
    lastCustomerMessageAt: toIso(input.receivedAt) ?? toIso(input.summary.date) ?? now,
    line: toJson(decided.line),
    search,
    now,
  } satisfies ConversationWrite;
}

/**
 * `Store.commitMessage` for both backends, as the steps of one transaction: duplicate check, linking,
 * `decide`, and every write. The driver runs it inside a transaction that holds the write lock.
 */
export function* commitSteps(
  q: CommitQueries,
  input: CommitInput,
  secretKey: Buffer | null,
): TxSteps<CommitResult> {
  yield* q.lockMailbox(input.mailbox);
  const existing = yield* q.findMessage(input.key);
  if (existing) {
    return { duplicate: true, message: existing, conversationId: existing.conversationId, replyId: null };
  }
  const now = isoNow();
  // Only a customer's message may open a conversation; an auto-reply or an unreadable one joins one or none.
  const mayCreate = input.state === 'processed';

  let conversationId: string | null = null;
  let loaded: { record: ConversationRecord; search: string; status: DeskStatus } | null = null;
  const ticket = TICKET_PATTERN.exec(input.thread.subject)?.[1] ?? null;
  if (ticket) {
    loaded = yield* q.loadConversation(ticket);
    if (loaded || mayCreate) conversationId = ticket;
    if (!loaded && mayCreate) yield* q.reserveNumber(Number(ticket.slice(4)));
  }
  if (!conversationId) {
    const refs = threadRefs(input);
    const known = yield* q.linkedConversations(refs);
    const linked = refs.map((r) => known.get(r)).find((id) => id !== undefined);
    if (linked) {
      conversationId = linked;
      loaded = yield* q.loadConversation(linked);
    }
  }
  if (!conversationId && mayCreate) conversationId = formatTicket(yield* q.allocateNumber());

  const decided = conversationId ? input.decide(conversationId, loaded?.record ?? null) : null;
  if (decided && decided.record.id !== conversationId) {
    throw new IntakeError(
      'store_record_mismatch',
      `decide returned record ${decided.record.id} for conversation ${conversationId}`,
    );
  }
  if (decided?.reply && !mayCreate) {
    throw new IntakeError('store_reply_refused', `a ${input.state} message cannot queue a reply`);
  }
  if (!decided && !loaded) conversationId = null;

  if (decided && conversationId) {
    if (mayCreate) {
      const search = searchText(decided.record, loaded?.search ?? '', input.summary.newText);
      yield* q.upsertConversation(conversationRow(conversationId, decided, input, search, now));
      // Most messages leave the servers as they were: the index is rewritten only when they change.
      const servers = serverKeys(serverValues(decided.record));
      const before = loaded ? serverKeys(serverValues(loaded.record)) : [];
      if (servers.join('\n') !== before.join('\n')) yield* q.replaceServers(conversationId, servers);
    } else {
      yield* q.updateRecord(conversationId, toJson(decided.record));
    }
    // The record's history only grows: what lies past the stored length is this message's.
    const from = loaded?.record.history.length ?? 0;
    const history = decided.record.history.slice(from).map((h, i) => ({
      seq: from + i,
      field: h.field,
      value: h.value,
      messageId: h.messageId,
      actor: h.actor ?? null,
    }));
    if (history.length > 0) yield* q.insertHistory(conversationId, history, now);
    // A customer writing again about a scheduled or done intervention puts it back in front of staff:
    // decide has recomputed the status; the audit says the workflow state was left, and why.
    if (mayCreate && loaded && isWorkflowStatus(loaded.status)) {
      yield* q.insertAudit(
        'system',
        'status.reopened',
        conversationId,
        toJson({ before: loaded.status, after: decided.status, messageId: input.key.messageId }),
        now,
      );
    }
  }

  const message = yield* q.insertMessage(input, conversationId, now);
  // The ids it answers are linked too (a known one keeps its conversation): when a thread's messages are
  // committed out of order, the earlier message then finds, by its own Message-ID, the later one's thread.
  if (conversationId) yield* q.insertLinks(conversationId, threadRefs(input));

  // Without a key secrets are dropped, not stored in clear: whether that is allowed is the worker's call.
  const sealed = secretKey
    ? input.secrets.map((s) => ({
        placeholder: s.placeholder,
        kind: s.kind,
        label: s.label,
        username: s.username,
        ...sealSecret(secretKey, s.value),
      }))
    : [];
  if (sealed.length > 0) yield* q.insertSecrets(message.id, conversationId, sealed, now);

  let replyId: number | null = null;
  const draft = decided?.reply;
  if (draft && conversationId) {
    replyId = yield* q.insertReply(
      conversationId,
      {
        draft,
        references: toJson(draft.references),
        headers: toJson(draft.headers),
        requested: toJson(draft.requested),
      },
      now,
    );
    // Our own Message-ID links the customer's answer to this conversation even when the subject lost the ticket.
    yield* q.insertLinks(conversationId, [draft.messageId]);
  }

  yield* q.insertAudit(
    'worker',
    `message.${input.state}`,
    conversationId ?? `message:${message.id}`,
    toJson({
      message: message.id,
      messageId: input.key.messageId,
      mailbox: input.mailbox,
      uid: input.uid,
      status: mayCreate ? (decided?.status ?? null) : null,
      replyId,
      secretsStored: sealed.length,
      secretsDropped: input.secrets.length - sealed.length,
    }),
    now,
  );
  return { duplicate: false, message, conversationId, replyId };
}
