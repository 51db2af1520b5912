/** Builds raw test messages; CRLF line ends as on the wire. */
export interface RawMessageOptions {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string;
  date?: string;
  headers?: string[];
  contentType?: string;
  transferEncoding?: string;
  body: string | Buffer;
}

export function rawMessage(o: RawMessageOptions): Buffer {
  const head = [
    `From: ${o.from ?? 'Claire Fontaine <claire@example.fr>'}`,
    `To: ${o.to ?? 'support@hosting.example'}`,
    `Subject: ${o.subject ?? 'Serveur SRV-10234'}`,
    `Message-ID: ${o.messageId ?? '<t1@mail.example.fr>'}`,
    `Date: ${o.date ?? 'Wed, 25 Nov 2026 10:00:00 +0100'}`,
    'MIME-Version: 1.0',
    ...(o.headers ?? []),
    `Content-Type: ${o.contentType ?? 'text/plain; charset=utf-8'}`,
    `Content-Transfer-Encoding: ${o.transferEncoding ?? '8bit'}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    typeof o.body === 'string' ? Buffer.from(o.body) : o.body,
  ]);
}
