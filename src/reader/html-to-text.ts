import { compile, type FormatCallback, type SelectorDefinition } from 'html-to-text';

/** Lines holding only these markers tell the splitter where a client put a quote or a signature. */
export const MARK_CHAR = '\uE000';
export const QUOTE_MARK = `${MARK_CHAR}quote`;
export const SIGNATURE_MARK = `${MARK_CHAR}signature`;

export interface HtmlToTextOptions {
  /** HTML beyond this many characters is not converted (a warning says so). */
  maxChars: number;
}

export interface HtmlText {
  text: string;
  truncated: boolean;
}

const markerBlock =
  (marker: string): FormatCallback =>
  (elem, walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 2 });
    builder.addLiteral(marker);
    builder.closeBlock({ trailingLineBreaks: 1 });
    builder.openBlock({ leadingLineBreaks: 1 });
    walk(elem.children, builder);
    builder.closeBlock({ trailingLineBreaks: 2 });
  };

const skip = (selector: string): SelectorDefinition => ({ selector, format: 'skip' });
const quote = (selector: string): SelectorDefinition => ({ selector, format: 'quoteStart' });
const signature = (selector: string): SelectorDefinition => ({ selector, format: 'signatureStart' });

// Where each mail client puts the earlier message and the signature in its HTML.
const SELECTORS: SelectorDefinition[] = [
  skip('head'),
  skip('script'),
  skip('style'),
  skip('noscript'),
  skip('template'),
  skip('svg'),
  skip('img'),
  // Hidden text (preheaders, tracking blurbs) is not what a reader sees.
  skip('[style*="display:none"i]'),
  skip('[style*="display: none"i]'),
  skip('[hidden]'),
  { selector: 'a', options: { ignoreHref: true } },
  { selector: 'ul', options: { itemPrefix: '* ' } },
  { selector: 'h1', options: { uppercase: false } },
  { selector: 'h2', options: { uppercase: false } },
  { selector: 'h3', options: { uppercase: false } },
  { selector: 'h4', options: { uppercase: false } },
  { selector: 'h5', options: { uppercase: false } },
  { selector: 'h6', options: { uppercase: false } },
  { selector: 'td', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  { selector: 'th', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  { selector: 'blockquote', options: { trimEmptyLines: true } },
  quote('div.gmail_quote'),
  quote('div.gmail_quote_container'),
  quote('div#divRplyFwdMsg'),
  quote('div#appendonsend'),
  quote('div.moz-cite-prefix'),
  quote('div.moz-forward-container'),
  quote('div.yahoo_quoted'),
  quote('div#zwchr'),
  quote('div.zmail_extra'),
  quote('div.OutlookMessageHeader'),
  quote('div[style*="border-top:solid #E1E1E1"i]'),
  quote('div[style*="border-top: solid #E1E1E1"i]'),
  quote('div[style*="border-top:solid #B5C4DF"i]'),
  signature('div.gmail_signature'),
  signature('div.moz-signature'),
  signature('div#AppleMailSignature'),
  signature('div#Signature'),
  signature('div#ms-outlook-mobile-signature'),
  signature('div.signature'),
];

let converter: ((html: string) => string) | undefined;

function getConverter(): (html: string) => string {
  converter ??= compile({
    wordwrap: false,
    formatters: { quoteStart: markerBlock(QUOTE_MARK), signatureStart: markerBlock(SIGNATURE_MARK) },
    selectors: SELECTORS,
    // Pathological nesting is flattened instead of recursing until the stack breaks.
    limits: { maxDepth: 200, maxChildNodes: 20_000, ellipsis: '…', maxInputLength: undefined },
  });
  return converter;
}

/**
 * HTML to the text a reader sees: paragraphs and line breaks kept, list items on their own lines,
 * `blockquote` as `>` lines, and marker lines where a mail client starts its quote or signature.
 */
export function htmlToText(html: string, options: HtmlToTextOptions): HtmlText {
  const truncated = html.length > options.maxChars;
  // The marker character must only ever come from us: a message carrying it could fake a quote.
  const input = (truncated ? html.slice(0, options.maxChars) : html).replaceAll(MARK_CHAR, '');
  return { text: getConverter()(input), truncated };
}
