import pino, { type Logger } from 'pino';
import { MASKED_KEYS } from './config.js';

/**
 * Paths that may hold a secret or a customer's words. Redaction is the second line of defence: secrets
 * are already placeholders in every `InboundMessage`, and values travel as `SecretValue`s that print as
 * "[secret]".
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'cookie',
  '*.cookie',
  'headers.cookie',
  '*.headers.cookie',
  'csrf',
  '*.csrf',
  // imapflow's and nodemailer's `auth: { user, pass }`, and OAuth2 tokens; one level deeper too (an error
  // carrying its client's options), since a `*` stands for one level only.
  'pass',
  '*.pass',
  '*.*.pass',
  '*.*.password',
  'accessToken',
  '*.accessToken',
  '*.*.accessToken',
  'imapUrl',
  'smtpUrl',
  '*.imapUrl',
  '*.smtpUrl',
  // The configuration's secrets under their variable names, should a configuration object ever be logged
  // (check-config prints it masked; nothing logs it raw, and this keeps it so).
  ...Object.keys(MASKED_KEYS).flatMap((key) => [key, `*.${key}`]),
];

export interface LoggerOptions {
  level?: string;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'intake' },
    },
    options.destination ?? pino.destination(2),
  );
}
