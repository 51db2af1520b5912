import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { OutboxReply } from '../store/store.js';
import { replyInvalid as invalid } from './classify.js';

/** The fields of a stored reply that the message is made of. */
export type OutgoingReply = Pick<
  OutboxReply,
  'messageId' | 'to' | 'subject' | 'inReplyTo' | 'references' | 'headers' | 'text' | 'html' | 'createdAt'
>;

/** Headers the message builds itself: a stored reply may not set or duplicate them. */
const RESERVED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'return-path',
  'received',
]);
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a control character in a header value is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function angle(id: string, what: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(bare)) throw invalid(`${what} ${JSON.stringify(id)} is not a message id`);
  return `<${bare}>`;
}

/**
 * The customer's ids are taken as they came (some clients write ids without "@"); only one that would break
 * the header (spaces, brackets, control characters) is left out, rather than leaving the customer unanswered.
 */
function looseId(id: string): string | null {
  const bare = id.trim().replace(/^<|>$/g, '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a control character breaks the header
  return bare === '' || /[\s<>\u0000-\u001f\u007f]/.test(bare) ? null : `<${bare}>`;
}

/**
 * SQLite's CURRENT_TIMESTAMP gives "YYYY-MM-DD HH:MM:SS" in UTC without a zone; JavaScript would read it as
 * local time.
 */
function parseStoredTime(value: string): Date | null {
  const zoneless = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value.trim());
  const date = new Date(zoneless ? `${value.trim().replace(' ', 'T')}Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The reply's Message-ID as written in the message (`<id@domain>`). */
export function messageIdOf(reply: Pick<OutgoingReply, 'messageId'>): string {
  return angle(reply.messageId, 'Message-ID');
}

export interface BuildOptions {
  /** The Date header; by default the reply's `createdAt` (when it was composed and committed). */
  date?: Date;
}

/**
 * The message of a reply, in a canonical form. Everything in it comes from the stored reply and the support
 * address, so that building it again gives the same bytes: the Date is the reply's creation time and the MIME
 * boundary derives from the Message-ID. A resend is then the very message sent before, and what is appended
 * to the Sent folder is what the customer received.
 */
function messageParts(reply: OutgoingReply, from: string, options: BuildOptions) {
  const to = reply.to.trim();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(to))
    throw invalid(`recipient ${JSON.stringify(reply.to)} is not an address`);
  const messageId = angle(reply.messageId, 'Message-ID');
  // RFC 3834: what keeps other robots from answering us. Always ours, whatever the stored reply says.
  const extra: [string, string][] = [['Auto-Submitted', 'auto-replied']];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(reply.headers)) {
    const key = name.toLowerCase();
    if (!HEADER_NAME.test(name)) throw invalid(`header name ${JSON.stringify(name)}`);
    if (RESERVED_HEADERS.has(key)) throw invalid(`header ${name} is built by the mailer`);
    if (seen.has(key)) throw invalid(`header ${name} is given twice`);
    if (CONTROL.test(value)) throw invalid(`header ${name} holds a control character`);
    seen.add(key);
    if (key !== 'auto-submitted') extra.push([name, value]);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a line break would end the Subject header
  const subject = reply.subject.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const date = options.date ?? parseStoredTime(reply.createdAt) ?? new Date();
  const inReplyTo = looseId(reply.inReplyTo ?? '');
  const references = reply.references.flatMap((id) => looseId(id) ?? []);
  const boundary = `--_intake-${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}`;
  return { from, to, subject, messageId, date, inReplyTo, references, extra, boundary };
}

/**
 * One header line, folded at 76 columns. nodemailer's own encoder gives the value: RFC 2047 encoded words
 * for non-ASCII text, punycode and quoting for addresses, the RFC 5322 date format.
 */
function header(name: string, value: string | Date | string[]): string {
  return foldLines(`${name}: ${MimeNode.encodeHeaderValue(name, value)}`, 76);
}

/** A text body: CRLF line ends, quoted-printable (RFC 2045) with soft breaks under 76 columns. */
function textPart(contentType: string, body: string): string {
  const crlf = body.replace(/\r\n|\r|\n/g, '\r\n');
  return (
    `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n` +
    qpWrap(qpEncode(Buffer.from(crlf, 'utf8')), 76)
  );
}

/**
 * The exact RFC 5322 bytes of a reply (CRLF line ends): what is sent, and what is appended to Sent. Built
 * in one synchronous pass: MailComposer gives the same message through a tree of streams per part, which
 * cost the worker about 1 ms of CPU per reply (most of it in stream plumbing) for a few kilobytes of text.
 */
export function buildRawSync(reply: OutgoingReply, from: string, options: BuildOptions = {}): Buffer {
  const m = messageParts(reply, from, options);
  const lines = [
    header('From', m.from),
    header('To', m.to),
    header('Subject', m.subject),
    header('Date', m.date),
    header('Message-ID', m.messageId),
  ];
  if (m.inReplyTo) lines.push(header('In-Reply-To', m.inReplyTo));
  if (m.references.length > 0) lines.push(header('References', m.references));
  for (const [name, value] of m.extra) lines.push(header(name, value));
  lines.push('MIME-Version: 1.0');
  const text = textPart('text/plain', reply.text);
  let body: string;
  if (reply.html) {
    lines.push(`Content-Type: multipart/alternative;\r\n boundary="${m.boundary}"`);
    // The blank line that ends the header block, then the parts.
    body =
      `\r\n--${m.boundary}\r\n${text}\r\n` +
      `--${m.boundary}\r\n${textPart('text/html', reply.html)}\r\n` +
      `--${m.boundary}--\r\n`;
  } else {
    // The part's own Content-Type and Content-Transfer-Encoding complete the header block. The last line
    // of a message ends with CRLF (SMTP would add it otherwise, and Sent would differ from what was sent).
    body = text.endsWith('\r\n') ? text : `${text}\r\n`;
  }
  // Everything above is ASCII (encoded words, quoted-printable): latin1 writes it byte for byte.
  return Buffer.from(`${lines.join('\r\n')}\r\n${body}`, 'latin1');
}

/** The address with its domain as an A-label (`exämple.fr` → `xn--exmple-cua.fr`); unchanged if not a domain. */
export function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const ascii = domainToASCII(address.slice(at + 1));
  return ascii ? `${address.slice(0, at + 1)}${ascii}` : address;
}

/** The address part of `Name <address>` or of a bare address. */
export function envelopeAddress(from: string): string {
  const match = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  return (match ? match[1]! : from).trim();
}

/** `buildRawSync`, for callers that expect a promise (the Mailer interface). */
export async function buildRaw(
  reply: OutgoingReply,
  from: string,
  options: BuildOptions = {},
): Promise<Buffer> {
  return buildRawSync(reply, from, options);
}
