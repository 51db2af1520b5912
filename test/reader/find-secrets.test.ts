import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RedactableParts, redactSecrets, secretRules } from '../../src/reader/find-secrets.js';
import { SecretRef } from '../../src/reader/inbound-message.js';
import { loadRuleBook } from '../../src/rule-engine/load-rules.js';

const book = loadRuleBook();
const rules = secretRules(book);

function parts(newText: string, more: Partial<RedactableParts> = {}): RedactableParts {
  return { subject: '', text: newText, newText, signature: null, quoted: [], ...more };
}

function redact(newText: string) {
  return redactSecrets(parts(newText), rules);
}

const allText = (p: RedactableParts) =>
  [
    p.subject,
    p.text,
    p.newText,
    p.signature ?? '',
    ...p.quoted.flatMap((q) => [q.header ?? '', q.text]),
  ].join('\n');

describe('redactSecrets finds passwords', () => {
  // [text, redacted text, label, user name, kind]; the value is what the placeholder replaced.
  type Case = [string, string, string, (string | null)?, ('password' | 'ipmi_password')?];
  const cases: Case[] = [
    ['mot de passe root : Xk29!pq', 'mot de passe root : [[SECRET-1]]', 'mot de passe root'],
    ['Mot de passe : azerty123', 'Mot de passe : [[SECRET-1]]', 'Mot de passe'],
    ['mdp : soleil', 'mdp : [[SECRET-1]]', 'mdp'],
    ['MDP=Tr0ub4dor&3', 'MDP=[[SECRET-1]]', 'MDP'],
    ['mdp Azerty12', 'mdp [[SECRET-1]]', 'mdp'],
    [
      'IPMI : identifiant ADMIN mot de passe ADMIN2024',
      'IPMI : identifiant ADMIN mot de passe [[SECRET-1]]',
      'mot de passe',
      'ADMIN',
      'ipmi_password',
    ],
    ['le mot de passe est Soleil2024', 'le mot de passe est [[SECRET-1]]', 'mot de passe'],
    [
      'le mot de passe est le suivant : Xk29pq',
      'le mot de passe est le suivant : [[SECRET-1]]',
      'mot de passe',
    ],
    [
      'mot de passe du compte root : Xk29pq',
      'mot de passe du compte root : [[SECRET-1]]',
      'mot de passe du compte root',
    ],
    [
      "mot de passe de l'IPMI : Xk29pq",
      "mot de passe de l'IPMI : [[SECRET-1]]",
      "mot de passe de l'IPMI",
      null,
      'ipmi_password',
    ],
    ['pw: hunter22', 'pw: [[SECRET-1]]', 'pw'],
    ['PWD = Xk29pq', 'PWD = [[SECRET-1]]', 'PWD'],
    ['passwd: Xk29pq', 'passwd: [[SECRET-1]]', 'passwd'],
    ['pass: Xk29pq', 'pass: [[SECRET-1]]', 'pass'],
    ['Password -> Xk29pq', 'Password -> [[SECRET-1]]', 'Password'],
    ['The root password is Hunter22.', 'The root password is [[SECRET-1]].', 'root password'],
    ['admin password: S3cr3t', 'admin password: [[SECRET-1]]', 'admin password'],
    ['IPMI password: Xk29!pq', 'IPMI password: [[SECRET-1]]', 'IPMI password', null, 'ipmi_password'],
    ['iDRAC password = calvin', 'iDRAC password = [[SECRET-1]]', 'iDRAC password', null, 'ipmi_password'],
    ['Password: `Xk29pq`', 'Password: `[[SECRET-1]]`', 'Password'],
    ['mot de passe : « Xk29pq »', 'mot de passe : « [[SECRET-1]] »', 'mot de passe'],
    ['Le mot de passe est « soleil ».', 'Le mot de passe est « [[SECRET-1]] ».', 'mot de passe'],
    ['passphrase: "correct horse battery staple"', 'passphrase: "[[SECRET-1]]"', 'passphrase'],
    ['**Password:** Xk29pq12', '**Password:** [[SECRET-1]]', 'Password'],
    ['Password:\n  Xk29pq12', 'Password:\n  [[SECRET-1]]', 'Password'],
    ['password: S3cr3t!.', 'password: [[SECRET-1]]', 'password'],
    ['password: Summer2024!', 'password: [[SECRET-1]]', 'password'],
    ['(mot de passe : Xk29pq)', '(mot de passe : [[SECRET-1]])', 'mot de passe'],
    ['mot de passe : 12345678', 'mot de passe : [[SECRET-1]]', 'mot de passe'],
    ['password: a:b/c#d!e@f', 'password: [[SECRET-1]]', 'password'],
    ['root:Sup3rS3cret', 'root:[[SECRET-1]]', 'root', 'root'],
    ['connect as admin:P@ssw0rd! please', 'connect as admin:[[SECRET-1]] please', 'admin', 'admin'],
    ['admin / S3cret!', 'admin / [[SECRET-1]]', 'admin', 'admin'],
    ['identifiants : root / Xk29pq', 'identifiants : root / [[SECRET-1]]', 'identifiants', 'root'],
    [
      'Identifiants IPMI : ADMIN / Xk29pq',
      'Identifiants IPMI : ADMIN / [[SECRET-1]]',
      'Identifiants IPMI',
      'ADMIN',
      'ipmi_password',
    ],
    ['iDRAC: root / calvin', 'iDRAC: root / [[SECRET-1]]', 'iDRAC', 'root', 'ipmi_password'],
    ['user/pass: root/hunter22', 'user/pass: root/[[SECRET-1]]', 'user/pass', 'root'],
    [
      'utilisateur : admin / mot de passe : Tr0ub4dor&3',
      'utilisateur : admin / mot de passe : [[SECRET-1]]',
      'mot de passe',
      'admin',
    ],
    ['login: root\npassword: Abc123!x', 'login: root\npassword: [[SECRET-1]]', 'password', 'root'],
    ['password: Abc123!x\nuser: deploy', 'password: [[SECRET-1]]\nuser: deploy', 'password', 'deploy'],
    ['User: root Password: Abc123!x', 'User: root Password: [[SECRET-1]]', 'Password', 'root'],
    ['mdp : soleil, login : root', 'mdp : [[SECRET-1]], login : root', 'mdp', 'root'],
    [
      'Accès IPMI : https://10.0.0.5\nuser: ADMIN\npassword: soleil',
      'Accès IPMI : https://10.0.0.5\nuser: ADMIN\npassword: [[SECRET-1]]',
      'password',
      'ADMIN',
      'ipmi_password',
    ],
    [
      'Console KVM :\nlogin : admin\nmot de passe : Kvm2024x',
      'Console KVM :\nlogin : admin\nmot de passe : [[SECRET-1]]',
      'mot de passe',
      'admin',
      'ipmi_password',
    ],
    ['> mot de passe : Xk29pq', '> mot de passe : [[SECRET-1]]', 'mot de passe'],
  ];

  it.each(cases.map((c) => [c[0].replace(/\n/g, '⏎'), c] as const))(
    '%s',
    (_, [text, redacted, label, username, kind]) => {
      const { parts: out, secrets } = redact(text);
      expect(out.newText).toBe(redacted);
      expect(out.text).toBe(redacted);
      const [before, after] = redacted.split('[[SECRET-1]]') as [string, string];
      expect(secrets).toHaveLength(1);
      const [found] = secrets;
      expect(found!.value.reveal()).toBe(text.slice(before.length, text.length - after.length));
      expect(found!.ref).toEqual({
        placeholder: '[[SECRET-1]]',
        kind: kind ?? 'password',
        label,
        username: username ?? null,
        foundIn: 'new_text',
      });
      expect(SecretRef.parse(found!.ref)).toEqual(found!.ref);
    },
  );

  it('does not take a quoted phrase for a password', () => {
    expect(redact('Password: "Xk29 pq"').secrets).toEqual([]);
  });

  it('keeps a trailing dot after a plain token out, and in after a token full of symbols', () => {
    expect(redact('password: Xk29pq.').secrets[0]!.value.reveal()).toBe('Xk29pq');
    expect(redact('password: S3cr3t!.').secrets[0]!.value.reveal()).toBe('S3cr3t!.');
  });
});

describe('redactSecrets tells console passwords from system ones', () => {
  const kinds = (text: string) => redact(text).secrets.map((s) => [s.ref.kind, s.ref.username]);

  it('takes a console named on the line or just above', () => {
    expect(kinds('iLO: Administrator / Hp2024xyz')).toEqual([['ipmi_password', 'Administrator']]);
    expect(kinds('Accès iDRAC :\nroot / calvin99')).toEqual([['ipmi_password', 'root']]);
    expect(kinds('BMC https://10.0.0.9\nlogin: ADMIN\npassword: Bmc!2024')).toEqual([
      ['ipmi_password', 'ADMIN'],
    ]);
  });

  it('keeps the OS password when the line names the system, a paragraph ends, or a console line had its own', () => {
    const both =
      'IPMI : https://198.51.100.20 utilisateur ADMIN mot de passe Lp9@vT4#eW2k\n' +
      'Système : utilisateur root, mot de passe Hn5%cY8*uJ3d';
    expect(kinds(both)).toEqual([
      ['ipmi_password', 'ADMIN'],
      ['password', 'root'],
    ]);
    expect(kinds('The IPMI is down too.\nSSH root password: Xk29!pq')).toEqual([['password', null]]);
    expect(kinds('The IPMI is down too.\n\nroot password: Xk29!pq')).toEqual([['password', null]]);
  });

  it('reads a bare « console » as the place the OS login is typed, not as IPMI', () => {
    expect(kinds('Console login: user deploy, pw: Qz8&mW4t^Lb1')).toEqual([['password', 'deploy']]);
    expect(kinds('Creds for the console are root:Gr4nite!Falc0n-77')).toEqual([['password', 'root']]);
  });
});

describe('redactSecrets leaves words about passwords alone', () => {
  const negatives = [
    'my password is in the panel',
    'The password is in the panel, as usual.',
    'le mot de passe habituel',
    'Utilisez le mot de passe habituel.',
    'mot de passe : voir le panel',
    'mot de passe : celui du panel',
    'Mot de passe : identique à avant',
    'nouveau mot de passe ?',
    'password reset',
    'Password reset link: https://panel.example.com/reset',
    'pw: (the one you set)',
    'password: ********',
    'mot de passe : xxxxxx',
    'password: <password>',
    'password: same',
    'password: unchanged',
    'mot de passe : inchangé',
    'mot de passe: demandez-moi',
    'password: same as IPMI',
    'The password is: see attached',
    'pw: TBD',
    'password: N/A',
    'password: https://vault.example.com/s/abc',
    'Password is not working',
    'le mot de passe est incorrect',
    'I forgot my root password.',
    'Le mot de passe root ne fonctionne plus depuis hier',
    'Passwords must be at least 8 characters',
    'password policy: 12 characters minimum',
    'passwordless login with an SSH key',
    'pass the ticket to the datacenter team',
    'password 2FA enabled',
    'le mot de passe est 2024',
    'https://example.com/login at 10:30',
    'SRV-10234: disk failure',
    'Note: reboot first',
    'root: the disk is full',
    'chown -R root:www-data /var/www',
    'chown root:root /etc/shadow',
    'root:x:0:0:root:/root:/bin/bash',
    'use the user:password format',
    'identifiant de service : SRV-10234',
    'identifiants : voir le panel',
    'identifiants : root / xxx',
    'Please send me the login / password for the IPMI.',
  ];

  it.each(negatives)('%s', (text) => {
    const { parts: out, secrets } = redact(text);
    expect(secrets.map((s) => s.value.reveal())).toEqual([]);
    expect(out).toEqual(parts(text));
  });
});

describe('redactSecrets replaces everywhere', () => {
  it('numbers by first appearance in the new text, then quoted parts, signature, subject, full text', () => {
    const quotedText = 'mot de passe : Quot3dPass\nroot:Sup3rS3cret';
    const newText = 'IPMI: ADMIN / Ipmi2024x\nroot password: Sup3rS3cret';
    const text = `mdp : OnlyInText9\n${newText}\n\nLe 25 nov. 2026, Support a écrit :\n> ${quotedText.replace('\n', '\n> ')}\n-- \npw: Sign4ture`;
    const { parts: out, secrets } = redactSecrets(
      {
        subject: 'Accès root:Subj3ctPass',
        text,
        newText,
        signature: 'pw: Sign4ture',
        quoted: [{ kind: 'reply', header: 'Le 25 nov. 2026, Support a écrit :', text: quotedText }],
      },
      rules,
    );
    expect(secrets.map((s) => [s.ref.placeholder, s.value.reveal(), s.ref.foundIn])).toEqual([
      ['[[SECRET-1]]', 'Ipmi2024x', 'new_text'],
      ['[[SECRET-2]]', 'Sup3rS3cret', 'new_text'],
      ['[[SECRET-3]]', 'Quot3dPass', 'quoted'],
      ['[[SECRET-4]]', 'Sign4ture', 'signature'],
      ['[[SECRET-5]]', 'Subj3ctPass', 'subject'],
      ['[[SECRET-6]]', 'OnlyInText9', 'quoted'],
    ]);
    expect(secrets[0]!.ref.kind).toBe('ipmi_password');
    expect(out.newText).toBe('IPMI: ADMIN / [[SECRET-1]]\nroot password: [[SECRET-2]]');
    expect(out.quoted[0]!.text).toBe('mot de passe : [[SECRET-3]]\nroot:[[SECRET-2]]');
    expect(out.signature).toBe('pw: [[SECRET-4]]');
    expect(out.subject).toBe('Accès root:[[SECRET-5]]');
    expect(out.text).toContain('> root:[[SECRET-2]]');
    expect(out.text.startsWith('mdp : [[SECRET-6]]\n')).toBe(true);
    for (const s of secrets) expect(allText(out)).not.toContain(s.value.reveal());
  });

  it('replaces a value quoted again without its label, and in quoted headers', () => {
    const { parts: out, secrets } = redactSecrets(
      {
        subject: 'Re: Xk29!pq',
        newText: 'mot de passe root : Xk29!pq\nJe répète : Xk29!pq.',
        text: 'mot de passe root : Xk29!pq\nJe répète : Xk29!pq.\n> password Xk29!pq was wrong',
        signature: null,
        quoted: [{ kind: 'inline', header: 'On Mon, Xk29!pq wrote:', text: 'password Xk29!pq was wrong' }],
      },
      rules,
    );
    expect(secrets).toHaveLength(1);
    expect(out.newText).toBe('mot de passe root : [[SECRET-1]]\nJe répète : [[SECRET-1]].');
    expect(out.quoted[0]).toEqual({
      kind: 'inline',
      header: 'On Mon, [[SECRET-1]] wrote:',
      text: 'password [[SECRET-1]] was wrong',
    });
    expect(out.subject).toBe('Re: [[SECRET-1]]');
    expect(allText(out)).not.toContain('Xk29!pq');
  });

  it('gives one placeholder per value, and covers overlapping values entirely', () => {
    const { parts: out, secrets } = redact('pw: ab12cd\npassword: 12cd!x\nagain: ab12cd!x and ab12cd');
    expect(secrets.map((s) => s.value.reveal())).toEqual(['ab12cd', '12cd!x']);
    expect(out.newText).toBe(
      'pw: [[SECRET-1]]\npassword: [[SECRET-2]]\nagain: [[SECRET-1]] and [[SECRET-1]]',
    );
  });

  it('does not report a user name that is the password itself', () => {
    const { secrets } = redact('login: Xk29pq\npassword: Xk29pq');
    expect(secrets[0]!.ref.username).toBeNull();
  });

  it('is stable when run again on its own output', () => {
    const first = redact('mot de passe : Xk29pq\nroot:Sup3rS3cret');
    const again = redactSecrets(first.parts, rules);
    expect(again.secrets).toEqual([]);
    expect(again.parts).toEqual(first.parts);
  });

  it('does not scan lines over 2,000 characters, but still replaces values found elsewhere', () => {
    const long = `${'x'.repeat(2_100)} password: L0ngLine!`;
    expect(redact(long).secrets).toEqual([]);
    const { parts: out } = redact(`pw: L0ngLine!\n${long}`);
    expect(out.newText).not.toContain('L0ngLine!');
  });
});

describe('reader/secrets rules', () => {
  const ruleList = book.patterns('reader/secrets');

  it.each(ruleList.map((r) => [r.id, r] as const))('%s matches its examples and only those', (_, rule) => {
    expect(rule.examples.match.length).toBeGreaterThan(0);
    expect(rule.examples.noMatch.length).toBeGreaterThan(0);
    for (const example of rule.examples.match) expect(rule.regex.test(example), example).toBe(true);
    for (const example of rule.examples.noMatch) expect(rule.regex.test(example), example).toBe(false);
  });

  it('refuses a scanning rule that lacks the groups the code reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-secrets-'));
    try {
      mkdirSync(join(dir, 'reader'));
      const rule = {
        id: 'secret.label.broken',
        description: 'a password label without its sep group',
        tags: ['password-label'],
        pattern: '(?<label>password):',
        examples: { match: ['password:'], noMatch: ['pass'] },
      };
      const file = { schema: 'pattern-rules/v1', description: 'a broken secrets file', rules: [rule] };
      writeFileSync(join(dir, 'reader', 'secrets.yml'), JSON.stringify(file));
      expect(() => secretRules(loadRuleBook(dir))).toThrow(/secret\.label\.broken.*"sep"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays fast on hostile bodies', () => {
    const hostile = [
      'pw: '.repeat(400),
      'mot de passe '.repeat(150),
      'root:'.repeat(390),
      'admin / '.repeat(240),
      'identifiants : a / '.repeat(100),
      `${'«'.repeat(1_000)}`,
      'a'.repeat(1_999),
    ].join('\n');
    const body = `${hostile}\n`.repeat(40);
    const started = performance.now();
    redactSecrets(parts(body, { text: `${body}${'password: x '.repeat(100_000)}` }), rules);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('redactSecrets properties', () => {
  const lower = fc.constantFrom(...'abcdefghijkmnpqrstuvwxyz');
  const upper = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ');
  const digit = fc.constantFrom(...'0123456789');
  const any = fc.constantFrom(
    ...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789!@#$%^&*_+-=?~.:,;',
  );
  // Starts with a letter (after "is :" or "=>" a leading symbol reads as part of the separator) and ends
  // with a digit (trailing punctuation is stripped by design, see trimPunctuation).
  const password = fc
    .tuple(lower, fc.array(any, { minLength: 3, maxLength: 24 }), upper, digit)
    .map(([l, body, u, d]) => `${l}${body.join('')}${u}${d}`);
  const label = fc.constantFrom(
    'password: ',
    'Password : ',
    'mot de passe : ',
    'mdp=',
    'pw: ',
    'root password is ',
  );

  it('never lets an embedded password through, in any field', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        label,
        password,
        fc.boolean(),
        (before, after, lab, p, alsoQuoted) => {
          const newText = `${before}\n${lab}${p}\n${after}`;
          const quotedText = alsoQuoted ? `as I said: ${p}` : after;
          const input: RedactableParts = {
            subject: alsoQuoted ? `Re: ${p}` : before,
            newText,
            text: `${newText}\n> ${quotedText}`,
            signature: after,
            quoted: [{ kind: 'reply', header: alsoQuoted ? `${p} wrote:` : null, text: quotedText }],
          };
          const { parts: out, secrets } = redactSecrets(input, rules);
          expect(secrets.some((s) => s.value.reveal() === p)).toBe(true);
          expect(allText(out)).not.toContain(p);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('never throws on arbitrary input', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 }));
    fc.assert(
      fc.property(
        fc.record({
          subject: text,
          text,
          newText: text,
          signature: fc.option(text),
          quoted: fc.array(
            fc.record({ kind: fc.constantFrom('reply', 'forward', 'inline'), header: fc.option(text), text }),
            { maxLength: 3 },
          ),
        }),
        (input) => {
          const { parts: out, secrets } = redactSecrets(input as RedactableParts, rules);
          for (const s of secrets) expect(allText(out)).not.toContain(s.value.reveal());
        },
      ),
      { numRuns: 500 },
    );
  });
});
