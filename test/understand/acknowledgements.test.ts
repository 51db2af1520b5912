import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRuleBook } from '../../src/rule-engine/load-rules.js';
import {
  acknowledgementLevels,
  ackRules,
  canonicalStatements,
  compileStatements,
  matchStatements,
  STATEMENT_IDS,
  type StatementId,
} from '../../src/understand/acknowledgements.js';
import { splitSentences } from '../../src/understand/sentences.js';

// The two rule files this module reads, loaded on their own so that other rule files being edited do
// not stop these tests (the shipped-rules tests load everything together).
const dir = mkdtempSync(join(tmpdir(), 'intake-ack-'));
mkdirSync(join(dir, 'understand'));
for (const file of ['statements.yml', 'acknowledgements.yml']) {
  cpSync(join(DEFAULT_RULES_DIR, 'understand', file), join(dir, 'understand', file));
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const book = loadRuleBook(dir);
const PROVIDER = 'INTROSERV';
const statements = compileStatements(book, PROVIDER);
const rules = ackRules(book);
const canon = canonicalStatements(book, PROVIDER);
const LANGS = ['fr', 'en'] as const;
const PAIRS = STATEMENT_IDS.flatMap((id) => LANGS.map((lang) => [id, lang] as const));

const read = (text: string) => matchStatements(text, splitSentences(text), statements, rules);
const level = (text: string, id: StatementId) => read(text)[id].level;
/** Every statement's level, for checks that nothing else was read. */
const levels = (text: string) =>
  Object.fromEntries(Object.entries(read(text)).map(([id, m]) => [id, m.level]));

const stripAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
function hardWrap(s: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}
const firstSentence = (s: string) => s.slice(0, s.indexOf('. ') + 1);

// One word replaced by another: still clearly the statement, but not the exact words.
const ONE_WORD: Record<StatementId, Record<'fr' | 'en', [string, string]>> = {
  power_authorization: { fr: ['nécessaires', 'utiles'], en: ['necessary actions', 'needed actions'] },
  backup_confirmed: { fr: ['importantes', 'critiques'], en: ['important', 'critical'] },
  backup_none: { fr: ['récente', 'fraîche'], en: ['recent', 'fresh'] },
  data_loss_ack: { fr: ['complètement', 'entièrement'], en: ['completely', 'entirely'] },
  hardware_ack: { fr: ['temporaire', 'provisoire'], en: ['temporary', 'brief'] },
};

// Partial copies. The data-loss and hardware acknowledgements' first sentence alone is not verbatim (the
// policy requires the whole wording, backup sentence included) but clearly accepts the loss: a paraphrase.
// Half of a power or backup statement is no near copy; reading it is the power and backup extractors' job
// (and "no recent backup" alone, without accepting the risk, states no backup value at all).
const PARTIAL: Record<StatementId, { fr: string; en: string; level: 'absent' | 'paraphrase' }> = {
  power_authorization: {
    fr: "J'autorise INTROSERV à effectuer les actions nécessaires.",
    en: 'I authorize INTROSERV to perform the necessary actions.',
    level: 'absent',
  },
  backup_confirmed: {
    fr: "Je confirme que je dispose d'une sauvegarde à jour.",
    en: 'I confirm that I have an up-to-date backup.',
    level: 'absent',
  },
  backup_none: {
    fr: "Je reconnais qu'aucune sauvegarde récente n'est disponible.",
    en: 'I acknowledge that no recent backup is available.',
    level: 'absent',
  },
  data_loss_ack: {
    fr: firstSentence(canon.data_loss_ack.fr),
    en: firstSentence(canon.data_loss_ack.en),
    level: 'paraphrase',
  },
  hardware_ack: {
    fr: firstSentence(canon.hardware_ack.fr),
    en: firstSentence(canon.hardware_ack.en),
    level: 'paraphrase',
  },
};

// Refusals: copies with a negation for the statements other modules paraphrase, paraphrases with a
// negation for the acknowledgements.
const NEGATED: Record<StatementId, Record<'fr' | 'en', string>> = {
  power_authorization: {
    fr: canon.power_authorization.fr.replace("J'autorise", "Je n'autorise pas"),
    en: canon.power_authorization.en.replace('I authorize', 'I do not authorize'),
  },
  backup_confirmed: {
    fr: canon.backup_confirmed.fr.replace('Je confirme', 'Je ne confirme pas'),
    en: canon.backup_confirmed.en.replace('I confirm', "I can't confirm"),
  },
  backup_none: {
    fr: canon.backup_none.fr.replace('Je reconnais', 'Je ne reconnais pas'),
    en: canon.backup_none.en.replace('I acknowledge', 'I never acknowledge'),
  },
  data_loss_ack: {
    fr: "Je n'accepte pas la perte de données, ne touchez pas au disque.",
    en: 'I do not accept any loss of data on this server.',
  },
  hardware_ack: {
    fr: "Je n'accepte pas l'arrêt du serveur ni la perte de données pendant le remplacement du disque.",
    en: "We don't accept downtime or data loss during the RAM upgrade.",
  },
};

describe.each(PAIRS)('%s (%s)', (id, lang) => {
  const statement = canon[id][lang];

  it('an exact copy is verbatim, with evidence pointing at the customer’s words', () => {
    const text = `Bonjour,\n\nConfirmation : ${statement}\n\nCordialement,\nJean`;
    const match = read(text)[id];
    expect(match.level).toBe('verbatim');
    expect(match.language).toBe(lang);
    expect(match.ruleId).toBe(`statement.${id}.${lang}`);
    expect(match.evidence?.start).toBe(text.indexOf(statement));
    expect(match.evidence?.text).toBe(statement);
    expect(text.slice(match.evidence!.start, match.evidence!.end)).toBe(match.evidence!.text);
  });

  it.each([
    ['upper case', (s: string) => s.toUpperCase()],
    ['lower case', (s: string) => s.toLowerCase()],
    ['no accents', stripAccents],
    ['decomposed accents', (s: string) => s.normalize('NFD')],
    ['typographic apostrophes', (s: string) => s.replaceAll("'", '’')],
    ['no apostrophes', (s: string) => s.replaceAll("'", '')],
    ['extra spaces and tabs', (s: string) => s.replaceAll(' ', ' \t  ')],
    ['no punctuation', (s: string) => s.replace(/[,.()]/g, '')],
    ['changed punctuation', (s: string) => s.replaceAll(',', ';').replace(/\.$/, ' !')],
    ['hard-wrapped at 38 columns', (s: string) => hardWrap(s, 38)],
    ['hard-wrapped with CRLF-less quoting width', (s: string) => hardWrap(s, 72)],
    ['inside « … »', (s: string) => `« ${s} »`],
    ['inside "…"', (s: string) => `"${s}"`],
    ['inside “…” after a label', (s: string) => `Ack:“${s}”`],
    ['the provider in lower case', (s: string) => s.replace(PROVIDER, PROVIDER.toLowerCase())],
    ['the provider capitalised', (s: string) => s.replace(PROVIDER, 'Introserv')],
  ])('%s stays verbatim', (_, change) => {
    expect(level(`Bonjour,\n${change(statement)}\nMerci`, id)).toBe('verbatim');
  });

  it('a copy with one word changed is a paraphrase, never verbatim', () => {
    const [from, to] = ONE_WORD[id][lang];
    expect(statement).toContain(from);
    const match = read(statement.replace(from, to))[id];
    expect(match.level).toBe('paraphrase');
    expect(match.language).toBe(lang);
  });

  it('a partial copy is not verbatim', () => {
    expect(level(PARTIAL[id][lang], id)).toBe(PARTIAL[id].level);
  });

  it('a refusal is absent', () => {
    expect(level(NEGATED[id][lang], id)).toBe('absent');
  });

  it('a copy that the customer asks about is absent', () => {
    const question =
      lang === 'fr' ? `Dois-je écrire « ${statement} » ?` : `Do I need to write "${statement}"?`;
    expect(level(question, id)).toBe('absent');
    expect(level(`${lang === 'fr' ? 'Faut-il préciser que' : 'Should I say that'} ${statement}`, id)).toBe(
      'absent',
    );
  });

  it('counts whatever the language of the rest of the message', () => {
    const other =
      lang === 'fr' ? 'Hello, please find my confirmation below.' : 'Bonjour, voici ma confirmation.';
    expect(level(`${other}\n${statement}\nThanks / Merci`, id)).toBe('verbatim');
  });

  it('stays verbatim under random case, accent, white-space and punctuation changes', () => {
    const words = statement.split(' ');
    const separator = fc.constantFrom(' ', '  ', '\n', ' \n', '\t', ', ', ' - ', '; ', ' : ', '\n  ', '/');
    const noisyWord = (word: string) =>
      fc
        .record({
          casing: fc.constantFrom('keep', 'upper', 'lower'),
          accents: fc.boolean(),
          apostrophe: fc.constantFrom("'", '’', '', ' '),
          punctuation: fc.constantFrom('keep', 'drop', ',', ';', '.', '!', '…'),
        })
        .map(({ casing, accents, apostrophe, punctuation }) => {
          let w = casing === 'upper' ? word.toUpperCase() : casing === 'lower' ? word.toLowerCase() : word;
          if (accents) w = stripAccents(w);
          w = w.replaceAll("'", apostrophe);
          if (punctuation === 'drop') w = w.replace(/[,.()]/g, '');
          else if (punctuation !== 'keep') w = `${w}${punctuation}`;
          return w;
        });
    fc.assert(
      fc.property(
        fc.tuple(...words.map(noisyWord)),
        fc.array(separator, { minLength: words.length, maxLength: words.length }),
        fc.constantFrom(['', ''], ['« ', ' »'], ['"', '"'], ['Confirmation : ', '']),
        (noisy, separators, [open, close]) => {
          const text = open + noisy.map((w, i) => (i === 0 ? w : separators[i] + w)).join('') + close;
          expect(level(text, id), text).toBe('verbatim');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is never verbatim with a word deleted', () => {
    const words = statement.split(' ');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: words.length - 1 }), (k) => {
        const text = words.filter((_, i) => i !== k).join(' ');
        expect(level(text, id), text).not.toBe('verbatim');
      }),
      { numRuns: 60 },
    );
  });
});

describe('verbatim boundaries', () => {
  it('counts the procedure’s second reinstall example as a verbatim data-loss acknowledgement', () => {
    const alternative = canon.data_loss_ack.alternatives?.[0]?.text ?? '';
    expect(alternative).toContain('mise à niveau du matériel');
    const match = read(`Reconnaissance de la perte de données : ${alternative}`);
    expect(match.data_loss_ack).toMatchObject({
      level: 'verbatim',
      language: 'fr',
      ruleId: 'statement.data_loss_ack.alt1',
    });
    // It speaks of hardware, but it is the data-loss statement, not a hardware paraphrase.
    expect(match.hardware_ack.level).toBe('absent');
  });

  it('reads a statement split over two paragraphs as a paraphrase', () => {
    for (const text of [canon.data_loss_ack.en, canon.hardware_ack.fr]) {
      const split = text.replace('. ', '.\n\n');
      expect(read(split)[text === canon.hardware_ack.fr ? 'hardware_ack' : 'data_loss_ack'].level).toBe(
        'paraphrase',
      );
    }
  });

  it('reads another provider name or an unfilled placeholder as a paraphrase', () => {
    for (const name of ['OVH', '{provider}', '[provider]', 'Introserv SAS', 'le fournisseur']) {
      expect(level(canon.power_authorization.fr.replace(PROVIDER, name), 'power_authorization'), name).toBe(
        'paraphrase',
      );
    }
  });

  it('uses the configured provider name, in any case', () => {
    const acme = compileStatements(book, 'Acme Hosting');
    const text = canonicalStatements(book, 'ACME HOSTING').power_authorization.en;
    expect(matchStatements(text, splitSentences(text), acme, rules).power_authorization.level).toBe(
      'verbatim',
    );
    expect(level(text, 'power_authorization')).toBe('paraphrase');
  });

  it('points evidence at the customer’s own characters, whatever their form', () => {
    const copy = hardWrap(canon.hardware_ack.fr.normalize('NFD').replaceAll("'", '’'), 30);
    const text = `Bonjour,\n\n« ${copy} »\n\nMerci`;
    const evidence = read(text).hardware_ack.evidence!;
    expect(text.slice(evidence.start, evidence.end)).toBe(evidence.text);
    expect(evidence.start).toBe(text.indexOf('Je comprends'));
    expect(evidence.text.endsWith('procédure.'.normalize('NFD'))).toBe(true);
  });

  it('ignores a question that ended before the copy in the same line', () => {
    expect(level(`Pouvez-vous intervenir ce soir ?${canon.backup_confirmed.fr}`, 'backup_confirmed')).toBe(
      'verbatim',
    );
  });

  it('does not start or end a copy inside a word', () => {
    expect(level(`${canon.data_loss_ack.en.slice(0, -1)}es.`, 'data_loss_ack')).not.toBe('verbatim');
    expect(level(`X${canon.backup_confirmed.en}`, 'backup_confirmed')).not.toBe('verbatim');
  });

  it('hears a whole reply of ours pasted back without quote marks: it is the customer’s text', () => {
    const pasted = [
      'Merci de copier les phrases suivantes :',
      canon.power_authorization.fr,
      canon.backup_confirmed.fr,
      'ou',
      canon.backup_none.fr,
    ].join('\n');
    expect(levels(pasted)).toMatchObject({
      power_authorization: 'verbatim',
      backup_confirmed: 'verbatim',
      backup_none: 'verbatim',
    });
  });

  it('is not fooled by a refusal or a doubt leading into the copy', () => {
    for (const lead of [
      'Je ne peux pas confirmer que ',
      "I don't know whether to write ",
      'Is it enough to say ',
    ]) {
      expect(level(`${lead}${canon.backup_confirmed.en}`, 'backup_confirmed'), lead).not.toBe('verbatim');
    }
    // A negation in an earlier clause does not reach the copy.
    expect(level(`Je n'ai pas de sauvegarde, donc : ${canon.backup_none.fr}`, 'backup_none')).toBe(
      'verbatim',
    );
    expect(level(`No recent backup here and ${canon.backup_none.en}`, 'backup_none')).toBe('verbatim');
  });
});

describe('paraphrases', () => {
  it.each([
    ["Je sais que tout sera effacé et j'accepte.", 'fr'],
    ["I understand everything on the disk will be wiped, that's fine.", 'en'],
    ["Pas de souci pour l'effacement complet du disque lors de la réinstallation.", 'fr'],
    ['We are aware that reinstalling will erase all data on the server.', 'en'],
    ["J'ai bien compris que la réinstallation supprime toutes les données, c'est ok pour moi.", 'fr'],
    ["If the reinstall wipes everything, that's fine.", 'en'],
    ["Je n'ai pas de sauvegarde et j'accepte la perte des données lors de la réinstallation.", 'fr'],
  ] as const)('data loss: %s', (text, language) => {
    const match = read(text);
    expect(match.data_loss_ack).toMatchObject({ level: 'paraphrase', language });
    expect(match.data_loss_ack.evidence?.text).toBe(text);
  });

  it.each([
    "J'accepte l'arrêt du serveur et le risque de perte de données pendant le remplacement.",
    'I understand the disk replacement may wipe the data on it, no problem.',
    'We accept the downtime for the RAM upgrade.',
    'Je suis conscient que le changement de barrette implique une coupure.',
  ])('hardware: %s', (text) => {
    expect(levels(text)).toMatchObject({ hardware_ack: 'paraphrase', data_loss_ack: 'absent' });
  });

  it('takes the topic from the message when the sentence does not name it', () => {
    const reinstall = 'Merci de réinstaller Debian 12.\nJe comprends que les données seront perdues.';
    expect(levels(reinstall)).toMatchObject({ data_loss_ack: 'paraphrase', hardware_ack: 'absent' });
  });

  it('reads accepting a loss outside a reinstall as the no-backup acknowledgement, not as another one', () => {
    // Policy section 2: "no recent backup, and the customer accepts that data may be lost" is a backup value.
    expect(levels("Je n'ai pas de sauvegarde et j'accepte la perte des données.")).toMatchObject({
      data_loss_ack: 'absent',
      hardware_ack: 'absent',
    });
    expect(levels('There is no recent backup and I understand that data may be lost.')).toMatchObject({
      data_loss_ack: 'absent',
      hardware_ack: 'absent',
    });
    // In a disk replacement, "the data on it will be lost" without the hardware work or downtime named.
    const hardware = 'Please replace the failed disk in bay 2.\nI understand the data on it will be lost.';
    expect(levels(hardware)).toMatchObject({ data_loss_ack: 'absent', hardware_ack: 'absent' });
    expect(
      levels('Please replace the failed disk.\nI understand the disk replacement may wipe the data on it.'),
    ).toMatchObject({ hardware_ack: 'paraphrase' });
  });

  it.each([
    "Je n'accepte pas la perte de données.",
    'I do not accept any data loss.',
    'Je ne comprends pas pourquoi les données seraient effacées.',
    'do I need to accept data loss?',
    'Faut-il accepter la perte des données ?',
    'Est-ce que je dois accepter que tout soit effacé',
    'If I accept the data loss, can you start today?',
    'Si j’accepte la perte de données, pouvez-vous commencer ?',
    'Please make sure no data is lost, I understand it is risky.',
    "We lost access to the server, I understand it's urgent.",
    'Nous avons une perte de paquets, je sais que ce n’est pas simple.',
    'Je comprends que les données ne seront pas effacées.',
    'The disk replacement should not cause any downtime, I accept nothing else.',
    'Je comprends que la réinstallation efface tout, mais je ne veux pas.',
    "I understand the reinstall erases everything but I don't want that.",
  ])('not an acknowledgement: %s', (text) => {
    expect(acknowledgementLevels(read(text))).toEqual({ dataLoss: 'absent', hardware: 'absent' });
  });

  it.each(['ok', 'OK.', "d'accord", 'D’accord !', 'fine', 'Yes', 'yes please', 'Oui.', 'Merci, ça me va.'])(
    'a bare agreement states nothing: %s',
    (text) => {
      expect(Object.values(levels(text)).every((l) => l === 'absent')).toBe(true);
    },
  );

  it('leaves power and backup paraphrases to their extractors', () => {
    expect(
      levels("Vous pouvez redémarrer le serveur quand vous voulez, j'ai une sauvegarde d'hier."),
    ).toMatchObject({
      power_authorization: 'absent',
      backup_confirmed: 'absent',
    });
  });
});

describe('cost', () => {
  const filler = [
    'Bonjour, le serveur SRV-10234 ne répond plus depuis cette nuit, impossible de se connecter en SSH.',
    'We tried to reboot it from the panel but nothing happens, the IPMI console shows a kernel panic.',
    "Merci de regarder rapidement, c'est notre serveur de production et les clients attendent.",
    'The data on the second disk matters to us; we would rather not lose the database if possible.',
  ].join('\n');

  it('reads a typical message well under a millisecond', () => {
    const text = `${filler}\n${canon.data_loss_ack.fr}\nCordialement,\nJean`;
    const sentences = splitSentences(text);
    for (let i = 0; i < 50; i++) matchStatements(text, sentences, statements, rules);
    const runs = 500;
    const started = performance.now();
    for (let i = 0; i < runs; i++) matchStatements(text, sentences, statements, rules);
    const perMessage = (performance.now() - started) / runs;
    expect(perMessage).toBeLessThan(1);
  });

  it('stays linear on 1 MB of text, and on 1 MB of near copies', () => {
    const big = `${filler.repeat(Math.ceil(1_000_000 / filler.length))}\n${canon.hardware_ack.en}`;
    // Every window looks like a statement (a word dropped from each copy): the worst case for alignment.
    const words = canon.data_loss_ack.fr.split(' ');
    const near = Array.from({ length: Math.ceil(1_000_000 / canon.data_loss_ack.fr.length) }, (_, i) =>
      words.filter((_, k) => k % 5 !== i % 5).join(' '),
    ).join('\n');
    for (const text of [big, near]) {
      const sentences = splitSentences(text);
      const started = performance.now();
      const match = matchStatements(text, sentences, statements, rules);
      const elapsed = performance.now() - started;
      expect(elapsed, `${elapsed.toFixed(0)} ms`).toBeLessThan(1500);
      if (text === big) expect(match.hardware_ack.level).toBe('verbatim');
      else expect(match.data_loss_ack.level).not.toBe('verbatim');
    }
  });
});
