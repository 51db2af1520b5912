/**
 * The messages the worker benchmark delivers: incomplete requests (each gets a reply), and one large
 * message with a 25 MB attachment. Built by the same helper as the end-to-end tests (customer-mail.ts).
 */
import { randomBytes } from 'node:crypto';
import { customerMail } from '../test/support/customer-mail.js';
import { base64Lines } from './mime-encode.js';

export interface BenchMail {
  raw: string;
  messageId: string;
  /** The customer's address: the reply goes there. */
  from: string;
}

/**
 * Request `i` of a run: a reinstall with no power authorisation, backup or data-loss acknowledgement, so the
 * worker answers every one. Every request comes from its own address: the per-address limits
 * (INTAKE_REPLY_DAILY_LIMIT, default 10 a day, and 3 replies in 10 minutes in run-worker.ts) would refuse
 * replies otherwise, and the benchmark would measure refusals. Half English, half French.
 */
export function incompleteRequest(run: string, i: number): BenchMail {
  const from = `customer-${run}-${i}@customer.example`;
  const ip = `203.0.113.${(i % 254) + 1}`;
  const english = i % 2 === 0;
  const mail = customerMail({
    from: `Customer ${i} <${from}>`,
    subject: english ? `Reinstall needed (${i})` : `Réinstallation du serveur (${i})`,
    body: english
      ? `Hello,\n\nPlease reinstall Ubuntu 24.04 on our server ${ip}.\n\nThanks,\nCustomer ${i}`
      : `Bonjour,\n\nMerci de réinstaller Debian 12 sur notre serveur ${ip}.\n\nCordialement,\nClient ${i}`,
  });
  return { raw: mail.raw, messageId: mail.messageId, from };
}

/** 25,000,000 bytes: base64 with CRLF every 76 characters makes the message about 34 MB, as in issue 4. */
export const LARGE_ATTACHMENT_BYTES = 25_000_000;

/**
 * An incomplete request with a 25 MB attachment (random bytes, so nothing along the way can shortcut it).
 * Returned as a Buffer: the parent holds it once and APPENDs it.
 */
export function largeRequest(
  run: string,
  attachmentBytes = LARGE_ATTACHMENT_BYTES,
): BenchMail & { bytes: number } {
  const from = `large-${run}@customer.example`;
  const boundary = `bench-${run}-boundary`;
  const mail = customerMail({
    from: `Large Customer <${from}>`,
    subject: 'Disk image attached',
    body: '',
  });
  // customerMail writes a text/plain message; the multipart one keeps its headers up to MIME-Version.
  const head = mail.raw.slice(0, mail.raw.indexOf('MIME-Version:'));
  const raw = [
    `${head}MIME-Version: 1.0`,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Hello,',
    '',
    'Please reinstall Ubuntu 24.04 on our server 203.0.113.77. The image of the old disk is attached.',
    '',
    'Thanks,',
    'Large Customer',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="disk.img"',
    'Content-Disposition: attachment; filename="disk.img"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(randomBytes(attachmentBytes)),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { raw, messageId: mail.messageId, from, bytes: Buffer.byteLength(raw) };
}
