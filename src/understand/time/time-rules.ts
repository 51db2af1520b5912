import { IANAZone } from 'luxon';
import { RuleLoadError } from '../../errors.js';
import type { CompiledRule } from '../../rule-engine/compiled-rule.js';
import type { RuleBook } from '../../rule-engine/load-rules.js';

export const ROLES = [
  'clock',
  'number',
  'unit',
  'weekday',
  'month',
  'relday',
  'weekend',
  'next',
  'date',
  'datetime',
  'year',
  'daypart',
  'zone',
  'from',
  'to',
  'and',
  'until',
  'after',
  'before',
  'since',
  'duration',
  'in',
  'now',
  'alt',
  'glue',
] as const;
export type Role = (typeof ROLES)[number];
const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

/** Roles whose words can start a time expression on their own: a sentence without any is skipped. */
const TRIGGER_ROLES: ReadonlySet<Role> = new Set([
  'clock',
  'weekday',
  'month',
  'relday',
  'weekend',
  'date',
  'datetime',
  'daypart',
  'unit',
]);

/** One rule of the time rule files, ready for the lexer. */
export interface LexRule {
  readonly id: string;
  readonly role: Role;
  /** The rule's pattern with the `g` flag, for scanning a sentence. */
  readonly scan: RegExp;
  /** Tags without a value (between, opens, dash, at, today, midnight, date-intro). */
  readonly flags: ReadonlySet<string>;
  /** Tags written key=value (value, offset, mode, window, hours, day, hour, unit, minutes, iana). */
  readonly values: ReadonlyMap<string, string>;
  /** File order: the earlier rule wins a tie between matches of equal extent. */
  readonly order: number;
}

export interface TimeRules {
  readonly lexers: readonly LexRule[];
  /**
   * The rules whose words can start an expression (clocks, days, day parts, units), without the `g` flag:
   * a text none of them matches is rejected before any real work. Separate tests are several times faster
   * than one alternation of them all, which V8 cannot scan for literal prefixes.
   */
  readonly triggers: readonly RegExp[];
}

const RANGE = /^\d{1,2}-\d{1,2}$/;

function problemsOf(rule: CompiledRule, role: Role, values: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const has = (group: string) => rule.regex.source.includes(`(?<${group}>`);
  const int = (key: string, min: number, max: number) => {
    const raw = values.get(key);
    const n = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) out.push(`needs tag ${key}=N with N in ${min}..${max}`);
  };
  switch (role) {
    case 'weekday':
      int('value', 1, 7);
      break;
    case 'month':
      int('value', 1, 12);
      break;
    case 'relday':
      int('offset', -7, 7);
      break;
    case 'next':
      if (!['coming', 'next-week'].includes(values.get('mode') ?? ''))
        out.push('needs tag mode=coming|next-week');
      break;
    case 'clock':
      if (!has('h') && !values.has('hour')) out.push('needs a named group h or a tag hour=N');
      if (values.has('hour')) int('hour', 0, 24);
      break;
    case 'number':
      if (!has('n') && !values.has('value')) out.push('needs a named group n or a tag value=N');
      if (values.has('value')) int('value', 0, 59);
      break;
    case 'unit':
      if (!['hour', 'minute', 'oclock'].includes(values.get('unit') ?? '') && !values.has('minutes'))
        out.push('needs tag unit=hour|minute|oclock or minutes=N');
      if (values.has('minutes')) int('minutes', 1, 1440);
      break;
    case 'date':
    case 'datetime':
      if (!has('d') || !has('mo')) out.push('needs named groups d and mo');
      break;
    case 'daypart':
      for (const key of ['window', 'hours']) {
        const [a, b] = (values.get(key) ?? '').split('-').map(Number);
        if (!RANGE.test(values.get(key) ?? '') || a === undefined || b === undefined || !(a < b) || b > 36)
          out.push(`needs tag ${key}=A-B with 0 <= A < B <= 36`);
      }
      if (values.has('day')) int('day', -7, 7);
      break;
    case 'zone': {
      const iana = values.get('iana');
      if (iana !== undefined && !IANAZone.isValidZone(iana)) out.push(`iana=${iana} is not a known zone`);
      if (iana === undefined && !has('iana') && !has('sign'))
        out.push('needs tag iana=Zone or groups iana / sign');
      break;
    }
    default:
      break;
  }
  return out;
}

/** The time rule files: `understand/time` and every `understand/time-*` file. */
export function timeRuleSets(book: RuleBook): string[] {
  return book.sets.filter(
    (set) =>
      (set === 'understand/time' || set.startsWith('understand/time-')) &&
      book.files.get(set)?.data.schema === 'pattern-rules/v1',
  );
}

/**
 * Prepares the time rules: each rule's role and values come from its tags, checked here so that a rule file
 * edited by staff fails at start-up with its file, line and rule id rather than misreading a message.
 */
export function timeRules(book: RuleBook): TimeRules {
  const problems: string[] = [];
  const lexers: LexRule[] = [];
  const triggers: RegExp[] = [];
  for (const set of timeRuleSets(book)) {
    for (const rule of book.patterns(set)) {
      const where = `${rule.source.file}:${rule.source.line}: rule ${rule.id}`;
      const roles = rule.tags.filter((tag) => ROLE_SET.has(tag)) as Role[];
      const role = roles[0];
      if (roles.length !== 1 || role === undefined) {
        problems.push(`${where}: needs exactly one role tag among ${ROLES.join(', ')}`);
        continue;
      }
      const values = new Map<string, string>();
      const flags = new Set<string>();
      for (const tag of rule.tags) {
        if (tag === role) continue;
        const eq = tag.indexOf('=');
        if (eq > 0) values.set(tag.slice(0, eq), tag.slice(eq + 1));
        else flags.add(tag);
      }
      const found = problemsOf(rule, role, values);
      if (found.length > 0) {
        problems.push(...found.map((p) => `${where}: ${p}`));
        continue;
      }
      lexers.push({
        id: rule.id,
        role,
        scan: new RegExp(rule.regex.source, `${rule.regex.flags.replace('g', '')}g`),
        flags,
        values,
        order: lexers.length,
      });
      if (TRIGGER_ROLES.has(role)) triggers.push(rule.regex);
    }
  }
  if (lexers.length === 0) problems.push(`${book.dir}: no time rules (understand/time*.yml)`);
  if (problems.length > 0) throw new RuleLoadError(problems);
  return { lexers, triggers };
}
