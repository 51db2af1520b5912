import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { storeContract } from './store-contract.js';

let dir = '';
let n = 0;

storeContract({
  kind: 'sqlite',
  setup: async () => {
    dir = mkdtempSync(join(tmpdir(), 'intake-store-'));
  },
  fresh: async () => join(dir, `store-${++n}.db`),
  raw: async (url, sql, params = []) => {
    const db = new Database(url, { timeout: 10_000 });
    try {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    } finally {
      db.close();
    }
  },
  teardown: async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
});

describe('SQLite store shared by several processes', () => {
  it('migrates once and gives one conversation per thread when processes commit at the same time', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'intake-store-mp-')), 'shared.db');
    onTestFinished(() => rmSync(dirname(path), { recursive: true, force: true }));
    const child = fileURLToPath(new URL('./support/commit-child.ts', import.meta.url));
    const processes = 3;
    const threads = 150;
    const startAt = String(Date.now() + 3_000);
    type Output = { began: number; ended: number; results: { thread: number; conversationId: string }[] };
    const run = (index: number) =>
      new Promise<Output>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', child, path, String(index), String(threads), startAt],
          { timeout: 60_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
        );
      });
    const outputs = await Promise.all(Array.from({ length: processes }, (_, i) => run(i)));
    // The processes really overlapped (otherwise this would test nothing).
    expect(Math.max(...outputs.map((o) => o.began))).toBeLessThan(Math.min(...outputs.map((o) => o.ended)));
    for (let thread = 0; thread < threads; thread++) {
      const ids = new Set(outputs.map((o) => o.results.find((r) => r.thread === thread)?.conversationId));
      expect(ids.size).toBe(1);
    }
    const db = new Database(path, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(count('SELECT COUNT(*) AS n FROM schema_migrations')).toBe(5);
      expect(count('SELECT COUNT(*) AS n FROM conversations')).toBe(threads * 2);
      expect(count('SELECT COUNT(*) AS n FROM messages')).toBe(threads * (processes + 1));
      expect(count("SELECT COUNT(*) AS n FROM messages WHERE message_id LIKE '%shared%'")).toBe(threads);
      expect(count('SELECT MAX(value) AS n FROM counters')).toBe(threads * 2);
    } finally {
      db.close();
    }
  });
});
