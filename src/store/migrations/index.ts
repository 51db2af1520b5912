import { initial } from './0001-initial.js';
import { deskAccess } from './0002-desk-access.js';
import { statusEvents } from './0005-status-events.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order: append, never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [initial, deskAccess, statusEvents];
