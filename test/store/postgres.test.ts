import pg from 'pg';
import { type TestDatabases, testDatabases } from '../support/postgres.js';
import { storeContract } from './store-contract.js';

let databases: TestDatabases | null = null;

/** Runs against the PostgreSQL server on 127.0.0.1; an unreachable server fails the file. */
storeContract({
  kind: 'postgres',
  setup: async () => {
    databases = await testDatabases();
  },
  fresh: () => databases!.fresh(),
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
    await databases?.dropAll();
    databases = null;
  },
});
