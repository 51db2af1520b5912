import { describe, expect, it } from 'vitest';
import { createStore, storeLocation } from '../../src/store/index.js';

describe('storeLocation', () => {
  it('reads the DATABASE_URL forms', () => {
    expect(storeLocation('postgres://u:p@db:5432/intake')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://u:p@db:5432/intake',
    });
    expect(storeLocation('postgresql://db/intake').kind).toBe('postgres');
    expect(storeLocation('file:/var/lib/intake/intake.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/intake/intake.db',
    });
    expect(storeLocation('file:///var/lib/intake/intake.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/intake/intake.db',
    });
    expect(storeLocation('file:data/intake.db')).toEqual({ kind: 'sqlite', path: 'data/intake.db' });
    expect(storeLocation('./intake.db')).toEqual({ kind: 'sqlite', path: './intake.db' });
    expect(storeLocation(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('refuses an empty URL and other schemes', () => {
    expect(() => storeLocation('')).toThrow(expect.objectContaining({ code: 'store_url_invalid' }));
    expect(() => storeLocation('mysql://db/intake')).toThrow(/unsupported database URL scheme "mysql"/);
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await createStore(':memory:', { secretKey: null });
    await store.migrate();
    await store.ping();
    expect(store.kind).toBe('sqlite');
    expect(await store.listConversations({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
    await store.close();
  });
});
