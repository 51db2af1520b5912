import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { runWorker } from '../../src/worker/run-worker.js';
import { customerMail } from '../support/customer-mail.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { eventually, type Harness, SECRET_KEY, startHarness } from '../support/worker-harness.js';
import { linesWithSecrets, type SecretFixture, secretFixtures } from './fixture-secrets.js';

/**
 * Every fixture holding a password or a console login goes through the real worker (Dovecot, Redis, SQLite,
 * an SMTP peer) with the log at `trace`, together with messages that take the error paths (quarantined as
 * too large and as not a message, a reply refused with 550, one deferred with 421, a webhook event refused
 * with 500 then delivered); no log line, at any
 * level, may contain a secret value, nor a password or key of the configuration. Run in process (the
 * production logger and its redaction, writing to a buffer) and as the spawned `intake worker`.
 */

const SMTP_USER = 'intake-relay';
const SMTP_PASS = 'Smtp-Relay-Pass-7Qx!';
const MAX_BYTES = 300_000;
const WEBHOOK_PASS = 'Hook-Basic-Pass-3Zq';
const WEBHOOK_SECRET = `whsec_${'Kq7'.repeat(12)}`;

/** Our own messages for the error paths, each with a secret of its own. */
const ERROR_SECRETS = {
  refused: 'Refus-550-Kx9!Vague',
  deferred: 'Attente-421-Ordre#Lm',
  tooLarge: 'Trop-Gros-88$Wq-Zt',
  malformed: 'Malforme-Qz7#Lp-Np',
};

function errorMessages(): { name: string; raw: string }[] {
  const request = (who: string, secret: string) =>
    customerMail({
      from: `Customer <${who}>`,
      subject: 'Reinstall please',
      body: `Hello,\n\nPlease reinstall Debian 12 on 198.51.100.77.\nThe root password is: ${secret}\n\nRegards`,
    }).raw;
  const padding = `${'Log line pasted by the customer, long enough to make the message too large. '.repeat(
    5,
  )}\n`.repeat(Math.ceil((MAX_BYTES * 1.3) / 380));
  const large = customerMail({
    from: 'Customer <large@customer-large.example>',
    subject: 'Logs attached inline',
    body: `Hello,\n\nmot de passe root : ${ERROR_SECRETS.tooLarge}\n\n${padding}`,
  }).raw;
  return [
    { name: 'smtp-550', raw: request('refused@customer550.example', ERROR_SECRETS.refused) },
    { name: 'smtp-421', raw: request('later@customer421.example', ERROR_SECRETS.deferred) },
    { name: 'too-large', raw: large },
    // No header a message has (From, Date, Subject, …): refused as message_not_rfc5322.
    {
      name: 'not-a-message',
      raw: `X-Garbage: yes\r\n\r\nmot de passe root : ${ERROR_SECRETS.malformed}\r\n`,
    },
  ];
}

let fixtures: SecretFixture[] = [];
beforeAll(async () => {
  fixtures = await secretFixtures();
});

let h: Harness | null = null;
let hooks: WebhookReceiver | null = null;
afterEach(async () => {
  await h?.stop();
  await hooks?.close();
  h = null;
  hooks = null;
});

/** The installation, with a webhook receiver behind Basic authentication that refuses the first event. */
async function harness(): Promise<Harness> {
  hooks = await startWebhookReceiver();
  hooks.answers.push(500);
  const hookUrl = new URL(hooks.url);
  hookUrl.username = 'intake';
  hookUrl.password = WEBHOOK_PASS;
  return startHarness({
    env: {
      INTAKE_MAX_MESSAGE_BYTES: String(MAX_BYTES),
      INTAKE_TAKEOVER_MS: '2000',
      INTAKE_SMTP_TIMEOUT_MS: '5000',
      INTAKE_WEBHOOK_URL: hookUrl.toString(),
      INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    smtp: { user: SMTP_USER, pass: SMTP_PASS },
  });
}

/** Appends every message, scripts the SMTP refusals, and waits until all of them are filed and settled. */
async function exercise(h: Harness): Promise<number> {
  h.smtp.script([
    { stage: 'rcpt', code: 550, recipient: 'refused@customer550.example' },
    { stage: 'rcpt', code: 421, recipient: 'later@customer421.example' },
  ]);
  const all = [...fixtures.map((f) => ({ name: f.file, raw: f.raw })), ...errorMessages()];
  for (const m of all) await h.dovecot.append('INBOX', m.raw);
  const store = await h.openStore();
  let seen = '';
  try {
    await eventually(
      async () => {
        const inbox = (await h.dovecot.list('INBOX')).length;
        const filed =
          (await h.dovecot.list('Processed')).length + (await h.dovecot.list('Quarantine')).length;
        const unsettled = (await store.listUnsettledReplies(1_000)).length;
        const codes = h.smtp.events.map((e) => e.code);
        seen = `INBOX ${inbox}, filed ${filed}/${all.length}, unsettled ${unsettled}, smtp events ${codes}`;
        return inbox === 0 &&
          filed === all.length &&
          unsettled === 0 &&
          codes.includes(550) &&
          codes.includes(421)
          ? true
          : undefined;
      },
      120_000,
      'every message filed and every reply settled',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${seen}`);
    });
    // The error paths were taken: two quarantined messages, one reply refused for good.
    const quarantined = await store.listQuarantine(10, { includeResolved: true });
    expect(quarantined.map((q) => q.code).sort()).toEqual(['message_not_rfc5322', 'message_too_large']);
    // What the desk shows of them holds no secret either.
    expect(linesWithSecrets(quarantined.map((q) => q.reason).join('\n'), secretValues(h))).toEqual([]);
  } finally {
    await store.close();
  }
  return all.length;
}

/** Every value no log line may contain: the customers' secrets and the configuration's. */
function secretValues(h: Harness): string[] {
  return [
    ...fixtures.flatMap((f) => f.values),
    ...Object.values(ERROR_SECRETS),
    h.dovecot.password,
    SMTP_PASS,
    SECRET_KEY,
    WEBHOOK_PASS,
    WEBHOOK_SECRET,
  ];
}

function assertNoSecret(h: Harness, log: string): void {
  const lines = log.split('\n').filter((l) => l.trim() !== '');
  // The log was at trace (debug lines are there) and the error paths logged.
  expect(lines.some((l) => l.includes('"level":20'))).toBe(true);
  expect(lines.filter((l) => l.includes('message quarantined'))).toHaveLength(2);
  expect(lines.some((l) => l.includes('reply refused permanently'))).toBe(true);
  expect(lines.some((l) => l.includes('worker stopped'))).toBe(true);
  expect(linesWithSecrets(log, secretValues(h))).toEqual([]);
  // Nor did a reply repeat one.
  const replies = h.smtp.messages.map((m) => m.raw.toString('utf8')).join('\n');
  expect(linesWithSecrets(replies, secretValues(h))).toEqual([]);
  // Nor a webhook event.
  const events = hooks!.received.map((r) => r.body.toString('utf8')).join('\n');
  expect(linesWithSecrets(events, secretValues(h))).toEqual([]);
}

describe('no secret in any log line', () => {
  it('finds the secrets of the fixtures, as their expectations list them', () => {
    // The collection must be real for the checks below to mean anything.
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    for (const f of fixtures) {
      expect(f.values.length, f.file).toBeGreaterThan(0);
      for (const sha of f.expectedSha256) expect(f.sha256, f.file).toContain(sha);
    }
    expect(fixtures.filter((f) => f.expectedSha256.length > 0).length).toBeGreaterThanOrEqual(7);
  });

  it('in process, with the production logger at trace', async () => {
    h = await harness();
    const chunks: string[] = [];
    const log = createLogger({
      level: 'trace',
      destination: {
        write(line: string) {
          chunks.push(line);
        },
      },
    });
    const worker = await runWorker(h.config, log);
    try {
      await exercise(h);
    } finally {
      await worker.stop();
    }
    assertNoSecret(h, chunks.join(''));
  }, 240_000);

  it('in the spawned intake worker with LOG_LEVEL=trace', async () => {
    h = await harness();
    const worker = h.spawnWorker({ LOG_LEVEL: 'trace' });
    await exercise(h);
    expect(await worker.kill('SIGTERM')).toBe(0);
    assertNoSecret(h, worker.output());
  }, 240_000);
});
