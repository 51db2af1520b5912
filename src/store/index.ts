import { fileURLToPath } from 'node:url';
import { IntakeError } from '../errors.js';
import { SqlStore } from './sql-store.js';
import { openSqlite } from './sqlite-driver.js';
import type { Store } from './store.js';

export { parseSecretKey } from './secret-box.js';
export type * from './store.js';

export interface StoreOptions {
  /** The AES-256-GCM key for secrets (see `parseSecretKey`); null: secrets are not stored at all. */
  secretKey: Buffer | null;
  /** PostgreSQL pool size per process (default 10). */
  maxConnections?: number;
  /** PostgreSQL: an idle pooled connection failed; the pool replaces it. */
  onError?: (error: Error) => void;
}

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string };

/** `postgres://…`/`postgresql://…`, or SQLite: `file:/path`, `file:///path`, a plain path, `:memory:`. */
export function storeLocation(url: string): StoreLocation {
  const text = url.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', connectionString: text };
  if (text === ':memory:') return { kind: 'sqlite', path: text };
  if (/^file:\/\//i.test(text)) return { kind: 'sqlite', path: fileURLToPath(text.split('?')[0] ?? text) };
  if (/^file:/i.test(text))
    return { kind: 'sqlite', path: (text.slice(5).split('?')[0] ?? '') || ':memory:' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new IntakeError(
      'store_url_invalid',
      `unsupported database URL scheme "${text.split(':')[0]}": use postgres://, file: or a path`,
    );
  }
  if (text === '') throw new IntakeError('store_url_invalid', 'the database URL is empty');
  return { kind: 'sqlite', path: text };
}

/** Opens the store the URL names; the caller runs `migrate()` before using it. */
export async function createStore(url: string, options: StoreOptions): Promise<Store> {
  const location = storeLocation(url);
  // pg is loaded only for PostgreSQL: 63 ms of start-up and its memory that SQLite installations skip.
  const driver =
    location.kind === 'postgres'
      ? (await import('./postgres-driver.js')).openPostgres({
          connectionString: location.connectionString,
          maxConnections: options.maxConnections,
          onError: options.onError,
        })
      : openSqlite(location.path);
  return new SqlStore(driver, options.secretKey);
}
