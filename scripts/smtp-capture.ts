import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';

/**
 * A capturing SMTP peer on loopback, in-process, for tests and the demo: it accepts every message (unless a
 * script says otherwise), keeps the exact bytes it received and the parts of the parsed message that tests
 * assert on. `smtp-server` waits 100 ms before its greeting on every new connection, as real servers do
 * against early talkers, so an unpooled client is slow against it.
 */

/** Where in the SMTP dialogue a scripted answer is given. */
export type SmtpStage = 'connect' | 'mail' | 'rcpt' | 'data';

export type ScriptedResponse =
  | {
      stage: SmtpStage;
      /** The reply code, e.g. 421, 451, 550. */
      code: number;
      message?: string;
      /** For `rcpt`: only this recipient (case-insensitive); others pass untouched. */
      recipient?: string;
    }
  | {
      stage: SmtpStage;
      /** Never answer (until `stop()`), or answer with 451 after this many milliseconds. */
      hang: true;
      hangMs?: number;
      recipient?: string;
      /**
       * For `data`: keep the message as if delivered before hanging (the server took it, its answer was
       * lost), so that a client sending it again is seen delivering it twice.
       */
      keep?: boolean;
    }
  | {
      stage: SmtpStage;
      /** Drop the connection with a TCP reset instead of answering (the client sees ECONNRESET). */
      reset: true;
      recipient?: string;
    };

export interface CapturedEnvelope {
  mailFrom: string;
  rcptTo: string[];
}

export interface CapturedMessage {
  envelope: CapturedEnvelope;
  /** The DATA exactly as received (dot-unstuffed, CRLF line ends). */
  raw: Buffer;
  messageId: string | null;
  /** Addresses of the To header, lower-cased. */
  to: string[];
  subject: string;
  inReplyTo: string | null;
  /** Always an array (mailparser gives a string for one id). */
  references: string[];
  /** Lower-cased header name → its raw values, unfolded, in message order. */
  headers: Record<string, string[]>;
  text: string;
  html: string | null;
  /** The first value of a header, unfolded, or null. */
  header(name: string): string | null;
}

/** A scripted answer that was given (rejections and hangs), for tests that assert an attempt happened. */
export interface ScriptedEvent {
  stage: SmtpStage;
  code: number | 'hang' | 'reset';
  address: string | null;
  at: number;
}

export interface SmtpCaptureOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (over plain text: loopback only). */
  user?: string;
  pass?: string;
  /** Implicit TLS (smtps) with smtp-server's built-in test certificate (clients must not verify it). */
  secure?: boolean;
  /** The server's own idle timeout; long by default so that client-side timeouts are what tests see. */
  socketTimeoutMs?: number;
  /**
   * `full` (default): every message goes through mailparser. `headers`: only the header block is read
   * (ids, references and headers filled; subject left encoded; text empty), for benchmarks, where a
   * full parse per message in the bench's process would compete with what is measured.
   */
  parse?: 'full' | 'headers';
}

export interface SmtpCapture {
  readonly port: number;
  /** `smtp://127.0.0.1:port` (or `smtps://…`), with the credentials URL-encoded when AUTH is required. */
  readonly url: string;
  readonly messages: CapturedMessage[];
  readonly events: ScriptedEvent[];
  /** Resolves with the messages once at least `count` were received and parsed; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMessage[]>;
  /** Queues answers: each applies once, to the next command of its stage (and recipient, if given). */
  script(responses: readonly ScriptedResponse[]): void;
  /** Forgets captured messages, events and pending script entries. */
  clear(): void;
  /** How many SMTP connections were opened so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

const DEFAULT_MESSAGES: Record<number, string> = {
  421: 'Service not available, closing transmission channel',
  450: 'Mailbox unavailable, try again later',
  451: 'Local error in processing, try again later',
  452: 'Insufficient system storage',
  550: 'Mailbox unavailable',
  552: 'Exceeded storage allocation',
  553: 'Mailbox name not allowed',
  554: 'Transaction failed',
};

function unfoldedHeaders(parsed: ParsedMail): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const name = key.toLowerCase();
    if (headers[name]) headers[name].push(value);
    else headers[name] = [value];
  }
  return headers;
}

function addresses(parsed: ParsedMail): string[] {
  const to = parsed.to === undefined ? [] : Array.isArray(parsed.to) ? parsed.to : [parsed.to];
  return to.flatMap((group) => group.value.map((a) => (a.address ?? '').toLowerCase()));
}

/** The header block only: a quarter of the work of a full parse, enough to match replies to requests. */
function captureHeaders(raw: Buffer, envelope: CapturedEnvelope): CapturedMessage {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headers: Record<string, string[]> = {};
  for (const line of (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = headers[key] ?? [];
    values.push(line.slice(colon + 1).trim());
    headers[key] = values;
  }
  const first = (name: string) => headers[name]?.[0] ?? null;
  const ids = (value: string | null) => value?.match(/<[^<>\s]+>/g) ?? [];
  return {
    envelope,
    raw,
    messageId: ids(first('message-id'))[0] ?? null,
    to: envelope.rcptTo,
    subject: first('subject') ?? '',
    inReplyTo: ids(first('in-reply-to'))[0] ?? null,
    references: ids(first('references')),
    headers,
    text: '',
    html: null,
    header: (name) => first(name.toLowerCase()),
  };
}

async function capture(raw: Buffer, envelope: CapturedEnvelope): Promise<CapturedMessage> {
  const parsed = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
  const headers = unfoldedHeaders(parsed);
  const references = parsed.references ?? [];
  return {
    envelope,
    raw,
    messageId: parsed.messageId ?? null,
    to: addresses(parsed),
    subject: parsed.subject ?? '',
    inReplyTo: parsed.inReplyTo ?? null,
    references: Array.isArray(references) ? references : [references],
    headers,
    text: parsed.text ?? '',
    html: parsed.html === false || parsed.html === undefined ? null : parsed.html,
    header: (name) => headers[name.toLowerCase()]?.[0] ?? null,
  };
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedMessage[] = [];
  const events: ScriptedEvent[] = [];
  /** Messages mailparser could not read: named in waitFor's timeout, so a test does not wait blind. */
  const parseErrors: string[] = [];
  let pending: ScriptedResponse[] = [];
  let connections = 0;
  let stopped = false;
  const waiters = new Set<() => void>();
  /** Callbacks held by hangs, released (with a 421) by stop() so the server can close. */
  const held = new Set<() => void>();
  const auth = options.user !== undefined;

  const take = (stage: SmtpStage, address: string | null): ScriptedResponse | undefined => {
    const index = pending.findIndex(
      (r) =>
        r.stage === stage &&
        (r.recipient === undefined || r.recipient.toLowerCase() === (address ?? '').toLowerCase()),
    );
    return index < 0 ? undefined : pending.splice(index, 1)[0];
  };

  /** Applies the scripted answer of a stage, if any; otherwise calls `proceed`. */
  const answer = (
    stage: SmtpStage,
    session: SMTPServerSession,
    address: string | null,
    callback: (err?: Error | null) => void,
    proceed: () => void,
    keep?: () => void,
  ): void => {
    const scripted = take(stage, address);
    if (!scripted) {
      proceed();
      return;
    }
    if ('reset' in scripted) {
      events.push({ stage, code: 'reset', address, at: Date.now() });
      for (const connection of server.connections) {
        if (connection.session === session) connection._socket.resetAndDestroy();
      }
      return;
    }
    if ('hang' in scripted) {
      events.push({ stage, code: 'hang', address, at: Date.now() });
      if (scripted.keep) keep?.();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(release);
        clearTimeout(timer);
        callback(smtpError(stage === 'connect' ? 421 : 451, 'Released after a scripted hang'));
      };
      const timer = scripted.hangMs === undefined ? undefined : setTimeout(release, scripted.hangMs);
      held.add(release);
      return;
    }
    events.push({ stage, code: scripted.code, address, at: Date.now() });
    callback(
      smtpError(scripted.code, scripted.message ?? DEFAULT_MESSAGES[scripted.code] ?? 'Scripted failure'),
    );
  };

  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const serverOptions: SMTPServerOptions = {
    secure: options.secure ?? false,
    // The built-in certificate is for tests only; `logger: false` also silences its warning.
    logger: false,
    disableReverseLookup: true,
    disabledCommands: auth ? ['STARTTLS'] : ['AUTH', 'STARTTLS'],
    authOptional: !auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    socketTimeout: options.socketTimeoutMs ?? 120_000,
    closeTimeout: 200,
    size: 50 * 1024 * 1024,
    onAuth(credentials, _session, callback) {
      if (credentials.username === options.user && credentials.password === options.pass) {
        callback(null, { user: credentials.username });
      } else {
        callback(smtpError(535, 'Authentication credentials invalid'));
      }
    },
    onConnect(session, callback) {
      connections += 1;
      answer('connect', session, null, callback, () => callback());
    },
    onMailFrom(address: SMTPServerAddress, session, callback) {
      answer('mail', session, address.address, callback, () => callback());
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      answer('rcpt', session, address.address, callback, () => callback());
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope: CapturedEnvelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        };
        const keep = () => {
          const raw = Buffer.concat(chunks);
          (options.parse === 'headers'
            ? Promise.resolve().then(() => captureHeaders(raw, envelope))
            : capture(raw, envelope)
          ).then(
            (message) => {
              messages.push(message);
              notify();
            },
            (err: unknown) => {
              parseErrors.push(err instanceof Error ? err.message : String(err));
            },
          );
        };
        answer(
          'data',
          session,
          null,
          callback,
          () => {
            // Answer first, parse after: the client sees the timing of a real server.
            callback(null, `OK: queued as ${messages.length + 1}`);
            keep();
          },
          keep,
        );
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = auth
    ? `${encodeURIComponent(options.user ?? '')}:${encodeURIComponent(options.pass ?? '')}@`
    : '';
  const url = `${options.secure ? 'smtps' : 'smtp'}://${credentials}127.0.0.1:${port}`;

  return {
    port,
    url,
    messages,
    events,
    get connections() {
      return connections;
    },
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const unread = parseErrors.length > 0 ? ` (unparsable: ${parseErrors.join('; ')})` : '';
          reject(new Error(`waited ${timeoutMs} ms for ${count} messages, got ${messages.length}${unread}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    script(responses) {
      pending.push(...responses);
    },
    clear() {
      messages.length = 0;
      events.length = 0;
      parseErrors.length = 0;
      pending = [];
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const release of [...held]) release();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
