/**
 * `npx tsx scripts/container-check.ts [IMAGE]` (default intake:verify; build it first with
 * `docker build -t intake:verify .`): runs the image the way docker-compose.yml does (read-only root file
 * system, a tmpfs on /tmp, uid 1000, every capability dropped, no new privileges, a data volume) on the
 * host's network, against a throwaway Dovecot and SMTP peer on loopback and a Redis: REDIS_URL when set
 * (with a queue prefix of its own, so a shared Redis is safe), else a throwaway redis-server.
 *
 * It checks: `check-config` passes; the worker reads, stores, files and answers one message; the worker's
 * /healthz, /readyz and /metrics and the desk's /healthz and /readyz answer 200; the containers changed
 * nothing in their root file systems (`docker diff`) and cannot write there; both stop on `docker stop`
 * (SIGTERM) with status 0 and log no write error. Prints the memory each container used (`docker stats`).
 * Needs a Docker engine, so it is not part of `npm test`. Run as root, or with the data directory
 * chmod-ed open (it gives it to uid 1000 when it can).
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { fail, runCheck, say } from './check-steps.js';
import { startDovecot } from './dovecot.js';
import { freePort, sleep } from './dovecot-host.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { startSmtpCapture } from './smtp-capture.js';

const IMAGE = process.argv[2] ?? 'intake:verify';
const TAG = `intake-check-${process.pid}`;

/** Asynchronous, because the SMTP peer lives in this process and must answer while docker runs. */
async function docker(args: string[], allowFailure = false): Promise<{ status: number; out: string }> {
  const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const status = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  if (status !== 0 && !allowFailure) fail(`docker ${args.join(' ')} exited ${status}:\n${out}`);
  return { status, out };
}

/** The confinement docker-compose.yml gives the worker and the desk. */
function runArgs(dataDir: string, env: Record<string, string>): string[] {
  return [
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp:size=64m,mode=1777',
    '--user',
    '1000:1000',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges:true',
    '-v',
    `${dataDir}:/data`,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ];
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** A shared Redis keeps nothing of this run: only the keys under its own queue prefix are deleted. */
async function forgetQueues(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    for await (const keys of client.scanStream({ match: `${TAG}:*`, count: 500 }) as AsyncIterable<string[]>)
      if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  await docker(['image', 'inspect', IMAGE]);
  const work = mkdtempSync(join(tmpdir(), 'intake-container-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  try {
    chownSync(dataDir, 1000, 1000);
  } catch {
    chmodSync(dataDir, 0o777); // not root: let uid 1000 in anyway
  }
  const dovecot = await startDovecot();
  const smtp = await startSmtpCapture();
  const redis: RedisServer | null = process.env.REDIS_URL ? null : await startRedisServer();
  const redisUrl = process.env.REDIS_URL ?? redis?.url ?? '';
  const metricsPort = await freePort();
  const webPort = await freePort();
  const env = {
    LOG_LEVEL: 'debug',
    REDIS_URL: redisUrl,
    INTAKE_QUEUE_PREFIX: TAG,
    INTAKE_IMAP_URL: dovecot.url,
    INTAKE_SMTP_URL: smtp.url,
    INTAKE_SENT_FOLDER: 'Sent',
    INTAKE_SECRET_KEY: 'c'.repeat(64),
    INTAKE_METRICS_PORT: String(metricsPort),
    INTAKE_WEB_HOST: '127.0.0.1',
    PORT: String(webPort),
  };
  const workerName = `${TAG}-worker`;
  const webName = `${TAG}-web`;
  const names = [workerName, webName];
  try {
    const check = await docker(['run', '--rm', ...runArgs(dataDir, env), IMAGE, 'check-config'], true);
    if (check.status !== 0 || /\bFAIL\b/.test(check.out)) fail(`check-config:\n${check.out}`);
    say('ok   check-config: every check ok (database, redis, imap, smtp) as uid 1000, read-only');

    for (const [name, command] of [
      [workerName, 'worker'],
      [webName, 'web'],
    ] as const)
      await docker(['run', '-d', '--name', name, ...runArgs(dataDir, env), IMAGE, command]);
    const logs = async (name: string) => (await docker(['logs', name], true)).out;
    await until(
      'the worker to watch the mailbox',
      async () => (await logs(workerName)).includes('watching mailbox'),
      60_000,
    );
    await until(
      'the desk to listen',
      async () => (await logs(webName)).includes('review desk listening'),
      60_000,
    );
    const user = (await docker(['exec', workerName, 'id', '-u'])).out.trim();
    if (user !== '1000') fail(`the worker runs as uid ${user}`);
    say('ok   worker and desk up, as uid 1000');

    const raw = [
      'From: Customer <customer@client.example>',
      'To: support@hosting.example',
      'Subject: Reinstall please',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <container-${Date.now()}@client.example>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, please reinstall Debian 12 on 198.51.100.7. Root password: Kx9-Container-71',
      '',
    ].join('\r\n');
    await dovecot.append('INBOX', raw);
    const [reply] = await smtp.waitFor(1, 60_000);
    await until(
      'the message to be filed',
      async () => (await dovecot.list('Processed')).length === 1,
      60_000,
    );
    say(
      `ok   message read, stored in /data, filed in Processed, reply captured (to ${reply?.to.join(', ')})`,
    );

    const worker = `http://127.0.0.1:${metricsPort}`;
    const desk = `http://127.0.0.1:${webPort}`;
    for (const url of [`${worker}/healthz`, `${worker}/readyz`, `${desk}/healthz`, `${desk}/readyz`]) {
      const r = await get(url);
      if (r.status !== 200) fail(`${url} answered ${r.status}: ${r.body}`);
    }
    const metrics = await get(`${worker}/metrics`);
    const committed = /^intake_messages_total\{outcome="committed"\} 1$/m.test(metrics.body);
    const sent = /^intake_replies_total\{outcome="sent"\} 1$/m.test(metrics.body);
    if (metrics.status !== 200 || !committed || !sent)
      fail(`worker /metrics ${metrics.status}, no committed message or sent reply counted:\n${metrics.body}`);
    say(
      'ok   worker /healthz /readyz and desk /healthz /readyz: 200; /metrics counts 1 committed, 1 reply sent',
    );

    for (const name of names) {
      const diff = (await docker(['diff', name])).out.trim();
      if (diff !== '') fail(`${name} changed its root file system:\n${diff}`);
      const probe = await docker(['exec', name, 'touch', '/app/probe'], true);
      if (probe.status === 0 || !probe.out.includes('Read-only'))
        fail(`${name} could write /app: ${probe.out}`);
      const inTmp = (await docker(['exec', name, 'ls', '-A', '/tmp'])).out.trim();
      if (inTmp !== '') fail(`${name} wrote to /tmp: ${inTmp}`);
    }
    say('ok   root file systems unchanged (docker diff) and read-only; nothing in /tmp');

    const stats = (
      await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...names])
    ).out.trim();
    for (const line of stats.split('\n')) say(`     memory ${line}`);

    for (const name of names) await docker(['stop', '--time', '45', name]);
    for (const name of names) {
      const code = (await docker(['inspect', '--format', '{{.State.ExitCode}}', name])).out.trim();
      if (code !== '0') fail(`${name} exited ${code} after docker stop:\n${(await logs(name)).slice(-2000)}`);
    }
    if (!(await logs(workerName)).includes('worker stopped')) fail('the worker did not log "worker stopped"');
    const denied = (await Promise.all(names.map(logs)))
      .join('\n')
      .match(/.*(EROFS|EACCES|EPERM|read-only file system).*/g);
    if (denied) fail(`write errors:\n${denied.join('\n')}`);
    say('ok   both stopped on docker stop (SIGTERM) with status 0, no write error logged');
  } finally {
    await docker(['rm', '-f', ...names], true);
    if (!redis) await forgetQueues(redisUrl).catch(() => {});
    await Promise.allSettled([dovecot.stop(), smtp.stop(), redis?.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

runCheck(main);
