import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SendError } from '../../src/mailer/classify.js';
import { createMailer, type Mailer } from '../../src/mailer/smtp-mailer.js';
import { type SmtpCapture, startSmtpCapture } from '../support/smtp-capture.js';
import { replyFixture, SUPPORT } from './reply-fixture.js';

let capture: SmtpCapture;
let mailer: Mailer;

beforeAll(async () => {
  capture = await startSmtpCapture();
  mailer = createMailer({ url: capture.url });
});
afterAll(async () => {
  await mailer.close();
  await capture.stop();
});
beforeEach(() => capture.clear());

/** The header block of a raw message, unfolded, without the trace headers a relay would add. */
function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

async function sendFailure(m: Mailer, ...args: Parameters<Mailer['send']>): Promise<SendError> {
  try {
    await m.send(...args);
  } catch (err) {
    expect(err).toBeInstanceOf(SendError);
    return err as SendError;
  }
  throw new Error('the send was expected to fail');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createMailer: the message', () => {
  it('arrives threaded: our Message-ID, In-Reply-To, References, Auto-Submitted, text and html, to the customer alone', async () => {
    const reply = replyFixture();
    const result = await mailer.send(reply, `Support INTROSERV <${SUPPORT}>`);
    const [message] = await capture.waitFor(1);

    expect(result.response).toMatch(/^250 /);
    expect(result.accepted).toEqual(['ann@example.com']);
    expect(result.rejected).toEqual([]);
    expect(result.messageId).toBe(reply.messageId);
    expect(message!.envelope).toEqual({ mailFrom: SUPPORT, rcptTo: ['ann@example.com'] });
    expect(message!.messageId).toBe(reply.messageId);
    expect(message!.inReplyTo).toBe('<m2@example.com>');
    expect(message!.references).toEqual(reply.references);
    expect(message!.header('auto-submitted')).toBe('auto-replied');
    expect(message!.header('x-auto-response-suppress')).toBe('All');
    expect(message!.header('from')).toBe(`Support INTROSERV <${SUPPORT}>`);
    expect(message!.to).toEqual(['ann@example.com']);
    expect(message!.headers.cc).toBeUndefined();
    expect(message!.headers['x-mailer']).toBeUndefined();
    expect(message!.subject).toBe('Re: Serveur planté [INT-000007]');
    expect(message!.header('content-type')).toMatch(/^multipart\/alternative;/);
    expect(message!.text).toBe(reply.text);
    expect(message!.html).toBe(reply.html);
    expect(message!.header('date')).toBe('Fri, 20 Nov 2026 09:30:00 +0000');
  });

  it("the capture's headers-only mode (the bench's) reads the same ids and headers as the full parse", async () => {
    const light = await startSmtpCapture({ parse: 'headers' });
    const lightMailer = createMailer({ url: light.url });
    try {
      const references = Array.from({ length: 30 }, (_, i) => `<message.${i}.${'x'.repeat(20)}@example.com>`);
      const reply = replyFixture({ references, inReplyTo: references.at(-1)! });
      await lightMailer.send(reply, SUPPORT);
      await mailer.send(reply, SUPPORT);
      const [quick] = await light.waitFor(1);
      const [full] = await capture.waitFor(1);
      expect(quick!.messageId).toBe(full!.messageId);
      expect(quick!.inReplyTo).toBe(full!.inReplyTo);
      expect(quick!.references).toEqual(full!.references);
      expect(quick!.to).toEqual(full!.to);
      expect(quick!.header('auto-submitted')).toBe(full!.header('auto-submitted'));
      // Left undone on purpose: the body, and decoding encoded words.
      expect(quick!.text).toBe('');
      expect(quick!.subject).toMatch(/^=\?UTF-8\?/i);
    } finally {
      await lightMailer.close();
      await light.stop();
    }
  });

  it('folds a long References header and keeps every id', async () => {
    const references = Array.from({ length: 30 }, (_, i) => `<message.${i}.${'x'.repeat(20)}@example.com>`);
    await mailer.send(replyFixture({ references, inReplyTo: references.at(-1)! }), SUPPORT);
    const [message] = await capture.waitFor(1);
    const block = headerBlock(message!.raw);
    for (const line of block.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(block).toMatch(/^References: <message\.0\./m);
    expect(message!.references).toEqual(references);
  });

  it('buildRaw gives the exact bytes the peer received, and again the same bytes later (a resend is the same message)', async () => {
    const reply = replyFixture();
    const result = await mailer.send(reply, SUPPORT);
    const [message] = await capture.waitFor(1);
    const built = await mailer.buildRaw(reply, SUPPORT);
    // smtp-server adds no Received header; a relay would prepend trace headers, which we strip to compare.
    const withoutTrace = (raw: Buffer) =>
      raw.toString('latin1').replace(/^(?:Received:.*\r\n(?:[ \t].*\r\n)*)+/, '');
    expect(withoutTrace(message!.raw)).toBe(withoutTrace(built));
    expect(message!.raw.equals(built)).toBe(true);
    expect(result.raw.equals(built)).toBe(true);
    expect(built.includes('\r\n')).toBe(true);
    expect(/[^\r]\n/.test(built.toString('latin1'))).toBe(false);

    await mailer.send(reply, SUPPORT);
    const [, again] = await capture.waitFor(2);
    expect(again!.raw.equals(message!.raw)).toBe(true);
  });

  it('a stored header may not replace the headers the mailer builds', async () => {
    const forbidden: Record<string, string>[] = [
      { To: 'x@example.org' },
      { Bcc: 'x@example.org' },
      { 'X-Bad': 'a\r\nBcc: x@example.org' },
      { 'Bad Name': 'x' },
    ];
    for (const headers of forbidden) {
      const err = await sendFailure(mailer, replyFixture({ headers }), SUPPORT);
      expect(err.code).toBe('reply_invalid');
      expect(err.permanent).toBe(true);
      expect(err.possiblyDelivered).toBe(false);
    }
    const err = await sendFailure(
      mailer,
      replyFixture({ to: 'Ann <ann@example.com>, bob@example.com' }),
      SUPPORT,
    );
    expect(err.code).toBe('reply_invalid');
    expect(capture.messages).toHaveLength(0);
  });

  it('keeps odd customer ids, drops only those that would break the header, and flattens a broken subject', async () => {
    await mailer.send(
      replyFixture({
        inReplyTo: '20261120.abc.no-at',
        references: ['<ok@example.com>', '<has space@example.com>', '', '20261120.abc.no-at'],
        subject: 'Re: line\r\nBcc: x@example.org',
      }),
      SUPPORT,
    );
    const [message] = await capture.waitFor(1);
    expect(message!.inReplyTo).toBe('<20261120.abc.no-at>');
    expect(message!.references).toEqual(['<ok@example.com>', '<20261120.abc.no-at>']);
    expect(message!.subject).toBe('Re: line Bcc: x@example.org');
    expect(message!.headers.bcc).toBeUndefined();
  });

  it('an internationalised domain goes out in punycode, in the envelope as in the To header', async () => {
    await mailer.send(replyFixture({ to: 'client@exämple.fr' }), `Support <${SUPPORT}>`);
    const [message] = await capture.waitFor(1);
    // smtp-server turns the RCPT TO domain back into Unicode: the envelope is checked in build-message.test.ts.
    expect(message!.envelope.rcptTo).toEqual(['client@exämple.fr']);
    // The header as written on the wire (a parser would show it back in Unicode).
    expect(message!.header('to')).toBe('client@xn--exmple-cua.fr');
  });

  it('always says Auto-Submitted: auto-replied, once, whatever the stored reply has', async () => {
    await mailer.send(replyFixture({ headers: {} }), SUPPORT);
    await mailer.send(replyFixture({ headers: { 'auto-submitted': 'no', 'X-Loop': SUPPORT } }), SUPPORT);
    const [bare, overridden] = await capture.waitFor(2);
    expect(bare!.headers['auto-submitted']).toEqual(['auto-replied']);
    expect(overridden!.headers['auto-submitted']).toEqual(['auto-replied']);
    expect(overridden!.header('x-loop')).toBe(SUPPORT);
  });
});

describe('createMailer: pooled sending', () => {
  it('sends 200 replies through a few reused connections, fast', async () => {
    // 500 per connection so that the count of connections below is exact (the default replaces one every 100).
    const pooled = createMailer({ url: capture.url, maxMessagesPerConnection: 500 });
    const before = capture.connections;
    const batch = async (label: string, offset: number) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          pooled.send(replyFixture({ messageId: `<reply.${offset + i}@intake.hosting.example>` }), SUPPORT),
        ),
      );
      const elapsed = performance.now() - started;
      const rate = (200 / elapsed) * 1000;
      console.log(
        `pooled SMTP, ${label}: 200 replies in ${elapsed.toFixed(0)} ms = ${rate.toFixed(0)} msg/s ` +
          `(maxConnections ${pooled.limits.maxConnections})`,
      );
      return rate;
    };
    // The first batch pays for opening the connections (100 ms greeting each, in parallel) and a cold JIT.
    const cold = await batch('connections opened', 0);
    const warm = await batch('connections reused', 200);
    const messages = await capture.waitFor(400);
    await pooled.close();
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(400);
    expect(capture.connections - before).toBeLessThanOrEqual(pooled.limits.maxConnections);
    // Unpooled, the peer's 100 ms greeting delay caps this at about 10 msg/s.
    expect(cold).toBeGreaterThan(100);
    expect(warm).toBeGreaterThan(100);
  });
});

describe('createMailer: failures', () => {
  it('421 then 250: the first attempt fails transient, the retry succeeds', async () => {
    // A fresh pool: its first connection has sent nothing yet, so the 421 comes back to the caller.
    const fresh = createMailer({ url: capture.url });
    capture.script([{ stage: 'rcpt', code: 421 }]);
    const reply = replyFixture();
    const err = await sendFailure(fresh, reply, SUPPORT);
    expect(err.code).toBe('smtp_transient');
    expect(err.permanent).toBe(false);
    expect(err.possiblyDelivered).toBe(false);
    expect(err.failure.responseCode).toBe(421);
    expect(err.cause).toMatchObject({ responseCode: 421 });

    const result = await fresh.send(reply, SUPPORT);
    await fresh.close();
    expect(result.response).toMatch(/^250 /);
    const [message] = await capture.waitFor(1);
    expect(message!.messageId).toBe(reply.messageId);
    expect(capture.events.map((e) => [e.stage, e.code])).toEqual([['rcpt', 421]]);
  });

  it('a reused pooled connection that gets 421 before DATA: the pool resends once on a new connection', async () => {
    const pooled = createMailer({ url: capture.url, maxConnections: 1 });
    await pooled.send(replyFixture({ messageId: '<warm@intake.hosting.example>' }), SUPPORT);
    capture.script([{ stage: 'rcpt', code: 421 }]);
    const result = await pooled.send(replyFixture(), SUPPORT);
    await pooled.close();
    expect(result.response).toMatch(/^250 /);
    const messages = await capture.waitFor(2);
    expect(messages.filter((m) => m.messageId === replyFixture().messageId)).toHaveLength(1);
    expect(capture.events.map((e) => [e.stage, e.code])).toEqual([['rcpt', 421]]);
  });

  it('451 after DATA is transient; 550 for the recipient and 554 after DATA are permanent', async () => {
    capture.script([{ stage: 'data', code: 451 }]);
    expect((await sendFailure(mailer, replyFixture(), SUPPORT)).code).toBe('smtp_transient');

    capture.script([{ stage: 'rcpt', code: 550, recipient: 'ann@example.com' }]);
    const rejected = await sendFailure(mailer, replyFixture(), SUPPORT);
    expect(rejected.code).toBe('smtp_permanent');
    expect(rejected.permanent).toBe(true);
    expect(rejected.failure).toMatchObject({
      responseCode: 550,
      command: 'RCPT TO',
      possiblyDelivered: false,
    });
    expect(rejected.cause).toMatchObject({ rejected: ['ann@example.com'] });

    capture.script([{ stage: 'data', code: 554 }]);
    expect((await sendFailure(mailer, replyFixture(), SUPPORT)).code).toBe('smtp_permanent');
    expect(capture.messages).toHaveLength(0);
  });

  it('a server that stops answering after DATA: a transient timeout within the socket timeout, maybe delivered', async () => {
    const impatient = createMailer({ url: capture.url, socketTimeoutMs: 400 });
    capture.script([{ stage: 'data', hang: true }]);
    const started = performance.now();
    const err = await sendFailure(impatient, replyFixture(), SUPPORT);
    const elapsed = performance.now() - started;
    await impatient.close();
    expect(err.code).toBe('smtp_timeout');
    expect(err.permanent).toBe(false);
    expect(err.possiblyDelivered).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(400 + 1_000);
  });

  it('a server that took the message but never answered: the sender times out, the message was delivered', async () => {
    const impatient = createMailer({ url: capture.url, socketTimeoutMs: 400 });
    capture.script([{ stage: 'data', hang: true, keep: true }]);
    const reply = replyFixture();
    const err = await sendFailure(impatient, reply, SUPPORT);
    await impatient.close();
    expect(err.code).toBe('smtp_timeout');
    expect(err.possiblyDelivered).toBe(true);
    // What the scenario of a lost answer needs: a second send would show as a second copy.
    const [kept] = await capture.waitFor(1, 2_000);
    expect(kept!.messageId).toBe(reply.messageId);
    expect(capture.events.map((e) => [e.stage, e.code])).toEqual([['data', 'hang']]);
  });

  it('a server that never greets: a transient timeout within the greeting timeout, not delivered', async () => {
    const impatient = createMailer({ url: capture.url, greetingTimeoutMs: 300, socketTimeoutMs: 5_000 });
    capture.script([{ stage: 'connect', hang: true }]);
    const started = performance.now();
    const err = await sendFailure(impatient, replyFixture(), SUPPORT);
    const elapsed = performance.now() - started;
    await impatient.close();
    expect(err.code).toBe('smtp_timeout');
    expect(err.possiblyDelivered).toBe(false);
    expect(err.failure.command).toBe('CONN');
    expect(elapsed).toBeLessThan(300 + 1_000);
  });

  it('the whole-send deadline ends a send the socket timeout would let hang', async () => {
    const impatient = createMailer({ url: capture.url, socketTimeoutMs: 10_000, sendTimeoutMs: 500 });
    capture.script([{ stage: 'data', hang: true }]);
    const started = performance.now();
    const err = await sendFailure(impatient, replyFixture(), SUPPORT);
    const elapsed = performance.now() - started;
    await impatient.close({ force: true });
    expect(err.code).toBe('smtp_timeout');
    expect(err.possiblyDelivered).toBe(true);
    expect(elapsed).toBeLessThan(500 + 1_000);
  });

  it('a send cancelled by the caller (shutdown) is transient', async () => {
    const controller = new AbortController();
    capture.script([{ stage: 'data', hang: true }]);
    const pending = sendFailure(mailer, replyFixture(), SUPPORT, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const err = await pending;
    expect(err.code).toBe('smtp_transient');
    expect(err.possiblyDelivered).toBe(true);
  });

  it('nobody listening: a transient connection error, not delivered; verify() says the same', async () => {
    const port = await closedPort();
    const nowhere = createMailer({ url: `smtp://127.0.0.1:${port}` });
    const err = await sendFailure(nowhere, replyFixture(), SUPPORT);
    expect(err.code).toBe('smtp_connection');
    expect(err.possiblyDelivered).toBe(false);
    await expect(nowhere.verify()).rejects.toMatchObject({ code: 'smtp_connection' });
    await nowhere.close();
    await expect(mailer.verify()).resolves.toBeUndefined();
  });
});

describe('createMailer: authentication and TLS', () => {
  it('logs in with URL-encoded credentials; a wrong password is a configuration error, not a dead reply', async () => {
    const user = 'intake@hosting.example';
    const pass = 'p@ss/w:rd %?#';
    const guarded = await startSmtpCapture({ user, pass });
    try {
      expect(guarded.url).toContain(encodeURIComponent(pass));
      const good = createMailer({ url: guarded.url });
      await good.verify();
      await good.send(replyFixture(), SUPPORT);
      await guarded.waitFor(1);
      await good.close();

      const bad = createMailer({ url: guarded.url.replace(encodeURIComponent(pass), 'wrong') });
      const err = await sendFailure(bad, replyFixture(), SUPPORT);
      expect(err.code).toBe('smtp_config');
      expect(err.permanent).toBe(false);
      await expect(bad.verify()).rejects.toMatchObject({ code: 'smtp_config' });
      await bad.close();

      const anonymous = createMailer({ url: `smtp://127.0.0.1:${guarded.port}` });
      const refused = await sendFailure(anonymous, replyFixture(), SUPPORT);
      expect(refused.permanent).toBe(false);
      await anonymous.close();
      expect(guarded.messages).toHaveLength(1);
    } finally {
      await guarded.stop();
    }
  });

  it('smtps:// uses implicit TLS; an untrusted certificate is refused unless the URL says otherwise', async () => {
    const tls = await startSmtpCapture({ secure: true });
    try {
      expect(tls.url.startsWith('smtps://')).toBe(true);
      const strict = createMailer({ url: tls.url });
      const err = await sendFailure(strict, replyFixture(), SUPPORT);
      expect(err.code).toBe('smtp_config');
      await strict.close();

      const lenient = createMailer({ url: `${tls.url}?rejectUnauthorized=false` });
      await lenient.send(replyFixture(), SUPPORT);
      const [message] = await tls.waitFor(1);
      expect(message!.messageId).toBe(replyFixture().messageId);
      await lenient.close();
    } finally {
      await tls.stop();
    }
  });
});
