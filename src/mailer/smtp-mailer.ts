import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import {
  asciiDomain,
  type BuildOptions,
  buildRaw,
  buildRawSync,
  envelopeAddress,
  messageIdOf,
  type OutgoingReply,
} from './build-message.js';
import { replyInvalid, SendError, toSendError } from './classify.js';
import { parseSmtpUrl } from './smtp-url.js';

export interface MailerOptions {
  /** `INTAKE_SMTP_URL`: `smtp://user:pass@host:port` or `smtps://…`, user and password URL-encoded. */
  url: string;
  /**
   * Pooled connections. `smtp-server` and many MTAs pause before their greeting (100 ms here), which caps
   * an unpooled client at about 10 messages/s; a few reused connections reach hundreds.
   */
  maxConnections?: number;
  /** Messages per connection before it is replaced (some servers limit it; nodemailer's default is 100). */
  maxMessagesPerConnection?: number;
  /** TCP connect, greeting included (nodemailer counts the greeting against this deadline too). */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  /** Silence on an open connection (waiting for a reply, e.g. to the end of DATA). */
  socketTimeoutMs?: number;
  /**
   * The whole send, waiting for a free pooled connection included: a server trickling its replies byte by
   * byte defeats the socket timeout, this deadline does not. The reply worker's lock must outlast it.
   */
  sendTimeoutMs?: number;
}

export const MAILER_DEFAULTS = {
  maxConnections: 4,
  maxMessagesPerConnection: 100,
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 30_000,
  sendTimeoutMs: 60_000,
} as const;

export interface SendResult {
  /** The server's final answer, e.g. "250 2.0.0 Ok: queued as 4F2…", stored with the reply. */
  response: string;
  accepted: string[];
  rejected: string[];
  /** Our Message-ID, with angle brackets. */
  messageId: string;
  /** The exact bytes sent: append these to the Sent folder. */
  raw: Buffer;
}

export interface Mailer {
  /** The resolved limits, for the worker's lock duration and logs. */
  readonly limits: Readonly<Required<Omit<MailerOptions, 'url'>>>;
  /**
   * Sends a reply from `from` (the support address, bare or `Name <address>`) to `reply.to` alone. Throws
   * a `SendError` (code, `permanent`, `possiblyDelivered`, nodemailer's error as `cause`).
   */
  send(reply: OutgoingReply, from: string, options?: { signal?: AbortSignal }): Promise<SendResult>;
  /** The exact bytes `send` transmits for this reply (same Date, same boundary). */
  buildRaw(reply: OutgoingReply, from: string, options?: BuildOptions): Promise<Buffer>;
  /** Connects, greets and authenticates once; throws a classified `SendError`. */
  verify(): Promise<void>;
  /** Messages queued or in flight in the pool. */
  pending(): number;
  /** Closes idle connections now and the others once their delivery ends (`force`: at once, failing it). */
  close(options?: { force?: boolean }): Promise<void>;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

interface Delivered {
  response: string;
  accepted: unknown[];
  rejected: unknown[];
}

/**
 * Hands a finished message to the pool as the one message object it reads (envelope, Message-ID for its
 * logs, a fresh stream of the bytes for each attempt, the abort signal), instead of going through
 * `sendMail`: that would wrap the bytes in a MailComposer tree again and pipe them through two more
 * streams, about half a millisecond of CPU per reply for nothing, as every header and the body are final.
 * The pool keeps its own handling of the signal, requeues and connection reuse.
 */
function deliver(
  pool: SMTPPool,
  raw: Buffer,
  envelope: { from: string; to: string[] },
  messageId: string,
  signal: AbortSignal,
): Promise<Delivered> {
  // An internationalised domain goes out as its A-label (punycode), as in the To header: every server takes
  // that, while a U-label needs the SMTPUTF8 extension. (Only a non-ASCII local part still needs it.)
  const from = asciiDomain(envelope.from);
  const to = envelope.to.map(asciiDomain);
  const message = {
    getEnvelope: () => ({ from, to: [...to] }),
    messageId: () => messageId,
    getHeader: (key: string) => (key.toLowerCase() === 'message-id' ? messageId : undefined),
    createReadStream: () =>
      new Readable({
        read() {
          this.push(raw);
          this.push(null);
        },
      }),
  };
  const mail = { data: { signal, envelope }, message } as unknown as Parameters<SMTPPool['send']>[0];
  return new Promise((resolve, reject) => {
    pool.send(mail, (err, info) => (err ? reject(err) : resolve(info as Delivered)));
  });
}

export function createMailer(options: MailerOptions): Mailer {
  const endpoint = parseSmtpUrl(options.url);
  const limits = {
    maxConnections: positive(options.maxConnections, MAILER_DEFAULTS.maxConnections, 'maxConnections'),
    maxMessagesPerConnection: positive(
      options.maxMessagesPerConnection,
      MAILER_DEFAULTS.maxMessagesPerConnection,
      'maxMessagesPerConnection',
    ),
    connectionTimeoutMs: positive(
      options.connectionTimeoutMs,
      MAILER_DEFAULTS.connectionTimeoutMs,
      'connectionTimeoutMs',
    ),
    greetingTimeoutMs: positive(
      options.greetingTimeoutMs,
      MAILER_DEFAULTS.greetingTimeoutMs,
      'greetingTimeoutMs',
    ),
    socketTimeoutMs: positive(options.socketTimeoutMs, MAILER_DEFAULTS.socketTimeoutMs, 'socketTimeoutMs'),
    sendTimeoutMs: positive(options.sendTimeoutMs, MAILER_DEFAULTS.sendTimeoutMs, 'sendTimeoutMs'),
  };
  const pool = new SMTPPool({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    auth: endpoint.auth ?? undefined,
    requireTLS: endpoint.requireTLS,
    ignoreTLS: endpoint.ignoreTLS,
    tls: { rejectUnauthorized: endpoint.rejectUnauthorized },
    name: endpoint.clientName ?? undefined,
    maxConnections: limits.maxConnections,
    maxMessages: limits.maxMessagesPerConnection,
    // Nodemailer 10 requeues a message only when its pooled connection closed before a byte of it was sent
    // (the server dropped an idle connection, or answered 421 before DATA); every other broken delivery
    // comes back as an error, for the outbox to retry after checking the message was not sent. One requeue
    // on a fresh connection is safe; more would only hide a server that keeps refusing.
    maxRequeues: 1,
    connectionTimeout: limits.connectionTimeoutMs,
    greetingTimeout: limits.greetingTimeoutMs,
    socketTimeout: limits.socketTimeoutMs,
    logger: false,
    debug: false,
  });
  const transport = nodemailer.createTransport(pool);

  return {
    limits,
    buildRaw: (reply, from, buildOptions) => buildRaw(reply, from, buildOptions),

    async send(reply, from, sendOptions = {}) {
      let raw: Buffer;
      try {
        raw = buildRawSync(reply, from);
      } catch (err) {
        throw err instanceof SendError
          ? err
          : replyInvalid(err instanceof Error ? err.message : String(err), err);
      }
      const to = reply.to.trim();
      // A cleared timer rather than AbortSignal.timeout: thousands of sends must not leave thousands of
      // pending timers behind. The reason's name is what the classifier reads as a timeout.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new DOMException(`no answer within ${limits.sendTimeoutMs} ms`, 'TimeoutError')),
        limits.sendTimeoutMs,
      );
      const signal = sendOptions.signal
        ? AbortSignal.any([sendOptions.signal, deadline.signal])
        : deadline.signal;
      let info: { response: string; accepted: unknown[]; rejected: unknown[] };
      try {
        // The raw bytes go out untouched (no X-Mailer, no re-encoding), so Sent gets exactly what was sent.
        info = await deliver(
          pool,
          raw,
          { from: envelopeAddress(from), to: [to] },
          messageIdOf(reply),
          signal,
        );
      } catch (err) {
        throw toSendError(err);
      } finally {
        clearTimeout(timer);
      }
      const accepted = info.accepted.map(String);
      const rejected = info.rejected.map(String);
      if (accepted.length === 0) {
        throw new SendError(
          {
            code: 'smtp_permanent',
            permanent: true,
            possiblyDelivered: false,
            responseCode: null,
            response: info.response,
            command: 'RCPT TO',
          },
          `send failed (smtp_permanent): the server accepted no recipient (${rejected.join(', ')})`,
        );
      }
      return {
        response: info.response,
        accepted,
        rejected,
        messageId: messageIdOf(reply),
        raw,
      };
    },

    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw toSendError(err);
      }
    },

    pending: () => pool.pendingCount(),

    async close(closeOptions = {}) {
      transport.close({ force: closeOptions.force === true });
    },
  };
}
