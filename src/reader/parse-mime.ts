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
}

// Part headers are not exposed by mailparser's stream, so declared charsets are found in the raw bytes.
// The scan is bounded: charsets are declared in part headers, which sit near part starts anyway.
const CHARSET_SCAN_BYTES = 4 * 1024 * 1024;
const CHARSET_DECL = /charset\s*=\s*"?([A-Za-z0-9_.:+-]{1,40})/gi;

function unknownCharsets(raw: Buffer): string[] {
  const head = raw.subarray(0, CHARSET_SCAN_BYTES).toString('latin1');
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

async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new MessageParseError('message_too_large', `message is larger than ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
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
  const raw = input instanceof Readable ? await readAll(input, options.maxBytes) : toBuffer(input);
  if (raw.length > options.maxBytes) {
    throw new MessageParseError(
      'message_too_large',
      `message is ${raw.length} bytes, the limit is ${options.maxBytes}`,
    );
  }
  if (raw.length === 0 || (/^\s*$/.test(raw.subarray(0, 4096).toString('latin1')) && raw.length <= 4096)) {
    throw new MessageParseError('message_empty', 'message is empty');
  }

  const warnings: Warning[] = [];
  const attachments: Attachment[] = [];
  const parser = new MailParser(mailParserOptions(options.maxParts));

  let headers: Map<string, HeaderValue> | undefined;
  let text: MessageText | undefined;
  const done = new Promise<void>((resolve, reject) => {
    parser.on('headers', (h: Map<string, HeaderValue>) => {
      headers = h;
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = data;
        return;
      }
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
    parser.on('error', reject);
    parser.on('end', () => resolve());
  });
  parser.end(raw);
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

  for (const name of unknownCharsets(raw)) {
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
    size: raw.length,
  };
}
