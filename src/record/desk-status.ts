import { z } from 'zod';
import { Status } from './schema.js';

/**
 * A conversation's status as the desk and the store know it: the parser's statuses plus the staff workflow
 * states. Kept apart from `Status` so that `intake parse --json` can never print a workflow state.
 */
export const DeskStatus = z.enum([...Status.options, 'scheduled', 'done']);
export type DeskStatus = z.infer<typeof DeskStatus>;

/** The states staff move a conversation into by hand (the others come from `decide`). */
export const StaffStatus = z.enum(['ready', 'scheduled', 'done']);
export type StaffStatus = z.infer<typeof StaffStatus>;

/** ready → scheduled → done, and scheduled → ready to unschedule; nothing else is a staff move. */
const ALLOWED: Record<StaffStatus, readonly DeskStatus[]> = {
  scheduled: ['ready'],
  done: ['scheduled'],
  ready: ['scheduled'],
};

export function canMoveTo(from: DeskStatus, to: StaffStatus): boolean {
  return ALLOWED[to].includes(from);
}

/** Workflow states set by staff: a new customer message reopens them (the store audits it as `system`). */
export const isWorkflowStatus = (s: DeskStatus): s is 'scheduled' | 'done' =>
  s === 'scheduled' || s === 'done';
