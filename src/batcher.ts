/**
 * Coalesces calls that one command can do for many items (UID MOVE of a set, STORE of a set). The first
 * call runs at once, so a lone message waits for nothing; calls made while a batch of the same key is in
 * flight wait for it and then run together as the next batch. Under a backlog a mailbox is then changed
 * by a few commands instead of one per message, which costs the IMAP server (one index transaction and
 * one round of notifications per command) far more than it costs us.
 */
export interface BatcherOptions<T> {
  /** Items of different keys never share a batch (e.g. a folder and UIDVALIDITY). */
  key(item: T): string;
  /** Does the work for every item of one batch; its outcome is each item's outcome. */
  run(items: T[]): Promise<void>;
  /** Largest batch. Default 200 (a UID set of that many stays well under any server's line limit). */
  maxBatch?: number;
}

export interface Batcher<T> {
  /** Resolves when the batch that carried `item` succeeded, rejects with its error. */
  add(item: T): Promise<void>;
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  const maxBatch = Math.max(1, options.maxBatch ?? 200);
  const queues = new Map<string, { pending: Pending<T>[]; running: boolean }>();

  const drain = async (key: string) => {
    const queue = queues.get(key);
    if (!queue || queue.running) return;
    queue.running = true;
    try {
      while (queue.pending.length > 0) {
        const batch = queue.pending.splice(0, maxBatch);
        try {
          await options.run(batch.map((p) => p.item));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      queue.running = false;
      queues.delete(key);
    }
  };

  return {
    add(item) {
      const key = options.key(item);
      let queue = queues.get(key);
      if (!queue) {
        queue = { pending: [], running: false };
        queues.set(key, queue);
      }
      const done = new Promise<void>((resolve, reject) => {
        queue.pending.push({ item, resolve, reject });
      });
      void drain(key);
      return done;
    },
  };
}
