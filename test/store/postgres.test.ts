import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { storeContract } from './store-contract.js';

/**
 * Runs against the PostgreSQL server on 127.0.0.1 (trust auth). An unreachable server fails the file: the
 * PostgreSQL backend is a product requirement, a skipped suite would hide its breakage.
 */
const CANDIDATES = process.env.INTAKE_TEST_POSTGRES_URL
  ? [process.env.INTAKE_TEST_POSTGRES_URL]
  : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres'];

let admin: pg.Client | null = null;
let adminUrl = '';
const prefix = `intake_test_${randomBytes(4).toString('hex')}`;
const created: string[] = [];

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

async function connectAdmin(): Promise<void> {
  const problems: string[] = [];
  for (const url of CANDIDATES) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      admin = client;
      adminUrl = url;
      return;
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`PostgreSQL is not reachable for the store tests:\n  ${problems.join('\n  ')}`);
}

storeContract({
  kind: 'postgres',
  setup: connectAdmin,
  fresh: async () => {
    const name = `${prefix}_${created.length + 1}`;
    await admin!.query(`CREATE DATABASE ${name}`);
    created.push(name);
    return withDatabase(adminUrl, name);
  },
  raw: async (url, sql, params = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      let i = 0;
      const result = await client.query(
        sql.replace(/\?/g, () => `$${++i}`),
        params as unknown[],
      );
      return result.rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  },
  teardown: async () => {
    if (!admin) return;
    for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    admin = null;
  },
});
