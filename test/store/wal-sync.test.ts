import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { createWalSync } from '../../src/store/wal-sync.js';

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'intake-wal-'));
  dirs.push(dir);
  return join(dir, 'intake.db');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('WAL group commit', () => {
  it('runs with synchronous = NORMAL and a durable write is readable by another connection once it resolves', async () => {
    const path = tempDb();
    const driver = openSqlite(path);
    await driver.run({ sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)', script: true });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        driver.run({ sql: 'INSERT INTO t (v) VALUES (?)', params: [`v${i}`] }),
      ),
    );
    const other = new Database(path, { readonly: true });
    try {
      expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 50 });
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
      await driver.close();
    }
  });

  it('settles every barrier, shares fsyncs between the commits made meanwhile, and refuses after close', async () => {
    const path = tempDb();
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (v TEXT)');
    const wal = createWalSync(path);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const barriers = Array.from({ length: 100 }, (_, i) => {
      insert.run(`v${i}`);
      return wal.barrier();
    });
    await expect(Promise.all(barriers)).resolves.toHaveLength(100);
    // The first commit's fsync runs alone; the 99 made while it ran share the next one.
    expect(wal.fsyncs).toBeGreaterThanOrEqual(1);
    expect(wal.fsyncs).toBeLessThanOrEqual(2);
    await wal.close();
    await expect(wal.barrier()).rejects.toThrow(/closed/);
    db.close();
  });

  it('syncs the database file when there is no WAL file', async () => {
    const path = tempDb();
    new Database(path).close();
    const wal = createWalSync(path);
    await expect(wal.barrier()).resolves.toBeUndefined();
    await wal.close();
  });
});
