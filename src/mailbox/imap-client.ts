import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapEndpoint, ImapTlsOptions } from './imap-url.js';

/** An OAuth2 access token, or a function giving a fresh one for each new connection (tokens expire). */
export type AccessToken = string | (() => string | Promise<string>);

export interface ImapConnectionSettings {
  endpoint: ImapEndpoint;
  accessToken?: AccessToken;
  tls?: ImapTlsOptions;
  /**
   * STARTTLS on imap://: true requires it, false never attempts it, unset upgrades when offered. Ignored for
   * imaps://.
   */
  starttls?: boolean;
  /** TCP + TLS handshake budget. Default 10 s (imapflow's 90 s hides a dead server for too long). */
  connectTimeoutMs?: number;
  /** Default 10 s. */
  greetingTimeoutMs?: number;
  /** Silence after which a connection counts as dead. Default 5 min: IDLE on Dovecot hears "Still here" every 2. */
  socketTimeoutMs?: number;
  logger: Logger;
  /** imapflow's own log lines go to `logger` at this level and above. Default 'warn'. */
  imapLogLevel?: string;
}

/** A configured, not yet connected ImapFlow client; `extra` carries the per-purpose options. */
export async function newImapClient(
  settings: ImapConnectionSettings,
  purpose: string,
  extra: Partial<ImapFlowOptions> = {},
): Promise<ImapFlow> {
  const { endpoint } = settings;
  const accessToken =
    typeof settings.accessToken === 'function' ? await settings.accessToken() : settings.accessToken;
  return new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    ...(endpoint.secure || settings.starttls === undefined ? {} : { doSTARTTLS: settings.starttls }),
    auth: accessToken
      ? { user: endpoint.user, accessToken }
      : { user: endpoint.user, pass: endpoint.password ?? '' },
    ...(settings.tls ? { tls: settings.tls } : {}),
    connectionTimeout: settings.connectTimeoutMs ?? 10_000,
    greetingTimeout: settings.greetingTimeoutMs ?? 10_000,
    socketTimeout: settings.socketTimeoutMs ?? 5 * 60_000,
    logger: imapLogger(settings.logger, purpose, settings.imapLogLevel ?? 'warn'),
    clientInfo: { name: 'intake' },
    ...extra,
  });
}

/** imapflow is chatty: its lines go through at `level` or above, never below the parent logger's own level. */
function imapLogger(parent: Logger, purpose: string, level: string): Logger {
  const wanted = parent.levels.values[level] ?? parent.levels.values.warn!;
  const effective = Math.max(wanted, parent.levelVal);
  const name = parent.levels.labels[effective] ?? 'silent';
  return parent.child({ component: 'imapflow', purpose }, { level: name });
}
