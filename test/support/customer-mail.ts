import { randomUUID } from 'node:crypto';

export interface CustomerMailOptions {
  from?: string;
  to?: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string;
  references?: readonly string[];
  /** Extra header lines, e.g. `Auto-Submitted: auto-replied`. */
  headers?: readonly string[];
  date?: Date;
}

/** A customer's plain-text message with CRLF line ends and a UTF-8 subject (RFC 2047 when needed). */
export function customerMail(options: CustomerMailOptions): { raw: string; messageId: string } {
  const messageId = options.messageId ?? `<${randomUUID()}@customer.example>`;
  const encodedSubject = /^[\x20-\x7e]*$/.test(options.subject)
    ? options.subject
    : `=?UTF-8?B?${Buffer.from(options.subject).toString('base64')}?=`;
  const lines = [
    `From: ${options.from ?? 'Alice Martin <alice@customer.example>'}`,
    `To: ${options.to ?? 'Support <support@hosting.example>'}`,
    `Subject: ${encodedSubject}`,
    `Date: ${(options.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${messageId}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.references?.length ? [`References: ${options.references.join(' ')}`] : []),
    ...(options.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...options.body.split('\n'),
    '',
  ];
  return { raw: lines.join('\r\n'), messageId };
}

/** A delivery status notification (RFC 3464) as a mail server sends it back. */
export function bounceMail(originalMessageId: string, to = 'support@hosting.example'): string {
  const boundary = `b-${randomUUID()}`;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@mx.customer.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.customer.example.',
    'I am sorry to have to inform you that your message could not be delivered.',
    '',
    '<nobody@customer.example>: host mx.customer.example said: 550 5.1.1 User unknown',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.example',
    '',
    'Final-Recipient: rfc822; nobody@customer.example',
    'Action: failed',
    'Status: 5.1.1',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${to}`,
    'To: nobody@customer.example',
    `Message-ID: ${originalMessageId}`,
    'Subject: Re: Reinstall needed',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/**
 * Customer `i`'s incomplete reinstall request (no power or backup statement: it gets a reply), each from an
 * address of its own so that the per-address reply limits never interfere.
 */
export const reinstallRequest = (i: number, from = `Customer ${i} <customer${i}@client${i}.example>`) =>
  customerMail({
    from,
    subject: `Reinstall of server ${i}`,
    body: `Hello,\n\nPlease reinstall Debian 12 on 198.51.100.${i}.\n\nRegards`,
  });
