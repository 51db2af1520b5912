/**
 * Small, correct encoders for the benchmark corpus. They are written here rather than borrowed from a mail
 * library so that the corpus does not come from the same code family as the parsers it measures.
 */

const CRLF = '\r\n';
const HEX = '0123456789ABCDEF';

function hexByte(b: number): string {
  return `=${HEX[b >> 4]}${HEX[b & 15]}`;
}

/**
 * Quoted-printable (RFC 2045 §6.7) of text already turned into bytes of its charset. Lines break at "\n";
 * encoded lines stay within 76 characters with soft breaks, and a space or tab ending a line is encoded so
 * that transports which strip trailing whitespace cannot change the text.
 */
export function quotedPrintable(bytes: Buffer): string {
  const out: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const lineEnd = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    let line = '';
    for (let i = start; i < lineEnd; i++) {
      const b = bytes[i]!;
      const last = i === lineEnd - 1;
      const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      const token = literal ? String.fromCharCode(b) : hexByte(b);
      // 75 leaves room for the "=" of the soft break within the 76-character limit.
      if (line.length + token.length > 75) {
        out.push(`${line}=`);
        line = '';
      }
      line += token;
    }
    out.push(line);
    if (end === bytes.length) break;
    start = end + 1;
  }
  return out.join(CRLF);
}

/** Base64 in 76-character lines, as every client sends it. */
export function base64Lines(bytes: Buffer): string {
  const b64 = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** Latin-1 has no typographic apostrophe, œ, € or ellipsis: clients writing ISO-8859-1 substitute them. */
export function toLatin1(text: string): Buffer {
  const plain = text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\u0153/g, 'oe')
    .replace(/\u0152/g, 'OE')
    .replace(/\u20ac/g, 'EUR')
    .replace(/\u2026/g, '...')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u0100-\u{10ffff}]/gu, '?');
  return Buffer.from(plain, 'latin1');
}

const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

function qWord(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 32) out += '_';
    else if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122))
      out += String.fromCharCode(b);
    else if (b === 46 || b === 45 || b === 33 || b === 42 || b === 43 || b === 47)
      out += String.fromCharCode(b);
    else out += hexByte(b);
  }
  return out;
}

export type WordEncoding = 'B' | 'Q';
export type WordCharset = 'UTF-8' | 'ISO-8859-1';

/**
 * RFC 2047 encoded-words for a header value, split so that each word stays within 75 characters and never
 * cuts a character in two (a split UTF-8 sequence is a classic decoder trap, but not the one measured here).
 */
export function encodeWords(text: string, encoding: WordEncoding, charset: WordCharset): string {
  if (isAscii(text)) return text;
  const toBytes = (s: string) => (charset === 'UTF-8' ? Buffer.from(s, 'utf8') : toLatin1(s));
  const wrap = (s: string) => {
    const bytes = toBytes(s);
    return `=?${charset}?${encoding}?${encoding === 'B' ? bytes.toString('base64') : qWord(bytes)}?=`;
  };
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (chunk !== '' && wrap(chunk + ch).length > 75) {
      words.push(wrap(chunk));
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '') words.push(wrap(chunk));
  return words.join(`${CRLF} `);
}

/** A display name as clients write it: plain, quoted when it has specials, or encoded when not ASCII. */
export function mailbox(name: string, address: string, encoding: WordEncoding = 'Q'): string {
  if (name === '') return address;
  if (!isAscii(name)) return `${encodeWords(name, encoding, 'UTF-8')} <${address}>`;
  return /[,.;:@()<>[\]"]/.test(name)
    ? `"${name.replace(/"/g, '\\"')}" <${address}>`
    : `${name} <${address}>`;
}

/** Folds an unstructured header at spaces so that lines stay under 78 characters where possible. */
export function foldHeader(name: string, value: string): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > 76 && line.length > name.length + 1) {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join(CRLF);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date in the sender's own offset (minutes east of UTC). */
export function rfc5322Date(utc: Date, offsetMinutes: number): string {
  const local = new Date(utc.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${DAYS[local.getUTCDay()]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Hard-wraps a paragraph at `width`, as Outlook and Apple Mail do for plain text. */
export function wrapText(text: string, width: number, flowed = false): string {
  return text
    .split('\n')
    .map((para) => {
      if (para.length <= width || para.startsWith('>')) return para;
      const lines: string[] = [];
      let line = '';
      for (const word of para.split(' ')) {
        if (line !== '' && line.length + 1 + word.length > width) {
          // format=flowed (RFC 3676) marks a soft break with a trailing space.
          lines.push(flowed ? `${line} ` : line);
          line = word;
        } else line = line === '' ? word : `${line} ${word}`;
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}
