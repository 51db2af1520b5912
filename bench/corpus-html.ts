/**
 * Renders a draft as the HTML that Gmail, Outlook or a Thunderbird-like client sends. The markup is kept
 * close to the real thing (wrappers, inline styles, quote containers) because HTML size and nesting are
 * what the reader's HTML-to-text step pays for.
 */
import { attribution, type Draft, type Quote } from './corpus-text.js';
import { escapeHtml } from './mime-encode.js';

export type HtmlFlavor = 'gmail' | 'outlook' | 'generic';

const lines = (text: string) => escapeHtml(text).split('\n').join('<br>\n');

function gmailBody(draft: Draft): string {
  const paras = draft.paragraphs.map((p) => `<div>${lines(p)}</div>`).join('<div><br></div>');
  const sig = draft.signature
    ? `<div><br></div>${draft.sigDelimiter ? '<span class="gmail_signature_prefix">-- </span><br>' : ''}` +
      `<div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">` +
      `${lines(draft.signature)}</div></div>`
    : '';
  const footer = draft.footer ? `<div><br></div><div>${escapeHtml(draft.footer)}</div>` : '';
  return `<div dir="ltr">${paras}${sig}${footer}</div>\n`;
}

function gmailQuote(q: Quote, lang: Draft['lang']): string {
  return (
    `<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">` +
    `${escapeHtml(attribution({ ...q, style: 'gmail' }, lang))}<br></div>` +
    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);' +
    `padding-left:1ex">${renderHtmlBody(q.draft, 'gmail')}</blockquote></div>`
  );
}

const OUTLOOK_DIV =
  'class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, Aptos_MSFontService, Calibri, ' +
  'Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);"';

function outlookBody(draft: Draft): string {
  const paras = draft.paragraphs
    .map((p) => `<div ${OUTLOOK_DIV}>${lines(p)}</div>`)
    .join(`\n<div ${OUTLOOK_DIV}><br></div>\n`);
  const sig = draft.signature
    ? `<div id="Signature"><div ${OUTLOOK_DIV}><br></div><div ${OUTLOOK_DIV}>` +
      `<span style="font-size: 10pt; color: rgb(68, 84, 106);">${lines(draft.signature)}</span></div></div>`
    : '';
  return `${paras}\n${sig}\n`;
}

function outlookQuote(q: Quote, lang: Draft['lang']): string {
  const fr = lang === 'fr';
  // The header block in Outlook's markup: bold labels, non-breaking space before the French colon.
  const [, ...block] = attribution({ ...q, style: 'outlook' }, lang).split('\n');
  const fields = block
    .map((line) => {
      const at = line.indexOf(':');
      const label = line.slice(0, at).trim();
      return `<b>${escapeHtml(label)}${fr ? '&nbsp;' : ''}:</b> ${escapeHtml(line.slice(at + 1).trim())}`;
    })
    .join('<br>\n');
  return (
    '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">' +
    '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">' +
    `${fields}</font><div>&nbsp;</div></div><div>${renderHtmlBody(q.draft, 'outlook')}</div>`
  );
}

function genericBody(draft: Draft): string {
  const paras = draft.paragraphs.map((p) => `<p>${lines(p)}</p>`).join('\n');
  const sig = draft.signature
    ? `<div class="moz-signature">${draft.sigDelimiter ? '-- <br>' : ''}${lines(draft.signature)}</div>`
    : '';
  return `${paras}\n${sig}`;
}

function genericQuote(q: Quote, lang: Draft['lang']): string {
  return (
    `<div class="moz-cite-prefix">${lines(attribution({ ...q, style: 'thunderbird' }, lang))}<br></div>\n` +
    `<blockquote type="cite">${renderHtmlBody(q.draft, 'generic')}</blockquote>`
  );
}

function renderHtmlBody(draft: Draft, flavor: HtmlFlavor): string {
  const q = draft.quote;
  switch (flavor) {
    case 'gmail':
      return gmailBody(draft) + (q ? gmailQuote(q, draft.lang) : '');
    case 'outlook':
      return outlookBody(draft) + (q ? outlookQuote(q, draft.lang) : '');
    case 'generic':
      return genericBody(draft) + (q ? genericQuote(q, draft.lang) : '');
  }
}

/** The whole HTML part, with the document wrapper each client adds around it. */
export function renderHtml(draft: Draft, flavor: HtmlFlavor, charset: string): string {
  const body = renderHtmlBody(draft, flavor);
  switch (flavor) {
    case 'gmail':
      return body;
    case 'outlook':
      return (
        '<html>\n<head>\n' +
        `<meta http-equiv="Content-Type" content="text/html; charset=${charset.toLowerCase()}">\n` +
        '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>\n' +
        `</head>\n<body dir="ltr">\n${body}\n</body>\n</html>\n`
      );
    case 'generic':
      return (
        '<!DOCTYPE html>\n<html>\n  <head>\n' +
        `    <meta http-equiv="content-type" content="text/html; charset=${charset}">\n  </head>\n` +
        `  <body>\n${body}\n  </body>\n</html>\n`
      );
  }
}

/** HTML sent as ISO-8859-1 writes characters outside Latin-1 as numeric references. */
export function latin1Safe(html: string): string {
  return html.replace(/[\u0100-\u{10ffff}]/gu, (ch) => `&#${ch.codePointAt(0)};`);
}
