import type { HardwareAction, HardwareKind } from '../record/schema.js';
import { anyMatch } from '../rule-engine/compiled-rule.js';
import {
  type Found,
  gigabytes,
  modulesOf,
  quantityAround,
  serialsIn,
  sizesIn,
  slotsIn,
} from './hardware-attributes.js';
import type { HardwareRules } from './hardware-rules.js';
import { actionsIn, bindAction, clausesOf, inSpan, kindsIn, nearest, type Span } from './hardware-words.js';

/**
 * How a component got its action: its own clause, a coordinated clause, a later sentence, its failure, or
 * a capacity that named no component ("2 x 16GB added").
 */
export type ActionSource = 'bound' | 'inherited' | 'attached' | 'derived' | 'inferred';

/** A component as one sentence describes it; offsets in the sentence. */
export interface Draft {
  kind: HardwareKind;
  action: HardwareAction | null;
  actionSource: ActionSource | null;
  quantity: number | null;
  size: string | null;
  /** The size is what the server has now ("128 Go aujourd'hui"), not the size of a part to add. */
  sizeCurrent: boolean;
  serials: string[];
  slot: string | null;
  faulty: boolean;
  negated: boolean;
  question: boolean;
  /** Asked about its price or a quote: kept even without an action, for the decision stage. */
  priced: boolean;
  sentence: number;
  at: number;
  /** Sentences that added something to this component, besides its own. */
  also: Set<number>;
  ruleId: string;
}

/** What a clause without a component word says: it belongs to a component named nearby. */
export interface Orphan {
  sentence: number;
  at: number;
  action: HardwareAction | null;
  faulty: boolean;
  negated: boolean;
  diagnosis: boolean;
  size: string | null;
  /** See Draft.sizeCurrent. */
  currentSize: boolean;
  /** "2 x 16GB added": the count before a capacity that names no component. */
  quantity: number | null;
  serials: string[];
  slot: string | null;
  /** The clause points back at a component ("replace it", « son remplacement ») or names it by slot/serial. */
  pointsBack: boolean;
  /** The clause's action is about something else ("we will install our software"). */
  ownObject: boolean;
  question: boolean;
}

export interface SentenceReading {
  drafts: Draft[];
  orphans: Orphan[];
  diagnosis: boolean;
  /** A price or quote question ("How much would it cost?"), which may follow the component it is about. */
  infoQuestion: boolean;
}

// Capacities mean something for these kinds only ("10G card" is a speed).
const SIZED = new Set<HardwareKind>(['ram', 'disk']);

/** Replacing a part by a better one is an upgrade ("by a more powerful model", 480GB SSDs by 1.92TB ones). */
function upgradeLike(betterSaid: boolean, sizes: readonly (Found<string> & { target: boolean })[]) {
  if (betterSaid) return true;
  const target = sizes.find((s) => s.target);
  const targetGb = target ? gigabytes(target.value) : null;
  return targetGb !== null && sizes.some((s) => s !== target && (gigabytes(s.value) ?? Infinity) < targetGb);
}

/**
 * The components one sentence talks about, clause by clause: each component word with the action bound to
 * it, whether its clause says it failed or refuses the work, and the quantity, capacity, slot and serials
 * near it. Clauses that name no component are kept as orphans for the message to attach.
 */
export function readSentence(text: string, index: number, rules: HardwareRules): SentenceReading {
  const infoQuestion = anyMatch(rules.infoQuestion, text);
  const reading: SentenceReading = {
    drafts: [],
    orphans: [],
    diagnosis: anyMatch(rules.diagnosis, text),
    infoQuestion,
  };
  // The acknowledgement's "replacing or upgrading hardware may cause…" asks for nothing.
  if (anyMatch(rules.genericStatement, text)) return reading;
  // "Device Model: Samsung SSD 860 EVO 1TB" names a product: its "SSD" is no second disk.
  const kinds = anyMatch(rules.productLine, text) ? [] : kindsIn(text, rules);
  const actions = actionsIn(text, rules);
  const sizes = sizesIn(text, rules);
  const slots = slotsIn(text, rules);
  const serials = serialsIn(text, rules);
  // "Are the drive bays hot-swappable?" asks for information; "Can you add RAM?" asks for work.
  const asks = anyMatch(rules.question, text) && !anyMatch(rules.politeRequest, text);
  let previousAction: HardwareAction | null = null;
  const clauses = clausesOf(text, rules);
  const named = clauses.map((clause) => kinds.some(inSpan(clause)));
  // "changer la carte RAID, pour une avec cache": the better part may follow in clauses naming no part.
  const better = clauses.map((clause) => anyMatch(rules.upgradeCue, text.slice(clause.start, clause.end)));
  const betterFrom = (i: number): boolean => {
    for (let j = i; j < clauses.length && (j === i || !named[j]); j++) if (better[j]) return true;
    return false;
  };
  for (const [clauseIndex, clause] of clauses.entries()) {
    const clauseText = text.slice(clause.start, clause.end);
    // "the backup failed because the disk is full": a full disk has not failed.
    const faulty = anyMatch(rules.faulty, clauseText) && !anyMatch(rules.usageState, clauseText);
    const negated = anyMatch(rules.negated, clauseText);
    const diagnosis = anyMatch(rules.diagnosis, clauseText);
    const conditional = anyMatch(rules.conditional, clauseText);
    const clauseKinds = kinds.filter(inSpan(clause));
    const clauseActions = actions.filter(inSpan(clause));
    // A serial list runs on past clause marks ("S/N: A1, B2"): it belongs where its label is.
    const clauseSerials = serials.filter(inSpan(clause));
    const clauseSizes = sizes.filter(inSpan(clause));
    const clauseSlots = slots.filter(inSpan(clause));
    // "(128 Go aujourd'hui)", "the box has 64GB now": a total, which asks for nothing.
    const current = clauseActions.length === 0 && anyMatch(rules.currentState, clauseText);
    if (clauseKinds.length === 0) {
      const action = clauseActions[0]?.value ?? null;
      // "the server no longer boots" says nothing about the disk named before it.
      const partFaulty = faulty && !anyMatch(rules.otherSubject, clauseText);
      const size = clauseSizes.find((s) => s.target) ?? clauseSizes[0];
      if (action || partFaulty || negated || clauseSerials.length || size || clauseSlots.length) {
        reading.orphans.push({
          sentence: index,
          at: clause.start,
          action,
          faulty: partFaulty,
          negated,
          diagnosis,
          size: size?.value ?? null,
          currentSize: current && size !== undefined,
          quantity: size ? quantityAround(text.slice(clause.start, size.start), '', rules) : null,
          serials: clauseSerials.flatMap((s) => s.value),
          slot: clauseSlots[0]?.value ?? null,
          pointsBack:
            anyMatch(rules.anaphora, clauseText) || clauseSerials.length > 0 || clauseSlots.length > 0,
          ownObject: anyMatch(rules.ownObject, clauseText),
          question: infoQuestion || conditional || asks,
        });
      }
      if (action) previousAction = action;
      continue;
    }
    // One component per kind in a clause ("2 SSD NVMe drives" is one).
    const groups = clauseKinds.filter((k, i) => clauseKinds.findIndex((o) => o.value === k.value) === i);
    const owner = <T extends Span>(item: T) => nearest(groups, item.start);
    let clauseAction: HardwareAction | null = null;
    for (const group of groups) {
      const mentions = clauseKinds.filter((k) => k.value === group.value);
      const bound =
        mentions.map((k) => bindAction(text, k, clauseActions, rules)).find((a) => a !== null) ?? null;
      const inherited = !bound && !diagnosis ? previousAction : null;

      const mine = <T extends Span>(items: readonly T[]) => items.filter((item) => owner(item) === group);
      const ownSizes = SIZED.has(group.value) ? mine(clauseSizes) : [];
      let action = bound ?? inherited;
      if (action === 'replace' && !faulty && upgradeLike(betterFrom(clauseIndex), ownSizes))
        action = 'upgrade';
      // "replace the CPU by a faster one (a Xeon Gold)": what the clause asked reaches the next clauses.
      if (bound) clauseAction ??= action;
      const modules = modulesOf(ownSizes, clauseText, clause.start, rules);
      reading.drafts.push({
        kind: group.value,
        action,
        actionSource: bound ? 'bound' : inherited ? 'inherited' : null,
        quantity:
          modules?.quantity ??
          quantityAround(text.slice(clause.start, group.start), text.slice(group.end, clause.end), rules),
        size: modules?.size ?? ownSizes.find((s) => s.target)?.value ?? ownSizes[0]?.value ?? null,
        sizeCurrent: current && ownSizes.length > 0,
        serials: mine(clauseSerials).flatMap((s) => s.value),
        slot: mine(clauseSlots)[0]?.value ?? null,
        faulty,
        negated,
        // A failed part asked about is still to be replaced ("the disk is dead, can it be swapped hot?").
        question: infoQuestion || conditional || (asks && !faulty),
        priced: infoQuestion,
        sentence: index,
        at: group.start,
        also: new Set(),
        ruleId: group.ruleId,
      });
    }
    if (clauseAction) previousAction = clauseAction;
  }
  return reading;
}
