import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { isGenuineQuestion, isNegatedAt, polarityRules } from '../../src/understand/clauses.js';
import { accessRules, extractAccess } from '../../src/understand/extract-access.js';
import { backupRules, extractBackup } from '../../src/understand/extract-backup.js';
import { extractIntent, intentRules } from '../../src/understand/extract-intent.js';
import { extractPower, powerRules, type TimeSpan } from '../../src/understand/extract-power.js';
import { type Sentence, splitSentences } from '../../src/understand/sentences.js';

const book = shippedRules();
const polarity = polarityRules(book);

describe('negation and questions', () => {
  const at = (text: string, word: string) => {
    const [s] = splitSentences(text) as [Sentence];
    return isNegatedAt(s, s.start + text.indexOf(word), polarity);
  };
  it('reads negation in the clause before the word', () => {
    expect(at("Je n'ai pas de sauvegarde récente.", 'sauvegarde')).toBe(true);
    expect(at('Ne redémarrez pas le serveur.', 'redémarrez')).toBe(true);
    expect(at("Please don't power it off.", 'power')).toBe(true);
    expect(at('Backup: none.', 'Backup')).toBe(true);
    expect(at('Vous pouvez redémarrer le serveur.', 'redémarrer')).toBe(false);
  });
  it('does not let a cue reach across clauses or far back', () => {
    expect(at('No problem, you can reboot it.', 'reboot')).toBe(false);
    expect(at("N'hésitez pas à redémarrer.", 'redémarrer')).toBe(false);
    expect(at('Nothing works anymore; please reboot it.', 'reboot')).toBe(false);
    expect(at('I acknowledge that nothing on that box will survive.', 'acknowledge')).toBe(false);
    expect(at("Je n'autorise le redémarrage que la nuit.", 'redémarrage')).toBe(false);
  });
  it('tells genuine questions from polite requests', () => {
    const q = (text: string) => isGenuineQuestion(splitSentences(text)[0]!, polarity);
    expect(q('Faut-il une sauvegarde ?')).toBe(true);
    expect(q('Do I need a backup?')).toBe(true);
    expect(q('Pouvez-vous redémarrer le serveur ?')).toBe(false);
    expect(q('Could you reinstall it?')).toBe(false);
  });
});

describe('extractIntent', () => {
  const rules = intentRules(book);
  const read = (text: string) => {
    const r = extractIntent(splitSentences(text), rules, polarity);
    return { types: r.requestTypes.map((t) => t.value), scenarios: r.scenarios.map((s) => s.value) };
  };
  it('reads request types and scenarios in both languages', () => {
    expect(read('Le serveur SRV-1 ne répond plus depuis cette nuit.')).toEqual({
      types: ['intervention'],
      scenarios: ['unresponsive'],
    });
    expect(read('Please reinstall the server with Debian 12.')).toEqual({
      types: ['os_reinstall'],
      scenarios: [],
    });
    expect(
      read("After last night's updates it no longer boots and I locked myself out with iptables.").scenarios,
    ).toEqual(['unresponsive', 'network_firewall', 'post_update']);
    expect(read('Merci de lancer un diagnostic matériel complet.')).toEqual({
      types: ['intervention'],
      scenarios: ['diagnostics'],
    });
  });
  it('keeps "check the server" about a dead server as unresponsive, not diagnostics', () => {
    expect(read('The server is down. Please check the server.').scenarios).toEqual(['unresponsive']);
  });
  it('reads no request in thanks, negations and genuine questions', () => {
    expect(read('Merci, le serveur répond de nouveau.').types).toEqual([]);
    expect(read('Do you reinstall servers for free?').types).toEqual([]);
  });
});

describe('extractPower', () => {
  const rules = powerRules(book);
  const window: TimeSpan = {
    kind: 'window',
    start: '2026-11-28T01:00:00Z',
    end: '2026-11-28T03:00:00Z',
    text: 'samedi entre 2h et 4h',
    index: 0,
    usable: true,
    problem: null,
  };
  const open: TimeSpan = {
    kind: 'window',
    start: '2026-11-26T21:00:00Z',
    end: null,
    text: 'après 22h',
    index: 0,
    usable: false,
    problem: 'open_end',
  };
  // The time reader's answer, placed where the words are in each sentence.
  const timesIn = (s: Sentence): TimeSpan[] => {
    for (const [pattern, span] of [
      [/entre 2h et 4h|between 2 and 4/, window],
      [/après 22h/, open],
    ] as const) {
      const m = pattern.exec(s.text);
      if (m) return [{ ...span, index: m.index }];
    }
    return [];
  };
  const read = (text: string) =>
    extractPower(splitSentences(text), rules, polarity, {
      timesIn,
      statement: null,
      reference: Date.parse('2026-11-26T09:00:00Z'),
    });

  it('grants without limit', () => {
    expect(read('Vous pouvez redémarrer le serveur à tout moment.').authorization).toBe('granted');
    expect(read('Feel free to power cycle it if needed.').authorization).toBe('granted');
    expect(read('Please reboot the server.').authorization).toBe('granted');
  });
  it('limits to windows, and keeps an unusable or hour-less limit as a window without windows', () => {
    expect(read('Redémarrage possible samedi entre 2h et 4h.')).toMatchObject({
      authorization: 'window',
      windows: [{ start: window.start, end: window.end }],
    });
    expect(read('Vous pouvez redémarrer, mais uniquement en heures non ouvrées.')).toMatchObject({
      authorization: 'window',
      windows: [],
      limited: true,
    });
    expect(read('Reboot only after 22h... vous pouvez redémarrer après 22h.')).toMatchObject({
      authorization: 'window',
      windows: [],
    });
  });
  it('treats a refusal outside the window as part of it', () => {
    const r = read('You may reboot it between 2 and 4. Outside it, please do not shut it down.');
    expect(r).toMatchObject({ authorization: 'window', contradiction: false });
  });
  it('denies, and flags an unlimited grant plus a refusal as a contradiction', () => {
    expect(read('Ne redémarrez surtout pas le serveur.').authorization).toBe('denied');
    expect(read('Do not reboot it. You can reboot it any time.').contradiction).toBe(true);
  });
  it('reads nothing from stories and questions', () => {
    expect(read('Le serveur a redémarré tout seul cette nuit.').authorization).toBe('unspecified');
    expect(read('Will you need to reboot it?').authorization).toBe('unspecified');
  });
});

describe('extractBackup', () => {
  const rules = backupRules(book);
  const read = (text: string) =>
    extractBackup(splitSentences(text), rules, polarity, {
      confirmedStatement: null,
      noBackupStatement: null,
    }).value;
  it('confirms any positive claim of a backup', () => {
    expect(read("Nous avons une sauvegarde d'hier.")).toBe('confirmed');
    expect(read('Backups fine.')).toBe('confirmed');
    expect(read('We have copies of everything we need.')).toBe('confirmed');
  });
  it('needs "no backup" and acceptance of loss for no_backup_acknowledged', () => {
    expect(read("Je n'ai pas de sauvegarde.")).toBe('unspecified');
    expect(read("Pas de sauvegarde récente, mais j'accepte le risque de perte de données.")).toBe(
      'no_backup_acknowledged',
    );
    expect(
      read(
        'No, there is no backup: I acknowledge that nothing on that box will survive and that is fine with us.',
      ),
    ).toBe('no_backup_acknowledged');
    expect(read('Non, nous n’avons pas de sauvegarde récente, la dernière date de septembre.')).toBe(
      'unspecified',
    );
  });
  it('reads nothing from a question', () => {
    expect(read('Faut-il une sauvegarde ?')).toBe('unspecified');
  });
});

describe('extractAccess', () => {
  const rules = accessRules(book);
  const read = (text: string, secrets = [] as Parameters<typeof extractAccess>[1]) =>
    extractAccess(splitSentences(text), secrets, rules, polarity).map((a) => a.value);
  it('reads handed-over logins from secrets and wording', () => {
    expect(
      read('mot de passe root : [[SECRET-1]]', [
        {
          placeholder: '[[SECRET-1]]',
          kind: 'password',
          label: 'mot de passe root',
          username: 'root',
          foundIn: 'new_text',
        },
      ]),
    ).toEqual(['os_credentials']);
    expect(
      read('IPMI : https://198.51.100.20 utilisateur ADMIN mot de passe [[SECRET-1]]', [
        {
          placeholder: '[[SECRET-1]]',
          kind: 'ipmi_password',
          label: 'mot de passe',
          username: 'ADMIN',
          foundIn: 'new_text',
        },
      ]),
    ).toEqual(['ipmi_kvm']);
    expect(read('The password is in the panel.')).toEqual(['other']);
    expect(read('La clé SSH de votre équipe est toujours autorisée pour root sur le port 2222.')).toEqual([
      'other',
    ]);
  });
  it('does not count consoles that are not handed over', () => {
    expect(read('Pouvez-vous me donner un accès KVM ?')).toEqual([]);
    expect(read('The console in your panel only shows a black screen.')).toEqual([]);
  });
  it('takes a secret by its own placeholder, not one that contains it, and stays linear in secrets', () => {
    const secret = (n: number, kind: 'password' | 'ipmi_password') => ({
      placeholder: `[[SECRET-${n}]]`,
      kind,
      label: 'mot de passe',
      username: null,
      foundIn: 'new_text' as const,
    });
    // SECRET-1 is the console's, but only SECRET-10 is in the text: an OS login.
    expect(
      read('mot de passe : [[SECRET-10]]', [secret(1, 'ipmi_password'), secret(10, 'password')]),
    ).toEqual(['os_credentials']);
    // One sentence per secret: testing every secret against every sentence took 6 s for 20,000 (the
    // worker's event loop blocked all along, test/faults/poison.fault.ts); linear, well under a second.
    const n = 40_000;
    const secrets = Array.from({ length: n }, (_, i) => secret(i + 1, 'password'));
    const text = secrets.map((s) => `mot de passe : ${s.placeholder}.`).join('\n');
    const started = performance.now();
    expect(read(text, secrets)).toEqual(['os_credentials']);
    // Not a speed test: quadratic takes about 25 s here, linear well under one.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
