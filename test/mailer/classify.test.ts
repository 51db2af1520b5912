import { createServer } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntakeError } from '../../src/errors.js';
import {
  classifySendFailure,
  isPermanentSendFailure,
  SendError,
  type SendFailureCode,
  toSendError,
} from '../../src/mailer/classify.js';
import { type ScriptedResponse, type SmtpCapture, startSmtpCapture } from '../support/smtp-capture.js';

/**
 * Every error classified here is a real nodemailer error, produced by sending through a real nodemailer pool
 * to the capture peer scripted to fail: the classifier is tested on what nodemailer actually throws, not on
 * what we believe it throws.
 */
let capture: SmtpCapture;
let authCapture: SmtpCapture;
let tlsCapture: SmtpCapture;

beforeAll(async () => {
  [capture, authCapture, tlsCapture] = await Promise.all([
    startSmtpCapture(),
    startSmtpCapture({ user: 'intake', pass: 'right' }),
    startSmtpCapture({ secure: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([capture.stop(), authCapture.stop(), tlsCapture.stop()]);
});

const message = {
  from: 'support@hosting.example',
  to: 'ann@example.com',
  subject: 'Re: test',
  text: 'Bonjour\n',
};

interface Transport {
  url?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  auth?: { user: string; pass: string };
  greetingTimeout?: number;
  socketTimeout?: number;
}

/** Sends once through a fresh nodemailer pool (its first connection) and returns what it threw. */
async function nodemailerFailure(
  transport: Transport,
  script: readonly ScriptedResponse[] = [],
  mail: Record<string, unknown> = {},
): Promise<Error> {
  const target = transport.url ? { ...transport, url: undefined, ...fromUrl(transport.url) } : transport;
  const pool = nodemailer.createTransport({
    pool: true,
    maxRequeues: 0,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 5_000,
    ...target,
  });
  capture.script(script);
  try {
    await pool.sendMail({ ...message, ...mail });
  } catch (err) {
    return err as Error;
  } finally {
    pool.close({ force: true });
  }
  throw new Error('the send was expected to fail');
}

function fromUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Expected = { code: SendFailureCode; permanent: boolean; possiblyDelivered: boolean };
const transient = (code: SendFailureCode = 'smtp_transient', possiblyDelivered = false): Expected => ({
  code,
  permanent: false,
  possiblyDelivered,
});
const permanent: Expected = { code: 'smtp_permanent', permanent: true, possiblyDelivered: false };

describe('classifySendFailure on real nodemailer errors: SMTP replies', () => {
  const cases: Array<[string, ScriptedResponse[], Expected, number]> = [
    ['421 to RCPT TO', [{ stage: 'rcpt', code: 421 }], transient(), 421],
    ['450 to RCPT TO', [{ stage: 'rcpt', code: 450 }], transient(), 450],
    ['451 to RCPT TO', [{ stage: 'rcpt', code: 451 }], transient(), 451],
    ['452 to RCPT TO', [{ stage: 'rcpt', code: 452 }], transient(), 452],
    ['550 for the recipient', [{ stage: 'rcpt', code: 550, recipient: 'ann@example.com' }], permanent, 550],
    ['553 for the recipient', [{ stage: 'rcpt', code: 553 }], permanent, 553],
    ['421 to MAIL FROM', [{ stage: 'mail', code: 421 }], transient(), 421],
    ['421 after DATA', [{ stage: 'data', code: 421 }], transient(), 421],
    ['451 after DATA', [{ stage: 'data', code: 451 }], transient(), 451],
    ['552 after DATA', [{ stage: 'data', code: 552 }], permanent, 552],
    ['554 after DATA', [{ stage: 'data', code: 554 }], permanent, 554],
    ['421 greeting', [{ stage: 'connect', code: 421 }], transient(), 421],
    // The server refuses us, not this message: every reply would fail until an operator acts.
    ['554 greeting', [{ stage: 'connect', code: 554 }], transient('smtp_config'), 554],
    ['550 to MAIL FROM (our sender refused)', [{ stage: 'mail', code: 550 }], transient('smtp_config'), 550],
  ];
  for (const [name, script, expected, responseCode] of cases) {
    it(`${name} → ${expected.code}`, async () => {
      const err = await nodemailerFailure({ url: capture.url }, script);
      const failure = classifySendFailure(err);
      expect(failure).toMatchObject({ ...expected, responseCode });
      expect(isPermanentSendFailure(err)).toBe(expected.permanent);
    });
  }

  it('a rejected recipient keeps the recipient and the reply on the original error', async () => {
    const err = await nodemailerFailure({ url: capture.url }, [{ stage: 'rcpt', code: 550 }]);
    const wrapped = toSendError(err);
    expect(wrapped).toBeInstanceOf(SendError);
    expect(wrapped).toBeInstanceOf(IntakeError);
    expect(wrapped.code).toBe('smtp_permanent');
    expect(wrapped.cause).toBe(err);
    expect(wrapped.failure.command).toBe('RCPT TO');
    expect(wrapped.failure.response).toMatch(/^550 /);
    expect(err).toMatchObject({ rejected: ['ann@example.com'] });
    expect(toSendError(wrapped)).toBe(wrapped);
    expect(classifySendFailure(wrapped)).toBe(wrapped.failure);
  });
});

describe('classifySendFailure on real nodemailer errors: connections and timeouts', () => {
  it('connection refused → smtp_connection, nothing was sent', async () => {
    const err = await nodemailerFailure({ host: '127.0.0.1', port: await closedPort() });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_connection', false));
  });

  it('a name that does not resolve → smtp_connection, nothing was sent', async () => {
    const err = await nodemailerFailure({ host: 'smtp.intake-test.invalid', port: 25 });
    expect(err).toMatchObject({ code: 'EDNS' });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_connection', false));
  });

  it('a reset after DATA → smtp_connection, possibly delivered', async () => {
    const err = await nodemailerFailure({ url: capture.url }, [{ stage: 'data', reset: true }]);
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_connection', true));
  });

  it('a reset during the envelope → smtp_connection (conservatively possibly delivered)', async () => {
    const err = await nodemailerFailure({ url: capture.url }, [{ stage: 'rcpt', reset: true }]);
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_connection', true));
  });

  it('no answer after DATA → smtp_timeout, possibly delivered', async () => {
    const err = await nodemailerFailure({ url: capture.url, socketTimeout: 300 }, [
      { stage: 'data', hang: true },
    ]);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_timeout', true));
  });

  it('no greeting → smtp_timeout, nothing was sent', async () => {
    const err = await nodemailerFailure({ url: capture.url, greetingTimeout: 300 }, [
      { stage: 'connect', hang: true },
    ]);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_timeout', false));
  });

  it('a send deadline (AbortSignal timeout) → smtp_timeout; a caller abort → smtp_transient', async () => {
    const timedOut = await nodemailerFailure({ url: capture.url }, [{ stage: 'data', hang: true }], {
      signal: AbortSignal.timeout(300),
    });
    expect(timedOut).toMatchObject({ code: 'EABORT' });
    expect(classifySendFailure(timedOut)).toMatchObject(transient('smtp_timeout', true));

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const aborted = await nodemailerFailure({ url: capture.url }, [{ stage: 'data', hang: true }], {
      signal: controller.signal,
    });
    expect(classifySendFailure(aborted)).toMatchObject(transient('smtp_transient', true));
  });
});

describe('classifySendFailure on real nodemailer errors: configuration and invalid messages', () => {
  it('wrong credentials → smtp_config (transient: the reply waits for the fix)', async () => {
    const err = await nodemailerFailure({
      ...fromUrl(authCapture.url),
      auth: { user: 'intake', pass: 'wrong' },
    });
    expect(err).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_config', false));
  });

  it('no credentials where AUTH is required (530) → smtp_config', async () => {
    const err = await nodemailerFailure(fromUrl(authCapture.url));
    expect(err).toMatchObject({ responseCode: 530 });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_config', false));
  });

  it('an untrusted certificate → smtp_config', async () => {
    const err = await nodemailerFailure({ ...fromUrl(tlsCapture.url), secure: true });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_config', false));
  });

  it('implicit TLS against a plain-text port → smtp_config', async () => {
    const err = await nodemailerFailure({ ...fromUrl(capture.url), secure: true });
    expect(classifySendFailure(err)).toMatchObject(transient('smtp_config', false));
  });

  it('a message without a recipient → reply_invalid, permanent', async () => {
    const err = await nodemailerFailure({ url: capture.url }, [], { to: [] });
    expect(err).toMatchObject({ code: 'EENVELOPE', command: 'API' });
    expect(classifySendFailure(err)).toMatchObject({
      code: 'reply_invalid',
      permanent: true,
      possiblyDelivered: false,
    });
  });

  it('anything else is retried, and never assumed undelivered', () => {
    for (const err of [new Error('boom'), 'a string', null, undefined, { code: 42 }]) {
      expect(classifySendFailure(err)).toMatchObject(transient('smtp_transient', true));
      expect(isPermanentSendFailure(err)).toBe(false);
      expect(toSendError(err).cause).toBe(err);
    }
  });
});
