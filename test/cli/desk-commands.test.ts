import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import {
  staffAddCommand,
  staffSetDisabledCommand,
  tokenCreateCommand,
  tokenRevokeCommand,
} from '../../src/commands/desk-accounts.js';
import { loadConfig } from '../../src/config.js';
import { createStore } from '../../src/store/index.js';
import { sha256Hex } from '../../src/web/desk-secrets.js';
import { verifyPassword } from '../../src/web/passwords.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database() {
  const dir = mkdtempSync(join(tmpdir(), 'intake-desk-cli-'));
  dirs.push(dir);
  return join(dir, 'intake.db');
}

function output() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => {
    text += String(c);
  });
  return { stream, text: () => text };
}

const stdinOf = (text: string, isTTY = false) => Object.assign(Readable.from([Buffer.from(text)]), { isTTY });

async function run(
  path: string,
  command: 'staff' | 'token',
  args: { email?: string; name?: string; stdin?: ReturnType<typeof stdinOf> },
) {
  const out = output();
  const err = output();
  const config = loadConfig({ DATABASE_URL: path });
  const code =
    command === 'staff'
      ? await staffAddCommand({
          config,
          email: args.email!,
          stdin: args.stdin!,
          stdout: out.stream,
          stderr: err.stream,
        })
      : await tokenCreateCommand({
          config,
          name: args.name!,
          staffEmail: args.email!,
          stdout: out.stream,
          stderr: err.stream,
        });
  return { code, stdout: out.text(), stderr: err.text() };
}

async function withStore<T>(
  path: string,
  use: (store: Awaited<ReturnType<typeof createStore>>) => Promise<T>,
) {
  const store = await createStore(path, { secretKey: null });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('intake staff add', () => {
  it('takes a piped password, stores only its argon2id hash, and audits the addition', async () => {
    const path = database();
    const added = await run(path, 'staff', {
      email: 'Alice@Example.org',
      stdin: stdinOf('a long piped password\n'),
    });
    expect(added).toEqual({ code: 0, stdout: 'staff account added: alice@example.org\n', stderr: '' });
    await withStore(path, async (store) => {
      const staff = await store.findStaff('alice@example.org');
      expect(staff?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(staff!.passwordHash, 'a long piped password')).toBe(true);
      const audit = await store.listAudit({ subject: 'staff:alice@example.org', limit: 1 });
      expect(audit[0]?.action).toBe('staff.add');
    });
    const again = await run(path, 'staff', {
      email: 'ALICE@example.org',
      stdin: stdinOf('another long password'),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^intake: staff_exists: /);
  });

  it('generates and prints a strong password once at a terminal, and refuses a short piped one', async () => {
    const path = database();
    const added = await run(path, 'staff', { email: 'bob@example.org', stdin: stdinOf('', true) });
    expect(added.code).toBe(0);
    const password = /password \(shown once, store it now\): (\S+)\n$/.exec(added.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await withStore(path, async (store) => {
      expect(await verifyPassword((await store.findStaff('bob@example.org'))!.passwordHash, password!)).toBe(
        true,
      );
    });
    const short = await run(path, 'staff', { email: 'carol@example.org', stdin: stdinOf('short\n') });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password_too_short');
    const bad = await run(path, 'staff', { email: 'not an email', stdin: stdinOf('a long piped password') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('argument_invalid');
  });
});

describe('intake staff disable / enable and intake token revoke', () => {
  it('disables an account (its tokens stop), enables it again, and revokes a token for good', async () => {
    const path = database();
    await run(path, 'staff', { email: 'alice@example.org', stdin: stdinOf('a long piped password') });
    const created = await run(path, 'token', { name: 'helpdesk', email: 'alice@example.org' });
    const id = /\(id (\d+)\)/.exec(created.stdout)?.[1];
    const token = created.stdout.trim().split('\n')[1]!;
    const config = loadConfig({ DATABASE_URL: path });
    const io = () => ({ config, stdout: output().stream, stderr: output().stream });
    const works = () =>
      withStore(path, async (store) => (await store.useApiToken(sha256Hex(token), new Date())) !== null);
    expect(await staffSetDisabledCommand({ ...io(), email: 'ALICE@example.org', disabled: true })).toBe(0);
    expect(await works()).toBe(false);
    expect(await staffSetDisabledCommand({ ...io(), email: 'alice@example.org', disabled: false })).toBe(0);
    expect(await works()).toBe(true);
    expect(await staffSetDisabledCommand({ ...io(), email: 'nobody@example.org', disabled: true })).toBe(1);
    expect(await tokenRevokeCommand({ ...io(), id: id! })).toBe(0);
    expect(await works()).toBe(false);
    const err = output();
    expect(await tokenRevokeCommand({ ...io(), stderr: err.stream, id: id! })).toBe(1);
    expect(err.text()).toContain('token_not_found');
    expect(await tokenRevokeCommand({ ...io(), id: 'abc' })).toBe(1);
    await withStore(path, async (store) => {
      const actions = (await store.listAudit({ limit: 10 })).map((e) => e.action);
      expect(actions.slice(0, 3)).toEqual(['api_token.revoke', 'staff.enable', 'staff.disable']);
    });
  });
});

describe('intake token create', () => {
  it('prints a token once, stores only its SHA-256, and refuses an unknown account', async () => {
    const path = database();
    await run(path, 'staff', { email: 'alice@example.org', stdin: stdinOf('a long piped password') });
    const created = await run(path, 'token', { name: 'helpdesk', email: 'ALICE@example.org' });
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n')[1]!;
    expect(token).toMatch(/^intake_[A-Za-z0-9_-]{43}$/);
    await withStore(path, async (store) => {
      expect(await store.useApiToken(sha256Hex(token), new Date())).toMatchObject({
        name: 'helpdesk',
        staff: { email: 'alice@example.org' },
      });
      expect(await store.useApiToken(token, new Date())).toBeNull();
      const audit = await store.listAudit({ subject: 'staff:alice@example.org', limit: 1 });
      expect(audit[0]).toMatchObject({ action: 'api_token.create', details: { name: 'helpdesk' } });
      expect(JSON.stringify(audit)).not.toContain(token);
    });
    const unknown = await run(path, 'token', { name: 'x', email: 'nobody@example.org' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('staff_not_found');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const cli = (args: string[], env: Record<string, string>, input?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });

describe('the built intake command', () => {
  it('adds staff, creates a token and serves the desk with `intake web`', async () => {
    const env = { DATABASE_URL: database(), LOG_LEVEL: 'warn' };
    expect((await cli(['staff', 'add', 'alice@example.org'], env, 'a long piped password\n')).code).toBe(0);
    const created = await cli(['token', 'create', 'helpdesk', '--staff', 'alice@example.org'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n')[1]!;
    expect((await cli(['token', 'create', 'x'], env)).code).toBe(2);

    const port = await freePort();
    const web = spawn(process.execPath, [CLI, 'web'], {
      env: { ...env, PATH: process.env.PATH ?? '', PORT: String(port) },
    });
    let stderr = '';
    web.stderr.on('data', (c) => {
      stderr += String(c);
    });
    onTestFinished(() => {
      web.kill('SIGKILL');
    });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || web.exitCode !== null)
        throw new Error(`intake web did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const css = await fetch(`${base}/desk.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('table.queue');
    const anonymous = await fetch(`${base}/`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    const api = await fetch(`${base}/api/conversations`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ total: 0, conversations: [] });
    // Revoked while the desk runs: refused at the next request.
    const id = /\(id (\d+)\)/.exec(created.stdout)?.[1];
    expect((await cli(['token', 'revoke', id!], env)).stdout).toBe(`API token ${id} revoked\n`);
    const revoked = await fetch(`${base}/api/conversations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(401);
    const exited = new Promise<number | null>((resolve) => web.once('exit', (code) => resolve(code)));
    web.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
