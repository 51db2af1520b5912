import { RuleLoadError } from '../errors.js';
import { anyMatch, type CompiledRule, hasTag, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { SecretKind } from './inbound-message.js';
import { looksLikePassword, trimPunctuation, type ValueMode } from './secret-shape.js';

/** The `reader/secrets` rules sorted by role; the scanning ones carry a `g` copy for `execAll`. */
export interface SecretRules {
  readonly passwordLabels: readonly RegExp[];
  readonly userLabels: readonly RegExp[];
  readonly credentialSlashes: readonly RegExp[];
  readonly userPassPairs: readonly RegExp[];
  readonly consoleContexts: readonly CompiledRule[];
  readonly osContexts: readonly CompiledRule[];
  readonly notSecret: readonly CompiledRule[];
  readonly notPairValue: readonly CompiledRule[];
  readonly pairExcludedBefore: readonly CompiledRule[];
}

// The code reads these groups by name: a rule edited without them would silently find nothing.
const SCANNING_TAGS = {
  'password-label': ['label', 'sep'],
  'user-label': ['label', 'user'],
  'credential-slash': ['label', 'user', 'value'],
  'user-pass-pair': ['user', 'value'],
} as const;

export function secretRules(book: RuleBook): SecretRules {
  const all = book.patterns('reader/secrets');
  const problems: string[] = [];
  const scanning = (tag: keyof typeof SCANNING_TAGS): RegExp[] =>
    all
      .filter((rule) => hasTag(rule, tag))
      .map((rule) => {
        // An empty alternative makes every group appear (undefined) in the result, so names can be checked.
        const groups = new RegExp(`${rule.regex.source}|`, rule.regex.flags).exec('')?.groups ?? {};
        for (const name of SCANNING_TAGS[tag]) {
          if (!(name in groups)) {
            problems.push(
              `${rule.source.file}:${rule.source.line}: rule ${rule.id}: tag ${tag} needs a group "${name}"`,
            );
          }
        }
        return new RegExp(rule.regex.source, `${rule.regex.flags}g`);
      });
  const tagged = (tag: string) => withTag(all, tag);
  const rules: SecretRules = {
    passwordLabels: scanning('password-label'),
    userLabels: scanning('user-label'),
    credentialSlashes: scanning('credential-slash'),
    userPassPairs: scanning('user-pass-pair'),
    consoleContexts: tagged('console-context'),
    osContexts: tagged('os-context'),
    notSecret: tagged('not-a-secret'),
    notPairValue: tagged('not-a-pair-value'),
    pairExcludedBefore: tagged('pair-excluded-before'),
  };
  if (rules.passwordLabels.length === 0) problems.push('reader/secrets: no rule is tagged password-label');
  if (problems.length > 0) throw new RuleLoadError(problems);
  return rules;
}

/** A secret value found on one line, with what the customer said about it. */
export interface Candidate {
  value: string;
  label: string;
  username: string | null;
  kind: SecretKind;
}

// Long lines are base64, minified HTML or logs, not where a customer types a password; skipping them
// keeps hostile bodies cheap.
export const MAX_SCANNED_LINE = 2_000;
const CONSOLE_LOOKBACK = 4;

const QUOTE_CLOSERS: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '`': '`',
  '«': '»',
  '“': '”',
  '‘': '’',
  '„': '“',
};
const NON_SPACE = /\S+/y;
const EMPHASIS_AFTER_LABEL = /[*_]{1,3}[ \t]{1,3}(?=\S)/y;
const QUOTE_PREFIX = /^(?:[ \t]{0,3}>)+[ \t]?/;

interface ReadValue {
  value: string;
  rest: string;
  quoted: boolean;
}

/** The value that starts at `start`: a quoted string (quotes stripped) or the next token. */
function readValue(line: string, start: number, allowSpaces: boolean): ReadValue | undefined {
  let i = start;
  EMPHASIS_AFTER_LABEL.lastIndex = i;
  const emphasis = EMPHASIS_AFTER_LABEL.exec(line);
  if (emphasis) i += emphasis[0].length;
  const open = line[i];
  const close = open === undefined ? undefined : QUOTE_CLOSERS[open];
  if (close !== undefined) {
    const end = line.indexOf(close, i + 1);
    // A closing quote glued to more text (`"ab"cd12`) is part of the password, not around it.
    if (end > i + 1 && /^(?:$|[\s.,;:!?)\]])/.test(line.slice(end + 1, end + 2))) {
      // French typography puts spaces inside guillemets: « Xk29pq ».
      const inner = line.slice(i + 1, end).trim();
      if (inner !== '' && (allowSpaces || !/\s/.test(inner))) return { value: inner, rest: '', quoted: true };
      return undefined;
    }
  }
  NON_SPACE.lastIndex = i;
  const token = NON_SPACE.exec(line);
  if (!token) return undefined;
  const value = trimPunctuation(token[0]);
  return value === '' ? undefined : { value, rest: line.slice(i + token[0].length), quoted: false };
}

/** "Password:" alone on its line, the value on the next non-blank one (HTML tables turned into text). */
function readValueBelow(lines: readonly string[], i: number): ReadValue | undefined {
  for (let k = i + 1; k <= i + 2 && k < lines.length; k++) {
    const text = lines[k]!.replace(QUOTE_PREFIX, '').trim();
    if (text === '') continue;
    if (/\s/.test(text) || text.length > MAX_SCANNED_LINE) return undefined;
    return { value: trimPunctuation(text), rest: '', quoted: false };
  }
  return undefined;
}

const REST_OF_TOKEN = /\S*/y;

/** The `value` group of a match, run on to the end of its token: the pattern bounds it, a password does not. */
function wholeValue(line: string, m: RegExpExecArray): { raw: string; end: number } {
  const matchEnd = m.index + m[0].length;
  REST_OF_TOKEN.lastIndex = matchEnd;
  const end = matchEnd + (REST_OF_TOKEN.exec(line)?.[0].length ?? 0);
  return { raw: line.slice(matchEnd - (m.groups?.value ?? '').length, end), end };
}

function separatorMode(sep: string): ValueMode {
  if (/[:=：>→]/.test(sep)) return 'strong';
  return sep.trim() === '' ? 'bare' : 'weak';
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

interface Positioned extends Candidate {
  start: number;
  end: number;
  priority: number;
}

/**
 * Every match of a shared `g` regex in a line. `matchAll` would clone the regex on each call, which costs
 * more than the match itself with these large Unicode patterns (measured: 118 → 51 µs per message).
 */
function execAll(regex: RegExp, line: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(line); m !== null; m = regex.exec(line)) {
    out.push(m);
    if (m[0] === '') regex.lastIndex++;
  }
  regex.lastIndex = 0;
  return out;
}

/** Finds the secret values in one field, line by line, in the order they appear. */
export function findCandidates(text: string, rules: SecretRules): Candidate[] {
  const lines = text.split('\n');
  const lineFacts = new Map<number, { console: boolean; os: boolean; password: boolean; blank: boolean }>();
  const factsOf = (k: number) => {
    let facts = lineFacts.get(k);
    if (facts === undefined) {
      const line = lines[k]!;
      const scanned = line.length <= MAX_SCANNED_LINE;
      facts = {
        console: scanned && anyMatch(rules.consoleContexts, line),
        os: scanned && anyMatch(rules.osContexts, line),
        // `search` ignores and keeps `lastIndex`, so the shared `g` regexes stay safe to use.
        password: scanned && rules.passwordLabels.some((regex) => line.search(regex) !== -1),
        blank: line.replace(QUOTE_PREFIX, '').trim() === '',
      };
      lineFacts.set(k, facts);
    }
    return facts;
  };
  // A console named on the line, or just above in the same paragraph, makes it the console's password,
  // unless the line names the OS itself or a line in between already held its own password
  // ("IPMI : … mot de passe x" then « Système : … mot de passe y »).
  const kindAt = (i: number): SecretKind => {
    const own = factsOf(i);
    if (own.console) return 'ipmi_password';
    if (own.os) return 'password';
    for (let k = i - 1; k >= Math.max(0, i - CONSOLE_LOOKBACK); k--) {
      const facts = factsOf(k);
      if (facts.blank || facts.password) break;
      if (facts.console) return 'ipmi_password';
    }
    return 'password';
  };
  const userMemo = new Map<number, RegExpExecArray[]>();
  const userLabelsOn = (k: number): RegExpExecArray[] => {
    let known = userMemo.get(k);
    if (known === undefined) {
      const line = lines[k];
      known =
        line === undefined || line.length > MAX_SCANNED_LINE
          ? []
          : rules.userLabels.flatMap((regex) => execAll(regex, line));
      userMemo.set(k, known);
    }
    return known;
  };
  const out: Candidate[] = [];
  lines.forEach((line, i) => {
    if (line.length > MAX_SCANNED_LINE) return;
    const found: Positioned[] = [];
    const accept = (
      value: string,
      mode: ValueMode,
      rest: string,
      extra: Omit<Positioned, 'value' | 'kind'>,
    ) => {
      if (looksLikePassword(value, mode, rest, rules)) found.push({ ...extra, value, kind: kindAt(i) });
    };
    for (const regex of rules.credentialSlashes) {
      for (const m of execAll(regex, line)) {
        const { raw, end } = wholeValue(line, m);
        accept(trimPunctuation(raw), 'strong', line.slice(end), {
          label: collapse(m.groups?.label ?? ''),
          username: m.groups?.user ?? null,
          start: end - raw.length,
          end,
          priority: 0,
        });
      }
    }
    for (const regex of rules.userPassPairs) {
      for (const m of execAll(regex, line)) {
        const before = line.slice(Math.max(0, m.index - 80), m.index);
        if (anyMatch(rules.pairExcludedBefore, before)) continue;
        const { raw, end } = wholeValue(line, m);
        const value = trimPunctuation(raw);
        if (anyMatch(rules.notPairValue, value)) continue;
        const user = m.groups?.user ?? '';
        accept(value, 'pair', '', { label: user, username: user, start: end - raw.length, end, priority: 1 });
      }
    }
    for (const regex of rules.passwordLabels) {
      for (const m of execAll(regex, line)) {
        const label = collapse(m.groups?.label ?? '');
        let mode = separatorMode(m.groups?.sep ?? '');
        // "pass" followed by a word is the English verb far more often than a label.
        if (mode === 'bare' && /(?:^|\s)pass$/i.test(label)) continue;
        const start = m.index + m[0].length;
        const passphrase = /passphrase|phrase de passe/i.test(label);
        let read = readValue(line, start, passphrase);
        if (!read && mode === 'strong' && line.slice(start).trim() === '') {
          read = readValueBelow(lines, i);
          // A lone word under a label may just be the next sentence: ask for a password's shape.
          mode = 'weak';
        }
        if (!read) continue;
        // "mdp : root / Xk29pq": the token is a user name; the slash rules read the pair.
        if (/^[ \t]{0,3}\/[ \t]{0,3}\S/.test(read.rest)) continue;
        const user = usernameNear(userLabelsOn, i, m.index, start);
        const labelEnd = m.index + (m.groups?.label ?? '').length;
        // "User: root Password: x": the user name is not a qualifier of the label ("root password").
        const ownLabel = user && user.end > m.index ? collapse(line.slice(user.end, labelEnd)) : label;
        const ref = {
          label: ownLabel,
          username: user?.name ?? null,
          start,
          end: start + read.value.length,
          priority: 2,
        };
        // Quotes around a value are the customer saying where the password is, whatever the label.
        accept(read.value, read.quoted ? 'strong' : mode, read.rest, ref);
      }
    }
    out.push(...dropOverlaps(found));
  });
  return out;
}

/**
 * Where two rules read overlapping values, the one that starts first wins: "password: !root:Xk29" is one
 * password, not a password inside a password. At the same start, the more specific rule wins.
 */
function dropOverlaps(found: Positioned[]): Candidate[] {
  const kept: Positioned[] = [];
  for (const c of [...found].sort((a, b) => a.start - b.start || a.priority - b.priority)) {
    const last = kept.at(-1);
    if (!last || c.start >= last.end) kept.push(c);
  }
  return kept.map(({ value, label, username, kind }) => ({ value, label, username, kind }));
}

/**
 * The user name given with a password: on its line (the nearest user label before the password label, else
 * the first after its value), else on the line above, else below. `end` is set when the user label runs into
 * the password label, so that the label can be cut where the user name ends.
 */
function usernameNear(
  onLine: (k: number) => readonly RegExpExecArray[],
  i: number,
  at: number,
  valueStart: number,
): { name: string; end: number } | undefined {
  const same = onLine(i);
  let before: RegExpExecArray | undefined;
  for (const m of same) if (m.index < at && (!before || m.index > before.index)) before = m;
  // A user label inside the password's own label (« mot de passe du compte root : ») names nothing.
  const pick = before ?? same.find((m) => m.index >= valueStart) ?? onLine(i - 1)[0] ?? onLine(i + 1)[0];
  const name = trimPunctuation(pick?.groups?.user ?? '');
  if (!pick || name === '') return undefined;
  return { name, end: pick === before ? pick.index + pick[0].length : -1 };
}
