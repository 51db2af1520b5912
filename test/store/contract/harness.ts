import { afterAll, afterEach, beforeAll } from 'vitest';
import { createStore } from '../../../src/store/index.js';
import type { Store } from '../../../src/store/store.js';

/** What a backend's test file gives the contract suite. */
export interface StoreHarness {
  kind: 'sqlite' | 'postgres';
  /** Once per file (PostgreSQL: connect to the server, or fail loudly). */
  setup(): Promise<void>;
  /** A new, empty database; returns the URL `createStore` takes. */
  fresh(): Promise<string>;
  /** Plain SQL on a database, outside the store (`?` placeholders), to look at what is really stored. */
  raw(url: string, sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Removes every database `fresh` made. */
  teardown(): Promise<void>;
}

export const KEY = Buffer.from('8f1c2b7a9d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdde', 'hex');

/** Opens stores for one test and closes them after it, so that each test stands on its own database. */
export function useHarness(harness: StoreHarness) {
  const open: Store[] = [];
  beforeAll(() => harness.setup());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(() => harness.teardown());

  const openStore = async (url: string, secretKey: Buffer | null = KEY): Promise<Store> => {
    const store = await createStore(url, { secretKey });
    open.push(store);
    return store;
  };
  return {
    harness,
    openStore,
    /** A fresh, migrated database and a store on it. */
    async fresh(secretKey: Buffer | null = KEY): Promise<{ url: string; store: Store }> {
      const url = await harness.fresh();
      const store = await openStore(url, secretKey);
      await store.migrate();
      return { url, store };
    },
    raw: harness.raw,
  };
}

export type Harnessed = ReturnType<typeof useHarness>;
