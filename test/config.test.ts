import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, maskedConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { SecretValue } from '../src/reader/secret-value.js';

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.PROVIDER_NAME).toBe('INTROSERV');
    expect(c.ownAddresses).toEqual(['support@hosting.example']);
  });

  it('adds our own extra addresses, lower-cased, to the support address', () => {
    const c = loadConfig({
      INTAKE_FROM: 'Help@Example.NET',
      INTAKE_OWN_ADDRESSES: 'noc@example.net, Billing@example.net',
    });
    expect(c.ownAddresses).toEqual(['help@example.net', 'noc@example.net', 'billing@example.net']);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        INTAKE_FROM: 'not an address',
        INTAKE_DEFAULT_LANGUAGE: 'de',
        INTAKE_MAX_MESSAGE_BYTES: '-5',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/INTAKE_FROM/);
    expect(problems).toMatch(/INTAKE_DEFAULT_LANGUAGE/);
    expect(problems).toMatch(/INTAKE_MAX_MESSAGE_BYTES/);
  });

  it('refuses an access token given both inline and as a file (which one would win is not obvious)', () => {
    expect(() =>
      loadConfig({ INTAKE_IMAP_ACCESS_TOKEN: 'abc', INTAKE_IMAP_ACCESS_TOKEN_FILE: '/run/secrets/token' }),
    ).toThrow(/INTAKE_IMAP_ACCESS_TOKEN_FILE: set INTAKE_IMAP_ACCESS_TOKEN or INTAKE_IMAP_ACCESS_TOKEN_FILE/);
    expect(
      loadConfig({ INTAKE_IMAP_ACCESS_TOKEN_FILE: '/run/secrets/token' }).INTAKE_IMAP_ACCESS_TOKEN_FILE,
    ).toBe('/run/secrets/token');
  });
});

describe('review desk settings', () => {
  it('defaults to loopback, 12-hour sessions, Secure cookies over TLS and no trusted proxy', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 8080,
      INTAKE_WEB_HOST: '127.0.0.1',
      INTAKE_WEB_SECURE_COOKIES: 'auto',
      INTAKE_WEB_TRUST_PROXY: [],
      INTAKE_WEB_SESSION_HOURS: 12,
    });
    const set = loadConfig({
      INTAKE_WEB_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16',
      INTAKE_WEB_SECURE_COOKIES: 'always',
    });
    expect(set.INTAKE_WEB_TRUST_PROXY).toEqual(['10.0.0.1', '192.168.0.0/16']);
  });

  it('refuses values it cannot use', () => {
    expect(() => loadConfig({ INTAKE_WEB_SECURE_COOKIES: 'yes' })).toThrow(/INTAKE_WEB_SECURE_COOKIES/);
    expect(() => loadConfig({ INTAKE_WEB_SESSION_HOURS: '0' })).toThrow(/INTAKE_WEB_SESSION_HOURS/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});

describe('webhook settings', () => {
  const SECRET = 'whsec-0123456789abcdef0123456789abcdef';
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return [...(error as ConfigError).problems];
    }
  };

  it('is off by default, and takes an http(s) URL with a secret of at least 32 characters', () => {
    expect(loadConfig({}).INTAKE_WEBHOOK_URL).toBeUndefined();
    const c = loadConfig({
      INTAKE_WEBHOOK_URL: 'https://helpdesk.example/hooks',
      INTAKE_WEBHOOK_SECRET: SECRET,
    });
    expect(c).toMatchObject({
      INTAKE_WEBHOOK_URL: 'https://helpdesk.example/hooks',
      INTAKE_WEBHOOK_SECRET: SECRET,
    });
    expect(
      loadConfig({ INTAKE_WEBHOOK_URL: 'http://127.0.0.1:9000/', INTAKE_WEBHOOK_SECRET: SECRET }),
    ).toBeTruthy();
  });

  it('lists every problem: another scheme, a short secret, a URL without a secret, with the rest', () => {
    expect(
      problems({ INTAKE_WEBHOOK_URL: 'ftp://helpdesk.example/', INTAKE_WEBHOOK_SECRET: 'short' }),
    ).toEqual([
      'INTAKE_WEBHOOK_URL: a URL starting with http:// or https://',
      'INTAKE_WEBHOOK_SECRET: at least 32 characters (e.g. openssl rand -hex 32)',
    ]);
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url']) {
      expect(problems({ INTAKE_WEBHOOK_URL: url, INTAKE_WEBHOOK_SECRET: SECRET })).toHaveLength(1);
    }
    const both = problems({ INTAKE_WEBHOOK_URL: 'https://helpdesk.example/', INTAKE_FROM: 'nope' });
    expect(both).toHaveLength(2);
    expect(both[1]).toBe(
      'INTAKE_WEBHOOK_SECRET: required when INTAKE_WEBHOOK_URL is set (receivers verify the signature with it)',
    );
  });

  it('masks the secret (and a password in the URL) in check-config', () => {
    const masked = maskedConfig(
      loadConfig({
        INTAKE_WEBHOOK_URL: 'https://hook:pa55@helpdesk.example/h',
        INTAKE_WEBHOOK_SECRET: SECRET,
      }),
    );
    expect(masked.INTAKE_WEBHOOK_SECRET).toBe('***');
    expect(masked.INTAKE_WEBHOOK_URL).toBe('https://hook:***@helpdesk.example/h');
    expect(JSON.stringify(masked)).not.toContain(SECRET);
    expect(JSON.stringify(masked)).not.toContain('pa55');
  });
});

describe('createLogger', () => {
  it('redacts secret-bearing keys and prints SecretValues as [secret]', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: 'info', destination: sink });
    log.info({
      msg: 'read',
      password: 'hunter2-Xy',
      account: { secret: 'Zq9-secret' },
      value: new SecretValue('Kp4!wr8Lm'),
    });
    const out = lines.join('');
    expect(out).not.toContain('hunter2-Xy');
    expect(out).not.toContain('Zq9-secret');
    expect(out).not.toContain('Kp4!wr8Lm');
    expect(out).toContain('[redacted]');
    expect(out).toContain('[secret]');
  });
});
