import type { Logger } from 'pino';
import { type Config, maskedConfig } from '../config.js';
import { imapAccessToken } from '../mailbox/access-token.js';
import { newImapClient } from '../mailbox/imap-client.js';
import { parseImapUrl } from '../mailbox/imap-url.js';
import { toMailboxError } from '../mailbox/mailbox-error.js';
import { createMailer } from '../mailer/smtp-mailer.js';
import { redisConnection } from '../queue/queues.js';
import { createStore, parseSecretKey } from '../store/index.js';

interface Check {
  name: string;
  run(): Promise<string>;
}

async function timed(check: Check, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check.run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, detail };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `intake check-config`: the effective configuration with secrets masked, then one line per connection
 * (database, Redis, IMAP, SMTP). Exit status 1 when any check fails.
 */
export async function checkConfigCommand(
  config: Config,
  out: NodeJS.WritableStream,
  log: Logger,
): Promise<number> {
  out.write(`${JSON.stringify(maskedConfig(config), null, 2)}\n\n`);
  const checks: Check[] = [
    {
      name: 'secret key',
      run: async () => {
        if (!config.INTAKE_SECRET_KEY) {
          if (config.NODE_ENV === 'production')
            throw new Error('INTAKE_SECRET_KEY is required in production');
          return 'not set: passwords from customers are not stored (development)';
        }
        parseSecretKey(config.INTAKE_SECRET_KEY);
        return '32 bytes';
      },
    },
    {
      name: 'database',
      run: async () => {
        const store = await createStore(config.DATABASE_URL, { secretKey: null });
        try {
          await store.ping();
          return store.kind;
        } finally {
          await store.close();
        }
      },
    },
    {
      name: 'redis',
      run: async () => {
        const redis = redisConnection(config.REDIS_URL);
        try {
          return await redis.ping();
        } finally {
          redis.disconnect();
        }
      },
    },
    {
      name: 'imap',
      run: async () => {
        if (!config.INTAKE_IMAP_URL) return 'not configured';
        const endpoint = parseImapUrl(config.INTAKE_IMAP_URL);
        const client = await newImapClient(
          {
            endpoint,
            accessToken: imapAccessToken({
              token: config.INTAKE_IMAP_ACCESS_TOKEN,
              file: config.INTAKE_IMAP_ACCESS_TOKEN_FILE,
            }),
            logger: log,
          },
          'check',
        );
        // imapflow says "Command failed" for a refused login: the stable code says what went wrong.
        await client.connect().catch((err: unknown) => {
          const e = toMailboxError(err, 'connecting');
          const said = (err as { responseText?: string }).responseText;
          throw new Error(`${e.code}: ${e.message}${said ? ` (server: ${said})` : ''}`);
        });
        try {
          const status = await client.status(endpoint.mailbox, { messages: true, uidValidity: true });
          return status
            ? `${endpoint.mailbox}: ${status.messages} messages`
            : `${endpoint.mailbox}: no status`;
        } finally {
          await client.logout().catch(() => {});
        }
      },
    },
    {
      name: 'smtp',
      run: async () => {
        if (!config.INTAKE_SMTP_URL) return 'not configured';
        const mailer = createMailer({
          url: config.INTAKE_SMTP_URL,
          socketTimeoutMs: config.INTAKE_SMTP_TIMEOUT_MS,
        });
        try {
          await mailer.verify();
          return 'ok';
        } finally {
          await mailer.close();
        }
      },
    },
  ];
  let failed = 0;
  for (const check of checks) {
    const result = await timed(check, 15_000);
    if (!result.ok) failed++;
    out.write(`${result.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(11)} ${result.detail}\n`);
  }
  return failed > 0 ? 1 : 0;
}
