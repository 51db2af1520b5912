import { IntakeError } from '../errors.js';
import { LOCK_MIGRATE } from './commit-queries.js';
import { MIGRATIONS } from './migrations/index.js';
import type { RowSchemas } from './rows.js';
import { script, sql, type TxSteps } from './sql-driver.js';
import { isoNow } from './sql-values.js';

/**
 * Applies the pending migrations in one transaction. Two processes starting together queue on a lock (an
 * advisory lock in PostgreSQL, the IMMEDIATE write lock in SQLite) and the second finds nothing to do.
 */
export function* migrateSteps(rows: RowSchemas, dialect: 'sqlite' | 'postgres'): TxSteps<number[]> {
  if (dialect === 'postgres') yield* sql('SELECT pg_advisory_xact_lock(?, 0)', [LOCK_MIGRATE]);
  yield* script(
    dialect === 'postgres'
      ? 'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)'
      : 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  const { rows: found } = yield* sql('SELECT version FROM schema_migrations');
  const applied = new Set(found.map((r) => rows.version.parse(r).version));
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new IntakeError(
      'store_schema_newer',
      `the database has migrations this version does not know (${unknown.join(', ')}): run a newer intake`,
    );
  }
  const done: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    yield* script(dialect === 'postgres' ? migration.postgres : migration.sqlite);
    yield* sql('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      migration.version,
      migration.name,
      isoNow(),
    ]);
    done.push(migration.version);
  }
  return done;
}
