import type { Logger } from 'pino';
import type { BackoffOptions } from './backoff.js';
import type { AccessToken } from './imap-client.js';
import type { MailboxOperations, MailboxOperationsOptions } from './imap-operations.js';
import type { ImapTlsOptions } from './imap-url.js';
import type { SweepOptions } from './inbox-sweep.js';
import type { MailboxPositionStore } from './position-store.js';

/**
 * disconnected → connecting → syncing → idle (or polling, without IDLE) ⇄ syncing; any failure → backoff →
 * connecting; stop() → closed (from which start() may begin again).
 */
export type SourceState =
  | 'disconnected'
  | 'connecting'
  | 'syncing'
  | 'idle'
  | 'polling'
  | 'backoff'
  | 'closed';

/** A message the source saw: where it is, never its body. */
export interface NewMessage {
  mailbox: string;
  uidValidity: string;
  uid: number;
  messageId: string | null;
  /** RFC822.SIZE in bytes. */
  size: number;
  /** When the source saw it (ms since the epoch): arrival-to-record latency is measured from here. */
  seenAt: number;
}

/** Takes a batch (ascending UIDs) durably, e.g. by enqueueing it; the position advances only once it resolves. */
export type OnMessages = (batch: NewMessage[]) => Promise<void>;

export interface MailboxSourceOptions {
  /** `imap://user:pass@host:port/INBOX` or `imaps://…`, user and password URL-encoded. */
  url: string;
  /** OAuth2 access token (XOAUTH2) used instead of the URL's password, or a function giving a fresh one. */
  accessToken?: AccessToken;
  /** Default: the URL's path, else INBOX. */
  mailbox?: string;
  /** Default 'Processed'. */
  processedFolder?: string;
  /** Flag processed messages with this keyword (e.g. '$IntakeProcessed') instead of moving them. */
  processedKeyword?: string;
  /** Default 'Quarantine'. */
  quarantineFolder?: string;
  positions: MailboxPositionStore;
  /**
   * Inactivity before IDLE starts. Default 100 ms: the watch connection runs nothing but syncs, and until
   * IDLE starts the server cannot announce new mail, so a message arriving within this delay of the last
   * sync waits for it (imapflow's 15 s default would delay such a message that much; 1 s added 0.5 s to the
   * p50 of mail arriving once a second).
   */
  autoIdleDelayMs?: number;
  /** NOOP interval when the server has no IDLE. Default 5000 ms. */
  pollIntervalMs?: number;
  /** Messages per `onMessages` call. Default 100. */
  batchSize?: number;
  /** Handing over again what a lost queue forgot (see inbox-sweep.ts). */
  sweep?: SweepOptions;
  reconnect?: BackoffOptions;
  /** Longest `stop()` takes. Default 3000 ms. */
  stopTimeoutMs?: number;
  tls?: ImapTlsOptions;
  starttls?: boolean;
  connectTimeoutMs?: number;
  socketTimeoutMs?: number;
  operations?: Pick<
    MailboxOperationsOptions,
    'connections' | 'idleCloseMs' | 'downloadChunkBytes' | 'downloadTimeoutMs'
  >;
  logger?: Logger;
  imapLogLevel?: string;
}

export interface MailboxSource extends MailboxOperations {
  readonly mailbox: string;
  readonly state: SourceState;
  /** Called on every state change; returns the unsubscribe function. */
  onState(listener: (state: SourceState, previous: SourceState) => void): () => void;
  /**
   * Connects and hands over every message after the stored position, then every new one. Resolves after
   * the first complete sync; rejects (and closes) when it meets bad credentials, a TLS failure or a missing
   * mailbox before that (`imap_auth_failed`, `imap_tls_failed`, `mailbox_missing`): configuration errors
   * no retry fixes. Other failures are retried with backoff, the promise staying pending meanwhile (stop()
   * settles it).
   */
  start(onMessages: OnMessages): Promise<void>;
  /** Stops watching (IDLE and its connection) within `stopTimeoutMs`; the operations keep working. */
  stop(): Promise<void>;
  /** stop() and log out the operation connections. */
  close(): Promise<void>;
}
