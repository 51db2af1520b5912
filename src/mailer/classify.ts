import { IntakeError } from '../errors.js';

/**
 * Stable codes of a failed send (what the reply queue, the outbox and operators match on):
 * - `smtp_permanent`: the server refused this message or its recipient for good (5xx to RCPT TO or DATA),
 *   retrying gets the same answer;
 * - `smtp_transient`: the server deferred it (4xx, 503) or the send was cancelled;
 * - `smtp_timeout`: connecting, the greeting, a reply or the whole send took too long;
 * - `smtp_connection`: the connection was refused, reset, closed, or the name did not resolve;
 * - `smtp_config`: authentication or TLS failed, or the server refuses us or our sender address: our
 *   configuration, not this message, is wrong (transient, so replies wait for the fix instead of dying);
 * - `reply_invalid`: the reply cannot be turned into a message (bad address, bad header).
 */
export const SEND_FAILURE_CODES = [
  'smtp_permanent',
  'smtp_transient',
  'smtp_timeout',
  'smtp_connection',
  'smtp_config',
  'reply_invalid',
] as const;
export type SendFailureCode = (typeof SEND_FAILURE_CODES)[number];

export interface SendFailure {
  code: SendFailureCode;
  /** Retrying the same message cannot succeed: the reply is settled as failed. */
  permanent: boolean;
  /**
   * The server may have taken the message although we got no answer (the connection broke or timed out
   * with no SMTP reply, possibly after the end of DATA): a retry must first check that it was not
   * delivered (our Message-ID in the Sent folder), or the customer may get the reply twice.
   */
  possiblyDelivered: boolean;
  responseCode: number | null;
  response: string | null;
  /** The SMTP command in flight (`RCPT TO`, `DATA`, `CONN`, …) when nodemailer knows it. */
  command: string | null;
}

/** Errors of the connection's set-up: nothing was handed over yet. */
const BEFORE_TRANSACTION_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const BEFORE_TRANSACTION_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);
/** Nodemailer's codes for a message it refused to build or send: the message, not the server, is wrong. */
const INVALID_MESSAGE_CODES = new Set([
  'EENVELOPE',
  'EMESSAGE',
  'EMAXRECIPIENTS',
  'EOTP',
  'EFILEACCESS',
  'EURLACCESS',
]);
const CONFIG_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY']);
/** Replies about our authentication (RFC 4954): 530 required, 534 too weak, 535 invalid, 538 needs TLS. */
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);
/** Node's certificate and TLS failures (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ERR_SSL_…). */
const TLS_SYSTEM_CODE = /^(?:ERR_TLS_|ERR_SSL_|UNABLE_TO_)|CERT/;

interface ErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  originalCode?: unknown;
  timeoutType?: unknown;
  name?: unknown;
  cause?: unknown;
}

function fieldsOf(err: unknown): ErrorFields {
  return typeof err === 'object' && err !== null ? (err as ErrorFields) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function replyCode(fields: ErrorFields): number | null {
  const code = fields.responseCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 200 && code < 600 ? code : null;
}

/**
 * The SMTP reply classes of RFC 5321 decide: 4yz is transient, 5yz permanent. 503 ("bad sequence of
 * commands") is the exception, as nodemailer also treats it: it says the session was in the wrong state, not
 * that the message was refused, so the same message can go through on a new connection.
 */
function classifyReply(code: number): SendFailureCode {
  if (code >= 500 && code !== 503) return 'smtp_permanent';
  return 'smtp_transient';
}

/**
 * A permanent refusal of the connection (a 554 greeting) or of our sender address (550 to MAIL FROM) says
 * the server will not take mail from us at all: every reply would fail the same way until an operator fixes
 * it, so it is not this reply's permanent failure. A 552 to MAIL FROM is about the message's declared size.
 */
function refusesUs(command: string | null, code: number): boolean {
  if (command === 'CONN' || command === 'EHLO' || command === 'HELO') return true;
  return command === 'MAIL FROM' && code !== 552;
}

/** Decides, from a send failure alone (a nodemailer error or anything else thrown), what it means. Pure. */
export function classifySendFailure(err: unknown): SendFailure {
  if (err instanceof SendError) return err.failure;
  const fields = fieldsOf(err);
  const nmCode = text(fields.code) ?? '';
  const systemCode = text(fields.originalCode) ?? nmCode;
  const timeoutType = text(fields.timeoutType);
  const responseCode = replyCode(fields);
  const base = {
    responseCode,
    response: text(fields.response),
    command: text(fields.command),
  };
  const apiError = base.command === 'API';

  const configError =
    CONFIG_CODES.has(nmCode) ||
    (responseCode !== null && AUTH_REPLY_CODES.has(responseCode)) ||
    TLS_SYSTEM_CODE.test(systemCode);
  // A reply code is the server's own verdict, whichever step it came at; a negative reply, even to the
  // end of DATA, means the message was not taken. Authentication replies are about us, not the message.
  if (responseCode !== null && responseCode >= 400 && !configError) {
    const code = classifyReply(responseCode);
    if (code === 'smtp_permanent' && refusesUs(base.command, responseCode)) {
      return { ...base, code: 'smtp_config', permanent: false, possiblyDelivered: false };
    }
    return { ...base, code, permanent: code === 'smtp_permanent', possiblyDelivered: false };
  }
  if (configError) {
    // Transient on purpose: wrong credentials or a bad certificate are fixed by an operator, after which
    // the same reply goes out; failing it for good would drop every reply sent meanwhile.
    return { ...base, code: 'smtp_config', permanent: false, possiblyDelivered: false };
  }
  if (INVALID_MESSAGE_CODES.has(nmCode) && (apiError || responseCode === null)) {
    return { ...base, code: 'reply_invalid', permanent: true, possiblyDelivered: false };
  }
  if (nmCode === 'EABORT' || fields.name === 'AbortError') {
    const cause = fieldsOf(fields.cause);
    const timedOut = cause.name === 'TimeoutError';
    // An abort can land after the end of DATA: whether the server took the message is unknown.
    return {
      ...base,
      code: timedOut ? 'smtp_timeout' : 'smtp_transient',
      permanent: false,
      possiblyDelivered: true,
    };
  }
  if (nmCode === 'ETIMEDOUT' || systemCode === 'ETIMEDOUT') {
    const early = timeoutType !== null && BEFORE_TRANSACTION_TIMEOUTS.has(timeoutType);
    return { ...base, code: 'smtp_timeout', permanent: false, possiblyDelivered: !early };
  }
  if (nmCode === 'EDNS' || BEFORE_TRANSACTION_SYSTEM_CODES.has(systemCode)) {
    return { ...base, code: 'smtp_connection', permanent: false, possiblyDelivered: false };
  }
  if (nmCode === 'ECONNECTION' || nmCode === 'ESOCKET' || systemCode.startsWith('ECONN')) {
    return { ...base, code: 'smtp_connection', permanent: false, possiblyDelivered: true };
  }
  // Anything else (a protocol oddity, a stream error, a bug): retry, but never assume it was not sent.
  return { ...base, code: 'smtp_transient', permanent: false, possiblyDelivered: true };
}

/** The one predicate the reply queue asks: is retrying this send pointless? */
export function isPermanentSendFailure(err: unknown): boolean {
  return classifySendFailure(err).permanent;
}

/** A failed send, classified, with the original failure as `cause`. */
export class SendError extends IntakeError {
  declare readonly code: SendFailureCode;
  readonly failure: SendFailure;

  constructor(failure: SendFailure, message: string, options?: { cause?: unknown }) {
    super(failure.code, message, options);
    this.name = 'SendError';
    this.failure = failure;
  }

  get permanent(): boolean {
    return this.failure.permanent;
  }

  get possiblyDelivered(): boolean {
    return this.failure.possiblyDelivered;
  }
}

/** Wraps any send failure into a `SendError` (an existing one is returned as is). */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  const failure = classifySendFailure(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new SendError(failure, `send failed (${failure.code}): ${detail}`, { cause: err });
}

/** A reply that cannot become a message: nothing was sent, and building it again fails the same way. */
export function replyInvalid(reason: string, cause?: unknown): SendError {
  return new SendError(
    {
      code: 'reply_invalid',
      permanent: true,
      possiblyDelivered: false,
      responseCode: null,
      response: null,
      command: null,
    },
    `reply cannot be sent: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}
