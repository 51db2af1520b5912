import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Throwaway databases on the PostgreSQL server on 127.0.0.1 (trust auth). An unreachable server fails the
 * caller: the PostgreSQL backend is a product requirement, a skipped suite would hide its breakage.
 */
const CANDIDATES = process.env.INTAKE_TEST_POSTGRES_URL
  ? [process.env.INTAKE_TEST_POSTGRES_URL]
  : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres'];

export interface TestDatabases {
  /** A new empty database; its URL. */
  fresh(): Promise<string>;
  /** Drops every database made here and disconnects. */
  dropAll(): Promise<void>;
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export async function testDatabases(): Promise<TestDatabases> {
  const problems: string[] = [];
  for (const url of CANDIDATES) {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await admin.connect();
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
      await admin.end().catch(() => undefined);
      continue;
    }
    const prefix = `intake_test_${randomBytes(4).toString('hex')}`;
    const created: string[] = [];
    return {
      async fresh() {
        const name = `${prefix}_${created.length + 1}`;
        await admin.query(`CREATE DATABASE ${name}`);
        created.push(name);
        return withDatabase(url, name);
      },
      async dropAll() {
        for (const name of created.splice(0))
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  throw new Error(`PostgreSQL is not reachable:\n  ${problems.join('\n  ')}`);
}
