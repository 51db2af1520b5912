import { describe, expect, it } from 'vitest';
import { htmlToText, QUOTE_MARK, SIGNATURE_MARK } from '../../src/reader/html-to-text.js';
import { normalizeText } from '../../src/reader/normalize-text.js';

const convert = (html: string) => normalizeText(htmlToText(html, { maxChars: 1_000_000 }).text);

describe('htmlToText', () => {
  it('keeps the layout a reader sees: paragraphs, line breaks, list items, blockquotes as > lines', () => {
    const { text } = convert(
      '<p>Bonjour,</p><p>Deux choses :<br>merci</p><ul><li>RAM</li><li>disque</li></ul><blockquote>avant<blockquote>encore avant</blockquote></blockquote>',
    );
    expect(text).toBe('Bonjour,\n\nDeux choses :\nmerci\n\n* RAM\n* disque\n\n> avant\n>\n> > encore avant');
  });

  it('drops what a reader does not see: scripts, styles, hidden elements, images, link targets', () => {
    const { text } = convert(
      '<style>p{color:red}</style><script>alert(1)</script><p style="display:none">preheader</p><div hidden>x</div><p>Visible <a href="javascript:alert(1)">link</a><img src="cid:1" alt="logo"></p>',
    );
    expect(text).toBe('Visible link');
  });

  it('marks where Gmail puts the quote and the signature', () => {
    const out = convert(
      '<div>Oui.</div><div class="gmail_signature">Ann</div><div class="gmail_quote"><div class="gmail_attr">On Thu, Nov 26, 2026 at 9:00 AM Support wrote:</div><blockquote class="gmail_quote">Reboot?</blockquote></div>',
    );
    expect(out.text).toBe('Oui.\n\nAnn\n\nOn Thu, Nov 26, 2026 at 9:00 AM Support wrote:\n\n> Reboot?');
    expect(out.signatureHints).toEqual([2]);
    expect(out.quoteHints).toEqual([4]);
  });

  it('marks Outlook’s reply header block', () => {
    const out = convert(
      '<p>OK</p><hr><div id="divRplyFwdMsg"><b>From:</b> Support<br><b>Sent:</b> Thursday</div><div>old</div>',
    );
    const lines = out.text.split('\n');
    expect(lines[out.quoteHints[0]!]).toBe('From: Support');
  });

  it('truncates beyond the limit and says so', () => {
    const r = htmlToText(`<p>${'x'.repeat(100)}</p>`, { maxChars: 10 });
    expect(r.truncated).toBe(true);
  });

  it('never leaves marker characters in the text', () => {
    const out = convert(
      `<blockquote><div class="gmail_quote">${QUOTE_MARK}${SIGNATURE_MARK}a</div></blockquote>`,
    );
    expect(out.text).not.toMatch(/\uE000/);
  });
});

describe('normalizeText', () => {
  it('normalises line ends, odd spaces, invisible characters and blank runs', () => {
    const out = normalizeText('\r\n\r\nDe\u00a0: A\r\nB\u200b\u00adC  \r\n\r\n\r\n\r\nD\rE\u0007\n\n');
    expect(out.text).toBe('De : A\nBC\n\nD\nE');
  });
});
