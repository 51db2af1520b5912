import { type FileHandle, open, stat } from 'node:fs/promises';
import { createBatcher } from '../batcher.js';

/**
 * Group commit for SQLite in WAL mode. With `synchronous = FULL` every commit fsyncs the WAL on the event
 * loop: about 1 ms each on this machine, longer while the IMAP server fsyncs beside it, during which the
 * worker does nothing else, and three or four per message. Instead the connection runs with
 * `synchronous = NORMAL` (a commit is written to the WAL, not synced) and a write that must be durable
 * before its caller acts on it (a message committed before it is filed, a reply claimed before it is sent)
 * waits for `barrier()`: an fsync of the WAL file in libuv's thread pool, started after the commit, which
 * is what FULL would have done. Commits made while one fsync runs share the next one.
 */
export interface WalSync {
  /** Resolves once everything committed before the call is on disk. */
  barrier(): Promise<void>;
  /** fsyncs done so far: fewer than barriers whenever commits shared one. */
  readonly fsyncs: number;
  close(): Promise<void>;
}

export function createWalSync(databasePath: string): WalSync {
  const walPath = `${databasePath}-wal`;
  let handle: FileHandle | null = null;
  let inode: number | null = null;
  let closed = false;
  let fsyncs = 0;

  // The WAL file lives as long as some connection is open (ours is), but a checkpoint in another
  // process may restart it; checking the inode each time costs one stat and makes a replaced file harmless.
  const walHandle = async (): Promise<FileHandle> => {
    const current = (await stat(walPath)).ino;
    if (handle && inode === current) return handle;
    await handle?.close();
    handle = await open(walPath, 'r');
    inode = (await handle.stat()).ino;
    return handle;
  };
  const sync = async () => {
    try {
      await (await walHandle()).sync();
    } catch (err) {
      // No WAL file: nothing was written through it, the database file holds everything.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const db = await open(databasePath, 'r');
      try {
        await db.sync();
      } finally {
        await db.close();
      }
    }
  };

  const syncs = createBatcher<null>({
    key: () => 'wal',
    // One fsync covers every commit that completed before it started: a batch is one fsync.
    maxBatch: Number.MAX_SAFE_INTEGER,
    run: async () => {
      if (closed) throw new Error('the database is closed');
      fsyncs++;
      await sync();
    },
  });

  return {
    barrier: () => syncs.add(null),
    get fsyncs() {
      return fsyncs;
    },
    async close() {
      closed = true;
      await handle?.close();
      handle = null;
    },
  };
}
