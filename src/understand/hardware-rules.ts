import { HardwareAction, HardwareKind } from '../record/schema.js';
import { type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { tagValues } from './rule-match.js';

/** A rule with a global copy of its pattern, for finding every match with its offset. */
export interface Scanner<T = undefined> {
  rule: CompiledRule;
  all: RegExp;
  value: T;
}

export interface HardwareRules {
  kinds: Scanner<HardwareKind>[];
  actions: Scanner<HardwareAction>[];
  pastForm: CompiledRule[];
  pastBefore: CompiledRule[];
  pastAfter: CompiledRule[];
  stateBefore: CompiledRule[];
  eventBefore: CompiledRule[];
  /** Text before an action that makes it describe software using a part ("the app eats more"). */
  usageBefore: CompiledRule[];
  notBound: CompiledRule[];
  ownObject: CompiledRule[];
  notBoundAfterAction: CompiledRule[];
  faulty: CompiledRule[];
  /** A part full or used up by software: not failed, whatever failed beside it. */
  usageState: CompiledRule[];
  /** A clause giving what is there now: its capacity is a total, not a part's. */
  currentState: CompiledRule[];
  /** A pasted product line ("Device Model: Samsung SSD 860 EVO 1TB"): its component words are a name. */
  productLine: CompiledRule[];
  otherSubject: CompiledRule[];
  negated: CompiledRule[];
  diagnosis: CompiledRule[];
  genericStatement: CompiledRule[];
  reporterBefore: CompiledRule[];
  anaphora: CompiledRule[];
  conditional: CompiledRule[];
  politeRequest: CompiledRule[];
  upgradeCue: CompiledRule[];
  /** Global copies, to find every comparison ("a more powerful one") in a sentence. */
  upgradeCueAll: RegExp[];
  infoQuestion: CompiledRule[];
  question: CompiledRule[];
  hotSwap: CompiledRule[];
  /** "Does the server need to go down for that?": a hot swap question next to a replacement. */
  downtimeAsked: CompiledRule[];
  quantity: CompiledRule[];
  quantityAfter: CompiledRule[];
  sizes: Scanner[];
  sizeTargetBefore: CompiledRule[];
  slots: Scanner[];
  serialLabels: Scanner[];
  serialToken: CompiledRule[];
  serialSeparator: CompiledRule[];
  clauseBoundary: RegExp;
  /** A sentence none of these match says nothing about hardware: the cheap pre-filter. */
  keywords: CompiledRule[];
}

const globalCopy = (rule: CompiledRule) => new RegExp(rule.regex.source, `${rule.regex.flags}g`);

function scanners<T>(rules: CompiledRule[], read: (rule: CompiledRule) => T | undefined): Scanner<T>[] {
  const out: Scanner<T>[] = [];
  for (const rule of rules) {
    const value = read(rule);
    if (value !== undefined) out.push({ rule, all: globalCopy(rule), value });
  }
  return out;
}

function plain(rules: CompiledRule[]): Scanner[] {
  return rules.map((rule) => ({ rule, all: globalCopy(rule), value: undefined }));
}

function valued<T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, prefix: string) {
  return (rule: CompiledRule): T | undefined => {
    for (const value of tagValues(rule, prefix)) {
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
    }
    return undefined;
  };
}

export function hardwareRules(book: RuleBook): HardwareRules {
  const all = book.patterns('understand/hardware');
  const tagged = (tag: string) => withTag(all, tag);
  const prefixed = (prefix: string) => all.filter((r) => tagValues(r, prefix).length > 0);
  const [boundary] = tagged('clause-boundary');
  if (!boundary) throw new Error('understand/hardware: no rule tagged clause-boundary');
  const kinds = prefixed('kind');
  const actions = prefixed('action');
  return {
    kinds: scanners(kinds, valued(HardwareKind, 'kind')),
    actions: scanners(actions, valued(HardwareAction, 'action')),
    pastForm: tagged('past-form'),
    pastBefore: tagged('past-before'),
    pastAfter: tagged('past-after'),
    stateBefore: tagged('state-before'),
    eventBefore: tagged('event-before'),
    usageBefore: tagged('usage-before'),
    notBound: tagged('not-bound'),
    ownObject: tagged('own-object'),
    notBoundAfterAction: tagged('not-bound-after-action'),
    faulty: tagged('faulty'),
    usageState: tagged('usage-state'),
    currentState: tagged('current-state'),
    productLine: tagged('product-line'),
    otherSubject: tagged('other-subject'),
    negated: tagged('negated'),
    diagnosis: tagged('diagnosis'),
    genericStatement: tagged('generic-statement'),
    reporterBefore: tagged('reporter-before'),
    anaphora: tagged('anaphora'),
    conditional: tagged('conditional'),
    politeRequest: tagged('polite-request'),
    upgradeCue: tagged('upgrade-cue'),
    upgradeCueAll: tagged('upgrade-cue').map(globalCopy),
    infoQuestion: tagged('info-question'),
    question: tagged('question'),
    hotSwap: tagged('hot-swap'),
    downtimeAsked: tagged('downtime-asked'),
    quantity: tagged('quantity'),
    quantityAfter: tagged('quantity-after'),
    sizes: plain(tagged('size')),
    sizeTargetBefore: tagged('size-target-before'),
    slots: plain(tagged('slot')),
    serialLabels: plain(tagged('serial-label')),
    serialToken: tagged('serial-token'),
    serialSeparator: tagged('serial-separator'),
    clauseBoundary: globalCopy(boundary),
    keywords: [
      ...kinds,
      ...actions,
      ...tagged('faulty'),
      ...tagged('serial-label'),
      ...tagged('slot'),
      ...tagged('hot-swap'),
    ],
  };
}
