import { z } from 'zod';
import type { ConversationRecord } from '../conversation/record.js';
import type { DeskStatus } from '../record/desk-status.js';
import { decide, type PolicyTable } from './decide.js';

/** The stored parse line is `unknown` to the store: only what a new decision needs is read from it. */
const StoredLine = z.looseObject({ reviewReasons: z.array(z.string()).default([]) });

export interface Redecision {
  status: DeskStatus;
  missing: string[];
  /** The stored line with the new missing ids, status and reasons (what the desk and the API read). */
  line: unknown;
}

/**
 * `missing` and the status again after a staff correction, with no new message: the reasons a person had
 * to look that came with the messages (contradictions, sender checks, an unreadable message) still hold;
 * `not_a_request` is the record's and is decided afresh. A workflow state set by staff (`scheduled`,
 * `done`) or an `ignored` conversation keeps its status: a correction only changes what is missing. Pure.
 */
export function redecide(
  record: ConversationRecord,
  table: PolicyTable,
  current: { status: DeskStatus; line: unknown },
): Redecision {
  const stored = StoredLine.safeParse(current.line);
  const reasons = stored.success ? stored.data.reviewReasons : [];
  const contradictions = reasons
    .filter((r) => r.startsWith('contradiction:'))
    .map((r) => r.slice('contradiction:'.length));
  const senderProblems = reasons.filter(
    (r) => !r.startsWith('contradiction:') && r !== 'not_a_request' && r !== 'message_unreadable',
  );
  const decision = decide(record, table, {
    automatic: false,
    contradictions,
    senderProblems,
    unreadable: reasons.includes('message_unreadable'),
  });
  const keep = current.status === 'scheduled' || current.status === 'done' || current.status === 'ignored';
  const status = keep ? current.status : decision.status;
  const line =
    stored.success && typeof current.line === 'object'
      ? { ...stored.data, missing: decision.missing, status, reviewReasons: decision.reviewReasons }
      : current.line;
  return { status, missing: decision.missing, line };
}
