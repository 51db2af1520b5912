/**
 * One raw RFC 5322 message of the benchmark corpus, built from (seed, index) alone: kind (plain, multipart
 * text+HTML, ISO-8859-1 quoted-printable, with attachments, HTML only), client (Gmail, Outlook, Thunderbird,
 * Apple Mail), language, thread and quoting style are all drawn from the seeded generator.
 */
import { attachmentPart, fakeAttachment } from './corpus-attachments.js';
import { type HtmlFlavor, latin1Safe, renderHtml } from './corpus-html.js';
import { SUBJECTS } from './corpus-phrases.js';
import {
  customerDraft,
  DESK,
  type Draft,
  deskDraft,
  fill,
  type Lang,
  type QuoteStyle,
  renderPlain,
  type ThreadFacts,
  threadFacts,
  type Wrap,
} from './corpus-text.js';
import { encodeWords, foldHeader, mailbox, quotedPrintable, rfc5322Date, toLatin1 } from './mime-encode.js';
import { Rng } from './prng.js';

/** Bump when the output changes, so that a stale corpus on disk is regenerated. */
export const GENERATOR_VERSION = 1;

export type MessageKind = 'plain' | 'alternative' | 'qp-latin1' | 'mixed' | 'html-only';
type Client = 'gmail' | 'outlook' | 'thunderbird' | 'apple';

const CRLF = '\r\n';
const BASE_DATE = Date.UTC(2025, 0, 6, 8, 0, 0);

function boundary(rng: Rng, client: Client): string {
  if (client === 'gmail') return `000000000000${rng.hex(16)}`;
  if (client === 'outlook') return `_000_PR3P192MB0844${rng.hex(16).toUpperCase()}PR3P192MB0844EURP_`;
  if (client === 'apple')
    return `Apple-Mail=_${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`.toUpperCase();
  return `------------${rng.hex(24)}`;
}

function messageId(rng: Rng, client: Client, domain: string): string {
  if (client === 'gmail')
    return `<CA+${Buffer.from(rng.bytes(30)).toString('base64').replace(/[+/=]/g, 'x')}@mail.gmail.com>`;
  if (client === 'outlook')
    return `<PR3P192MB0844${rng.hex(12).toUpperCase()}@PR3P192MB0844.EURP192.PROD.OUTLOOK.COM>`;
  return `<${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}@${domain}>`;
}

interface Part {
  headers: string[];
  body: string;
}

function textPart(
  text: string,
  type: 'plain' | 'html',
  charset: 'UTF-8' | 'ISO-8859-1',
  cte: string,
  flowed = false,
): Part {
  const bytes =
    charset === 'UTF-8' ? Buffer.from(text, 'utf8') : toLatin1(type === 'html' ? latin1Safe(text) : text);
  const ascii = !/[\u0080-\u{10ffff}]/u.test(text);
  const encoding = cte === 'quoted-printable' ? cte : ascii ? '7bit' : '8bit';
  // Bodies are kept as binary strings (one char per byte) so the message is assembled byte-exact.
  const body = encoding === 'quoted-printable' ? quotedPrintable(bytes) : bytes.toString('latin1');
  return {
    headers: [
      `Content-Type: text/${type}; charset="${charset === 'UTF-8' ? 'UTF-8' : 'iso-8859-1'}"${flowed ? '; format=flowed' : ''}`,
      `Content-Transfer-Encoding: ${encoding}`,
    ],
    body: body.replace(/\r?\n/g, CRLF),
  };
}

function multipart(rng: Rng, client: Client, subtype: string, parts: Part[]): Part {
  const b = boundary(rng, client);
  const body = parts
    .map((p) => `--${b}${CRLF}${p.headers.join(CRLF)}${CRLF}${CRLF}${p.body}${CRLF}`)
    .join('');
  return {
    headers: [`Content-Type: multipart/${subtype};${CRLF}\tboundary="${b}"`],
    body: `${body}--${b}--${CRLF}`,
  };
}

function alternative(rng: Rng, draft: Draft, client: 'gmail' | 'outlook'): Part {
  const charset = client === 'outlook' && rng.chance(0.4) ? 'ISO-8859-1' : 'UTF-8';
  const plain = textPart(renderPlain(draft), 'plain', charset, 'quoted-printable');
  const html = textPart(renderHtml(draft, client, charset), 'html', charset, 'quoted-printable');
  return multipart(rng, client, 'alternative', [plain, html]);
}

/** A thread: the customer's message, maybe answering the desk, which may itself quote the first message. */
function compose(
  rng: Rng,
  lang: Lang,
  facts: ThreadFacts,
  style: QuoteStyle | null,
  date: Date,
  topic: string,
): Draft {
  const draft = customerDraft(rng, lang, facts);
  if (style === null) return draft;
  const deskDate = new Date(date.getTime() - rng.int(10, 3 * 24 * 60) * 60_000);
  const desk = deskDraft(rng, lang, facts, facts.customer.name.split(' ')[0]!);
  if (rng.chance(0.5)) {
    desk.quote = {
      style,
      author: facts.customer,
      recipient: DESK,
      date: new Date(deskDate.getTime() - rng.int(10, 2 * 24 * 60) * 60_000),
      subject: topic,
      draft: customerDraft(rng, lang, facts),
    };
  }
  const subject = `RE: ${topic}`;
  draft.quote = { style, author: DESK, recipient: facts.customer, date: deskDate, subject, draft: desk };
  draft.inlineAnswers = (style === 'gmail' || style === 'thunderbird') && rng.chance(0.08);
  return draft;
}

export function buildMessage(seed: string, index: number): { kind: MessageKind; lang: Lang; raw: Buffer } {
  const rng = new Rng(`${seed}:${index}`);
  const kind = rng.weighted<MessageKind>([
    ['plain', 33],
    ['alternative', 30],
    ['qp-latin1', 15],
    ['mixed', 14],
    ['html-only', 8],
  ]);
  const lang: Lang = rng.chance(kind === 'qp-latin1' ? 0.85 : 0.6) ? 'fr' : 'en';
  const client: Client =
    kind === 'alternative'
      ? rng.pick(['gmail', 'outlook'] as const)
      : kind === 'qp-latin1'
        ? rng.pick(['outlook', 'thunderbird'] as const)
        : kind === 'html-only'
          ? rng.pick(['outlook', 'thunderbird'] as const)
          : rng.pick(['gmail', 'outlook', 'thunderbird', 'apple'] as const);
  const facts = threadFacts(rng, lang);
  const date = new Date(BASE_DATE + rng.int(0, 300 * 24 * 3600) * 1000);
  const styles: Record<Client, readonly QuoteStyle[]> = {
    gmail: ['gmail'],
    outlook: ['outlook', 'original'],
    thunderbird: ['thunderbird'],
    apple: ['apple'],
  };
  const style = rng.chance(0.6) ? rng.pick(styles[client]) : null;
  const topic = fill(rng.pick(SUBJECTS[lang]), facts.values);
  const draft = compose(rng, lang, facts, style, date, topic);
  const autoReply = kind === 'plain' && rng.chance(0.04);
  if (autoReply) {
    draft.paragraphs = [
      lang === 'fr'
        ? "Je suis absent jusqu'au 12 mars, sans accès à mes e-mails."
        : 'I am out of the office until March 12 with no access to email.',
    ];
    draft.quote = null;
  }

  let content: Part;
  const wrap: Wrap | undefined =
    client === 'thunderbird'
      ? { width: 72, flowed: true }
      : client === 'apple'
        ? { width: 76, flowed: false }
        : undefined;
  if (kind === 'plain') content = textPart(renderPlain(draft, wrap), 'plain', 'UTF-8', '8bit', wrap?.flowed);
  else if (kind === 'qp-latin1')
    content = textPart(renderPlain(draft), 'plain', 'ISO-8859-1', 'quoted-printable');
  else if (kind === 'alternative')
    content = alternative(rng, draft, client === 'gmail' ? 'gmail' : 'outlook');
  else if (kind === 'html-only') {
    const flavor: HtmlFlavor = client === 'outlook' ? 'outlook' : 'generic';
    const charset = rng.chance(0.3) ? 'ISO-8859-1' : 'UTF-8';
    content = textPart(
      renderHtml(draft, flavor, charset),
      'html',
      charset,
      rng.chance(0.5) ? 'quoted-printable' : '8bit',
    );
  } else {
    const body =
      client === 'gmail' || client === 'outlook'
        ? alternative(rng, draft, client)
        : textPart(
            renderPlain(draft, wrap),
            'plain',
            'UTF-8',
            rng.chance(0.5) ? 'quoted-printable' : '8bit',
            wrap?.flowed,
          );
    const atts = Array.from(
      {
        length: rng.weighted([
          [1, 6],
          [2, 3],
          [3, 1],
        ] as const),
      },
      () => fakeAttachment(rng, lang),
    );
    content = multipart(rng, client, 'mixed', [body, ...atts.map((a) => attachmentPart(rng, a))]);
  }

  const domain = facts.customer.address.split('@')[1]!;
  const subjectText =
    (draft.quote ? rng.pick(lang === 'fr' ? ['RE: ', 'Re: ', 'Réf. : '] : ['RE: ', 'Re: ']) : '') + topic;
  const subject = autoReply
    ? `${lang === 'fr' ? 'Réponse automatique' : 'Automatic reply'}: ${subjectText}`
    : subjectText;
  const offset = lang === 'fr' ? rng.pick([60, 120]) : rng.pick([0, 60, -300, -420]);
  const refs = draft.quote ? [messageId(rng, client, domain), `<${rng.hex(20)}@intake.hosting.example>`] : [];
  const headers = [
    `Return-Path: <${facts.customer.address}>`,
    `Received: from mail.${domain} (mail.${domain} [198.51.100.${rng.int(1, 254)}])${CRLF}\tby mx1.hosting.example (Postfix) with ESMTPS id ${rng.hex(10).toUpperCase()}${CRLF}\tfor <support@hosting.example>; ${rfc5322Date(date, 0)}`,
    ...(rng.chance(0.6)
      ? [
          `Authentication-Results: mx1.hosting.example;${CRLF}\tdkim=pass header.d=${domain} header.s=s1;${CRLF}\tspf=pass smtp.mailfrom=${facts.customer.address}`,
          `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=s1;${CRLF}\th=from:to:subject:date:message-id:mime-version; bh=${rng.bytes(32).toString('base64')};${CRLF}\tb=${rng
            .bytes(256)
            .toString('base64')
            .replace(/(.{70})/g, `$1${CRLF}\t `)}`,
        ]
      : []),
    ...(autoReply ? ['Auto-Submitted: auto-replied', 'X-Auto-Response-Suppress: All'] : []),
    'MIME-Version: 1.0',
    `Date: ${rfc5322Date(date, offset)}`,
    `Message-ID: ${messageId(rng, client, domain)}`,
    ...(refs.length ? [`In-Reply-To: ${refs[1]}`, `References: ${refs.join(`${CRLF} `)}`] : []),
    /^[\x20-\x7e]*$/.test(subject)
      ? foldHeader('Subject', subject)
      : `Subject: ${encodeWords(subject, rng.pick(['B', 'Q'] as const), kind === 'qp-latin1' ? 'ISO-8859-1' : 'UTF-8')}`,
    `From: ${mailbox(facts.customer.name, facts.customer.address, rng.pick(['B', 'Q'] as const))}`,
    `To: ${rng.chance(0.5) ? DESK.address : mailbox(DESK.name, DESK.address)}`,
    ...(rng.chance(0.1) ? [`Cc: ${mailbox('Service technique', `tech@${domain}`)}`] : []),
    ...(client === 'thunderbird'
      ? ['User-Agent: Mozilla Thunderbird']
      : client === 'apple'
        ? ['X-Mailer: Apple Mail (2.3826.500.181)']
        : []),
    ...content.headers,
  ];
  let raw = `${headers.join(CRLF)}${CRLF}${CRLF}${content.body}`;
  // Some mailboxes hand over messages saved on Unix, with bare LF line ends.
  if (rng.chance(0.1)) raw = raw.replace(/\r\n/g, '\n');
  return { kind, lang, raw: Buffer.from(raw, 'latin1') };
}
