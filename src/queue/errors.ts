import { UnrecoverableError } from 'bullmq';
import { IntakeError, MessageParseError } from '../errors.js';

/** Codes that no retry can change: the message, the mailbox or the recipient says no. */
const PERMANENT_CODES = new Set([
  'message_gone',
  'uidvalidity_changed',
  'smtp_permanent',
  'config_invalid',
  'rules_invalid',
  'directory_invalid',
  'job_invalid',
]);

/**
 * The one predicate deciding permanent versus transient. Unreadable messages (every MessageParseError) and
 * the codes above are permanent; network, timeouts, Redis, database and SMTP 4xx failures are transient and
 * retried with backoff.
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof UnrecoverableError) return true;
  if (err instanceof MessageParseError) return true;
  return err instanceof IntakeError && PERMANENT_CODES.has(err.code);
}

/** Rethrows a failure the way BullMQ understands: permanent ones are not retried. */
export function forQueue(err: unknown): Error {
  if (isPermanent(err) && !(err instanceof UnrecoverableError)) {
    const code = err instanceof IntakeError ? err.code : 'permanent';
    const wrapped = new UnrecoverableError(`${code}: ${(err as Error).message}`);
    (wrapped as Error & { cause?: unknown }).cause = err;
    return wrapped;
  }
  return err instanceof Error ? err : new Error(String(err));
}
