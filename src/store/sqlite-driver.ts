import Database from 'better-sqlite3';
import type { SqlDriver, SqlResult, SqlStep, TxSteps } from './sql-driver.js';
import { createWalSync } from './wal-sync.js';

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/** better-sqlite3 binds numbers, strings, bigints, buffers and null: booleans become 0/1. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * WAL: readers never block the writer (the desk reads while the worker commits). Switching a new file to
 * WAL needs an exclusive lock and SQLite answers SQLITE_BUSY at once, without its busy handler, when
 * several processes open the file together: so wait and try again, up to the busy timeout.
 */
function useWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() > deadline) throw error;
      sleep(10 + Math.random() * 40);
    }
  }
}

export function openSqlite(path: string): SqlDriver {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  useWal(db);
  // NORMAL: a commit is written to the WAL, not synced; writes that must be on disk before their caller
  // acts (a message committed before it is filed out of the inbox, so that a power cut cannot lose it; a
  // reply claimed before it is sent) wait for the WAL to be synced off the event loop (wal-sync.ts),
  // which gives FULL's guarantee with one fsync for all the commits made meanwhile.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');

  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const execute = (step: SqlStep): SqlResult => {
    if (step.script) {
      db.exec(step.sql);
      // A script may have changed the schema: statements prepared before it are stale.
      statements.clear();
      return { rows: [], changes: 0 };
    }
    const statement = prepared(step.sql);
    const params = (step.params ?? []).map(bindable);
    if (statement.reader) {
      const rows = statement.all(...params);
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: statement.run(...params).changes };
  };

  const wal = path === ':memory:' ? null : createWalSync(path);
  const durable = async <T>(result: T): Promise<T> => {
    await wal?.barrier();
    return result;
  };

  return {
    dialect: 'sqlite',
    run: async (step) => {
      const result = execute(step);
      const wrote = step.script || !prepared(step.sql).reader;
      return wrote && !step.deferSync ? durable(result) : result;
    },
    transaction: async <T>(make: () => TxSteps<T>): Promise<T> => {
      // IMMEDIATE takes the write lock at BEGIN, so writers from other processes queue (busy timeout)
      // instead of failing at their first write; in this process everything is synchronous anyway.
      const run = db.transaction(() => {
        const steps = make();
        let next = steps.next();
        while (!next.done) next = steps.next(execute(next.value));
        return next.value;
      });
      return durable(run.immediate());
    },
    isDuplicateMessage: (error) =>
      error instanceof Database.SqliteError &&
      error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      error.message.includes('messages.message_id'),
    close: async () => {
      await wal?.close();
      db.close();
    },
  };
}
