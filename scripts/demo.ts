/**
 * `npm run demo`: the whole service on loopback, on throwaway servers, in about five seconds.
 *
 * It starts a Dovecot mailbox, a redis-server and an SMTP capture of its own (installing dovecot-imapd and
 * redis-server with apt-get when run as root, otherwise saying exactly what to install), runs the worker
 * (`runWorker`, as `intake worker` does) against them with a SQLite file, APPENDs fixture conversations to
 * INBOX while the worker watches it with IDLE, and prints each record and the replies the SMTP peer
 * received. Everything is stopped and deleted at the end. `--keep` keeps it all running until Ctrl-C and
 * delivers any .eml dropped into a folder it names.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import type { ParseLine } from '../src/pipeline/parse-line.js';
import type { Store } from '../src/store/store.js';
import { generatePassword, hashPassword } from '../src/web/passwords.js';
import { startWeb } from '../src/web/start-web.js';
import type { IngestOutcome } from '../src/worker/ingest.js';
import { runWorker, type WorkerRuntime } from '../src/worker/run-worker.js';
import type { SendOutcome } from '../src/worker/send-reply.js';
import {
  type DemoThread,
  loadMessage,
  loadSelection,
  newLiveThread,
  rewriteForLive,
} from './demo-fixtures.js';
import { ensurePackages, MissingPackagesError } from './demo-host.js';
import { type Delivered, outcomeLine, printSummary, printThread, type ThreadReport } from './demo-print.js';
import { type DovecotInstance, startDovecot } from './dovecot.js';
import { freePort } from './dovecot-host.js';
import { startRedisServer } from './redis-server.js';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.js';

const OUR_DOMAIN = 'intake.hosting.example';
const WAIT_MS = 30_000;
const keep = process.argv.includes('--keep');
const DEMO_STAFF = 'staff@hosting.example';
const say = (line = '') => process.stdout.write(`${line}\n`);
const bare = (id: string) => id.trim().replace(/^<|>$/g, '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Worker events by key, kept until asked for: the hook may fire before anyone waits. */
function events<T>() {
  const seen = new Map<string, { value: T; at: number }>();
  const waiters = new Map<string, (e: { value: T; at: number }) => void>();
  return {
    emit(key: string, value: T) {
      const event = { value, at: Date.now() };
      seen.set(key, event);
      waiters.get(key)?.(event);
    },
    wait(key: string, timeoutMs: number): Promise<{ value: T; at: number } | null> {
      const known = seen.get(key);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        waiters.set(key, (e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
  };
}

const commits = events<IngestOutcome>();
const sends = events<SendOutcome>();
/** Outbox rows already shown, so that a later message (say, one dropped in with --keep) shows only its own. */
const reported = new Set<number>();

/** The stored conversation a message went into (a handful of conversations: a scan is fine). */
async function conversationOf(store: Store, messageId: string) {
  const { rows } = await store.listConversations({ limit: 1000, offset: 0 });
  for (const row of rows) {
    const conversation = await store.getConversation(row.id);
    if (conversation?.messages.some((m) => bare(m.messageId) === bare(messageId))) return conversation;
  }
  return null;
}

async function captured(smtp: SmtpCapture, messageId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = smtp.messages.find((m) => m.messageId && bare(m.messageId) === bare(messageId));
    if (found) return found;
    await sleep(10);
  }
  return null;
}

/** Delivers a thread's messages one after another, each once the previous one's record and reply exist. */
async function runThread(
  thread: DemoThread,
  env: { dovecot: DovecotInstance; smtp: SmtpCapture; store: Store },
  progress: (d: Delivered) => void,
): Promise<ThreadReport> {
  const live = newLiveThread();
  const delivered: Delivered[] = [];
  let conversation: Awaited<ReturnType<typeof conversationOf>> = null;
  for (const message of thread.messages) {
    const { raw, subject } = rewriteForLive(message, live, OUR_DOMAIN);
    const appendedAt = Date.now();
    await env.dovecot.append('INBOX', raw);
    const commit = await commits.wait(bare(message.messageId), WAIT_MS);
    const stored = commit ? await conversationOf(env.store, message.messageId) : null;
    if (stored) conversation = stored;
    live.ticket ??= stored?.id ?? null;
    const d: Delivered = {
      message: { ...message, subject },
      outcome: commit?.value ?? 'timeout',
      ms: commit ? commit.at - appendedAt : null,
      conversationId: stored?.id ?? null,
      line: stored && commit?.value === 'committed' ? (stored.line as ParseLine) : null,
      replies: [],
    };
    for (const reply of stored?.replies ?? []) {
      if (reported.has(reply.id)) continue;
      reported.add(reply.id);
      const sent = await sends.wait(String(reply.id), WAIT_MS);
      const ok = sent?.value === 'sent';
      if (ok) live.replies.push(reply.messageId);
      d.replies.push({
        revision: reply.revision,
        outcome: sent?.value ?? 'timeout',
        ms: sent ? sent.at - appendedAt : null,
        captured: ok ? await captured(env.smtp, reply.messageId, 10_000) : null,
      });
    }
    delivered.push(d);
    progress(d);
  }
  if (conversation) conversation = (await env.store.getConversation(conversation.id)) ?? conversation;
  return { name: thread.name, delivered, conversation };
}

/**
 * Ctrl-C and SIGTERM: the first one stops the demo cleanly (`onStop`); a terminal's Ctrl-C reaches tsx too,
 * which passes it on, so a second one is ignored; a third leaves at once (exit hooks still kill the servers).
 * The listener stays installed throughout: without one, tsx's own handler exits mid-cleanup.
 */
let onStop: () => void = () => process.exit(130);
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals === 1) onStop();
    else if (signals >= 3) process.exit(130);
  });
}

/** `--keep`: delivers every .eml that appears in `drop`, until Ctrl-C. */
async function keepRunning(drop: string, deliver: (t: DemoThread) => Promise<void>): Promise<void> {
  let stop = false;
  const stopped = new Promise<void>((resolve) => {
    onStop = () => {
      stop = true;
      resolve();
    };
  });
  const done = new Set<string>();
  while (!stop) {
    for (const name of readdirSync(drop).filter((f) => f.endsWith('.eml') && !done.has(f))) {
      done.add(name);
      try {
        await deliver({ name, messages: [await loadMessage(path.join(drop, name), name)] });
      } catch (err) {
        say(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await Promise.race([sleep(500), stopped]);
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  say('intake demo: a throwaway Dovecot mailbox, redis-server and SMTP capture on 127.0.0.1, the worker,');
  say('and fixture conversations delivered to INBOX while the worker watches it (IMAP IDLE).');
  say();
  try {
    const installed = await ensurePackages(say);
    if (installed.length > 0) say(`Installed ${installed.join(' ')}.`);
  } catch (err) {
    if (!(err instanceof MissingPackagesError)) throw err;
    process.stderr.write(`npm run demo: ${err.message}\n`);
    return 1;
  }
  const threads = await loadSelection();

  const stops: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    // Bounded: after a terminal's Ctrl-C the servers (same process group) may be gone already.
    for (const stop of stops.splice(0).reverse()) await Promise.race([stop().catch(() => {}), sleep(5_000)]);
  };
  onStop = () => {
    say('\nInterrupted: stopping the worker and the servers, deleting their files…');
    void cleanup().then(() => process.exit(130));
  };
  try {
    const dovecot = await startDovecot({ install: false });
    stops.push(() => dovecot.stop());
    // Never the machine's Redis on 6379: it may be busy, hold someone's data or not run at all.
    const ownRedis = await startRedisServer();
    stops.push(() => ownRedis.stop());
    const smtp = await startSmtpCapture();
    stops.push(() => smtp.stop());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'intake-demo-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const config = loadConfig({
      INTAKE_IMAP_URL: dovecot.url,
      INTAKE_SMTP_URL: smtp.url,
      INTAKE_FROM: 'support@hosting.example',
      INTAKE_MESSAGE_ID_DOMAIN: OUR_DOMAIN,
      DATABASE_URL: `file:${path.join(dir, 'intake.db')}`,
      REDIS_URL: ownRedis.url,
      INTAKE_QUEUE_PREFIX: 'intake-demo',
      // A fresh key per run: the customers' passwords in the fixtures are stored encrypted, as in production.
      INTAKE_SECRET_KEY: randomBytes(32).toString('hex'),
      INTAKE_SENT_FOLDER: 'Sent',
      // Warnings on loopback are noise (no STARTTLS on the throwaway Dovecot); LOG_LEVEL=info shows the log.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      // Set, they make the demo's worker post its status changes to a receiver of the user's (see Webhook).
      INTAKE_WEBHOOK_URL: process.env.INTAKE_WEBHOOK_URL,
      INTAKE_WEBHOOK_SECRET: process.env.INTAKE_WEBHOOK_SECRET,
    });
    const worker: WorkerRuntime = await runWorker(config, createLogger({ level: config.LOG_LEVEL }), {
      onCommitted: (job, _ms, outcome) => commits.emit(bare(job.messageId ?? `uid:${job.uid}`), outcome),
      onReply: (job, outcome) => sends.emit(String(job.replyId), outcome),
    });
    stops.push(() => worker.stop());
    // The first message should arrive while the worker sits in IDLE, as in production.
    for (let i = 0; i < 200 && !worker.leader; i++) await sleep(25);
    // One admin IMAP session before the threads append at once.
    await dovecot.mailboxes();
    const setupMs = Date.now() - started;
    say(`Dovecot on 127.0.0.1:${dovecot.port}, redis-server on 127.0.0.1:${ownRedis.port}, SMTP capture on`);
    say(`127.0.0.1:${smtp.port}, the worker with SQLite in ${dir} (${(setupMs / 1000).toFixed(1)} s).`);
    const count = threads.reduce((n, t) => n + t.messages.length, 0);
    say(`Delivering ${count} messages in ${threads.length} threads; a thread's next message waits for the`);
    say('record and the reply of the one before, as a customer would.');
    say();

    const env = { dovecot, smtp, store: worker.store };
    const progress = (d: Delivered) => say(`  ${d.message.file}\n      → ${outcomeLine(d)}`);
    const deliveryStart = Date.now();
    const reports = await Promise.all(threads.map((t) => runThread(t, env, progress)));
    const deliveryMs = Date.now() - deliveryStart;
    say();
    for (const report of reports) process.stdout.write(printThread(report));

    const mailbox = {
      inbox: (await dovecot.list('INBOX')).length,
      processed: (await dovecot.list('Processed')).length,
      sent: (await dovecot.list('Sent')).length,
    };
    if (keep) {
      const drop = path.join(dir, 'drop');
      mkdirSync(drop);
      say(`Still running (--keep). Copy .eml files into ${drop} to deliver them; Ctrl-C stops everything.`);
      say(`  IMAP ${dovecot.url.replace(/:[^:@/]+@/, ':***@')} (password in ${dovecot.dir}/passwd)`);
      say(`  Redis ${ownRedis.url}   SMTP capture ${smtp.url}   database ${path.join(dir, 'intake.db')}`);
      // The review desk on the worker's store, with a throwaway account whose password exists only here.
      const staffPassword = generatePassword();
      await worker.store.addStaff({ email: DEMO_STAFF, passwordHash: await hashPassword(staffPassword) });
      const desk = await startWeb({
        config: { ...config, PORT: await freePort() },
        store: worker.store,
        logger: createLogger({ level: config.LOG_LEVEL }),
      });
      stops.push(() => desk.stop());
      say(`  Review desk ${desk.url}/   sign in as ${DEMO_STAFF} with password ${staffPassword}`);
      say();
      await keepRunning(drop, async (thread) => {
        process.stdout.write(printThread(await runThread(thread, env, () => {})));
      });
    }
    const teardownStart = Date.now();
    await cleanup();
    say(
      `Stopped the worker, Dovecot, redis-server and the SMTP capture, deleted their files (${Date.now() - teardownStart} ms).`,
    );
    say();
    process.stdout.write(
      printSummary(reports, { setupMs, deliveryMs, totalMs: Date.now() - started, mailbox }),
    );
    const failed = reports.some((r) => r.delivered.some((d) => d.outcome === 'timeout'));
    return failed ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `npm run demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
