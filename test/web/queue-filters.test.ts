import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueQuery, toFilter } from '../../src/web/queue-query.js';
import { seed } from '../store/contract/queue-filters.js';
import { type Desk, openDesk, signIn } from './support/desk.js';

/**
 * The queue's filters on the page and on the API: six conversations that differ in type, language,
 * servers, sender and the time of the last customer message (see the store contract's `seed`).
 */
let desk: Desk;
let cookie: string;
const page = (url: string) => desk.app.inject({ method: 'GET', url, headers: { cookie } });
const api = (url: string) =>
  desk.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${desk.token}` } });
const ids = (body: string) => [...body.matchAll(/<td class="id">(INT-\d+)<\/td>/g)].map((m) => m[1]);

beforeAll(async () => {
  desk = await openDesk({ now: () => new Date('2026-03-06T12:00:00.000Z') });
  await seed(desk.store);
  ({ cookie } = await signIn(desk.app));
});
afterAll(() => desk?.close());

describe('queue filters on the page', () => {
  it('filter by type, language, server, sender and provider-zone dates, and count the tabs alike', async () => {
    expect(ids((await page('/?type=hardware')).body)).toEqual(['INT-000003', 'INT-000002']);
    expect(ids((await page('/?language=fr')).body)).toEqual(['INT-000003', 'INT-000001']);
    expect(ids((await page('/?server=srv-10')).body)).toEqual(['INT-000006', 'INT-000002', 'INT-000001']);
    expect(ids((await page('/?server=203.0.113.7')).body)).toEqual(['INT-000002']);
    expect(ids((await page('/?server=WEB1.customer.EXAMPLE')).body)).toEqual(['INT-000003']);
    expect(ids((await page('/?sender=ACME')).body)).toEqual(['INT-000002', 'INT-000001']);
    // 2 March in Europe/Paris: from 00:30 (23:30 UTC the day before) to 23:59:59, not midnight after.
    const day = await page('/?from=2026-03-02&to=2026-03-02');
    expect(ids(day.body)).toEqual(['INT-000003', 'INT-000002', 'INT-000001']);
    expect(ids((await page('/?from=2026-03-03')).body)).toEqual(['INT-000005', 'INT-000004']);
    expect(ids((await page('/?to=2026-02-28')).body)).toEqual(['INT-000006']);
    expect(day.body).toMatch(/All <span class="count">3<\/span>/);
    expect(day.body).toMatch(/Ready <span class="count">2<\/span>/);
    expect(day.body).toMatch(/Awaiting customer <span class="count">1<\/span>/);
    // Combined with a tab and the text search.
    const combined = await page('/?status=ready&language=fr&from=2026-03-02&q=acme');
    expect(ids(combined.body)).toEqual(['INT-000001']);
    expect(combined.body).toMatch(/Ready <span class="count">1<\/span>/);
  });

  it('keeps the filters in the tab and page links and shows them in the GET form', async () => {
    const res = await page('/?server=srv-10&type=hardware&limit=1&from=2026-03-01');
    expect(ids(res.body)).toEqual(['INT-000002']);
    expect(res.body).toContain(
      'href="/?status=ready&amp;type=hardware&amp;server=srv-10&amp;from=2026-03-01&amp;limit=1"',
    );
    expect(res.body).toContain('href="/?type=hardware&amp;server=srv-10&amp;from=2026-03-01&amp;limit=1"');
    const paged = await page('/?server=srv-10&limit=1');
    expect(paged.body).toContain('<a rel="next" href="/?server=srv-10&amp;page=2&amp;limit=1">Older</a>');
    const form = /<form method="get" action="\/" class="search filters">[\s\S]*?<\/form>/.exec(res.body)?.[0];
    expect(form).toContain('<option selected>hardware</option>');
    expect(form).toContain('<input type="text" name="server" value="srv-10"');
    expect(form).toContain('<input type="date" name="from" value="2026-03-01">');
    expect(form).toContain('<input type="date" name="to" value="">');
    expect(form).toContain('<a href="/">Clear</a>');
    const tab = await page('/?status=ready&sender=acme');
    expect(tab.body).toContain('<input type="hidden" name="status" value="ready">');
    expect(tab.body).toContain('<a href="/?status=ready">Clear</a>');
  });

  it('shows a refused filter as a visible error with the form as typed, escaped', async () => {
    const hostile = '"><script>alert(1)</script>';
    for (const [url, text] of [
      ['/?type=nope', 'type:'],
      ['/?language=de', 'language:'],
      ['/?from=2026-02-30', 'from: not a calendar date'],
      ['/?to=03/02/2026', 'to: expected a date as YYYY-MM-DD'],
      ['/?from=2026-03-05&to=2026-03-01', 'from: from is after to'],
      [`/?server=${'x'.repeat(256)}`, 'server:'],
      [`/?type=${encodeURIComponent(hostile)}&server=${encodeURIComponent(hostile)}`, 'type:'],
    ] as const) {
      const res = await page(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body, url).toMatch(/<p class="error" role="alert">The filters were not understood: [^<]*/);
      expect(res.body, url).toContain(text);
      expect(res.body).not.toContain('<script>alert(1)');
    }
    const echoed = await page(`/?from=nope&server=${encodeURIComponent(hostile)}`);
    expect(echoed.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(echoed.body).toContain('<input type="date" name="from" value="nope">');
  });

  it('echoes hostile filter values as text in a page it accepts', async () => {
    const hostile = '"><img src=x onerror=alert(1)> javascript:alert(2)';
    const res = await page(`/?server=${encodeURIComponent(hostile)}&sender=${encodeURIComponent(hostile)}`);
    expect(res.statusCode).toBe(200);
    // The value stays inside its quoted attribute (no `"` or `>` gets out): no element, no link.
    expect(res.body).not.toMatch(/<(script|img)\b|href="javascript:/i);
    expect(res.body).toContain(
      'name="server" value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; javascript:alert(2)"',
    );
    expect(res.body).toContain(
      'name="sender" value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; javascript:alert(2)"',
    );
  });
});

describe('queue filters on the API', () => {
  it('filter and count like the page', async () => {
    const res = await api('/api/conversations?server=SRV-10&sender=acme&from=2026-03-02&to=2026-03-02');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      total: 2,
      counts: { all: 2, ready: 1, awaiting_customer: 1, needs_review: 0, ignored: 0 },
      conversations: [
        { id: 'INT-000002', requestTypes: ['hardware', 'intervention'], server: 'SRV-1002, 203.0.113.7' },
        { id: 'INT-000001', language: 'fr', customer: 'Alice@Acme.example' },
      ],
    });
  });

  it('answers 400 JSON naming the parameter and the reason', async () => {
    for (const [url, text] of [
      ['/api/conversations?type=nope', 'type'],
      ['/api/conversations?from=2026-13-01', 'from: not a calendar date'],
      ['/api/conversations?from=2026-03-05&to=2026-03-01', 'from is after to'],
      ['/api/conversations?sender=', null],
    ] as const) {
      const res = await api(url);
      if (text === null) {
        expect(res.statusCode, url).toBe(200);
        continue;
      }
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toEqual({
        error: { code: 'query_invalid', message: expect.stringContaining(text) },
      });
    }
  });
});

describe('toFilter', () => {
  it('turns provider-zone days into UTC bounds, across a daylight saving change', () => {
    const filter = toFilter(parseQueueQuery({ from: '2026-03-29', to: '2026-03-29' }), 'Europe/Paris');
    // The day clocks go forward is 23 hours long in Paris.
    expect(filter.lastCustomerFrom).toBe('2026-03-28T23:00:00.000Z');
    expect(filter.lastCustomerBefore).toBe('2026-03-29T22:00:00.000Z');
    const winter = toFilter(parseQueueQuery({ to: '2026-12-31' }), 'America/New_York');
    expect(winter.lastCustomerBefore).toBe('2027-01-01T05:00:00.000Z');
    expect(winter.lastCustomerFrom).toBeUndefined();
  });
});
