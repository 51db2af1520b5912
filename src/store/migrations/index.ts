import { initial } from './0001-initial.js';
import { deskAccess } from './0002-desk-access.js';
import { deskActions } from './0003-desk-actions.js';
import { queueFilters } from './0004-queue-filters.js';
import { statusEvents } from './0005-status-events.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order: append, never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  deskAccess,
  deskActions,
  queueFilters,
  statusEvents,
];
