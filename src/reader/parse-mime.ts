import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import type { AttachmentStream, HeaderValue, MailParserOptions, MessageText } from 'mailparser';
import { MailParser } from 'mailparser';
import { MessageParseError } from '../errors.js';
import type { Attachment, Warning } from './inbound-message.js';

export interface MimeParseOptions {
  /** Larger messages are refused with `message_too_large` before or while they are read. */
  maxBytes: number;
  /** Most MIME parts accepted; more is a `mime_unreadable` error (mailparser's own guard). */
  maxParts: number;
}

export interface ParsedMime {
  headers: Map<string, HeaderValue>;
  headerLines: ReadonlyArray<{ key: string; line: string }>;
  text: string | undefined;
  html: string | undefined;
  attachments: Attachment[];
  warnings: Warning[];
  size: number;
  /** SHA-256 (hex) of the raw message: with the Message-ID, what makes a message the same message. */
  sha256: string;
}

// Part headers are not exposed by mailparser's stream, so declared charsets are found in the raw bytes.
// The scan is bounded: charsets are declared in part headers, which sit near part starts anyway.
const CHARSET_SCAN_BYTES = 4 * 1024 * 1024;
const CHARSET_DECL = /charset\s*=\s*"?([A-Za-z0-9_.:+-]{1,40})/gi;

function unknownCharsets(start: Buffer): string[] {
  const head = start.toString('latin1');
  const unknown = new Set<string>();
  for (const match of head.matchAll(CHARSET_DECL)) {
    const name = match[1]!;
    if (!iconv.encodingExists(name) && !/^(?:us-?ascii|utf-?8|binary)$/i.test(name)) unknown.add(name);
  }
  return [...unknown];
}

function toBuffer(input: Buffer | string): Buffer {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

/** mailparser's options for the reader (exported so that the benchmark's floor parses exactly the same way). */
export function mailParserOptions(maxParts: number): MailParserOptions {
  return {
    // HTML is converted by us, with quote markers; mailparser's conversions would be wasted work.
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
    checksumAlgo: 'sha256',
    // Delivery reports stay parts of their own: they are evidence of a bounce, not the sender's words.
    keepDeliveryStatus: true,
    maxChildNodes: maxParts,
  };
}

/**
 * Runs mailparser's streaming parser over one raw message. Attachment contents flow through and are
 * dropped: only their metadata and SHA-256 stay. HTML is not converted here (we do it ourselves, with
 * the layout a reader sees and quote markers kept).
 */
export async function parseMime(
  input: Buffer | string | Readable,
  options: MimeParseOptions,
): Promise<ParsedMime> {
  if (!(input instanceof Readable) && input.length > options.maxBytes) {
    throw new MessageParseError(
      'message_too_large',
      `message is ${input.length} bytes, the limit is ${options.maxBytes}`,
    );
  }
  const source = input instanceof Readable ? input : Readable.from([toBuffer(input)]);
  const warnings: Warning[] = [];
  const attachments: Attachment[] = [];
  const parser = new MailParser(mailParserOptions(options.maxParts));

  let headers: Map<string, HeaderValue> | undefined;
  let text: MessageText | undefined;
  let failure: unknown;
  const done = new Promise<void>((resolve, reject) => {
    parser.on('headers', (h: Map<string, HeaderValue>) => {
      headers = h;
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = data;
        return;
      }
      // Attachment bytes flow through and are dropped: only their size and hash stay.
      let size = 0;
      data.content.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      data.content.on('end', () => {
        attachments.push({
          filename: data.filename ?? null,
          contentType: data.contentType,
          disposition: data.contentDisposition ?? null,
          contentId: data.contentId ?? null,
          size,
          sha256: data.checksum ?? '',
        });
        data.release?.();
      });
      data.content.on('error', reject);
    });
    parser.on('error', (err) => {
      failure = err;
      reject(err);
    });
    parser.on('end', () => resolve());
  });
  done.catch(() => {});

  // The message streams through: it is hashed and counted on the way, never held whole (a 34 MB message
  // with a 25 MB attachment costs a few MB here instead of its size three times over).
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  try {
    for await (const chunk of source) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buf.length;
      if (size > options.maxBytes) {
        throw new MessageParseError('message_too_large', `message is larger than ${options.maxBytes} bytes`);
      }
      hash.update(buf);
      if (headBytes < CHARSET_SCAN_BYTES) {
        head.push(buf.subarray(0, CHARSET_SCAN_BYTES - headBytes));
        headBytes += Math.min(buf.length, CHARSET_SCAN_BYTES - headBytes);
      }
      if (failure) break;
      if (!parser.write(buf)) await drained(parser);
    }
  } catch (err) {
    source.destroy();
    parser.destroy();
    if (err instanceof MessageParseError) throw err;
    throw new MessageParseError('read_failed', `the message could not be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const start = Buffer.concat(head, headBytes);
  if (size === 0 || (size <= 4096 && /^\s*$/.test(start.toString('latin1')))) {
    parser.destroy();
    throw new MessageParseError('message_empty', 'message is empty');
  }
  parser.end();
  try {
    await done;
  } catch (err) {
    throw new MessageParseError(
      'mime_unreadable',
      `MIME structure cannot be read: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (!headers) throw new MessageParseError('mime_unreadable', 'no header block found');

  for (const name of unknownCharsets(start)) {
    warnings.push({
      code: 'unknown_charset',
      message: `charset "${name}" is unknown; bytes decoded as UTF-8/Latin-1`,
    });
  }
  if (text?.textConversionError) {
    warnings.push({ code: 'html_conversion_failed', message: text.textConversionError.message });
  }
  return {
    headers,
    headerLines: parser.headerLines || [],
    text: text?.text,
    html: text?.html,
    attachments,
    warnings,
    size,
    sha256: hash.digest('hex'),
  };
}

/** Resolves when a writable can take more, or when it failed (the failure surfaces where it is awaited). */
function drained(stream: NodeJS.WritableStream & NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}
