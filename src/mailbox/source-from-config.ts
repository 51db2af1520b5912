import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { imapAccessToken } from './access-token.js';
import { createMailboxSource } from './imap-source.js';
import type { MailboxPositionStore } from './position-store.js';
import type { MailboxSource } from './source-types.js';

export interface MailboxSourceFromConfigOptions {
  logger: Logger;
  /** Where the watch keeps its place; omitted by the commands that only move messages (replay, Reprocess). */
  positions?: MailboxPositionStore;
}

/** A source that never watches: asked for its position, it has none, and it never moves one. */
const NO_POSITIONS: MailboxPositionStore = { get: async () => null, set: async () => {} };

/**
 * The mailbox as the configuration describes it, the same for the worker, `intake replay` and the desk's
 * Reprocess, so that a folder, keyword or credential option added later reaches all three.
 */
export function mailboxSourceFromConfig(
  config: Config,
  options: MailboxSourceFromConfigOptions,
): MailboxSource {
  if (!config.INTAKE_IMAP_URL) throw new ConfigError(['INTAKE_IMAP_URL: required to reach the mailbox']);
  return createMailboxSource({
    url: config.INTAKE_IMAP_URL,
    accessToken: imapAccessToken({
      token: config.INTAKE_IMAP_ACCESS_TOKEN,
      file: config.INTAKE_IMAP_ACCESS_TOKEN_FILE,
    }),
    processedFolder: config.INTAKE_PROCESSED_FOLDER,
    processedKeyword: config.INTAKE_PROCESSED_KEYWORD,
    quarantineFolder: config.INTAKE_QUARANTINE_FOLDER,
    positions: options.positions ?? NO_POSITIONS,
    sweep: { everyMs: config.INTAKE_SWEEP_MS, graceMs: config.INTAKE_MAILBOX_SWEEP_GRACE_MS },
    logger: options.logger.child({ component: 'mailbox' }),
  });
}
