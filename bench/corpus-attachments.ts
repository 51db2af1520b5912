/**
 * Fake attachments with the sizes and byte patterns of what customers attach: PDFs (compressed, so
 * random-looking), pasted logs (text, repetitive) and screenshots (PNG). Only the framing is real: what
 * matters to the parsers is the base64 volume and the part headers.
 */
import { ascii } from './corpus-text.js';
import { base64Lines, encodeWords } from './mime-encode.js';
import type { Rng } from './prng.js';

export interface FakeAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

const MIN_BYTES = 2 * 1024;
const MAX_BYTES = 300 * 1024;

function pdf(rng: Rng, size: number): Buffer {
  const head = Buffer.from(
    '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
      '4 0 obj\n<< /Length 0 /Filter /FlateDecode >>\nstream\n',
    'latin1',
  );
  const tail = Buffer.from(
    '\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n',
    'latin1',
  );
  return Buffer.concat([head, rng.bytes(Math.max(0, size - head.length - tail.length)), tail]);
}

function png(rng: Rng, size: number): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.from('0000000d49484452000007800000043808060000005d8e0a49', 'hex');
  const iend = Buffer.from('0000000049454e44ae426082', 'hex');
  return Buffer.concat([sig, ihdr, rng.bytes(Math.max(0, size - 45)), iend]);
}

function log(rng: Rng, size: number): Buffer {
  const units = ['sshd', 'kernel', 'systemd', 'nginx', 'mysqld', 'CRON'];
  const events = [
    'Failed password for invalid user admin from 203.0.113.{n} port 52{n} ssh2',
    'Started Daily apt download activities.',
    'EXT4-fs warning (device sda1): ext4_end_bio:343: I/O error 10 writing to inode 1311',
    'upstream timed out (110: Connection timed out) while reading response header from upstream',
    'InnoDB: page_cleaner: 1000ms intended loop took 4021ms.',
    '(root) CMD (/usr/local/bin/backup.sh > /var/log/backup.log 2>&1)',
  ];
  const lines: string[] = [];
  let total = 0;
  let second = rng.int(0, 86_000);
  while (total < size) {
    second += rng.int(0, 20);
    const h = String(Math.floor(second / 3600) % 24).padStart(2, '0');
    const m = String(Math.floor(second / 60) % 60).padStart(2, '0');
    const s = String(second % 60).padStart(2, '0');
    const line = `Mar  3 ${h}:${m}:${s} srv${rng.int(10, 99)} ${rng.pick(units)}[${rng.int(100, 9999)}]: ${rng
      .pick(events)
      .replace(/\{n\}/g, () => String(rng.int(1, 99)))}`;
    lines.push(line);
    total += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8').subarray(0, size);
}

export function fakeAttachment(rng: Rng, lang: 'fr' | 'en'): FakeAttachment {
  const size = rng.logUniform(MIN_BYTES, MAX_BYTES);
  const kind = rng.weighted([
    ['pdf', 4],
    ['log', 3],
    ['png', 3],
  ] as const);
  switch (kind) {
    case 'pdf':
      return {
        filename: rng.pick(
          lang === 'fr'
            ? ['facture-2025-03.pdf', 'bon de commande.pdf', 'Procès-verbal.pdf']
            : ['invoice-2025-03.pdf', 'purchase order.pdf', 'report.pdf'],
        ),
        contentType: 'application/pdf',
        bytes: pdf(rng, size),
      };
    case 'log':
      return {
        filename: rng.pick(['syslog.txt', 'dmesg.log', 'kern.log', 'journalctl-boot.log']),
        contentType: rng.pick(['text/plain', 'application/octet-stream']),
        bytes: log(rng, size),
      };
    case 'png':
      return {
        filename: rng.pick(
          lang === 'fr'
            ? ['capture écran.png', 'Capture d’écran 2025-03-03 à 10.12.45.png', 'kvm.png']
            : ['Screenshot 2025-03-03 at 10.12.45.png', 'kvm-console.png', 'image001.png'],
        ),
        contentType: 'image/png',
        bytes: png(rng, size),
      };
  }
}

/** The part headers and base64 body of one attachment, with filename encoding varying by client. */
export function attachmentPart(rng: Rng, att: FakeAttachment): { headers: string[]; body: string } {
  const nonAscii = /[^\x20-\x7e]/.test(att.filename);
  let nameParam = `name="${att.filename}"`;
  let fileParam = `filename="${att.filename}"`;
  if (nonAscii) {
    if (rng.chance(0.5)) {
      // Gmail and Thunderbird: RFC 2231 parameter encoding.
      const encoded = encodeURIComponent(att.filename).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
      nameParam = `name="${ascii(att.filename)}"`;
      fileParam = `filename*=UTF-8''${encoded}`;
    } else {
      // Outlook: encoded-words inside quoted parameters, which RFC 2047 forbids and every parser accepts.
      const words = encodeWords(att.filename, 'B', 'UTF-8').replace(/\r\n /g, ' ');
      nameParam = `name="${words}"`;
      fileParam = `filename="${words}"`;
    }
  }
  const sizeParam = rng.chance(0.4) ? `;\r\n\tsize=${att.bytes.length}` : '';
  return {
    headers: [
      `Content-Type: ${att.contentType};\r\n\t${nameParam}`,
      `Content-Disposition: attachment;\r\n\t${fileParam}${sizeParam}`,
      'Content-Transfer-Encoding: base64',
      ...(rng.chance(0.3) ? [`Content-ID: <${rng.hex(12)}@${rng.hex(8)}>`] : []),
    ],
    body: base64Lines(att.bytes),
  };
}
