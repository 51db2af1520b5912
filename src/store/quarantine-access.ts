import type { RowSchemas } from './rows.js';
import type { SqlResult } from './sql-driver.js';
import { isoNow } from './sql-values.js';
import type { QuarantineEntry } from './store.js';

const QUARANTINE_COLUMNS =
  'id, mailbox, uid_validity, uid, message_id, content_hash, code, reason, created_at, resolved_at';

type Exec = (text: string, params?: readonly unknown[]) => Promise<SqlResult>;

/** The quarantine's statements: what could not be read, with its reason, until someone resolves it. */
export function quarantineAccess(exec: Exec, schemas: RowSchemas) {
  return {
    async quarantine(entry: QuarantineEntry): Promise<number> {
      const { rows } = await exec(
        `INSERT INTO quarantine (mailbox, uid_validity, uid, message_id, content_hash, code, reason, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS n`,
        [
          entry.mailbox,
          entry.uidValidity,
          entry.uid,
          entry.messageId,
          entry.contentHash,
          entry.code,
          entry.reason,
          isoNow(),
        ],
      );
      return schemas.count.parse(rows[0]).n;
    },

    async listQuarantine(
      limit: number,
      options: { includeResolved?: boolean; offset?: number; newestFirst?: boolean } = {},
    ) {
      const { rows } = await exec(
        `SELECT ${QUARANTINE_COLUMNS} FROM quarantine ${options.includeResolved ? '' : 'WHERE resolved_at IS NULL'}
         ORDER BY id ${options.newestFirst ? 'DESC' : ''} LIMIT ? OFFSET ?`,
        [limit, options.offset ?? 0],
      );
      return rows.map((r) => schemas.quarantine.parse(r));
    },

    async countQuarantine(options: { includeResolved?: boolean } = {}) {
      const { rows } = await exec(
        `SELECT COUNT(*) AS n FROM quarantine ${options.includeResolved ? '' : 'WHERE resolved_at IS NULL'}`,
      );
      return schemas.count.parse(rows[0]).n;
    },

    async getQuarantine(id: number) {
      const { rows } = await exec(`SELECT ${QUARANTINE_COLUMNS} FROM quarantine WHERE id = ?`, [id]);
      return rows[0] === undefined ? null : schemas.quarantine.parse(rows[0]);
    },

    async resolveQuarantine(id: number): Promise<void> {
      await exec('UPDATE quarantine SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL', [
        isoNow(),
        id,
      ]);
    },
  };
}
