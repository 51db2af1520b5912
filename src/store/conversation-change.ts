import type { ConversationRecord } from '../conversation/record.js';
import type { DeskStatus } from '../record/desk-status.js';
import type { ReplyDraft } from './store.js';

/** A conversation as a staff action finds it (locked until the action is written). */
export interface ConversationState {
  id: string;
  record: ConversationRecord;
  status: DeskStatus;
  missing: string[];
  line: unknown;
}

export interface ConversationChange {
  record: ConversationRecord;
  status: DeskStatus;
  missing: string[];
  line: unknown;
  /** A reply written by staff: the conversation's next revision in the outbox. */
  reply: ReplyDraft | null;
  /** The action and its before/after values; the store adds the reply's outbox id. */
  audit: { action: string; details: Record<string, unknown> };
}

export interface ConversationChangeInput {
  id: string;
  /** Who acts, as the audit names them (`desk:EMAIL`). */
  actor: string;
  change(current: ConversationState): ConversationChange;
}

export interface ConversationChangeResult {
  status: DeskStatus;
  missing: string[];
  replyId: number | null;
}
