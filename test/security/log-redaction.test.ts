import { describe, expect, it } from 'vitest';
import { loadConfig, MASKED_KEYS } from '../../src/config.js';
import { createLogger, REDACT_PATHS } from '../../src/log.js';
import { SecretValue } from '../../src/reader/secret-value.js';

const SECRET = 'Redact-Me-9q!Zt';

/** The production logger at trace, writing to an array of parsed lines. */
function capture() {
  const lines: string[] = [];
  const log = createLogger({
    level: 'trace',
    destination: {
      write(line: string) {
        lines.push(line);
      },
    },
  });
  return { log, lines };
}

/** `{a: {b: value}}` for the path `a.b`; a `*` segment becomes a key of our choosing. */
function objectAt(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key === '*' ? 'nested' : key]: inner }), value) as Record<
    string,
    unknown
  >;
}

describe('the production logger redacts', () => {
  it.each(REDACT_PATHS)('%s', (path) => {
    const { log, lines } = capture();
    log.trace(objectAt(path, SECRET), 'redaction check');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain('[redacted]');
  });

  it('the configuration logged whole, secrets and URL passwords included', () => {
    const config = loadConfig({
      INTAKE_IMAP_URL: `imap://support:${SECRET}@imap.example:143/INBOX`,
      INTAKE_SMTP_URL: `smtp://relay:${SECRET}@smtp.example:587`,
      REDIS_URL: `redis://:${SECRET}@redis.example:6379`,
      DATABASE_URL: `postgres://intake:${SECRET}@db.example/intake`,
      INTAKE_SECRET_KEY: `${SECRET}${'0'.repeat(40)}`,
      INTAKE_IMAP_ACCESS_TOKEN: SECRET,
      INTAKE_WEBHOOK_URL: `https://hook:${SECRET}@hooks.example/in`,
      INTAKE_WEBHOOK_SECRET: `${SECRET}${'x'.repeat(32)}`,
    });
    const { log, lines } = capture();
    log.info(config, 'configuration');
    log.info({ config }, 'configuration, nested');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(SECRET);
    for (const key of Object.keys(MASKED_KEYS)) expect(lines[0]).toContain(`"${key}":"[redacted]"`);
  });

  it("an error carrying its client's credentials (imapflow and nodemailer options: auth.pass)", () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('Invalid login'), {
      auth: { user: 'support', pass: SECRET },
      options: { accessToken: SECRET, password: SECRET },
    });
    log.warn({ msg: 'IMAP watch connection failed', err });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain('Invalid login');
  });

  it('a SecretValue anywhere, at any depth, prints masked', () => {
    const { log, lines } = capture();
    const value = new SecretValue(SECRET);
    log.debug({ value, deep: { deeper: { list: [value] } } }, `and in the message ${value}`);
    log.info({ err: new Error(`failed with ${value}`) }, 'error');
    expect(lines.join('')).not.toContain(SECRET);
    expect(lines.join('')).toContain('[secret]');
  });
});
