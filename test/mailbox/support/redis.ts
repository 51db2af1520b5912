import net from 'node:net';
import type { LeaseRedis } from '../../../src/mailbox/lease.js';

/**
 * A Redis connection for the tests. ioredis is not installed (BullMQ 6 lists it as an optional peer), so
 * until it is, a minimal RESP2 client over a socket talks to the real Redis on 127.0.0.1:6379: enough for
 * the lease (SET NX PX, EVAL) and for the tests' own GET/SET/DEL. With ioredis added, `new Redis(url)`
 * replaces it as is: the lease only needs the two calls of `LeaseRedis`.
 */
export interface TestRedis extends LeaseRedis {
  get(key: string): Promise<string | null>;
  del(key: string): Promise<number>;
  pttl(key: string): Promise<number>;
  setValue(key: string, value: string, ttlMs: number): Promise<void>;
  quit(): Promise<void>;
}

type Reply = string | number | null | Reply[] | Error;

export async function connectRedis(
  url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<TestRedis> {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (err) =>
      reject(new Error(`Redis is required at ${url} for these tests and is not reachable: ${err.message}`)),
    );
  });
  const pending: { resolve(r: Reply): void; reject(e: Error): void }[] = [];
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const parsed = parse(buffer, 0);
      if (!parsed) break;
      buffer = buffer.subarray(parsed.end);
      const waiter = pending.shift();
      if (!waiter) continue;
      if (parsed.value instanceof Error) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
  });
  socket.on('error', (err) => {
    for (const waiter of pending.splice(0)) waiter.reject(err);
  });
  socket.on('close', () => {
    for (const waiter of pending.splice(0)) waiter.reject(new Error('Redis connection closed'));
  });

  const call = (...args: (string | number)[]): Promise<Reply> =>
    new Promise((resolve, reject) => {
      if (socket.destroyed) {
        reject(new Error('Redis connection closed'));
        return;
      }
      pending.push({ resolve, reject });
      const parts = args.map(String);
      socket.write(
        `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`,
      );
    });

  return {
    async set(key, value, px, ttlMs, nx) {
      return (await call('SET', key, value, px, ttlMs, nx)) === 'OK' ? 'OK' : null;
    },
    eval(script, numKeys, ...args) {
      return call('EVAL', script, numKeys, ...args);
    },
    async get(key) {
      return (await call('GET', key)) as string | null;
    },
    async del(key) {
      return (await call('DEL', key)) as number;
    },
    async pttl(key) {
      return (await call('PTTL', key)) as number;
    },
    async setValue(key, value, ttlMs) {
      await call('SET', key, value, 'PX', ttlMs);
    },
    async quit() {
      await call('QUIT').catch(() => {});
      socket.destroy();
    },
  };
}

function parse(buf: Buffer, at: number): { value: Reply; end: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[at]!);
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: Reply[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, end);
        if (!item) return null;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}
