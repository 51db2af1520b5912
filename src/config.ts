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
      .describe('The support address: replies come from it, and mail from it is our own'),
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
      .describe('Language when a message does not tell'),
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
        'Customer directory (CSV or JSON): senders must be contacts of the account owning the named server',
      ),
    INTAKE_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024)
      .describe('Larger messages are refused and quarantined'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
