import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/store/postgres-driver.js';
import type { SqlDriver, TxSteps } from '../../src/store/sql-driver.js';
import { startTcpProxy, type TcpProxy } from '../faults/tcp-proxy.js';
import { type TestDatabases, testDatabases } from '../support/postgres.js';

/**
 * The real PostgreSQL behind a loopback proxy the test cuts mid-transaction (the shared server stays up).
 * pg emits a broken connection as an 'error' event on the client; one checked out of the pool has no
 * listener of pg-pool's, and an unhandled 'error' ends the process (vitest reports it as an unhandled
 * error and fails the run).
 */
let databases: TestDatabases | null = null;
let proxy: TcpProxy | null = null;
let driver: SqlDriver | null = null;
afterEach(async () => {
  await driver?.close().catch(() => {});
  await proxy?.close();
  await databases?.dropAll();
  driver = null;
  proxy = null;
  databases = null;
});

function* slowTransaction(): TxSteps<number> {
  yield { sql: 'CREATE TABLE IF NOT EXISTS t (n integer)' };
  yield { sql: 'SELECT pg_sleep(2)' };
  const { rows } = yield { sql: 'SELECT 1 AS n' };
  return (rows[0] as { n: number }).n;
}

describe('PostgreSQL driver and a connection cut mid-transaction', () => {
  it('rejects the transaction (a transient error), survives, and works again once the server is back', async () => {
    databases = await testDatabases();
    const url = new URL(await databases.fresh());
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    driver = openPostgres({ connectionString: url.toString() });
    const running = driver.transaction(slowTransaction);
    await new Promise((r) => setTimeout(r, 500));
    proxy.cut();
    await expect(running).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    await expect(driver.run({ sql: 'SELECT 1' })).rejects.toThrow();
    proxy.restore();
    // The broken connection was not given back to the pool: the next transaction gets a fresh one.
    await expect(driver.transaction(slowTransaction)).resolves.toBe(1);
  });
});
