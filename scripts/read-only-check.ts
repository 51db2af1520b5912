/**
 * `npx tsx scripts/read-only-check.ts` (as root, Linux): runs the built `intake worker` and `intake web` the
 * way the container does (docker-compose.yml: `read_only: true`, a tmpfs on /tmp, a volume for the data, an
 * unprivileged user) without a Docker engine, and shows that they need to write nowhere else.
 *
 * Each process gets a private mount namespace (`unshare --mount`, invisible to the rest of the machine) in
 * which every world-writable directory and the checkout itself are bind-mounted read-only, /tmp is a fresh
 * tmpfs and /srv is a bind of a throwaway data directory (the container's /data); it then drops to `nobody`
 * (`setpriv`, no new privileges). Against a throwaway Dovecot, redis-server and SMTP peer, a message is
 * processed end to end and the desk answers; then both stop on SIGTERM. Fails (status 1) when a process
 * logs a write error, a step does not happen, a file appears in the tmpfs, or a file owned by `nobody`
 * appears anywhere on the root file system outside the data directory. Run `npm run build` first.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../src/node-flags.js';
import { startDovecot } from './dovecot.js';
import { freePort, sleep } from './dovecot-host.js';
import { startRedisServer } from './redis-server.js';
import { startSmtpCapture } from './smtp-capture.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NOBODY = 65534;
/** World-writable places outside /tmp (a tmpfs in the container), and the code. */
const READ_ONLY = ['/work', ROOT, '/var', '/run', '/dev/shm', '/etc', '/usr', '/opt', '/root', '/home'];

const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  say(`FAIL ${message}`);
  process.exit(1);
}

/** A shell line making this namespace's file system what the container's is, then dropping to nobody. */
function confinement(dataDir: string): string {
  const ro = READ_ONLY.map((d) => `mount --bind ${d} ${d} && mount -o remount,bind,ro ${d}`);
  return [
    ...ro,
    `mount --bind ${dataDir} /srv`,
    'mount -t tmpfs -o mode=1777,size=64m tmpfs /tmp',
    `cd ${ROOT}`,
    `exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups --no-new-privs "$@"`,
  ].join(' && ');
}

interface Confined {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function confined(command: string, env: Record<string, string>, dataDir: string): Confined {
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      confinement(dataDir),
      'sh',
      process.execPath,
      ...NODE_FLAGS,
      join(ROOT, 'dist/cli.js'),
      command,
    ],
    {
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Whether `nobody` can create a file at `path` inside the confinement, and the error when it cannot. */
function probeWrite(path: string, dataDir: string): string {
  const probe = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', confinement(dataDir), 'sh', 'touch', path],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? 'writable' : probe.stderr.trim();
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) fail('run as root (it needs unshare --mount and setpriv)');
  const work = mkdtempSync(join(tmpdir(), 'intake-read-only-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  chownSync(dataDir, NOBODY, NOBODY);
  const marker = join(work, 'marker');
  writeFileSync(marker, '');
  // The confinement itself: the world-writable /var/tmp and the code are read-only, /tmp and the data are not.
  const probes = ['/var/tmp/probe', join(ROOT, 'probe'), '/tmp/probe', '/srv/probe'].map((path) => [
    path,
    probeWrite(path, dataDir),
  ]);
  for (const [path, result] of probes) say(`     as nobody, touch ${path}: ${result}`);
  const [varTmp, code, tmp, srv] = probes.map(([, result]) => result);
  if (!varTmp?.includes('Read-only') || code === 'writable' || tmp !== 'writable' || srv !== 'writable')
    fail('the confinement is not what the container has');
  rmSync(join(dataDir, 'probe'));
  const dovecot = await startDovecot();
  const redis = await startRedisServer();
  const smtp = await startSmtpCapture();
  const port = await freePort();
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'debug',
    DATABASE_URL: 'file:/srv/intake.db',
    REDIS_URL: redis.url,
    INTAKE_IMAP_URL: dovecot.url,
    INTAKE_SMTP_URL: smtp.url,
    INTAKE_SENT_FOLDER: 'Sent',
    INTAKE_SECRET_KEY: 'b'.repeat(64),
    INTAKE_WEB_HOST: '127.0.0.1',
    PORT: String(port),
  };
  const processes: Confined[] = [];
  try {
    const worker = confined('worker', env, dataDir);
    processes.push(worker);
    await until(
      'the worker to watch the mailbox',
      () => worker.output().includes('watching mailbox'),
      30_000,
    );
    const web = confined('web', env, dataDir);
    processes.push(web);
    await until('the desk to listen', () => web.output().includes('review desk listening'), 30_000);

    const raw = [
      'From: Customer <customer@client.example>',
      'To: support@hosting.example',
      'Subject: Reinstall please',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <read-only-${Date.now()}@client.example>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, please reinstall Debian 12 on 198.51.100.7. Root password: Kx9-Read-Only-71',
      '',
    ].join('\r\n');
    await dovecot.append('INBOX', raw);
    await smtp.waitFor(1, 30_000);
    await until(
      'the message to be filed',
      async () => (await dovecot.list('Processed')).length === 1,
      30_000,
    );
    say('ok   worker: message read, committed to /srv/intake.db (the data volume), filed and answered');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    if (health.status !== 200 || login.status !== 200)
      fail(`desk answered /healthz ${health.status}, /login ${login.status}`);
    say('ok   web: /healthz 200 on the same store, /login 200');

    for (const p of processes) {
      const inTmp = readdirSync(`/proc/${p.child.pid}/root/tmp`);
      if (inTmp.length > 0) fail(`files written to /tmp: ${inTmp.join(', ')}`);
    }
    say('ok   nothing written to /tmp by either process');

    for (const p of processes) p.child.kill('SIGTERM');
    const codes = await Promise.all(processes.map((p) => p.exited));
    if (codes.some((c) => c !== 0)) fail(`exit statuses ${codes.join(', ')}`);
    if (!worker.output().includes('worker stopped')) fail('the worker did not log "worker stopped"');
    say('ok   both stopped on SIGTERM with status 0');

    const everything = processes.map((p) => p.output()).join('\n');
    const denied = everything.match(/.*(EROFS|EACCES|EPERM|read-only file system).*/g);
    if (denied) fail(`write errors:\n${denied.join('\n')}`);
    const written = execFileSync(
      'find',
      ['/', '-xdev', '-user', String(NOBODY), '-newer', marker, '-not', '-path', '/proc/*'],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter((f) => f !== '' && f !== dataDir && !f.startsWith(`${dataDir}/`));
    if (written.length > 0) fail(`written by nobody outside the data directory:\n${written.join('\n')}`);
    const data = readdirSync(dataDir).sort();
    say(`ok   files written by nobody: only in the data directory (${data.join(', ')})`);
  } finally {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.allSettled([dovecot.stop(), redis.stop(), smtp.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)),
);
