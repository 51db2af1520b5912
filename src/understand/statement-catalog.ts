import { RuleLoadError } from '../errors.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { StatementsFile } from '../rule-engine/rule-schema.js';
import { type Folded, foldText, type Words, wordsOf } from './statement-fold.js';

/** The canonical statements of policy section 4, by the id the rest of the code uses. */
export const STATEMENT_IDS = [
  'power_authorization',
  'backup_confirmed',
  'backup_none',
  'data_loss_ack',
  'hardware_ack',
] as const;
export type StatementId = (typeof STATEMENT_IDS)[number];
export type StatementLanguage = 'fr' | 'en';

export const STATEMENTS_SET = 'understand/statements';
const PLACEHOLDER = '{provider}';

export interface StatementAlternative {
  readonly lang: StatementLanguage;
  readonly text: string;
}

/** One statement as the reply composer quotes it: the provider's name filled in. */
export interface CanonicalStatement {
  readonly fr: string;
  readonly en: string;
  /** Other wordings that count as verbatim (never quoted in replies). */
  readonly alternatives?: readonly StatementAlternative[];
}

function statementsFile(book: RuleBook): { file: string; data: StatementsFile } {
  const entry = book.files.get(STATEMENTS_SET);
  if (entry?.data.schema !== 'statements/v1') {
    throw new RuleLoadError([`${book.dir}: no statements file "${STATEMENTS_SET}.yml"`]);
  }
  const ids = entry.data.rules.map((rule) => rule.id);
  const problems: string[] = [];
  for (const id of STATEMENT_IDS)
    if (!ids.includes(id)) problems.push(`${entry.file}: statement ${id} is missing`);
  for (const id of ids) {
    if (!(STATEMENT_IDS as readonly string[]).includes(id)) {
      problems.push(`${entry.file}: rule ${id}: not a statement id (${STATEMENT_IDS.join(', ')})`);
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems);
  return { file: entry.file, data: entry.data };
}

/**
 * The canonical statements with `provider` written in, for replies and for matching. Throws a
 * `RuleLoadError` naming the file when a statement is missing or unknown.
 */
export function canonicalStatements(
  book: RuleBook,
  provider: string,
): Record<StatementId, CanonicalStatement> {
  const fill = (text: string) => text.replaceAll(PLACEHOLDER, provider);
  const out = {} as Record<StatementId, CanonicalStatement>;
  for (const rule of statementsFile(book).data.rules) {
    const alternatives = rule.alternatives.map((alt) => ({ lang: alt.lang, text: fill(alt.text) }));
    out[rule.id as StatementId] = {
      fr: fill(rule.fr),
      en: fill(rule.en),
      ...(alternatives.length > 0 ? { alternatives } : {}),
    };
  }
  return out;
}

/** One wording of one statement, folded once for matching. */
export interface StatementVariant {
  readonly id: StatementId;
  readonly lang: StatementLanguage;
  /** `statement.<id>.<lang>` or `statement.<id>.alt<n>`: the rule id that evidence names. */
  readonly ruleId: string;
  readonly text: string;
  readonly folded: Folded;
  readonly words: Words;
}

export interface CompiledStatements {
  readonly provider: string;
  readonly variants: readonly StatementVariant[];
  /** Every word of every variant, numbered: the near-copy scan compares numbers, not strings. */
  readonly dictionary: ReadonlyMap<string, number>;
}

const compiledCache = new WeakMap<RuleBook, Map<string, CompiledStatements>>();

/** Folds every wording once per rule book and provider name (cached). */
export function compileStatements(book: RuleBook, provider: string): CompiledStatements {
  let byProvider = compiledCache.get(book);
  if (!byProvider) {
    byProvider = new Map();
    compiledCache.set(book, byProvider);
  }
  const cached = byProvider.get(provider);
  if (cached) return cached;
  const variants: StatementVariant[] = [];
  const dictionary = new Map<string, number>();
  const add = (id: StatementId, lang: StatementLanguage, ruleId: string, text: string) => {
    const folded = foldText(text);
    const words = wordsOf(folded);
    for (const word of words.words) if (!dictionary.has(word)) dictionary.set(word, dictionary.size);
    variants.push({ id, lang, ruleId, text, folded, words });
  };
  const statements = canonicalStatements(book, provider);
  for (const id of STATEMENT_IDS) {
    const statement = statements[id];
    add(id, 'fr', `statement.${id}.fr`, statement.fr);
    add(id, 'en', `statement.${id}.en`, statement.en);
    statement.alternatives?.forEach((alt, n) => {
      add(id, alt.lang, `statement.${id}.alt${n + 1}`, alt.text);
    });
  }
  const compiled = { provider, variants, dictionary };
  byProvider.set(provider, compiled);
  return compiled;
}
