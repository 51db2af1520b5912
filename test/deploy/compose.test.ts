import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, WORKER_REQUIRED_KEYS } from '../../src/config.js';
import { configVariables } from '../../src/config-reference.js';
import { ROOT } from '../support/fixtures.js';

/**
 * docker-compose.yml and .env.example, checked without a Docker engine: the settings the deployment relies
 * on (docs/operations.md, Deployment with Compose), and the health checks run as the container would run
 * them, with node and no curl.
 */

interface Service {
  image?: string;
  command?: string[];
  user?: string;
  read_only?: boolean;
  tmpfs?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  cap_drop?: string[];
  healthcheck?: { test: string[] };
  privileged?: boolean;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { redis, postgres, worker, web } = compose.services;

function envExample(): Record<string, string> {
  const entries = readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const eq = l.indexOf('=');
      return [l.slice(0, eq), l.slice(eq + 1)] as const;
    });
  return Object.fromEntries(entries);
}

/**
 * Runs a healthcheck's `CMD` array as Docker would (no shell), with the container's environment; resolves
 * to its exit status. Asynchronous: the server it checks may live in this process.
 */
async function runHealthcheck(test: string[], env: Record<string, string>): Promise<number | null> {
  expect(test[0]).toBe('CMD');
  const [command, ...args] = test.slice(1);
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env } });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return code;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function answering(status: number): Promise<number> {
  const server = createServer((request, response) => {
    response.statusCode = request.url === '/healthz' ? status : 404;
    response.end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('docker-compose.yml', () => {
  it('runs Redis with an append-only file, noeviction and a volume', () => {
    const command = redis!.command!.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(redis!.volumes).toContain('redis-data:/data');
    expect(postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  it('runs the worker twice and the desk, read-only, unprivileged, with /tmp on a tmpfs', () => {
    expect(worker!.command).toEqual(['worker']);
    expect(worker!.deploy?.replicas).toBe(2);
    expect(web!.command).toEqual(['web']);
    for (const service of [worker!, web!]) {
      expect(service.read_only).toBe(true);
      expect(service.tmpfs?.some((t) => t.startsWith('/tmp'))).toBe(true);
      expect(service.user).toMatch(/^[1-9]\d*(:\d+)?$/);
      expect(service.cap_drop).toEqual(['ALL']);
      expect(service.privileged).toBeUndefined();
      expect(service.env_file).toBe('.env');
      expect(service.environment).toMatchObject({ NODE_ENV: 'production', REDIS_URL: 'redis://redis:6379' });
      // Docker's grace period must outlast intake's own stop bound, or a stop becomes a SIGKILL.
      const grace = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]) * 1000;
      expect(grace).toBeGreaterThan(loadConfig({}).INTAKE_STOP_TIMEOUT_MS);
    }
    expect(web!.environment).toMatchObject({ INTAKE_WEB_HOST: '0.0.0.0' });
  });

  it('has a health check on every service, the app ones in node (no curl in the slim image)', () => {
    for (const service of Object.values(compose.services)) expect(service.healthcheck?.test).toBeDefined();
    expect(worker!.healthcheck!.test.join(' ')).toContain('/healthz');
    expect(web!.healthcheck!.test.join(' ')).toContain('/healthz');
  });

  it("the worker's health check passes on 200 and fails on 503 or no answer", async () => {
    const test = worker!.healthcheck!.test;
    expect(await runHealthcheck(test, { INTAKE_METRICS_PORT: String(await answering(200)) })).toBe(0);
    expect(await runHealthcheck(test, { INTAKE_METRICS_PORT: String(await answering(503)) })).toBe(1);
    const closed = await answering(200);
    await new Promise((r) => servers.pop()!.close(r));
    expect(await runHealthcheck(test, { INTAKE_METRICS_PORT: String(closed) })).toBe(1);
  });

  it("the desk's health check passes against the built intake web", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-compose-'));
    const port = await answering(200).then(async (p) => {
      // A port known to be free: taken, then released for the desk.
      await new Promise((r) => servers.pop()!.close(r));
      return p;
    });
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const desk = spawn(process.execPath, [cli, 'web'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: `file:${join(dir, 'intake.db')}`,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    });
    try {
      const test = web!.healthcheck!.test;
      const deadline = Date.now() + 30_000;
      while ((await runHealthcheck(test, { PORT: String(port) })) !== 0) {
        if (Date.now() > deadline || desk.exitCode !== null)
          throw new Error('intake web never became healthy');
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      const exited = new Promise((r) => desk.once('exit', r));
      desk.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('.env.example', () => {
  const example = envExample();

  it('lists what the worker needs, and every name is a configuration variable', () => {
    const known = new Set([...configVariables().map((v) => v.name), 'POSTGRES_PASSWORD']);
    expect(Object.keys(example).filter((k) => !known.has(k))).toEqual([]);
    for (const key of [...WORKER_REQUIRED_KEYS, 'INTAKE_SECRET_KEY', 'DATABASE_URL', 'POSTGRES_PASSWORD'])
      expect(Object.keys(example)).toContain(key);
  });

  it('holds no real secret, and is valid once the key is filled in', () => {
    expect(example.INTAKE_SECRET_KEY).toBe('');
    expect(example.POSTGRES_PASSWORD).toBe('CHANGE-ME');
    expect(new URL(example.DATABASE_URL!).password).toBe(example.POSTGRES_PASSWORD);
    for (const key of ['INTAKE_IMAP_URL', 'INTAKE_SMTP_URL'])
      expect(new URL(example[key]!).password).toBe('CHANGE-ME');
    const config = loadConfig({ ...example, NODE_ENV: 'production', INTAKE_SECRET_KEY: 'c'.repeat(64) });
    expect(config.DATABASE_URL.startsWith('postgres://')).toBe(true);
  });

  it('is never committed as .env nor copied into the image', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
  });
});
