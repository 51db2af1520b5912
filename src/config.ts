import { z } from 'zod';
import { ConfigError } from './errors.js';

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(/[\s,;]+/)
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean),
  );

function url(protocols: readonly string[]) {
  return z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

/** The environment the service reads, parsed once; names are the ones operators and scripts rely on. */
export const ConfigSchema = z
  .object({
    PROVIDER_NAME: z
      .string()
      .min(1)
      .default('INTROSERV')
      .describe('Provider name written in the canonical statements'),
    PROVIDER_TIMEZONE: z
      .string()
      .min(1)
      .default('Europe/Paris')
      .describe('IANA zone for times given without one'),
    INTAKE_FROM: z
      .email()
      .default('support@hosting.example')
      .describe('The support address: replies come from it, and mail from it is our own and never answered'),
    INTAKE_OWN_ADDRESSES: list.describe(
      'More addresses of ours (comma-separated) whose mail is never answered',
    ),
    INTAKE_MESSAGE_ID_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'a domain name')
      .default('intake.hosting.example')
      .describe('Domain of the Message-IDs we generate; mail carrying one is our own'),
    INTAKE_DEFAULT_LANGUAGE: z
      .enum(['fr', 'en'])
      .default('en')
      .describe('Language when a message gives no clue at all'),
    INTAKE_PROVIDER_DOMAINS: list.describe(
      'Our own domains (comma-separated): hosts and links on them are never a customer server (the domain of INTAKE_FROM is always one)',
    ),
    INTAKE_TRUSTED_AUTHSERV_IDS: list.describe(
      'Authentication-Results authserv-ids of our own mail servers: a dmarc=fail they report sends the record to review',
    ),
    INTAKE_DIRECTORY: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Customer directory file (CSV or JSON, as `intake parse --directory`): senders must be contacts of the account owning the named server',
      ),
    INTAKE_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024)
      .describe('Larger messages are refused (message_too_large) and quarantined'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Pino log level of every command'),
    NODE_ENV: z.string().default('development').describe('"production" makes INTAKE_SECRET_KEY mandatory'),
    INTAKE_IMAP_URL: url(['imap:', 'imaps:'])
      .optional()
      .describe(
        'The support mailbox: imap://user:pass@host:port/INBOX or imaps://… (user and password URL-encoded)',
      ),
    INTAKE_IMAP_ACCESS_TOKEN: z
      .string()
      .min(1)
      .optional()
      .describe('OAuth2 access token for IMAP (instead of the password in the URL)'),
    INTAKE_IMAP_ACCESS_TOKEN_FILE: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A file holding the OAuth2 access token, read again for each new IMAP connection: providers' tokens live about an hour, so let whatever refreshes it (a sidecar, a cron job, a mounted secret) rewrite the file; not with INTAKE_IMAP_ACCESS_TOKEN",
      ),
    INTAKE_SMTP_URL: url(['smtp:', 'smtps:'])
      .optional()
      .describe('Where replies are sent: smtp://user:pass@host:port or smtps://…'),
    REDIS_URL: url(['redis:', 'rediss:'])
      .default('redis://127.0.0.1:6379')
      .describe('Redis for the BullMQ queues and the mailbox lease'),
    DATABASE_URL: z
      .string()
      .min(1)
      .default('file:intake.db')
      .describe('file:path or a path for SQLite (the default), postgres://… for PostgreSQL'),
    INTAKE_SECRET_KEY: z
      .string()
      .optional()
      .describe(
        "32-byte AES-256-GCM key (64 hex characters or base64) encrypting customers' passwords at rest; required in production",
      ),
    PORT: z.coerce
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(8080)
      .describe('Port of the review desk (intake web)'),
    INTAKE_WEB_HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the review desk listens on (0.0.0.0 for every interface, e.g. in a container)'),
    INTAKE_WEB_SECURE_COOKIES: z
      .enum(['auto', 'always', 'never'])
      .default('auto')
      .describe(
        'Secure flag of the desk cookies: auto sets it on requests that came over TLS (as a trusted proxy says)',
      ),
    INTAKE_WEB_TRUST_PROXY: list.describe(
      'Proxies in front of the desk whose X-Forwarded-For/-Proto are believed (comma-separated addresses, CIDRs, or loopback)',
    ),
    INTAKE_WEB_SESSION_HOURS: z.coerce
      .number()
      .min(0.25)
      .max(168)
      .default(12)
      .describe('How long a desk sign-in lasts'),
    INTAKE_PROCESSED_FOLDER: z
      .string()
      .min(1)
      .default('Processed')
      .describe('Where a message goes once its record is committed'),
    INTAKE_PROCESSED_KEYWORD: z
      .string()
      .regex(/^[$A-Za-z][\w$-]*$/, 'an IMAP keyword')
      .optional()
      .describe('Flag processed messages with this keyword (e.g. $IntakeProcessed) instead of moving them'),
    INTAKE_QUARANTINE_FOLDER: z
      .string()
      .min(1)
      .default('Quarantine')
      .describe('Where a message that cannot be read goes (its reason is in the store)'),
    INTAKE_SENT_FOLDER: z
      .string()
      .min(1)
      .optional()
      .describe(
        'APPEND each sent reply to this folder (e.g. Sent); also lets an interrupted send be settled',
      ),
    INTAKE_REPLY_DAILY_LIMIT: z.coerce
      .number()
      .int()
      .positive()
      .default(10)
      .describe('Most automatic replies to one address in 24 hours (and never more than 3 in 10 minutes)'),
    INTAKE_INGEST_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      // Jobs mostly wait (IMAP, Redis, the WAL sync): a wider window lets the messages committed meanwhile
      // be filed by one MOVE and synced by one fsync. 1,000-message backlog here: 4 → about 85 msg/s,
      // 16 → about 100 msg/s with a third of Dovecot's CPU; 32 gained nothing more.
      .default(16)
      .describe('Messages read at once per worker process'),
    INTAKE_QUEUE_PREFIX: z
      .string()
      .regex(/^[\w-]+$/, 'letters, digits, - and _')
      .default('intake')
      .describe(
        'Prefix of the BullMQ queues and the mailbox lease in Redis (several deployments can share one Redis)',
      ),
    INTAKE_SMTP_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe('SMTP socket timeout; a whole send (connect to final answer) may take twice this'),
    INTAKE_TAKEOVER_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(15_000)
      .describe(
        'How soon the jobs and mailbox watch of a dead worker process pass to a live one (job lock and lease time)',
      ),
    INTAKE_METRICS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(9464)
      .describe(
        "Port of the worker's /metrics (Prometheus), /healthz and /readyz; 0 for none. Each worker on one host needs its own",
      ),
    INTAKE_METRICS_HOST: z
      .string()
      .min(1)
      // Loopback like the desk: queue depths and mailbox counts are for the operator's network only, which
      // a container (the image sets 0.0.0.0) or a reverse proxy opens deliberately.
      .default('127.0.0.1')
      .describe(
        "Address the worker's metrics endpoint listens on (0.0.0.0 for every interface, e.g. in a container)",
      ),
    INTAKE_STOP_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(30_000)
      .describe(
        "How long intake worker (jobs in flight finished, mailbox closed) or intake web (requests in flight answered) may take to stop after SIGTERM or SIGINT before it exits with status 1; keep the orchestrator's grace period (Compose stop_grace_period, Kubernetes terminationGracePeriodSeconds) above it",
      ),
    INTAKE_SWEEP_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(30_000)
      .describe(
        'How often the worker queues again what a lost queue forgot: unsent replies, and (lease holder) mailbox messages handed over but still unprocessed',
      ),
    INTAKE_MAILBOX_SWEEP_GRACE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(120_000)
      .describe(
        'A message handed over is queued again only once it has been in the mailbox and handed over this long without being processed',
      ),
    INTAKE_WEBHOOK_URL: url(['http:', 'https:'])
      .optional()
      .describe('POST a signed JSON event here when a conversation changes status (intake worker)'),
    INTAKE_WEBHOOK_SECRET: z
      .string()
      .min(32, 'at least 32 characters (e.g. openssl rand -hex 32)')
      .optional()
      .describe(
        'HMAC-SHA256 key of the webhook signature, at least 32 characters (openssl rand -hex 32); required with INTAKE_WEBHOOK_URL',
      ),
  })
  .superRefine((c, ctx) => {
    if (c.INTAKE_WEBHOOK_URL && !c.INTAKE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['INTAKE_WEBHOOK_SECRET'],
        message: 'required when INTAKE_WEBHOOK_URL is set (receivers verify the signature with it)',
      });
    }
    if (c.INTAKE_IMAP_ACCESS_TOKEN && c.INTAKE_IMAP_ACCESS_TOKEN_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['INTAKE_IMAP_ACCESS_TOKEN_FILE'],
        message: 'set INTAKE_IMAP_ACCESS_TOKEN or INTAKE_IMAP_ACCESS_TOKEN_FILE, not both',
      });
    }
  })
  .transform((c) => ({
    ...c,
    ownAddresses: [...new Set([c.INTAKE_FROM.toLowerCase(), ...c.INTAKE_OWN_ADDRESSES])],
    providerDomains: [...new Set([c.INTAKE_FROM.split('@')[1]!.toLowerCase(), ...c.INTAKE_PROVIDER_DOMAINS])],
  }));
export type Config = z.infer<typeof ConfigSchema>;

/** Parses the configuration, listing every problem at once (fail fast, fix once). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

/** Optional for `parse` and the desk, but the worker cannot run without them (also listed in the reference). */
export const WORKER_REQUIRED_KEYS = [
  'INTAKE_IMAP_URL',
  'INTAKE_SMTP_URL',
] as const satisfies readonly (keyof Config)[];

/** What `intake worker` needs beyond `parse`: every missing piece listed at once. */
export function requireWorkerConfig(config: Config): void {
  const problems: string[] = [];
  for (const key of WORKER_REQUIRED_KEYS) {
    if (!config[key]) problems.push(`${key}: required to run the worker`);
  }
  if (config.NODE_ENV === 'production' && !config.INTAKE_SECRET_KEY) {
    problems.push(
      "INTAKE_SECRET_KEY: required in production (customers' passwords are stored encrypted with it)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * What `intake check-config` hides: `secret` values are replaced whole, `url-password` values keep everything
 * but the password. One table so that the printed configuration and the generated reference
 * (config-reference.ts) cannot disagree about what is secret.
 */
export const MASKED_KEYS = {
  INTAKE_IMAP_URL: 'url-password',
  INTAKE_SMTP_URL: 'url-password',
  REDIS_URL: 'url-password',
  DATABASE_URL: 'url-password',
  INTAKE_SECRET_KEY: 'secret',
  INTAKE_IMAP_ACCESS_TOKEN: 'secret',
  INTAKE_WEBHOOK_URL: 'url-password',
  INTAKE_WEBHOOK_SECRET: 'secret',
} as const satisfies Partial<Record<keyof Config, 'secret' | 'url-password'>>;

/** The configuration as `intake check-config` prints it: passwords, tokens and keys masked. */
export function maskedConfig(config: Config): Record<string, unknown> {
  const mask = (value: unknown) => (value === undefined ? undefined : '***');
  const maskUrl = (value: unknown) => {
    if (typeof value !== 'string' || !value) return value;
    try {
      const u = new URL(value);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return '***';
    }
  };
  const masked: Record<string, unknown> = { ...config };
  for (const [key, how] of Object.entries(MASKED_KEYS)) {
    masked[key] = how === 'secret' ? mask(masked[key]) : maskUrl(masked[key]);
  }
  return masked;
}
