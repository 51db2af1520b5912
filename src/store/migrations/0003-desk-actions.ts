import type { Migration } from './migration.js';

/**
 * Staff actions on conversations: who made a record change (null for a message's change, `desk:EMAIL` for a
 * correction or its withdrawal). Staff workflow states (`scheduled`, `done`) need no schema change: they
 * live in `conversations.status` like the parser's statuses.
 */
export const deskActions: Migration = {
  version: 3,
  name: 'desk actions',
  sqlite: `
ALTER TABLE record_changes ADD COLUMN actor TEXT;
`,
  postgres: `
ALTER TABLE record_changes ADD COLUMN actor text;
`,
};
