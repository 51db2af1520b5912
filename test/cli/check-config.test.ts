import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/worker-harness.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

async function checkConfig(env: Record<string, string>) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'check-config'], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout + e.stderr };
  }
}

describe('intake check-config against real servers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('prints the effective configuration with secrets masked and one ok line per connection', async () => {
    const { code, stdout } = await checkConfig(h.env);
    expect(code).toBe(0);
    const checks = stdout.split('\n').filter((l) => /^(ok|FAIL) /.test(l));
    expect(checks.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'ok secret',
      'ok database',
      'ok redis',
      'ok imap',
      'ok smtp',
    ]);
    expect(stdout).toMatch(/^ok +imap +INBOX: \d+ messages$/m);
    const printed = JSON.parse(stdout.slice(0, stdout.indexOf('\n\n')));
    expect(printed.INTAKE_SECRET_KEY).toBe('***');
    expect(printed.INTAKE_IMAP_URL).toContain(':***@');
    expect(stdout).not.toContain(h.dovecot.password);
    expect(stdout).not.toContain(h.env.INTAKE_SECRET_KEY);
  });

  it('masks the webhook secret it prints', async () => {
    const secret = 'whsec-cli-0123456789abcdef0123456789abcdef';
    const { code, stdout } = await checkConfig({
      ...h.env,
      INTAKE_WEBHOOK_URL: 'https://helpdesk.example/hooks',
      INTAKE_WEBHOOK_SECRET: secret,
    });
    expect(code).toBe(0);
    const printed = JSON.parse(stdout.slice(0, stdout.indexOf('\n\n')));
    expect(printed).toMatchObject({
      INTAKE_WEBHOOK_URL: 'https://helpdesk.example/hooks',
      INTAKE_WEBHOOK_SECRET: '***',
    });
    expect(stdout).not.toContain(secret);
  });

  it('fails, naming each broken connection, and still masks what it prints', async () => {
    const wrong = h.env.INTAKE_IMAP_URL!.replace(
      `:${encodeURIComponent(h.dovecot.password)}@`,
      ':not-the-password@',
    );
    expect(wrong).not.toBe(h.env.INTAKE_IMAP_URL);
    const { code, stdout } = await checkConfig({
      ...h.env,
      INTAKE_IMAP_URL: wrong,
      INTAKE_SMTP_URL: 'smtp://127.0.0.1:1',
      NODE_ENV: 'production',
      INTAKE_SECRET_KEY: '',
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL +secret key +INTAKE_SECRET_KEY is required in production$/m);
    expect(stdout).toMatch(/^FAIL +imap +imap_auth_failed: connecting: authentication failed/m);
    expect(stdout).toMatch(/^FAIL +smtp +.*ECONNREFUSED/m);
    expect(stdout).toMatch(/^ok +database/m);
    expect(stdout).not.toContain('not-the-password');
  });
});
