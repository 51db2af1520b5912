import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { type Desk, EMAIL, openDesk, signIn } from './support/desk.js';
import {
  FIRST_TEXT,
  HOSTILE,
  OTHER_SECRET,
  SECOND_TEXT,
  SECRET_VALUE,
  seedRecords,
} from './support/record-fixture.js';

let desk: Desk;
let auth: { cookie: string; csrf: string };
let ids: { firstMessageId: string; secondMessageId: string };
/** Secret ids as the store numbered them: 1 in INT-000001, 2 in INT-000002. */
const REVEAL = '/conversations/INT-000001/secrets/1/reveal';

const page = (url: string) => desk.app.inject({ method: 'GET', url, headers: { cookie: auth.cookie } });
const api = (url: string, token = desk.token) =>
  desk.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const postForm = (url: string, fields: Record<string, string>, cookie = auth.cookie) =>
  desk.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
const reveals = async (conversation = 'INT-000001') =>
  (await desk.store.listAudit({ subject: conversation, limit: 100 })).filter(
    (e) => e.action === 'secret.revealed',
  );
/** A table row of the record, by the field it shows. */
const fieldRow = (body: string, field: string) =>
  new RegExp(`<tr class="field" data-field="${field}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';

beforeAll(async () => {
  desk = await openDesk({ providerTimeZone: 'Europe/Paris' });
  ids = await seedRecords(desk.store);
  auth = await signIn(desk.app);
});
afterAll(() => desk?.close());

describe('access', () => {
  it('sends an anonymous browser to sign in and answers 401 to the API, a wrong token everywhere', async () => {
    const anonymous = await desk.app.inject({ method: 'GET', url: '/conversations/INT-000001' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login');
    const anonymousReveal = await desk.app.inject({ method: 'POST', url: REVEAL });
    expect(anonymousReveal.statusCode).toBe(303);
    for (const [method, url] of [
      ['GET', '/api/conversations/INT-000001'],
      ['POST', '/api/conversations/INT-000001/secrets/1/reveal'],
    ] as const) {
      const res = await desk.app.inject({ method, url });
      expect(res.statusCode, url).toBe(401);
      expect(res.body).not.toContain(SECRET_VALUE);
    }
    for (const [method, url] of [
      ['GET', '/conversations/INT-000001'],
      ['GET', '/api/conversations/INT-000001'],
      ['POST', REVEAL],
      ['POST', '/api/conversations/INT-000001/secrets/1/reveal'],
    ] as const) {
      const res = await desk.app.inject({
        method,
        url,
        headers: { authorization: `Bearer intake_${'x'.repeat(43)}` },
      });
      expect(res.statusCode, url).toBe(401);
      expect(res.body).not.toContain(SECRET_VALUE);
    }
    expect(await reveals()).toEqual([]);
  });

  it('answers 404 to an unknown or malformed conversation id, page and API', async () => {
    for (const url of ['/conversations/INT-000099', '/conversations/nope', '/conversations/INT-1%3Cb%3E']) {
      const res = await page(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    const res = await api('/api/conversations/INT-000099');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});

describe('the record page', () => {
  it('is linked from the queue', async () => {
    const queue = await page('/');
    expect(queue.body).toContain('<a href="/conversations/INT-000001">Serveur SRV-4242 bloqué</a>');
  });

  it('shows each field with its value, the message that supplied it and its words marked in that message', async () => {
    const res = await page('/conversations/INT-000001');
    expect(res.statusCode).toBe(200);
    const server = fieldRow(res.body, 'serviceIds');
    expect(server).toContain('SRV-4242');
    expect(server).toContain('<a href="#message-1">message 1</a>');
    // The whole message is quoted, the sentence behind the value marked inside it.
    expect(server).toMatch(
      /Bonjour,\n<mark>Mon serveur SRV-4242 ne répond plus depuis ce matin\.<\/mark> Vous pouvez le redémarrer/,
    );
    const power = fieldRow(res.body, 'power');
    expect(power).toContain('window (limited in time)');
    expect(power).toContain('<mark>Vous pouvez le redémarrer samedi entre 2h et 4h.</mark>');
    const backup = fieldRow(res.body, 'backup');
    expect(backup).toContain('confirmed');
    expect(backup).toContain('<a href="#message-2">message 2</a>');
    expect(backup).toContain('<mark>Nous avons une sauvegarde complète d&#39;hier soir.</mark> Merci.');
    // A value without evidence says so; a value not given says that.
    expect(fieldRow(res.body, 'requestTypes')).toContain('no evidence stored');
    expect(fieldRow(res.body, 'os')).toContain('not given');
    expect(res.body.match(/<mark>/g)).toHaveLength(3);
  });

  it('lists what is missing, the status and why it needs review', async () => {
    const res = await page('/conversations/INT-000001');
    expect(res.body).toContain('<span class="status status-needs_review">Needs review</span>');
    // In the reply template's words, with the id.
    expect(res.body).toMatch(
      /<h2>Missing<\/h2><ul class="missing"><li title="Operating system: give the distribution[^"]*">Operating system <code>os_choice<\/code><\/li><\/ul>/,
    );
    expect(res.body).toMatch(/Why it needs review<\/h2><ul><li>contradiction:power<\/li><\/ul>/);
  });

  it('shows the conversation in time order, our reply with its delivery state and SMTP answer', async () => {
    const res = await page('/conversations/INT-000001');
    const first = res.body.indexOf('<strong>Message 1</strong>');
    const reply = res.body.indexOf('<strong>Our reply 1</strong>');
    const second = res.body.indexOf('<strong>Message 2</strong>');
    expect(first).toBeGreaterThan(0);
    expect(reply).toBeGreaterThan(first);
    expect(second).toBeGreaterThan(reply);
    expect(res.body).toContain('<li class="reply delivery-sent">');
    expect(res.body).toContain('Delivery: <span class="state">sent</span>, 1 attempt');
    expect(res.body).toContain('SMTP: <code>250 2.0.0 Ok: queued as 4F2A</code>');
    expect(res.body).toContain('from client@customer.example');
    expect(res.body).toContain(`<div class="text">${SECOND_TEXT.replace("'", '&#39;')}</div>`);
    expect(res.body).toContain('<div class="subject">Re: Serveur SRV-4242 bloqué</div>');
  });

  it("shows times in the provider's zone and in UTC", async () => {
    const res = await page('/conversations/INT-000001');
    // Message 1 arrived 09:00 UTC, 10:00 in Paris (winter time).
    expect(res.body).toContain(
      '<time datetime="2026-03-03T09:00:01.000Z">2026-03-03 10:00 Europe/Paris</time> <span class="utc">(2026-03-03 09:00 UTC)</span>',
    );
    // The window: Saturday 02:00-04:00 in Paris.
    expect(fieldRow(res.body, 'power')).toMatch(
      /2026-03-07 02:00 Europe\/Paris<\/time> <span class="utc">\(2026-03-07 01:00 UTC\)<\/span> – <time[^>]*>2026-03-07 04:00 Europe\/Paris<\/time> <span class="utc">\(2026-03-07 03:00 UTC\)/,
    );
    const other = await openDesk({ providerTimeZone: 'America/New_York' });
    try {
      await seedRecords(other.store);
      const { cookie } = await signIn(other.app);
      const ny = await other.app.inject({
        method: 'GET',
        url: '/conversations/INT-000001',
        headers: { cookie },
      });
      expect(ny.body).toContain(
        '2026-03-03 04:00 America/New_York</time> <span class="utc">(2026-03-03 09:00 UTC)',
      );
    } finally {
      await other.close();
    }
  });

  it('returns the same data as JSON on the API, secrets masked', async () => {
    const res = await api('/api/conversations/INT-000001');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: 'INT-000001',
      status: 'needs_review',
      missing: ['os_choice'],
      reviewReasons: ['contradiction:power'],
      timeZone: 'Europe/Paris',
      secrets: [
        { id: 1, kind: 'password', placeholder: '[[SECRET-1]]', messageId: ids.firstMessageId, masked: true },
      ],
    });
    expect(body.fields).toContainEqual({
      field: 'serviceIds',
      label: 'Service ID',
      value: 'SRV-4242',
      messageId: ids.firstMessageId,
      evidence: [{ text: 'Mon serveur SRV-4242 ne répond plus depuis ce matin.', start: 9, end: 61 }],
    });
    expect(body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['message', 'reply', 'message']);
    expect(body.timeline[0].message.newText).toBe(FIRST_TEXT);
    expect(body.timeline[1].reply).toMatchObject({
      status: 'sent',
      smtpResponse: '250 2.0.0 Ok: queued as 4F2A',
    });
    expect(body.timeline[1].reply.html).toBeUndefined();
  });
});

describe('hostile content', () => {
  it('renders subjects, senders, names, servers, texts, evidence and reasons as escaped text', async () => {
    const res = await page('/conversations/INT-000003');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/<(script|img|style|a)\b[^>]*(on\w+=|javascript:|attacker)/i);
    expect(res.body).not.toMatch(/<(script|img|style)\b|<[^>]*\son\w+=|href="javascript:/i);
    for (const value of [HOSTILE.subject, HOSTILE.from, HOSTILE.text, HOSTILE.reason]) {
      expect(res.body).not.toContain(value);
    }
    expect(res.body).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; disk &quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
    expect(res.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(3)&gt;@evil.example');
    expect(res.body).toContain('<li>&lt;script&gt;alert(6)&lt;/script&gt;</li>');
    // The hostile sentence is marked as text: the <mark> is ours, everything inside it escaped.
    expect(fieldRow(res.body, 'hostnames')).toContain(
      'Voir <mark>&lt;a href=&quot;javascript:alert(5)&quot;&gt;ici&lt;/a&gt;</mark> &lt;style&gt;body{background:url(http://attacker.invalid/x)}&lt;/style&gt; merci',
    );
    expect(fieldRow(res.body, 'hostnames')).toContain('<td>javascript:alert(4)</td>');
  });
});

describe('secrets', () => {
  it('are listed as present and masked, never with their value, before a reveal', async () => {
    const res = await page('/conversations/INT-000001');
    expect(res.body).toContain('<td><code>[[SECRET-1]]</code></td>');
    expect(res.body).toContain('<td class="masked">');
    expect(res.body).toContain(
      `<form method="post" action="${REVEAL}"><input type="hidden" name="csrf" value="${auth.csrf}"><button type="submit">Reveal</button></form>`,
    );
    for (const r of [
      res,
      await api('/api/conversations/INT-000001'),
      await page('/conversations/INT-000002'),
      await api('/api/conversations/INT-000002'),
      await page('/'),
    ]) {
      const text = `${JSON.stringify(r.headers)}\n${r.body}`;
      for (const value of [SECRET_VALUE, OTHER_SECRET, 'Tr0ub4dor']) expect(text).not.toContain(value);
    }
  });

  it('refuses a reveal without or with a wrong CSRF token: 403, nothing audited, no value', async () => {
    const forms: Record<string, string>[] = [{}, { csrf: 'forged' }, { csrf: `${auth.csrf.slice(0, -1)}x` }];
    for (const fields of forms) {
      const res = await postForm(REVEAL, fields);
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('Tr0ub4dor');
    }
    expect(await reveals()).toEqual([]);
  });

  it('answers 404 to an unknown secret or a secret of another conversation, and audits nothing', async () => {
    for (const url of [
      '/conversations/INT-000001/secrets/2/reveal',
      '/conversations/INT-000001/secrets/99/reveal',
      '/conversations/INT-000099/secrets/1/reveal',
      '/conversations/INT-000001/secrets/abc/reveal',
    ]) {
      const res = await postForm(url, { csrf: auth.csrf });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain(OTHER_SECRET);
      expect(res.body).not.toContain('Tr0ub4dor');
    }
    const viaApi = await desk.app.inject({
      method: 'POST',
      url: '/api/conversations/INT-000001/secrets/2/reveal',
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(viaApi.statusCode).toBe(404);
    expect(viaApi.body).not.toContain(OTHER_SECRET);
    expect(await reveals()).toEqual([]);
    expect(await reveals('INT-000002')).toEqual([]);
  });

  it('shows nothing when the audit entry cannot be written', async () => {
    const audit = vi.spyOn(desk.store, 'audit').mockRejectedValueOnce(new Error('disk full'));
    const reveal = vi.spyOn(desk.store, 'revealSecret');
    try {
      const res = await postForm(REVEAL, { csrf: auth.csrf });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('Tr0ub4dor');
      expect(reveal).not.toHaveBeenCalled();
    } finally {
      audit.mockRestore();
      reveal.mockRestore();
    }
    expect(await reveals()).toEqual([]);
  });

  it('reveals one value to a signed-in form, uncached, after writing who, when and which to the audit', async () => {
    const res = await postForm(REVEAL, { csrf: auth.csrf });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<code class="secret-value">Tr0ub4dor&amp;3-&lt;b&gt;root&lt;/b&gt;</code>');
    expect(res.body).toContain('<dd>root</dd>');
    const [entry, ...more] = await reveals();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: `desk:${EMAIL}`,
      action: 'secret.revealed',
      subject: 'INT-000001',
      details: { secretId: 1, placeholder: '[[SECRET-1]]', messageId: ids.firstMessageId, via: 'session' },
    });
    expect(Date.parse(entry!.at)).toBeGreaterThan(Date.now() - 60_000);
    // The record page shows the reveal in its audit, and still not the value.
    const record = await page('/conversations/INT-000001');
    const audit = /<h2>Audit<\/h2>([\s\S]*)<\/section>/.exec(record.body)?.[1] ?? '';
    expect(audit).toContain(`<td>desk:${EMAIL}</td><td>secret.revealed</td>`);
    expect(audit).toContain('&quot;secretId&quot;:1');
    expect(record.body).not.toContain('Tr0ub4dor');
  });

  it('reveals to an API token, audited with the token', async () => {
    const res = await desk.app.inject({
      method: 'POST',
      url: '/api/conversations/INT-000002/secrets/2/reveal',
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      secret: {
        conversationId: 'INT-000002',
        id: 2,
        kind: 'password',
        label: 'mot de passe root',
        username: 'root',
        placeholder: '[[SECRET-1]]',
        messageId: expect.any(String),
        value: OTHER_SECRET,
      },
    });
    expect(await reveals('INT-000002')).toEqual([
      expect.objectContaining({
        actor: `desk:${EMAIL}`,
        details: expect.objectContaining({
          secretId: 2,
          via: 'token',
          tokenId: desk.tokenId,
          tokenName: 'helpdesk',
        }),
      }),
    ]);
  });

  it('never writes a secret value to the log, which names the reveal', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await openDesk({ logger: createLogger({ level: 'debug', destination }) });
    try {
      await seedRecords(logged.store);
      const session = await signIn(logged.app);
      const res = await logged.app.inject({
        method: 'POST',
        url: REVEAL,
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `csrf=${encodeURIComponent(session.csrf)}`,
      });
      expect(res.body).toContain('Tr0ub4dor');
      await logged.app.inject({
        method: 'POST',
        url: '/api/conversations/INT-000002/secrets/2/reveal',
        headers: { authorization: `Bearer ${logged.token}` },
      });
    } finally {
      await logged.close();
    }
    const log = lines.join('');
    expect(log).toContain('secret revealed');
    expect(log).not.toContain('Tr0ub4dor');
    expect(log).not.toContain(OTHER_SECRET);
  });
});
