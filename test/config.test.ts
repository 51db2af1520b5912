import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
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
