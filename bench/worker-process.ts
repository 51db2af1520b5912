/**
 * The bench's side of worker-child.ts: starts a child with an IPC channel and turns its messages into
 * promises. A child that dies or reports an error fails every wait at once, with its stderr, rather than
 * leaving the bench waiting for a reply that will never come.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../src/node-flags.js';
import type { ChildMessage, ParentMessage } from './worker-child.js';

const CHILD = fileURLToPath(
  new URL(`./worker-child.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
);
/** How much of a child's stderr is kept for the report: its last lines are the ones that explain a failure. */
const STDERR_KEEP = 20_000;

type Of<T extends ChildMessage['t']> = Extract<ChildMessage, { t: T }>;

export interface ChildHandle {
  readonly pid: number;
  /** Every message, as it arrives (commits and replies are counted this way). */
  onMessage(listener: (message: ChildMessage) => void): void;
  /** The next message of this type (or one already received and not yet taken). */
  next<T extends ChildMessage['t']>(type: T, timeoutMs: number): Promise<Of<T>>;
  send(message: ParentMessage): void;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function startChild(role: 'worker' | 'pipeline' | 'whole', env: Record<string, string>): ChildHandle {
  // Compiled, the child runs under plain node as production does; from the .ts sources (tsx), under tsx.
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each worker child there (NODE_OPTIONS refuses --cpu-prof).
  const profile =
    role === 'worker' && process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  // The service's own node flags, so that the child runs as `intake worker` does.
  const args = CHILD.endsWith('.ts')
    ? [...NODE_FLAGS, ...profile, '--import', 'tsx', CHILD, role]
    : [...NODE_FLAGS, ...profile, CHILD, role];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  const keep = (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const listeners: ((message: ChildMessage) => void)[] = [];
  const inbox: ChildMessage[] = [];
  const waiters = new Set<{ type: string; resolve(m: ChildMessage): void; reject(err: Error): void }>();
  let failure: Error | null = null;

  const fail = (err: Error) => {
    failure ??= err;
    for (const w of waiters) w.reject(failure);
    waiters.clear();
  };
  child.on('message', (message: ChildMessage) => {
    if (message.t === 'error') {
      fail(new Error(`${role} child failed: ${message.message}`));
      return;
    }
    for (const l of listeners) l(message);
    const waiter = [...waiters].find((w) => w.type === message.t);
    if (waiter) {
      waiters.delete(waiter);
      waiter.resolve(message);
    } else if (message.t !== 'committed' && message.t !== 'reply') {
      inbox.push(message);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': by then every IPC message the child sent has been delivered.
    child.on('close', (code, signal) => {
      if (code !== 0 || signal) {
        fail(
          new Error(`${role} child exited (${signal ?? `code ${code}`}); stderr:\n${stderr.slice(-4000)}`),
        );
      } else fail(new Error(`${role} child exited before answering`));
      resolve({ code, signal });
    });
  });
  child.on('error', (err) => fail(err));

  return {
    pid: child.pid ?? -1,
    onMessage: (listener) => listeners.push(listener),
    next(type, timeoutMs) {
      const index = inbox.findIndex((m) => m.t === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as Of<typeof type>);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`${role} child: no "${type}" within ${timeoutMs} ms; stderr:\n${stderr.slice(-4000)}`),
          );
        }, timeoutMs);
        const waiter = {
          type,
          resolve: (m: ChildMessage) => {
            clearTimeout(timer);
            resolve(m as Of<typeof type>);
          },
          reject: (err: Error) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        waiters.add(waiter);
      });
    },
    send: (message) => {
      if (child.connected) child.send(message);
    },
    stderr: () => stderr,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs a one-shot child (pipeline, whole) to its result. */
export async function runOnce<R>(
  role: 'pipeline' | 'whole',
  env: Record<string, string>,
  timeoutMs: number,
): Promise<R> {
  const child = startChild(role, env);
  try {
    const { result } = await child.next('result', timeoutMs);
    await child.exited;
    return result as R;
  } finally {
    child.kill();
  }
}

/** Stops a worker child and returns its peak RSS and CPU time; kills it if it does not stop in time. */
export async function stopWorker(child: ChildHandle, timeoutMs = 30_000): Promise<Of<'stopped'>> {
  child.send({ t: 'stop' });
  try {
    const stopped = await child.next('stopped', timeoutMs);
    await child.exited;
    return stopped;
  } finally {
    child.kill();
  }
}
