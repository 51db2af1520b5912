import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { extractAutoSignals, extractExtraAutoHeaders } from '../../src/reader/auto-signals.js';
import { automaticRules, detectAutomatic } from '../../src/reader/detect-automatic.js';
import { AutoSignals } from '../../src/reader/inbound-message.js';
import { loadRuleBook } from '../../src/rule-engine/load-rules.js';

const rules = automaticRules(loadRuleBook());
const own = { ownAddresses: ['support@hosting.example'], ownMessageIdDomains: ['intake.hosting.example'] };

/** Raw messages are written with "\n" for legibility and sent with CRLF, as they arrive. */
async function parse(lines: string[]) {
  const parsed = await simpleParser(`${lines.join('\r\n')}\r\n`);
  return { parsed, headers: parsed.headers, headerLines: parsed.headerLines };
}

async function verdictOf(lines: string[]) {
  const { parsed, headers, headerLines } = await parse(lines);
  const from = parsed.from?.value[0];
  return detectAutomatic(
    {
      signals: extractAutoSignals(headers, headerLines),
      from: from ? { address: from.address ?? '', name: from.name } : null,
      subject: parsed.subject ?? '',
      messageId: parsed.messageId ?? null,
      extraHeaders: extractExtraAutoHeaders(headers, headerLines),
    },
    rules,
    own,
  );
}

const CUSTOMER = [
  'Return-Path: <jean.dupont@client.example>',
  'From: Jean Dupont <jean.dupont@client.example>',
  'To: support@hosting.example',
  'Subject: =?UTF-8?Q?Red=C3=A9marrage_SRV-10234?=',
  'Message-ID: <CAF=abc123@mail.gmail.com>',
  'Date: Wed, 25 Nov 2026 10:12:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  '',
  'Bonjour, pouvez-vous redémarrer le serveur ?',
];

const EXCHANGE_OOO = [
  'Return-Path: <marie.martin@client.example>',
  'From: Marie Martin <marie.martin@client.example>',
  'To: support@hosting.example',
  'Subject: =?iso-8859-1?Q?R=E9ponse_automatique=A0:_Re:_[INT-000123]_Red=E9marrage?=',
  'Auto-Submitted: auto-replied',
  'X-Auto-Response-Suppress: All',
  'X-MS-Exchange-Inbox-Rules-Loop: marie.martin@client.example',
  'Message-ID: <b2c4@EXCH01.client.example>',
  'Content-Type: text/plain; charset="iso-8859-1"',
  '',
  "Je suis absente jusqu'au 3 juin.",
];

const BOUNCE = [
  'Return-Path: <>',
  'From: MAILER-DAEMON@mx1.hosting.example (Mail Delivery System)',
  'To: support@hosting.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Auto-Submitted: auto-replied',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="B0unce"',
  'MIME-Version: 1.0',
  '',
  '--B0unce',
  'Content-Type: text/plain',
  '',
  'I could not deliver your message.',
  '--B0unce',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx1.hosting.example',
  '',
  'Final-Recipient: rfc822; nobody@client.example',
  'Action: failed',
  'Status: 5.1.1',
  '--B0unce--',
];

const LIST = [
  'Return-Path: <annonces-bounces+jean=client.example@lists.example.org>',
  'From: Annonces <annonces@lists.example.org>',
  'To: annonces@lists.example.org',
  'Subject: [Annonces] Maintenance du 12',
  'Precedence: list',
  'List-Id: Annonces du fournisseur <annonces.lists.example.org>',
  'List-Unsubscribe: <mailto:annonces-request@lists.example.org?subject=unsubscribe>,',
  ' <https://lists.example.org/unsubscribe/annonces>',
  'List-Post: <mailto:annonces@lists.example.org>',
  'Content-Type: text/plain',
  '',
  'Maintenance prévue.',
];

describe('extractAutoSignals over messages parsed by mailparser', () => {
  it('reads nothing automatic from a customer message', async () => {
    const { headers, headerLines } = await parse(CUSTOMER);
    const signals = extractAutoSignals(headers, headerLines);
    expect(signals).toEqual({
      autoSubmitted: null,
      precedence: null,
      listId: null,
      listUnsubscribe: null,
      xAutoResponseSuppress: null,
      xAutoreply: null,
      xAutoReply: null,
      returnPath: 'jean.dupont@client.example',
      contentType: 'text/plain',
      reportType: null,
    });
    expect(AutoSignals.parse(signals)).toEqual(signals);
    expect(extractAutoSignals(headers)).toEqual(signals);
  });

  it('reads an Exchange out-of-office', async () => {
    const { headers, headerLines } = await parse(EXCHANGE_OOO);
    expect(extractAutoSignals(headers, headerLines)).toMatchObject({
      autoSubmitted: 'auto-replied',
      xAutoResponseSuppress: 'All',
      returnPath: 'marie.martin@client.example',
    });
  });

  it('reads a bounce: the null return path is "", the report type is kept', async () => {
    const { headers, headerLines } = await parse(BOUNCE);
    const signals = extractAutoSignals(headers, headerLines);
    expect(signals).toMatchObject({
      autoSubmitted: 'auto-replied',
      returnPath: '',
      contentType: 'multipart/report',
      reportType: 'delivery-status',
    });
    // mailparser's map alone still tells `<>` from an absent header.
    expect(extractAutoSignals(headers).returnPath).toBe('');
  });

  it('reads List-* headers raw from the header lines, unfolded', async () => {
    const { headers, headerLines } = await parse(LIST);
    // mailparser folds every List-* header into one `list` object, so there is no `list-id` key.
    expect(headers.has('list-id')).toBe(false);
    expect(headers.get('list')).toBeTypeOf('object');
    const signals = extractAutoSignals(headers, headerLines);
    expect(signals.precedence).toBe('list');
    expect(signals.listId).toBe('Annonces du fournisseur <annonces.lists.example.org>');
    expect(signals.listUnsubscribe).toBe(
      '<mailto:annonces-request@lists.example.org?subject=unsubscribe>, <https://lists.example.org/unsubscribe/annonces>',
    );
  });

  it("rebuilds List-* headers from mailparser's `list` object without the header lines", async () => {
    const { headers } = await parse(LIST);
    const signals = extractAutoSignals(headers);
    expect(signals.listId).toBe('Annonces du fournisseur <annonces.lists.example.org>');
    expect(signals.listUnsubscribe).toContain('https://lists.example.org/unsubscribe/annonces');
  });

  it('joins repeated headers and keeps the first Return-Path (the last delivery)', async () => {
    const { headers, headerLines } = await parse([
      'Return-Path: <>',
      'Return-Path: <relay@client.example>',
      'From: x@client.example',
      'Auto-Submitted: no',
      'Auto-Submitted: auto-generated',
      'Subject: x',
      '',
      'x',
    ]);
    for (const signals of [extractAutoSignals(headers, headerLines), extractAutoSignals(headers)]) {
      expect(signals.autoSubmitted).toBe('no, auto-generated');
      expect(signals.returnPath).toBe('');
    }
  });

  it("sees headers with an empty value, which mailparser's map drops", async () => {
    const { headers, headerLines } = await parse([
      'From: x@client.example',
      'X-Auto-Response-Suppress:',
      'X-Auto-Reply: ',
      'Subject: x',
      '',
      'x',
    ]);
    expect(headers.has('x-auto-response-suppress')).toBe(false);
    expect(extractAutoSignals(headers, headerLines)).toMatchObject({
      xAutoResponseSuppress: '',
      xAutoReply: '',
      returnPath: null,
      contentType: null,
    });
    expect(extractAutoSignals(headers).xAutoResponseSuppress).toBeNull();
  });

  it('reads X-Autoreply and <MAILER-DAEMON> as a return path', async () => {
    const { headers, headerLines } = await parse([
      'Return-Path: <MAILER-DAEMON>',
      'From: x@client.example',
      'X-Autoreply: yes',
      'Subject: x',
      '',
      'x',
    ]);
    for (const signals of [extractAutoSignals(headers, headerLines), extractAutoSignals(headers)]) {
      expect(signals.xAutoreply).toBe('yes');
      expect(signals.returnPath).toBe('MAILER-DAEMON');
    }
  });

  it('reads a quoted report-type and a disposition notification', async () => {
    const { headers, headerLines } = await parse([
      'From: x@client.example',
      'Subject: Read: reboot',
      'Content-Type: Multipart/Report; report-type="disposition-notification"; boundary=b',
      '',
      '--b--',
    ]);
    expect(extractAutoSignals(headers, headerLines)).toMatchObject({
      contentType: 'multipart/report',
      reportType: 'disposition-notification',
    });
  });

  it('keeps a huge header value short', async () => {
    const { headers, headerLines } = await parse([
      'From: x@client.example',
      `Precedence: bulk ${'x'.repeat(5000)}`,
      'Subject: x',
      '',
      'x',
    ]);
    expect(extractAutoSignals(headers, headerLines).precedence?.length).toBeLessThan(1000);
  });
});

describe('extractExtraAutoHeaders', () => {
  const VENDOR = [
    'From: x@client.example',
    'Subject: x',
    'X-Mailer: AutoResponder 2.0',
    'X-Loop: support@hosting.example',
    'Delivered-To: Autoresponder',
    'X-Autogenerated: Reply',
    'X-POST-MessageClass: 9; Autoresponder',
    'X-Precedence: bulk',
    'X-Autorespond: yes',
    '',
    'x',
  ];

  it('reads the vendor headers, with or without the header lines', async () => {
    const { headers, headerLines } = await parse(VENDOR);
    expect(extractExtraAutoHeaders(headers, headerLines)).toEqual({
      'x-autorespond': ['yes'],
      'x-autogenerated': ['Reply'],
      'x-precedence': ['bulk'],
      'x-mailer': ['AutoResponder 2.0'],
      'x-post-messageclass': ['9; Autoresponder'],
      'delivered-to': ['Autoresponder'],
      'x-loop': ['support@hosting.example'],
    });
    // Without the lines Delivered-To is mailparser's address object, whose text quotes the name.
    expect(extractExtraAutoHeaders(headers)['delivered-to']).toEqual(['"Autoresponder"']);
  });

  it('feeds detectAutomatic', async () => {
    const verdict = await verdictOf(VENDOR);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['precedence', 'x_autoreply', 'own_address']);
    expect(verdict.reasons.find((r) => r.code === 'x_autoreply')?.detail).toContain('X-POST-MessageClass');
  });
});

describe('detectAutomatic over parsed messages', () => {
  it('leaves a customer message alone', async () => {
    expect(await verdictOf(CUSTOMER)).toEqual({ isAutomatic: false, reasons: [] });
  });

  it('flags an Exchange out-of-office with a Latin-1 encoded subject', async () => {
    const verdict = await verdictOf(EXCHANGE_OOO);
    expect(verdict.reasons.map((r) => r.code)).toEqual([
      'auto_submitted',
      'x_auto_response_suppress',
      'out_of_office_subject',
    ]);
  });

  it('flags a bounce for every reason it gives', async () => {
    const verdict = await verdictOf(BOUNCE);
    expect(verdict.reasons.map((r) => r.code)).toEqual([
      'auto_submitted',
      'null_return_path',
      'system_sender',
      'delivery_report',
    ]);
  });

  it('flags a mailing list', async () => {
    const verdict = await verdictOf(LIST);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['precedence', 'list_headers']);
  });

  it('flags a Gmail vacation responder', async () => {
    const verdict = await verdictOf([
      'Return-Path: <paul@client.example>',
      'From: Paul <paul@client.example>',
      'Subject: Vacation reply',
      'Auto-Submitted: auto-replied',
      'Message-ID: <CAB=vac@mail.gmail.com>',
      'Content-Type: text/plain',
      '',
      'I am away until Monday.',
    ]);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['auto_submitted', 'out_of_office_subject']);
  });

  it('flags our own message coming back', async () => {
    const verdict = await verdictOf([
      'Return-Path: <support@hosting.example>',
      'From: Support <Support@Hosting.example>',
      'Subject: Re: [INT-000123] Redémarrage',
      'Auto-Submitted: auto-replied',
      'Message-ID: <INT-000123.1@intake.hosting.example>',
      'Content-Type: text/plain',
      '',
      'Merci de confirmer la sauvegarde.',
    ]);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['auto_submitted', 'own_address', 'own_message_id']);
  });
});
