import { IntakeError } from '../errors.js';

export const MAILBOX_ERROR_CODES = [
  /** The mailbox's UIDVALIDITY is not the one the UID was read under: the UID means nothing any more. */
  'uidvalidity_changed',
  /** The message is no longer in the mailbox (deleted or moved by someone else): permanent. */
  'message_gone',
  /** The server refused the credentials: retrying will not help until the configuration changes. */
  'imap_auth_failed',
  /** TLS could not be set up: an untrusted or mismatched certificate, or STARTTLS required but not offered. */
  'imap_tls_failed',
  /** The watched mailbox does not exist on the server. */
  'mailbox_missing',
  /** `start()` on a source that is already running. */
  'source_running',
  /** The server could not be reached or dropped the connection: transient. */
  'imap_unavailable',
  /** The server answered NO/BAD to a command. */
  'imap_command_failed',
  /** `INTAKE_IMAP_URL` cannot be used. */
  'imap_url_invalid',
  /** A download stream was not consumed within its deadline and was aborted. */
  'download_timeout',
  /** The source or its operations were closed while the call was pending. */
  'mailbox_closed',
  /** The Redis lease could not be taken, renewed or released. */
  'lease_failed',
] as const;
export type MailboxErrorCode = (typeof MAILBOX_ERROR_CODES)[number];

/** A mailbox failure. `message_gone` and `uidvalidity_changed` are permanent for a job; the others are not. */
export class MailboxError extends IntakeError {
  declare readonly code: MailboxErrorCode;

  constructor(code: MailboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MailboxError';
  }
}

/** The ImapFlow error fields this module looks at (its errors are plain Errors with extra properties). */
export interface ImapErrorLike {
  code?: string;
  authenticationFailed?: boolean;
  responseStatus?: string;
  responseText?: string;
  mailboxMissing?: boolean;
  tlsFailed?: boolean;
}

/** Node's certificate verification failures (and its TLS errors) do not go away by retrying. */
const TLS_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_\w+|ERR_TLS_\w+|ERR_SSL_\w+)$/;

/** Wraps what ImapFlow throws into a MailboxError with a stable code, keeping it as `cause`. */
export function toMailboxError(err: unknown, what: string): MailboxError {
  if (err instanceof MailboxError) return err;
  const e = (err ?? {}) as ImapErrorLike;
  if (e.authenticationFailed)
    return new MailboxError('imap_auth_failed', `${what}: authentication failed`, { cause: err });
  if (e.tlsFailed || (e.code && TLS_CODES.test(e.code))) {
    const detail = err instanceof Error ? err.message : String(err);
    return new MailboxError('imap_tls_failed', `${what}: TLS failed (${detail})`, { cause: err });
  }
  if (e.mailboxMissing)
    return new MailboxError('mailbox_missing', `${what}: no such mailbox`, { cause: err });
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD') {
    return new MailboxError('imap_command_failed', `${what}: ${e.responseText ?? e.responseStatus}`, {
      cause: err,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new MailboxError('imap_unavailable', `${what}: ${detail}`, { cause: err });
}
