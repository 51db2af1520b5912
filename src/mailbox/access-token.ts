import { readFile } from 'node:fs/promises';
import type { AccessToken } from './imap-client.js';
import { MailboxError } from './mailbox-error.js';

export interface AccessTokenOptions {
  /** `INTAKE_IMAP_ACCESS_TOKEN`: one token, for as long as it lives. */
  token?: string | undefined;
  /** `INTAKE_IMAP_ACCESS_TOKEN_FILE`: a file a token refresher rewrites; read for every new connection. */
  file?: string | undefined;
}

/**
 * The OAuth2 access token to log in with, if any. Providers' tokens live about an hour, so a long-running
 * worker given one token in its environment stops reconnecting after that; given a file, it reads the file
 * each time it opens a connection, and whatever refreshes the token (a sidecar, a cron job, a mounted
 * secret) only has to rewrite it.
 */
export function imapAccessToken(options: AccessTokenOptions): AccessToken | undefined {
  const { file } = options;
  if (!file) return options.token;
  return async () => {
    let token: string;
    try {
      token = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new MailboxError('imap_auth_failed', `cannot read the access token file ${file}`, { cause: err });
    }
    if (!token) throw new MailboxError('imap_auth_failed', `the access token file ${file} is empty`);
    return token;
  };
}
