import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, type Html, html, trusted } from '../../src/web/html.js';

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#96;', '`')
    .replaceAll('&amp;', '&');

describe('html', () => {
  it('escapes every interpolated string: no markup character survives, and the text comes back whole', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const out = html`<p title="${value}">${value}</p>`.value;
        const inner = out.slice('<p title="'.length, out.length - '</p>'.length);
        const [attr, text] = [inner.slice(0, inner.indexOf('">')), inner.slice(inner.indexOf('">') + 2)];
        for (const part of [attr, text]) {
          expect(part).not.toMatch(/[<>"'`]/);
          expect(unescapeHtml(part)).toBe(value);
        }
      }),
    );
  });

  it('escapes each item of an array and every value that is not an Html fragment', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant('<b>'))), (values) => {
        const out = html`<ul>${values.map((v) => html`<li>${v}</li>`)}</ul>`.value;
        expect(out).toBe(`<ul>${values.map((v) => `<li>${escapeHtml(String(v))}</li>`).join('')}</ul>`);
      }),
    );
  });

  it('keeps fragments made by html or trusted, and renders null, undefined and false as nothing', () => {
    expect(html`<a>${html`<b>${'<i>'}</b>`}</a>`.value).toBe('<a><b>&lt;i&gt;</b></a>');
    expect(html`${trusted('<hr>')}${null}${undefined}${false}${0}`.value).toBe('<hr>0');
    // A string that looks like a fragment is still a string.
    expect(html`${'<hr>'}`.value).toBe('&lt;hr&gt;');
    expect(html`${{ value: '<hr>' } as unknown as Html}`.value).toBe('[object Object]');
    expect(String(html`<p>${'&'}</p>`)).toBe('<p>&amp;</p>');
    expect(escapeHtml(`<a href="x" onclick='y'>\`&`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&#96;&amp;',
    );
  });
});
