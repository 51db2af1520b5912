import type { ConnectionOptions } from 'node:tls';
import { MailboxError } from './mailbox-error.js';

export interface ImapEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (imaps://); imap:// upgrades with STARTTLS when the server offers it, unless told not to. */
  secure: boolean;
  user: string;
  /** Absent when an OAuth2 access token is used instead. */
  password?: string;
  /** The URL's path (`/INBOX` by default), decoded. */
  mailbox: string;
}

/**
 * Reads `imap://user:pass@host:port/Mailbox` or `imaps://…`. User and password are URL-encoded in the URL
 * (an address as user name is `support%40example.com`); the mailbox path is too (`/Support%20FR`).
 */
export function parseImapUrl(url: string): ImapEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new MailboxError('imap_url_invalid', 'the IMAP URL is not a URL', { cause: err });
  }
  const secure = parsed.protocol === 'imaps:';
  if (!secure && parsed.protocol !== 'imap:') {
    throw new MailboxError(
      'imap_url_invalid',
      `the IMAP URL must start with imap:// or imaps://, not ${parsed.protocol}//`,
    );
  }
  if (!parsed.hostname) throw new MailboxError('imap_url_invalid', 'the IMAP URL has no host');
  if (!parsed.username) throw new MailboxError('imap_url_invalid', 'the IMAP URL has no user name');
  let user: string;
  let password: string;
  let mailbox: string;
  try {
    user = decodeURIComponent(parsed.username);
    password = decodeURIComponent(parsed.password);
    mailbox = decodeURIComponent(parsed.pathname.replace(/^\/+/, ''));
  } catch (err) {
    throw new MailboxError('imap_url_invalid', 'the IMAP URL has a malformed %-escape', { cause: err });
  }
  return {
    // WHATWG URL keeps the brackets of an IPv6 literal; sockets want it bare.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    user,
    ...(password ? { password } : {}),
    mailbox: mailbox || 'INBOX',
  };
}

/** TLS settings passed through to the socket (`rejectUnauthorized`, `ca`, `servername`, `minVersion`…). */
export type ImapTlsOptions = ConnectionOptions;
