/**
 * A throwaway redis-server of our own on a free high loopback port, in a temp dir: for the demo (the
 * machine's Redis on 6379 may be busy, hold someone's data or not run) and for tests that stop Redis under
 * a running worker, which the machine's shared server must never be.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect, findBinary, freePort, sleep } from './dovecot-host.js';

export interface RedisServerOptions {
  /**
   * Keep the data across restart() (append-only file, fsync on every write), as a production Redis under
   * BullMQ should. Default false: nothing on disk.
   */
  persist?: boolean;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM; with `persist` it writes its data first), runs `whileDown`, starts it again. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
  /** The same, synchronously: for the last moment before a process exits. */
  stopSync(): void;
}

export class RedisMissingError extends Error {
  readonly code = 'redis_missing';
  constructor() {
    super(
      'redis-server is not installed (Debian/Ubuntu: apt-get install -y --no-install-recommends redis-server)',
    );
    this.name = 'RedisMissingError';
  }
}

/** Running servers and their directories: what an exit without stop() must clean up. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

async function launch(binary: string, dir: string, port: number, persist: boolean): Promise<ChildProcess> {
  // No config file: every setting on the command line, loopback only. noeviction is what BullMQ requires
  // (an evicted job key is a lost message); it is also Redis's default, stated for the reader.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push('--logfile', path.join(dir, 'redis.log'), '--maxmemory-policy', 'noeviction');
  args.push(...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  // Output goes to the log file, never to a pipe nobody reads.
  const child = spawn(binary, args, { cwd: dir, stdio: 'ignore' });
  running.set(child, dir);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  child.once('error', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited at start-up (see ${path.join(dir, 'redis.log')})`);
    if (await canConnect(port)) return child;
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not listen on ${port} within 10 s`);
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
      });

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findBinary('redis-server');
  if (!binary) throw new RedisMissingError();
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Ctrl-C or a crash must not leave a server behind.
    process.once('exit', () => {
      for (const [child, dir] of running) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  const persist = options.persist ?? false;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intake-redis-'));
  let port = await freePort();
  let child: ChildProcess;
  try {
    child = await launch(binary, dir, port, persist);
  } catch {
    // The kernel's free port may have been taken in between: one more try on another one.
    port = await freePort();
    try {
      child = await launch(binary, dir, port, persist);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  const stopSync = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(whileDown) {
      child.kill('SIGTERM');
      await exited(child);
      await whileDown?.();
      child = await launch(binary, dir, port, persist);
    },
    async stop() {
      const done = exited(child);
      stopSync();
      await done;
    },
    stopSync,
  };
}
