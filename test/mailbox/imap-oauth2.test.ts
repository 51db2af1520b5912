import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapAccessToken } from '../../src/mailbox/access-token.js';
import type { DovecotOptions } from '../support/dovecot.js';
import { useDovecot } from './support/fixture.js';
import { collector, rawMessage } from './support/mail.js';

/**
 * A real OAuth2 login: Dovecot's oauth2 passdb asks this RFC 7662 introspection endpoint about every token
 * it is given (XOAUTH2 from imapflow), and we decide which tokens are live.
 */
const live = new Set<string>();
const asked: string[] = [];
let introspection: Server;
const options: DovecotOptions = {};

beforeAll(async () => {
  introspection = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      asked.push(token);
      const user = t.dovecot.user;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(live.has(token) ? { active: true, username: user } : { active: false }));
    });
  });
  await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', resolve));
  const { port } = introspection.address() as AddressInfo;
  // Registered before useDovecot's own beforeAll, which reads the options when it starts the server.
  options.oauth2 = { introspectionUrl: `http://127.0.0.1:${port}/introspect` };
});
const t = useDovecot(options);
const dir = mkdtempSync(join(tmpdir(), 'intake-token-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => introspection.close(() => resolve()));
});

/** The mailbox URL without a password: the token is the only credential. */
const tokenUrl = (mailbox: string) => {
  const url = new URL(t.dovecot.url);
  url.password = '';
  url.pathname = `/${encodeURIComponent(mailbox)}`;
  return url.toString();
};

describe('IMAP with an OAuth2 access token (XOAUTH2 against Dovecot)', () => {
  it('logs in with the token alone and reads the mailbox', async () => {
    live.add('token-one');
    const mailbox = await t.freshMailbox();
    const { raw, messageId } = rawMessage('over OAuth2');
    await t.dovecot.append(mailbox, raw);
    const got = collector();
    const s = t.source(mailbox, { url: tokenUrl(mailbox), accessToken: 'token-one' });
    await s.start(got.onMessages);
    expect(got.messages.map((m) => m.messageId)).toEqual([messageId]);
    expect(asked).toContain('token-one');
  });

  it('a token that is no longer live fails start with imap_auth_failed, not endless retries', async () => {
    const mailbox = await t.freshMailbox();
    const s = t.source(mailbox, { url: tokenUrl(mailbox), accessToken: 'expired-token' });
    await expect(s.start(collector().onMessages)).rejects.toMatchObject({ code: 'imap_auth_failed' });
    expect(asked).toContain('expired-token');
  });

  it('INTAKE_IMAP_ACCESS_TOKEN_FILE: the file is read for each new connection, so a refreshed token is used', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'token-a\n');
    live.add('token-a');
    const token = imapAccessToken({ file });
    const mailbox = await t.freshMailbox();
    const first = t.source(mailbox, { url: tokenUrl(mailbox), accessToken: token! });
    await first.start(collector().onMessages);
    await first.close();

    // The refresher rewrites the file and the old token expires: the next connection uses the new one.
    writeFileSync(file, 'token-b\n');
    live.delete('token-a');
    live.add('token-b');
    const second = t.source(mailbox, { url: tokenUrl(mailbox), accessToken: token! });
    await second.start(collector().onMessages);
    expect(second.state).toBe('idle');
    expect(asked.slice(-3)).toContain('token-b');
  });

  it('a missing or empty token file is an authentication failure naming the file', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    await expect((imapAccessToken({ file: empty }) as () => Promise<string>)()).rejects.toMatchObject({
      code: 'imap_auth_failed',
      message: expect.stringContaining(empty),
    });
    const missing = join(dir, 'missing');
    await expect((imapAccessToken({ file: missing }) as () => Promise<string>)()).rejects.toMatchObject({
      code: 'imap_auth_failed',
    });
    expect(imapAccessToken({ token: 'x' })).toBe('x');
    expect(imapAccessToken({})).toBeUndefined();
  });
});
