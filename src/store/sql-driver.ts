import type { Dialect } from './rows.js';

/** One statement with `?` placeholders (numbered for PostgreSQL by its driver), or a script without any. */
export interface SqlStep {
  sql: string;
  params?: readonly unknown[];
  /** Several statements, no parameters (migrations). */
  script?: boolean;
  /**
   * An autocommit write that need not be on disk before the call resolves: the next durable write, or the
   * next checkpoint, takes it there. Only for writes whose loss in a power cut is recovered anyway (an
   * outcome the outbox re-derives, a mailbox position the next sync rebuilds). SQLite then does not wait
   * for the WAL sync (wal-sync.ts); PostgreSQL ignores it.
   */
  deferSync?: boolean;
}

export interface SqlResult {
  rows: unknown[];
  changes: number;
}

/**
 * A transaction's work as a generator: it yields statements and receives their results. better-sqlite3
 * needs a transaction to run synchronously from BEGIN to COMMIT and pg needs it awaited, so each driver
 * runs the same generator its own way.
 */
export type TxSteps<T> = Generator<SqlStep, T, SqlResult>;

export interface SqlDriver {
  readonly dialect: Dialect;
  /** One statement on its own (autocommit). */
  run(step: SqlStep): Promise<SqlResult>;
  /**
   * Runs the steps in one transaction that takes the write lock at its start (SQLite: BEGIN IMMEDIATE).
   * `make` may be called again when PostgreSQL reports a serialisation failure or a deadlock.
   */
  transaction<T>(make: () => TxSteps<T>): Promise<T>;
  /** The error says a row with this message key already exists (a commit raced another one). */
  isDuplicateMessage(error: unknown): boolean;
  close(): Promise<void>;
}

/** Lets a generator write `const { rows } = yield* sql('SELECT …', [a])`. */
export function* sql(
  text: string,
  params: readonly unknown[] = [],
): Generator<SqlStep, SqlResult, SqlResult> {
  return yield { sql: text, params };
}

export function* script(text: string): Generator<SqlStep, SqlResult, SqlResult> {
  return yield { sql: text, script: true };
}
