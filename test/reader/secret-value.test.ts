import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../src/reader/secret-value.js';

const PLAIN = 'Xk29!pq#Secret';

describe('SecretValue', () => {
  const secret = new SecretValue(PLAIN);

  it('gives its value only through reveal()', () => {
    expect(secret.reveal()).toBe(PLAIN);
  });

  it('prints [secret] however it is turned into text', () => {
    const renderings = [
      JSON.stringify(secret),
      JSON.stringify({ nested: { secret } }),
      inspect(secret),
      inspect({ deep: [{ secret }] }, { depth: 10 }),
      inspect(secret, { showHidden: true, customInspect: false }),
      `${secret}`,
      String(secret),
      // biome-ignore lint/style/useTemplate: concatenation is one of the ways under test
      '' + secret,
      secret.toString(),
      String(secret.valueOf()),
      format('%s %o %O %j', secret, secret, secret, secret),
      JSON.stringify({ ...secret }),
      JSON.stringify(structuredClone(secret)),
      Object.keys(secret).join(','),
    ];
    for (const text of renderings) expect(text).not.toContain(PLAIN);
    expect(JSON.stringify(secret)).toBe('"[secret]"');
    expect(inspect(secret)).toBe('[secret]');
    expect(`${secret}`).toBe('[secret]');
    expect(String(secret)).toBe('[secret]');
    expect(secret.valueOf()).toBe('[secret]');
  });

  it('prints [secret] through pino, in bindings, objects and messages', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = pino({ base: { secret } }, destination);
    logger.info({ secret, nested: { list: [secret] } }, 'connecting with %s', secret);
    logger.child({ secret }).warn(`template ${secret}`);
    await new Promise((resolve) => setImmediate(resolve));
    const out = lines.join('');
    expect(lines).toHaveLength(2);
    expect(out).not.toContain(PLAIN);
    expect(out).toContain('[secret]');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(secret)).toBe(true);
    expect(() => {
      (secret as unknown as { extra: number }).extra = 1;
    }).toThrow(TypeError);
  });

  it('hashes and compares without exposing the value', () => {
    expect(secret.sha256()).toBe(createHash('sha256').update(PLAIN).digest('hex'));
    expect(secret.sha256()).toMatch(/^[0-9a-f]{64}$/);
    expect(secret.equals(new SecretValue(PLAIN))).toBe(true);
    expect(secret.equals(new SecretValue(`${PLAIN}x`))).toBe(false);
    expect(secret.equals(new SecretValue('Xk29!pq#Secreu'))).toBe(false);
    expect(new SecretValue('é').equals(new SecretValue('e\u0301'))).toBe(false);
  });
});
