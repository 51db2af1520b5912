import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/reader/normalize-text.js';
import { quoteMarkerRules } from '../../src/reader/quote-markers.js';
import { signatureRules } from '../../src/reader/signature.js';
import { splitReply } from '../../src/reader/split-reply.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';

const book = shippedRules();
const rules = { quote: quoteMarkerRules(book), signature: signatureRules(book) };
const split = (text: string) => {
  const n = normalizeText(text);
  return splitReply(n.text, rules, n);
};

describe('splitReply: quotes', () => {
  it('cuts a French Gmail attribution wrapped over two lines', () => {
    const s = split(
      [
        'Bonjour,',
        'Le serveur SRV-20418 ne répond toujours pas.',
        '',
        'Le jeu. 26 nov. 2026 à 08:05, Support INTROSERV <',
        'support@hosting.example> a écrit :',
        '> Pouvez-vous confirmer la sauvegarde ?',
      ].join('\n'),
    );
    expect(s.newText).toBe('Bonjour,\nLe serveur SRV-20418 ne répond toujours pas.');
    expect(s.quoted).toHaveLength(1);
    expect(s.quoted[0]?.header).toMatch(/^Le jeu\. 26 nov\. 2026/);
    expect(s.quoted[0]?.text).toBe('Pouvez-vous confirmer la sauvegarde ?');
  });

  it('keeps inline answers typed between quoted lines, below an Outlook header block', () => {
    const s = split(
      [
        'De : Support INTROSERV <support@hosting.example>',
        'Envoyé : jeudi 26 novembre 2026 09:12',
        'À : Marc Lenoir <marc@example.fr>',
        'Objet : RE: Serveur planté [INT-000042]',
        '',
        '> Quel est l’identifiant du serveur ?',
        'SRV-31337',
        '> Pouvons-nous redémarrer le serveur ?',
        'Oui, à tout moment.',
      ].join('\n'),
    );
    expect(s.newText).toBe('SRV-31337\n\nOui, à tout moment.');
    expect(s.quoted.map((q) => q.text)).toEqual([
      'Quel est l’identifiant du serveur ?',
      'Pouvons-nous redémarrer le serveur ?',
    ]);
  });

  it('takes everything under a header block followed by unquoted text as the earlier message', () => {
    const s = split(
      [
        'Please go ahead.',
        '',
        'From: Support <support@hosting.example>',
        'Sent: Thursday, November 26, 2026 9:12 AM',
        'To: Ann Kerr <ann@example.com>',
        'Subject: Reboot window',
        '',
        'Hello Ann,',
        'We would like to reboot 203.0.113.9 tonight.',
      ].join('\n'),
    );
    expect(s.newText).toBe('Please go ahead.');
    expect(s.quoted[0]?.text).toMatch(/^Hello Ann,\nWe would like to reboot/);
  });

  it('does not take a time window written as From:/To: lines for a header block', () => {
    const text = 'You may reboot it:\nFrom: 22:00\nTo: 02:00\nThanks for checking the disk.';
    expect(split(text).newText).toBe(text);
    const fr = 'Créneau possible :\nDe : 22h\nÀ : 6h\nObjet : maintenance du disque';
    expect(split(fr).newText).toBe(fr);
  });

  it('does not take sentences that start like attributions for quote markers', () => {
    const text = [
      'On Monday we upgraded the kernel to 6.1 and since 10:30 nothing answers.',
      'Le serveur a écrit des erreurs disque à 03:12 dans syslog.',
      'We checked: the data comes from: our database, not from: a backup.',
    ].join('\n');
    expect(split(text).newText).toBe(text);
    expect(split(text).quoted).toEqual([]);
  });

  it('cuts an attribution that starts in the middle of the customer’s line', () => {
    const s = split(
      'Yes please go ahead On Thu, Nov 26, 2026 at 9:12 AM Support <support@hosting.example> wrote:\n> ok?',
    );
    expect(s.newText).toBe('Yes please go ahead');
  });

  it('treats forwarded messages as context, the note above as new text', () => {
    const s = split(
      [
        'Voici l’alerte reçue cette nuit, pouvez-vous regarder ?',
        '',
        '---------- Message transféré ---------',
        'De : Monitoring <alerts@example.net>',
        'Date : jeu. 26 nov. 2026 à 03:02',
        'Objet : DOWN 198.51.100.23',
        '',
        'Host 198.51.100.23 is DOWN',
      ].join('\n'),
    );
    expect(s.newText).toBe('Voici l’alerte reçue cette nuit, pouvez-vous regarder ?');
    expect(s.quoted[0]?.kind).toBe('forward');
    expect(s.quoted[0]?.text).toBe('Host 198.51.100.23 is DOWN');
  });

  it('treats bottom-posted answers after a quote as new text', () => {
    const s = split('On 26/11/2026 09:00, Support wrote:\n> Which OS do you want?\n\nDebian 12, please.');
    expect(s.newText).toBe('Debian 12, please.');
  });

  it('uses the HTML hint when a client marks a quote without any text marker', () => {
    const s = splitReply('Merci.\n\nAncien message sans en-tête', rules, { quoteHints: [2] });
    expect(s.newText).toBe('Merci.');
    expect(s.quoted[0]?.text).toBe('Ancien message sans en-tête');
  });
});

describe('splitReply: signatures', () => {
  it('splits at the "-- " delimiter', () => {
    const s = split('Reboot approved.\n\n-- \nAnn Kerr\nOps lead');
    expect(s.newText).toBe('Reboot approved.');
    expect(s.signature).toBe('--\nAnn Kerr\nOps lead');
  });

  it('takes a closing and the name block under it', () => {
    const s = split(
      'Bonjour,\n\nMerci de réinstaller Debian 12.\n\nCordialement,\nJulie Marchand\nResponsable technique\nExemple Web SAS\nTél : +33 1 84 88 00 00',
    );
    expect(s.newText).toBe('Bonjour,\n\nMerci de réinstaller Debian 12.');
    expect(s.signature).toMatch(/^Cordialement,\nJulie Marchand/);
  });

  it('takes a trailing name/title/company/phone block without any delimiter', () => {
    const s = split(
      'Please add 64 GB of RAM to SRV-77120.\n\nTom Price\nCTO, Northwind Ltd\n+44 20 7946 0321\nwww.northwind.example',
    );
    expect(s.newText).toBe('Please add 64 GB of RAM to SRV-77120.');
    expect(s.signature).toMatch(/^Tom Price/);
  });

  it('takes mobile footers', () => {
    expect(split('ok pour cette nuit\n\nEnvoyé de mon iPhone').newText).toBe('ok pour cette nuit');
    expect(split('Go ahead.\n\nGet Outlook for Android').signature).toBe('Get Outlook for Android');
  });

  it('does not take a short request after a sign-off-like word for a signature', () => {
    const s = split('Bonjour,\nMerci,\nle serveur ne répond plus\nJean');
    expect(s.newText).toContain('le serveur ne répond plus');
  });

  it('keeps a thank-you message as new text', () => {
    expect(split('Thank you very much, all good now.').newText).toBe('Thank you very much, all good now.');
  });
});

describe('splitReply: signature lines that end like sentences', () => {
  it('takes a name block whose company line ends with "Inc." or holds a "|" separator', () => {
    const s = split(
      'Backups ran last night.\n\nDana Whitfield\nOps Lead | Harbor Freight Systems Inc.\n+1 415 555 0199\nwww.harbor.example',
    );
    expect(s.newText).toBe('Backups ran last night.');
    expect(s.signature).toMatch(/^Dana Whitfield/);
  });
});
