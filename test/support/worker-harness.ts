import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config.js';
import { INGEST_QUEUE, REPLY_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { runWorker, type WorkerHooks, type WorkerRuntime } from '../../src/worker/run-worker.js';
import { type DovecotInstance, startDovecot } from './dovecot.js';
import { type SmtpCapture, type SmtpCaptureOptions, startSmtpCapture } from './smtp-capture.js';
import { spawnWorkerProcess, type WorkerProcess } from './worker-process.js';

export const SECRET_KEY = 'a'.repeat(64);

export interface Harness {
  dovecot: DovecotInstance;
  smtp: SmtpCapture;
  config: Config;
  dir: string;
  /** Starts a worker process-alike (several can run at once, as separate processes would). */
  startWorker(hooks?: WorkerHooks, env?: Record<string, string>): Promise<WorkerRuntime>;
  /** The worker as a separate process (`node dist/cli.js worker`), which a test may SIGKILL. */
  spawnWorker(env?: Record<string, string>): WorkerProcess;
  /** Failed jobs kept by the queues (visible to operators), as `queue: reason`. */
  failedJobs(): Promise<string[]>;
  /** The environment the workers run with. */
  env: Record<string, string>;
  /** A store on the same database, for assertions. */
  openStore(): Promise<Store>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  smtp?: SmtpCaptureOptions;
}

/**
 * A whole installation on loopback: a throwaway Dovecot mailbox, an SMTP capture peer, the machine's Redis
 * (queues under a prefix of their own) and a SQLite file (or the database given).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dovecot = await startDovecot();
  const smtp = await startSmtpCapture(options.smtp);
  const dir = mkdtempSync(join(tmpdir(), 'intake-worker-'));
  const prefix = `intake-test-${randomBytes(4).toString('hex')}`;
  const env = {
    INTAKE_IMAP_URL: dovecot.url,
    INTAKE_SMTP_URL: smtp.url,
    INTAKE_FROM: 'support@hosting.example',
    INTAKE_MESSAGE_ID_DOMAIN: 'intake.hosting.example',
    DATABASE_URL: options.databaseUrl ?? `file:${join(dir, 'intake.db')}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    INTAKE_QUEUE_PREFIX: prefix,
    INTAKE_SECRET_KEY: SECRET_KEY,
    INTAKE_SENT_FOLDER: 'Sent',
    // Spawned workers run side by side on one host: none binds the default metrics port unless a test asks.
    INTAKE_METRICS_PORT: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  const workers: WorkerRuntime[] = [];
  const processes: WorkerProcess[] = [];
  return {
    dovecot,
    smtp,
    config,
    dir,
    async startWorker(hooks, extra) {
      const worker = await runWorker(
        extra ? loadConfig({ ...env, ...extra }) : config,
        pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
        hooks,
      );
      workers.push(worker);
      return worker;
    },
    env,
    async failedJobs() {
      const connection = redisConnection(config.REDIS_URL);
      try {
        const failed: string[] = [];
        for (const name of [INGEST_QUEUE, REPLY_QUEUE]) {
          const queue = new Queue(name, { connection, prefix: config.INTAKE_QUEUE_PREFIX });
          for (const job of await queue.getFailed()) failed.push(`${name}: ${job.failedReason}`);
          await queue.close();
        }
        return failed;
      } finally {
        connection.disconnect();
      }
    },
    spawnWorker(extra) {
      const child = spawnWorkerProcess({ ...env, ...extra });
      processes.push(child);
      return child;
    },
    async openStore() {
      const store = await createStore(config.DATABASE_URL, { secretKey: Buffer.from(SECRET_KEY, 'hex') });
      // A test may look before any worker has started; migrating twice is a no-op.
      await store.migrate();
      return store;
    },
    async stop() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await Promise.allSettled(processes.map((p) => p.kill('SIGKILL')));
      const connection = redisConnection(config.REDIS_URL);
      // The configured prefix: a caller may have chosen its own (the bench does).
      for (const name of [INGEST_QUEUE, REPLY_QUEUE]) {
        const queue = new Queue(name, { connection, prefix: config.INTAKE_QUEUE_PREFIX });
        await queue.obliterate({ force: true }).catch(() => {});
        await queue.close();
      }
      connection.disconnect();
      await Promise.allSettled([dovecot.stop(), smtp.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails with what was last seen. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
