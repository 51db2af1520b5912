/**
 * `npx tsx scripts/compose-check.ts [IMAGE]` (as root, with a Docker engine and `docker-compose`): brings the
 * whole of docker-compose.yml up from a copy of the committed tree (`git archive HEAD`, with a generated .env)
 * and
 * checks that redis, postgres, both workers and the desk become healthy, that the desk answers on the port
 * the file publishes (127.0.0.1:8080, which must be free), that one message goes through
 * (read by a worker, stored in PostgreSQL, filed, answered) and that `docker-compose stop` ends the app
 * containers with status 0. Then `down -v` removes the containers, network and volumes (the image stays).
 *
 * The mailbox and the SMTP peer are throwaway ones on this host's loopback (scripts/dovecot.ts,
 * scripts/smtp-capture.ts), relayed onto the gateway address of the Compose network so that the containers
 * reach them; their URLs go in through an override file, as an operator's would through .env.
 * The app image is `docker-compose build`'s, or IMAGE tagged as the file's intake:latest when given (an
 * image built beforehand, e.g. by `docker build --network host` where Compose's build network has no way
 * out); `up` never builds, so that no stale intake:latest is what gets checked.
 * Needs a Docker engine, so it is not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, runCheck, say } from './check-steps.js';
import { startDovecot } from './dovecot.js';
import { sleep } from './dovecot-host.js';
import { startSmtpCapture } from './smtp-capture.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const IMAGE = process.argv[2];
const PROJECT = `intakecheck${process.pid}`;
const APP = ['worker_1', 'worker_2', 'web_1'].map((s) => `${PROJECT}_${s}`);
const ALL = [`${PROJECT}_redis_1`, `${PROJECT}_postgres_1`, ...APP];

/** Asynchronous, because the SMTP peer and the relays live in this process. */
async function run(file: string, args: string[], cwd: string, allowFailure = false): Promise<string> {
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
  if (status !== 0 && !allowFailure) fail(`${file} ${args.join(' ')} exited ${status}:\n${out}`);
  return out;
}

/** Forwards host:port to 127.0.0.1:target, so that containers on the Compose network reach a loopback peer. */
function relay(host: string, target: number): Promise<net.Server> {
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(1000);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-compose-'));
  await run('sh', ['-c', `git -C "${ROOT}" archive HEAD | tar -x -C "${dir}"`], dir);
  const password = randomBytes(12).toString('hex');
  writeFileSync(
    join(dir, '.env'),
    [
      'INTAKE_FROM=support@hosting.example',
      'INTAKE_SENT_FOLDER=Sent',
      'PROVIDER_NAME=Compose check',
      `INTAKE_SECRET_KEY=${randomBytes(32).toString('hex')}`,
      `POSTGRES_PASSWORD=${password}`,
      `DATABASE_URL=postgres://intake:${password}@postgres:5432/intake`,
      '',
    ].join('\n'),
  );
  const compose = (args: string[], allowFailure = false) =>
    run(
      'docker-compose',
      ['-p', PROJECT, '-f', 'docker-compose.yml', '-f', 'check.yml', ...args],
      dir,
      allowFailure,
    );
  writeFileSync(join(dir, 'check.yml'), "version: '3.9'\nservices: {}\n");
  const dovecot = await startDovecot();
  const smtp = await startSmtpCapture();
  const relays: net.Server[] = [];
  try {
    // The backing services first: that creates the network whose gateway the relays listen on.
    if (IMAGE) await run('docker', ['tag', IMAGE, 'intake:latest'], dir);
    else await compose(['build', 'worker']);
    say(`ok   app image: ${IMAGE ?? 'built by docker-compose build'}`);
    await compose(['up', '-d', 'redis', 'postgres']);
    const gateway = (
      await run(
        'docker',
        ['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', `${PROJECT}_default`],
        dir,
      )
    ).trim();
    relays.push(await relay(gateway, Number(new URL(dovecot.url).port)));
    relays.push(await relay(gateway, smtp.port));
    const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
    const imapUrl = new URL(dovecot.url);
    imapUrl.hostname = gateway;
    imapUrl.port = String(port(relays[0] as net.Server));
    const smtpUrl = `smtp://${gateway}:${port(relays[1] as net.Server)}`;
    const peers = `      INTAKE_IMAP_URL: "${imapUrl.href}"\n      INTAKE_SMTP_URL: "${smtpUrl}"\n`;
    writeFileSync(
      join(dir, 'check.yml'),
      `version: '3.9'\nservices:\n  worker:\n    environment:\n${peers}  web:\n    environment:\n${peers}`,
    );
    await compose(['up', '-d', '--no-build']);
    const health = async () =>
      (
        await run('docker', ['inspect', '-f', '{{.Name}} {{.State.Health.Status}}', ...ALL], dir, true)
      ).trim();
    await until(
      'every service to be healthy',
      async () => !/starting|unhealthy|No such/.test(await health()),
      180_000,
    );
    say(`ok   healthy: ${(await health()).replaceAll('\n', ', ')}`);

    // The desk as an operator reaches it: the port docker-compose.yml publishes on the host's loopback.
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`http://127.0.0.1:8080${path}`);
      if (res.status !== 200) fail(`the desk's published ${path} answered ${res.status}`);
    }
    say('ok   desk on the published 127.0.0.1:8080: /healthz and /readyz 200');

    await dovecot.append(
      'INBOX',
      [
        'From: Customer <customer@client.example>',
        'To: support@hosting.example',
        'Subject: Reinstall please',
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: <compose-${Date.now()}@client.example>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello, please reinstall Debian 12 on 198.51.100.7. Root password: Kx9-Compose-71',
        '',
      ].join('\r\n'),
    );
    await smtp.waitFor(1, 60_000);
    await until(
      'the message to be filed',
      async () => (await dovecot.list('Processed')).length === 1,
      60_000,
    );
    const rows = await compose([
      'exec',
      '-T',
      'postgres',
      'psql',
      '-U',
      'intake',
      '-d',
      'intake',
      '-Atc',
      "SELECT (SELECT count(*) FROM messages) || ' message(s), ' || (SELECT count(*) FROM replies) || ' reply(ies)'",
    ]);
    say(`ok   message filed and answered by a worker; in PostgreSQL: ${rows.trim()}`);

    const stats = await run(
      'docker',
      ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...ALL],
      dir,
    );
    for (const line of stats.trim().split('\n')) say(`     memory ${line}`);

    await compose(['stop']);
    const codes = (
      await run('docker', ['inspect', '-f', '{{.Name}} {{.State.ExitCode}}', ...APP], dir)
    ).trim();
    if (codes.split('\n').some((l) => !l.endsWith(' 0'))) fail(`exit statuses after stop:\n${codes}`);
    say(`ok   docker-compose stop: app containers exited 0 (${codes.replaceAll('\n', ', ')})`);
  } finally {
    await compose(['down', '-v'], true);
    for (const r of relays) r.close();
    await Promise.allSettled([dovecot.stop(), smtp.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

runCheck(main);
