import { z } from 'zod';
import { IntakeError } from '../errors.js';
import { int, iso } from './rows.js';
import type { SqlResult } from './sql-driver.js';
import type {
  ApiTokenInfo,
  DeskSession,
  NewSession,
  StaffAccount,
  StaffCredentials,
  Store,
} from './store.js';

/** SQLite has no boolean: 0/1 there, true/false in PostgreSQL. */
const flag = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);

const staffColumns = { staff_id: int, email: z.string(), disabled: flag, staff_created_at: iso };
const toStaff = (r: {
  staff_id: number;
  email: string;
  disabled: boolean;
  staff_created_at: string;
}): StaffAccount => ({ id: r.staff_id, email: r.email, disabled: r.disabled, createdAt: r.staff_created_at });
const STAFF_SELECT = 's.id AS staff_id, s.email, s.disabled, s.created_at AS staff_created_at';

const credentialsRow = z
  .object({ ...staffColumns, password_hash: z.string() })
  .transform((r): StaffCredentials => ({ ...toStaff(r), passwordHash: r.password_hash }));
const staffRow = z.object(staffColumns).transform(toStaff);
const sessionRow = z
  .object({ ...staffColumns, id_hash: z.string(), csrf_secret: z.string(), created_at: iso, expires_at: iso })
  .transform(
    (r): DeskSession => ({
      idHash: r.id_hash,
      staff: toStaff(r),
      csrfSecret: r.csrf_secret,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    }),
  );
const tokenRow = z
  .object({ ...staffColumns, id: int, name: z.string(), created_at: iso, last_used_at: iso.nullable() })
  .transform(
    (r): ApiTokenInfo => ({
      id: r.id,
      name: r.name,
      staff: toStaff(r),
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }),
  );
const idRow = z.object({ id: int });

/** Emails are compared lower-cased everywhere (JavaScript's folding, which SQLite's lower() lacks). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

type Exec = (sql: string, params?: readonly unknown[]) => Promise<SqlResult>;

type DeskAccess = Pick<
  Store,
  | 'addStaff'
  | 'findStaff'
  | 'setStaffDisabled'
  | 'createSession'
  | 'findSession'
  | 'deleteSession'
  | 'deleteExpiredSessions'
  | 'createApiToken'
  | 'useApiToken'
  | 'revokeApiToken'
>;

/** The store's staff, session and API-token statements (SQL common to both dialects). */
export function deskAccess(exec: Exec, now: () => string): DeskAccess {
  return {
    async addStaff({ email, passwordHash }) {
      const { rows } = await exec(
        `INSERT INTO staff (email, password_hash, disabled, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id`,
        [normalizeEmail(email), passwordHash, false, now()],
      );
      if (rows[0] === undefined) {
        throw new IntakeError('staff_exists', `a staff account already exists for ${normalizeEmail(email)}`);
      }
      const { rows: found } = await exec(`SELECT ${STAFF_SELECT} FROM staff s WHERE s.id = ?`, [
        idRow.parse(rows[0]).id,
      ]);
      return staffRow.parse(found[0]);
    },

    async findStaff(email) {
      const { rows } = await exec(`SELECT ${STAFF_SELECT}, s.password_hash FROM staff s WHERE s.email = ?`, [
        normalizeEmail(email),
      ]);
      return rows[0] === undefined ? null : credentialsRow.parse(rows[0]);
    },

    async setStaffDisabled(email, disabled) {
      const { rows } = await exec('UPDATE staff SET disabled = ? WHERE email = ? RETURNING id', [
        disabled,
        normalizeEmail(email),
      ]);
      if (rows[0] === undefined) return false;
      if (disabled) await exec('DELETE FROM sessions WHERE staff_id = ?', [idRow.parse(rows[0]).id]);
      return true;
    },

    async createSession(input: NewSession) {
      await exec(
        'INSERT INTO sessions (id_hash, staff_id, csrf_secret, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        [input.idHash, input.staffId, input.csrfSecret, now(), input.expiresAt.toISOString()],
      );
    },

    async findSession(idHash, at) {
      const { rows } = await exec(
        `SELECT ${STAFF_SELECT}, x.id_hash, x.csrf_secret, x.created_at, x.expires_at
         FROM sessions x JOIN staff s ON s.id = x.staff_id
         WHERE x.id_hash = ? AND x.expires_at > ? AND s.disabled = ?`,
        [idHash, at.toISOString(), false],
      );
      return rows[0] === undefined ? null : sessionRow.parse(rows[0]);
    },

    async deleteSession(idHash) {
      return (await exec('DELETE FROM sessions WHERE id_hash = ?', [idHash])).changes === 1;
    },

    async deleteExpiredSessions(at) {
      return (await exec('DELETE FROM sessions WHERE expires_at <= ?', [at.toISOString()])).changes;
    },

    async createApiToken({ tokenHash, name, staffId }) {
      const { rows } = await exec(
        'INSERT INTO api_tokens (token_hash, name, staff_id, created_at) VALUES (?, ?, ?, ?) RETURNING id',
        [tokenHash, name, staffId, now()],
      );
      return idRow.parse(rows[0]).id;
    },

    async useApiToken(tokenHash, at) {
      const { rows } = await exec(
        `UPDATE api_tokens SET last_used_at = ?
         WHERE token_hash = ? AND revoked_at IS NULL
           AND staff_id IN (SELECT id FROM staff WHERE disabled = ?)
         RETURNING id`,
        [at.toISOString(), tokenHash, false],
      );
      if (rows[0] === undefined) return null;
      const { rows: found } = await exec(
        `SELECT ${STAFF_SELECT}, t.id, t.name, t.created_at, t.last_used_at
         FROM api_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.id = ?`,
        [idRow.parse(rows[0]).id],
      );
      return found[0] === undefined ? null : tokenRow.parse(found[0]);
    },

    async revokeApiToken(id) {
      const { changes } = await exec(
        'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
        [now(), id],
      );
      return changes === 1;
    },
  };
}
