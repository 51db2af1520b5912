import { anyMatch, type CompiledRule } from '../rule-engine/compiled-rule.js';

/**
 * How sure the context is that a value follows:
 * - `strong`: a password label and ":", "=" or "->" (or a quoted value after any label);
 * - `weak`: "est" / "is", or a lone token on the line below a label;
 * - `bare`: a label then only a space ("mdp Xk29pq", but also "password reset");
 * - `pair`: a typical admin user glued to it ("root:Xk29pq", "admin / Xk29pq"), no label at all.
 */
export type ValueMode = 'strong' | 'weak' | 'bare' | 'pair';

interface ShapeRules {
  readonly notSecret: readonly CompiledRule[];
}

/**
 * Character classes of a value. An initial capital does not count (« Voir », "Same" are words, not mixed
 * case), nor do hyphens and apostrophes between letters (« demandez-moi », "don't").
 */
function classesOf(value: string) {
  const body = value.replace(/(?<=\p{L})[-'’](?=\p{L})/gu, '');
  let lower = false;
  let upperInner = false;
  let digit = false;
  let symbol = false;
  let strongSymbol = false;
  let index = 0;
  for (const ch of body) {
    if (/\p{Ll}/u.test(ch)) lower = true;
    else if (/\p{Lu}|\p{Lt}/u.test(ch)) upperInner ||= index > 0;
    else if (/\p{N}/u.test(ch)) digit = true;
    else if (!/\p{L}/u.test(ch)) {
      symbol = true;
      strongSymbol ||= !'-_.'.includes(ch);
    }
    index++;
  }
  const letters = /^\p{L}+$/u.test(body);
  const count = Number(lower) + Number(upperInner) + Number(digit) + Number(symbol);
  return { lower, upperInner, digit, strongSymbol, letters, count, digitsOnly: /^\p{N}+$/u.test(body) };
}

// Words that end a value and start the next statement rather than continue a sentence:
// "mdp : soleil et login : root" still gives « soleil ».
const JOINING_WORDS = new Set('et and pour for sur on login user username utilisateur'.split(' '));

/** Whether a plain word is the first of a sentence (« voir le panel ») rather than a value on its own. */
function startsPhrase(rest: string): boolean {
  const next = /^[ \t\u00a0\u202f]{1,3}(\p{L}[\p{L}'’-]{1,40})/u.exec(rest);
  return next !== null && !JOINING_WORDS.has(next[1]!.toLowerCase());
}

/**
 * Whether a value read after a label or in a pair is a password rather than words about one. Redacting a
 * word that was not a secret costs a reviewer a glance; printing a password is the failure this module
 * exists to prevent, so where the label is explicit the benefit of the doubt goes to "secret":
 *
 * - never: under 4 characters; masked or template values ("********", "xxxx", "<password>"), links and
 *   ordinary words ("habituel", "same", "inchangé": the `not-a-secret` rules); a token ending in ":" (the
 *   next label); an unclosed "(" (a remark: "(the one you set)");
 * - digits only: a PIN-like value after a strong label from 6 digits, after "is"/"est" from 8 (shorter
 *   numbers are counts and years: "password is 20 characters"), never in a pair ("user:1000" is a uid);
 * - strong label: any other value, except a single-class word that starts a phrase (« voir le panel »);
 * - weak or bare label: at least 6 characters and a password's mix (three classes, or two with lower-case
 *   letters, or two over 8 characters: "Hunter22" and "ADMIN2024" yes; "incorrect", "reset" and short
 *   acronyms such as "SHA256" no);
 * - pair: letters and digits, mixed case inside the word, or a symbol other than "-", "_" and "."
 *   ("root:Xk29pq" yes; "root:root" and "admin:www-data", which are owners in commands, no).
 */
export function looksLikePassword(value: string, mode: ValueMode, rest: string, rules: ShapeRules): boolean {
  const length = [...value].length;
  if (length < 4) return false;
  if (value.endsWith(':') || (value.startsWith('(') && !value.includes(')'))) return false;
  if (anyMatch(rules.notSecret, value)) return false;
  const c = classesOf(value);
  if (c.digitsOnly) return mode === 'strong' ? length >= 6 : mode !== 'pair' && length >= 8;
  switch (mode) {
    case 'strong':
      return !(c.letters && c.count === 1 && startsPhrase(rest));
    case 'weak':
    case 'bare':
      return length >= 6 && (c.count >= 3 || (c.count >= 2 && (c.lower || length >= 8)));
    case 'pair':
      return (c.digit && /\p{L}/u.test(value)) || (c.lower && c.upperInner) || c.strongSymbol;
  }
}

const CLOSING = ')]}»”';
const OPENING = '([{«“';

/**
 * Trailing punctuation belongs to the sentence, not the password, except where the token itself is full of
 * symbols: "Xk29pq." is "Xk29pq", but "S3cr3t!." keeps its dot, since a customer who typed symbols may have
 * typed that one too (and redacting one character more never leaks anything). Commas and semicolons always
 * end a value: "mdp : Xk29pq, login : root".
 */
export function trimPunctuation(token: string): string {
  let value = token;
  // Each turn removes a character or stops, so this ends.
  while (value.length > 0) {
    const last = value.at(-1)!;
    if (last === ',' || last === ';') value = value.slice(0, -1);
    else if (CLOSING.includes(last)) {
      // "(mdp : Xk29pq)": a closing bracket with no opener in the token closes the sentence's bracket.
      if (count(value, OPENING[CLOSING.indexOf(last)]!) >= count(value, last)) break;
      value = value.slice(0, -1);
    } else if (last === '.' && /^[\p{L}\p{N}]+\.+$/u.test(value)) value = value.replace(/\.+$/, '');
    else break;
  }
  return value;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}
