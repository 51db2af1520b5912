import type { HardwareAction, HardwareKind } from '../record/schema.js';
import { anyMatch } from '../rule-engine/compiled-rule.js';
import type { Found } from './hardware-attributes.js';
import type { HardwareRules } from './hardware-rules.js';

export interface Span {
  start: number;
  end: number;
}

export type KindWord = Found<HardwareKind> & { ruleId: string };

// An action binds a component word at most this far away in its clause ("replace the failed 2TB disk").
const ACTION_REACH = 60;
const CONTEXT_REACH = 40;
const STATE_REACH = 60;

export function clausesOf(text: string, rules: HardwareRules): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (const m of text.matchAll(rules.clauseBoundary)) {
    out.push({ start: from, end: m.index });
    from = m.index + m[0].length;
  }
  out.push({ start: from, end: text.length });
  return out;
}

/** Component words, overlapping readings resolved to the earliest, longest one; reporters left out. */
export function kindsIn(text: string, rules: HardwareRules): KindWord[] {
  const found: KindWord[] = [];
  for (const { all, value, rule } of rules.kinds) {
    for (const m of text.matchAll(all)) {
      found.push({ value, start: m.index, end: m.index + m[0].length, ruleId: rule.id });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  return found.filter(
    (k, i) =>
      !found.slice(0, i).some((o) => k.start < o.end && k.end > o.start) &&
      // "flagged faulty by the RAID controller": the controller reports, it is not the part in question.
      !anyMatch(rules.reporterBefore, text.slice(Math.max(0, k.start - CONTEXT_REACH), k.start)),
  );
}

/**
 * Action words that ask for work now: not "after the upgrade", not "the disk was replaced yesterday"; a
 * past participle that is not a past event is a wish ("2 x 16GB added", "needs to be replaced").
 */
export function actionsIn(text: string, rules: HardwareRules): Found<HardwareAction>[] {
  const found: Found<HardwareAction>[] = [];
  // "a more powerful one" is a comparison, not "more" of something.
  const better = rules.upgradeCueAll.flatMap((re) => [...text.matchAll(re)]);
  for (const { all, value } of rules.actions) {
    for (const m of text.matchAll(all)) {
      const end = m.index + m[0].length;
      if (better.some((b) => m.index >= b.index && end <= b.index + b[0].length)) continue;
      const before = text.slice(Math.max(0, m.index - CONTEXT_REACH), m.index);
      // "after the RAM upgrade" is the past; "the app eats more" is software, not a request.
      if (anyMatch(rules.eventBefore, before) || anyMatch(rules.usageBefore, before)) continue;
      if (anyMatch(rules.pastForm, m[0]) && pastEvent(text, m.index, end, rules)) continue;
      found.push({ value, start: m.index, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function pastEvent(text: string, start: number, end: number, rules: HardwareRules): boolean {
  const before = text.slice(Math.max(0, start - CONTEXT_REACH), start);
  return (
    anyMatch(rules.pastBefore, before) ||
    anyMatch(rules.pastAfter, text.slice(end, end + CONTEXT_REACH)) ||
    anyMatch(rules.stateBefore, text.slice(Math.max(0, start - STATE_REACH), start))
  );
}

/** The action of the clause nearest to a component word, unless something else sits between them. */
export function bindAction(
  text: string,
  kind: Span,
  actions: readonly Found<HardwareAction>[],
  rules: HardwareRules,
): HardwareAction | null {
  let best: { action: HardwareAction; distance: number } | null = null;
  for (const action of actions) {
    let distance: number;
    if (action.end <= kind.start) {
      const between = text.slice(action.end, kind.start);
      if (anyMatch(rules.notBound, between) || anyMatch(rules.notBoundAfterAction, between)) continue;
      distance = between.length;
    } else if (action.start >= kind.end) {
      const between = text.slice(kind.end, action.start);
      if (anyMatch(rules.notBound, between)) continue;
      distance = between.length;
    } else continue;
    if (distance <= ACTION_REACH && (!best || distance < best.distance))
      best = { action: action.value, distance };
  }
  return best?.action ?? null;
}

export const inSpan = (span: Span) => (f: Span) => f.start >= span.start && f.start < span.end;

/** The item nearest to an offset. */
export function nearest<T extends Span>(items: readonly T[], at: number): T | undefined {
  const distance = (item: T) => (at < item.start ? item.start - at : Math.max(0, at - item.end));
  let best: T | undefined;
  for (const item of items) if (!best || distance(item) < distance(best)) best = item;
  return best;
}
