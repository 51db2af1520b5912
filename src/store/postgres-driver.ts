import pg from 'pg';
import type { SqlDriver, SqlResult, SqlStep, TxSteps } from './sql-driver.js';
import { withoutNul } from './sql-values.js';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size: each worker process holds at most this many connections. */
  maxConnections?: number;
  /** An idle pooled connection failed (server restart…): the pool replaces it; this only reports it. */
  onError?: (error: Error) => void;
}

/** serialization_failure and deadlock_detected: the transaction is safe to run again from the start. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

/**
 * The store's SQL uses `?`; PostgreSQL numbers its parameters (no statement holds a `?` literal). Each
 * statement gets a name, so that a connection parses and plans it once rather than at every commit.
 */
const prepared = new Map<string, { name: string; text: string }>();
function toPostgres(sql: string): { name: string; text: string } {
  let statement = prepared.get(sql);
  if (statement === undefined) {
    let n = 0;
    statement = { name: `intake_${prepared.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    prepared.set(sql, statement);
  }
  return statement;
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  return typeof value === 'string' ? withoutNul(value) : value;
}

async function execute(client: pg.PoolClient | pg.Pool, step: SqlStep): Promise<SqlResult> {
  const result = step.script
    ? await client.query(step.sql)
    : await client.query({ ...toPostgres(step.sql), values: (step.params ?? []).map(bindable) });
  // A script answers with one result per statement; no caller reads a script's rows.
  const single = Array.isArray(result) ? undefined : result;
  return { rows: single?.rows ?? [], changes: single?.rowCount ?? 0 };
}

const codeOf = (error: unknown) => (error instanceof pg.DatabaseError ? error.code : undefined);

export function openPostgres(options: PostgresOptions): SqlDriver {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // Without a listener, an idle connection's error would be thrown as an uncaught exception.
  pool.on('error', (error) => options.onError?.(error));

  return {
    dialect: 'postgres',
    run: (step) => execute(pool, step),
    transaction: async <T>(make: () => TxSteps<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        // pg-pool takes its own 'error' listener off a client it hands out, and pg emits a broken connection
        // as an 'error' event even while a statement is running (which also rejects with it): without a
        // listener here, a database restart or network cut mid-transaction ended the whole worker process
        // (test/faults/database-outage.fault.ts).
        let lost = false;
        const onError = () => {
          lost = true;
        };
        client.on('error', onError);
        let broken = false;
        try {
          await client.query('BEGIN');
          const steps = make();
          let next = steps.next();
          while (!next.done) next = steps.next(await execute(client, next.value));
          await client.query('COMMIT');
          return next.value;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch {
            // The connection itself failed: do not give it back to the pool.
            broken = true;
          }
          if (attempt < ATTEMPTS && RETRYABLE.has(codeOf(error) ?? '')) continue;
          throw error;
        } finally {
          client.removeListener('error', onError);
          client.release(broken || lost);
        }
      }
    },
    isDuplicateMessage: (error) =>
      codeOf(error) === '23505' &&
      error instanceof pg.DatabaseError &&
      error.constraint === 'messages_message_id_content_hash_key',
    close: () => pool.end(),
  };
}
