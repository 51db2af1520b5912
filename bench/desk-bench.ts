/**
 * `npm run bench -- --only desk`: the review desk's queue page over 10,000 conversations (issue 5: p95 under
 * 100 ms on SQLite and on PostgreSQL), measured by a local load generator.
 *
 *   node .bench/build/bench/desk-bench.js [--records 10000] [--requests 2000] [--concurrency 4]
 *     [--databases sqlite,postgres] [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--json]
 *
 * Per database: a fresh store seeded through `commitMessage` (the worker's own write path), one staff
 * account and one API token; the desk (`createWebApp`) in a child process; the load generator in this one,
 * signed in like a browser (GET and POST /login) for the pages, with the token for the API. The queue paths
 * mix the first page, each status, later pages, a text search and the JSON API. The baseline, in the same
 * run and under the same load, is `/healthz`: what any request costs the server before it reads the store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStore } from '../src/store/index.js';
import { newApiToken, sha256Hex } from '../src/web/desk-secrets.js';
import { hashPassword } from '../src/web/passwords.js';
import { message } from '../test/store/contract/fixtures.js';
import { percentile } from './bench-child.js';
import { runLoad } from './http-load.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '4' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    json: { type: 'boolean', default: false },
  },
});
const RECORDS = Number(values.records);
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const TARGET_P95_MS = 100;
const EMAIL = 'bench@intake.test';
const PASSWORD = 'a bench password, long enough';
const STATUSES = ['ready', 'awaiting_customer', 'needs_review', 'ignored'] as const;

/** A database of its own for each run: a temp SQLite file, or a PostgreSQL database created and dropped. */
async function freshDatabase(kind: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'intake-desk-bench-'));
    return { url: join(dir, 'desk.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: values.postgres });
  await admin.connect();
  const name = `intake_desk_bench_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(values.postgres!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: values.postgres });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

async function seed(url: string): Promise<{ token: string; seedMs: number }> {
  const store = await createStore(url, { secretKey: null });
  await store.migrate();
  const started = performance.now();
  let next = 0;
  // Commits in flight together, as the worker's ingest concurrency does: they share the WAL sync.
  const writer = async () => {
    while (next < RECORDS) {
      const i = next++;
      await store.commitMessage(
        message({
          subject: i % 7 === 0 ? `Remplacement disque ${i}` : `Réinstallation Debian 12, demande ${i}`,
          status: STATUSES[i % STATUSES.length]!,
          serviceId: `SRV-${10_000 + i}`,
          from: `client${i % 500}@customer.example`,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  const seedMs = performance.now() - started;
  const staff = await store.addStaff({ email: EMAIL, passwordHash: await hashPassword(PASSWORD) });
  const token = newApiToken();
  await store.createApiToken({ tokenHash: sha256Hex(token), name: 'bench', staffId: staff.id });
  await store.close();
  return { token, seedMs };
}

function startDesk(url: string): Promise<{ child: ChildProcess; base: string }> {
  const script = fileURLToPath(
    new URL(`./desk-child.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
  );
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, script], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { t: string; port: number }) =>
      resolve({ child, base: `http://127.0.0.1:${m.port}` }),
    );
    child.once('exit', (code) => reject(new Error(`desk child exited (${code}) before it was ready`)));
  });
}

/** Signs in as a browser does; returns the session cookie. */
async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const loginCookie = /intake_login_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1];
  const csrf = /name="csrf" value="([^"]*)"/.exec(await form.text())?.[1];
  if (!loginCookie || !csrf) throw new Error('desk-bench: no sign-in form');
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `intake_login_csrf=${loginCookie}`,
    },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, csrf }).toString(),
  });
  const session = /intake_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (res.status !== 303 || !session) throw new Error(`desk-bench: sign-in answered ${res.status}`);
  return `intake_session=${session}`;
}

const PAGES = [
  '/',
  '/?status=ready',
  '/?status=awaiting_customer',
  '/?status=needs_review&page=3',
  '/?page=40',
  '/?q=disque',
  '/?status=ignored&page=10',
];
const API = ['/api/conversations', '/api/conversations?status=ready&page=2'];

type Measured = ReturnType<typeof summary> & { byPath: Record<string, { p50: number; p95: number }> };

interface Figures {
  database: string;
  records: number;
  seedMs: number;
  pages: Measured;
  api: Measured;
  baseline: Measured;
}

function summary(latencies: number[], elapsedMs: number, failures: Record<number, number>) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: Math.round((latencies.length / elapsedMs) * 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    failures,
  };
}

async function measure(database: string): Promise<Figures> {
  const db = await freshDatabase(database);
  try {
    const { token, seedMs } = await seed(db.url);
    const { child, base } = await startDesk(db.url);
    try {
      const cookie = await signIn(base);
      const load = async (paths: readonly string[], headers: Record<string, string>, requests: number) => {
        // Warm-up first: cold code and the database's caches are not what a desk open all day sees.
        await runLoad({ base, paths, headers, requests: Math.min(200, requests), concurrency: CONCURRENCY });
        const r = await runLoad({ base, paths, headers, requests, concurrency: CONCURRENCY });
        return {
          ...summary(r.latenciesMs, r.elapsedMs, r.failures),
          byPath: Object.fromEntries(
            Object.entries(r.byPath).map(([path, list]) => {
              const sorted = [...list].sort((a, b) => a - b);
              return [path, { p50: percentile(sorted, 50), p95: percentile(sorted, 95) }];
            }),
          ),
        };
      };
      const pages = await load(PAGES, { cookie }, REQUESTS);
      const api = await load(API, { authorization: `Bearer ${token}` }, Math.round(REQUESTS / 2));
      const baseline = await load(['/healthz'], {}, REQUESTS);
      return { database, records: RECORDS, seedMs, pages, api, baseline };
    } finally {
      child.disconnect();
      await new Promise((resolve) => child.once('exit', resolve));
    }
  } finally {
    await db.drop();
  }
}

const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const results: Figures[] = [];
for (const database of values.databases!.split(',')) {
  console.log(`desk: ${database}: seeding ${RECORDS.toLocaleString('en')} conversations…`);
  results.push(await measure(database));
}
if (values.json) console.log(JSON.stringify(results, null, 2));
let missed = false;
console.log('\n| measurement | figure | baseline (same run) | target | |\n|---|--:|---|--:|---|');
for (const r of results) {
  const pass = r.pages.p95 < TARGET_P95_MS && Object.keys(r.pages.failures).length === 0;
  if (!pass) missed = true;
  console.log(
    `| queue page, ${r.records.toLocaleString('en')} records, ${r.database}: p95 | ${ms(r.pages.p95)} ms (p50 ${ms(r.pages.p50)}, p99 ${ms(r.pages.p99)}, ${r.pages.perSecond} req/s) | /healthz p95 ${ms(r.baseline.p95)} ms (p50 ${ms(r.baseline.p50)}) | < ${TARGET_P95_MS} ms | ${pass ? 'PASS' : 'MISS'} |`,
  );
  console.log(
    `| GET /api/conversations, ${r.database}: p95 | ${ms(r.api.p95)} ms (p50 ${ms(r.api.p50)}) | same | reported |  |`,
  );
}
for (const r of results) {
  const paths = Object.entries({ ...r.pages.byPath, ...r.api.byPath })
    .map(([path, f]) => `${path} ${ms(f.p50)}/${ms(f.p95)}`)
    .join(' · ');
  console.log(`${r.database}: p50/p95 ms by path: ${paths}`);
  console.log(
    `${r.database}: seeded ${r.records} conversations in ${(r.seedMs / 1000).toFixed(1)} s; ` +
      `${r.pages.requests} page requests at concurrency ${CONCURRENCY}, failures ${JSON.stringify(r.pages.failures)}; ` +
      `API failures ${JSON.stringify(r.api.failures)}`,
  );
}
if (missed) {
  console.error('desk-bench: MISSED the queue page target');
  process.exitCode = 1;
}
