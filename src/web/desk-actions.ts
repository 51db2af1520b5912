import type { CorrectableField, CorrectionInput } from '../conversation/correction-fields.js';
import { addCorrection, withdrawCorrection } from '../conversation/corrections.js';
import type { PolicyTable } from '../decide/decide.js';
import { redecide } from '../decide/redecide.js';
import { canMoveTo, type DeskStatus, type StaffStatus } from '../record/desk-status.js';
import type { ConversationChange, ConversationState, ReplyDraft } from '../store/store.js';
import { WebError } from './web-error.js';

/**
 * The staff actions as pure functions from the conversation as stored to what the store writes: each
 * returns the change with its audit entry (before and after), or throws a coded refusal.
 */

const fieldValue = (current: ConversationState, field: CorrectableField) => {
  const v = (current.record as unknown as Record<string, unknown>)[field];
  return Array.isArray(v) ? v.map((s: { value: unknown }) => s.value) : (v as { value: unknown }).value;
};

export function correctionChange(
  current: ConversationState,
  input: CorrectionInput,
  actor: string,
  at: string,
  policy: PolicyTable,
): ConversationChange {
  const record = addCorrection(current.record, input, actor, at);
  const decided = redecide(record, policy, current);
  return {
    record,
    ...decided,
    reply: null,
    audit: {
      action: 'record.corrected',
      details: {
        field: input.field,
        before: fieldValue(current, input.field),
        after: input.value,
        note: input.note,
        statusBefore: current.status,
        statusAfter: decided.status,
        missingBefore: current.missing,
        missingAfter: decided.missing,
      },
    },
  };
}

export function withdrawalChange(
  current: ConversationState,
  field: CorrectableField,
  actor: string,
  policy: PolicyTable,
): ConversationChange {
  const record = withdrawCorrection(current.record, field, actor);
  if (!record) throw new WebError('correction_not_found', 404, `The field ${field} has no correction.`);
  const decided = redecide(record, policy, current);
  return {
    record,
    ...decided,
    reply: null,
    audit: {
      action: 'record.correction_withdrawn',
      details: {
        field,
        before: fieldValue(current, field),
        after: fieldValue({ ...current, record }, field),
        statusBefore: current.status,
        statusAfter: decided.status,
        missingBefore: current.missing,
        missingAfter: decided.missing,
      },
    },
  };
}

export function statusChange(
  current: ConversationState,
  to: StaffStatus,
  note: string | null,
): ConversationChange {
  if (!canMoveTo(current.status, to)) {
    throw new WebError(
      'status_transition_invalid',
      409,
      `A conversation that is ${current.status.replaceAll('_', ' ')} cannot be moved to ${to}.`,
    );
  }
  return {
    record: current.record,
    status: to,
    missing: current.missing,
    line: current.line,
    reply: null,
    audit: { action: 'status.changed', details: { before: current.status, after: to, note } },
  };
}

/**
 * A reply written by staff joins the outbox as the next revision. `awaitCustomer` is "back to the
 * customer": the conversation waits for their answer.
 */
export function replyChange(
  current: ConversationState,
  draft: ReplyDraft,
  proposed: string,
  awaitCustomer: boolean,
): ConversationChange {
  const status: DeskStatus = awaitCustomer ? 'awaiting_customer' : current.status;
  return {
    record: current.record,
    status,
    missing: current.missing,
    line: current.line,
    reply: draft,
    audit: {
      action: 'reply.sent_by_staff',
      details: {
        messageId: draft.messageId,
        to: draft.to,
        subject: draft.subject,
        before: proposed,
        after: draft.text,
        statusBefore: current.status,
        statusAfter: status,
      },
    },
  };
}
