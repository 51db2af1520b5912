import type { Readable } from 'node:stream';
import { MessageParseError } from '../errors.js';
import { type RuleBook, shippedRules } from '../rule-engine/load-rules.js';
import { extractAutoSignals, extractExtraAutoHeaders } from './auto-signals.js';
import { type AutomaticRules, automaticRules, detectAutomatic } from './detect-automatic.js';
import { detectLanguage, type LanguageProfiles, languageProfiles } from './detect-language.js';
import { type FoundSecret, redactSecrets, type SecretRules, secretRules } from './find-secrets.js';
import { addresses, headerText, messageIds, parseDate, rawHeaderValues } from './header-fields.js';
import { htmlToText } from './html-to-text.js';
import { InboundMessage, type Language, type Warning } from './inbound-message.js';
import { normalizeText, stripMarks } from './normalize-text.js';
import { parseMime } from './parse-mime.js';
import { quoteMarkerRules } from './quote-markers.js';
import { signatureRules } from './signature.js';
import { type SplitRules, splitReply } from './split-reply.js';
import { isReplySubject } from './subject.js';

export interface ReaderLimits {
  /** Raw message size accepted, in bytes. */
  maxBytes: number;
  /** MIME parts accepted in one message. */
  maxParts: number;
  /** HTML characters converted to text; the rest is dropped with a warning. */
  maxHtmlChars: number;
  /** Body characters read for new text, quotes and secrets; the rest is dropped with a warning. */
  maxTextChars: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxParts: 1000,
  maxHtmlChars: 2_000_000,
  maxTextChars: 1_000_000,
};

export interface ReaderOptions {
  rules?: RuleBook;
  /** Our own addresses: mail from them is our own and never answered. */
  ownAddresses?: readonly string[];
  /** Domains of the Message-IDs we generate. */
  ownMessageIdDomains?: readonly string[];
  /** Language when the message itself does not tell. */
  defaultLanguage?: Language;
  limits?: Partial<ReaderLimits>;
}

export interface ReadResult {
  message: InboundMessage;
  /** SHA-256 (hex) of the raw bytes read. */
  contentHash: string;
  /** Secret values found in the message, apart from the message (which holds only placeholders). */
  secrets: FoundSecret[];
}

export interface MessageReader {
  read(input: Buffer | string | Readable): Promise<ReadResult>;
}

interface CompiledReaderRules {
  split: SplitRules;
  automatic: AutomaticRules;
  secrets: SecretRules;
  language: LanguageProfiles;
}

// A message is RFC 5322 when it has at least one of the headers every real message has.
const MESSAGE_HEADERS = [
  'from',
  'date',
  'message-id',
  'subject',
  'to',
  'received',
  'mime-version',
  'content-type',
];

function textBody(
  plain: string | undefined,
  html: string | undefined,
  limits: ReaderLimits,
  warnings: Warning[],
): { source: InboundMessage['textSource']; body: string } {
  if (plain !== undefined && plain.trim() !== '') return { source: 'plain', body: stripMarks(plain) };
  if (html !== undefined && html.trim() !== '') {
    const converted = htmlToText(html, { maxChars: limits.maxHtmlChars });
    if (converted.truncated) {
      warnings.push({
        code: 'html_truncated',
        message: `HTML longer than ${limits.maxHtmlChars} characters was cut`,
      });
    }
    return { source: 'html', body: converted.text };
  }
  warnings.push({ code: 'no_text', message: 'the message has no readable text part' });
  return { source: 'none', body: '' };
}

/** Compiles the rules once and returns a reader that turns raw messages into `InboundMessage`s. */
export function createReader(options: ReaderOptions = {}): MessageReader {
  const book = options.rules ?? shippedRules();
  const limits = { ...DEFAULT_READER_LIMITS, ...options.limits };
  const rules: CompiledReaderRules = {
    split: { quote: quoteMarkerRules(book), signature: signatureRules(book) },
    automatic: automaticRules(book),
    secrets: secretRules(book),
    language: languageProfiles(book),
  };
  const own = {
    ownAddresses: options.ownAddresses ?? [],
    ownMessageIdDomains: options.ownMessageIdDomains ?? [],
  };
  const defaultLanguage = options.defaultLanguage ?? 'en';

  return {
    async read(input) {
      const mime = await parseMime(input, { maxBytes: limits.maxBytes, maxParts: limits.maxParts });
      const { headers, headerLines } = mime;
      if (!MESSAGE_HEADERS.some((h) => headers.has(h))) {
        throw new MessageParseError(
          'message_not_rfc5322',
          'no message header (From, Date, Subject, …) was found',
        );
      }
      const warnings: Warning[] = [...mime.warnings];
      const from = addresses(headers.get('from'))[0] ?? null;
      if (!from) warnings.push({ code: 'from_missing', message: 'the message has no usable From address' });
      const messageId = messageIds(headers.get('message-id'))[0] ?? null;
      if (!messageId) warnings.push({ code: 'message_id_missing', message: 'the message has no Message-ID' });
      const subject = headerText(headers.get('subject')) ?? '';
      if (subject.includes('\uFFFD')) {
        warnings.push({
          code: 'header_undecodable',
          message: 'the Subject has bytes that are not valid UTF-8',
        });
      }

      const body = textBody(mime.text, mime.html, limits, warnings);
      let bodyText = body.body;
      if (bodyText.length > limits.maxTextChars) {
        warnings.push({
          code: 'text_truncated',
          message: `text longer than ${limits.maxTextChars} characters was cut`,
        });
        bodyText = bodyText.slice(0, limits.maxTextChars);
      }
      const normalized = normalizeText(bodyText);
      const split = splitReply(normalized.text, rules.split, normalized);

      const signals = extractAutoSignals(headers, headerLines);
      const automatic = detectAutomatic(
        {
          signals,
          extraHeaders: extractExtraAutoHeaders(headers, headerLines),
          from,
          subject,
          messageId,
          hasDeliveryStatusPart: mime.attachments.some((a) =>
            /^message\/(?:global-)?(?:delivery-status|disposition-notification)/i.test(a.contentType),
          ),
        },
        rules.automatic,
        own,
      );

      const redacted = redactSecrets(
        {
          subject,
          text: normalized.text,
          newText: split.newText,
          signature: split.signature,
          quoted: split.quoted,
        },
        rules.secrets,
      );
      const parts = redacted.parts;
      const ownSubject = isReplySubject(parts.subject) ? '' : parts.subject;
      const language = detectLanguage(
        [parts.newText, ownSubject, parts.quoted.map((q) => q.text).join('\n'), parts.signature ?? ''],
        rules.language,
        defaultLanguage,
      );

      const message = InboundMessage.parse({
        messageId,
        date: parseDate(headerLines, warnings),
        from,
        replyTo: addresses(headers.get('reply-to')),
        to: addresses(headers.get('to')),
        cc: addresses(headers.get('cc')),
        subject: parts.subject,
        inReplyTo: messageIds(headers.get('in-reply-to'))[0] ?? null,
        references: messageIds(headers.get('references')),
        autoSignals: signals,
        automatic,
        authenticationResults: rawHeaderValues(headerLines, 'authentication-results'),
        textSource: body.source,
        text: parts.text,
        newText: parts.newText,
        quoted: parts.quoted,
        signature: parts.signature,
        language,
        attachments: mime.attachments,
        secrets: redacted.secrets.map((s) => s.ref),
        warnings,
        size: mime.size,
      });
      return { message, secrets: redacted.secrets, contentHash: mime.sha256 };
    },
  };
}
