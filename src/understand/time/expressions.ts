import type { ClockValue, DayPart, DaySpec, Item } from './types.js';

export interface Endpoint {
  clock: ClockValue | null;
  /** Minutes after the reference (« maintenant », « dans 2 heures »). */
  instant: number | null;
  zone: string | null;
}

export interface DayRef {
  spec: DaySpec;
  /** Before or after the word that ends a range: « samedi 22h jusqu'à dimanche 6h ». */
  phase: 'pre' | 'post';
}

/** One time expression: the slots its items filled, before it is placed against the reference. */
export interface Expr {
  days: DayRef[];
  span: { first: DaySpec; last: DaySpec } | null;
  daypart: DayPart | null;
  start: Endpoint | null;
  end: Endpoint | null;
  openStart: boolean;
  openEnd: boolean;
  since: boolean;
  zone: string | null;
  duration: number | null;
  from: number;
  to: number;
  /** Rule ids by what they contributed; the first present names the expression's shape. */
  rules: { range?: string; open?: string; clock?: string; part?: string; day?: string };
}

interface State extends Expr {
  /** Extent of connectors not yet followed by a time: « cette nuit de » keeps only « cette nuit ». */
  held: { from: number; to: number } | null;
  expect: 'start' | 'end' | null;
  opener: Extract<Item, { t: 'conn' }> | null;
  sawTo: boolean;
  lone: Endpoint | null;
  loneRule: string | null;
  last: 'start' | 'end' | 'day' | 'other';
  trailingDay: boolean;
}

function fresh(): State {
  return {
    days: [],
    span: null,
    daypart: null,
    start: null,
    end: null,
    openStart: false,
    openEnd: false,
    since: false,
    zone: null,
    duration: null,
    from: Number.POSITIVE_INFINITY,
    to: -1,
    rules: {},
    held: null,
    expect: null,
    opener: null,
    sawTo: false,
    lone: null,
    loneRule: null,
    last: 'other',
    trailingDay: false,
  };
}

const hasTime = (e: State) => e.start !== null || e.end !== null;
const firm = (p: Endpoint | null) =>
  p !== null && (p.instant !== null || (p.clock !== null && !p.clock.bare));

/** Extends the expression's words to `item`; a bound or a day also takes the connectors held before it. */
function touch(e: State, item: { from: number; to: number }, takesHeld = true): void {
  e.from = Math.min(e.from, item.from, takesHeld ? (e.held?.from ?? item.from) : item.from);
  e.to = Math.max(e.to, item.to);
  if (takesHeld) e.held = null;
}

function hold(e: State, item: { from: number; to: number }): void {
  e.held = { from: Math.min(e.held?.from ?? item.from, item.from), to: item.to };
}

/** Drops what cannot stand: bare numbers with no other time word (« de 5 à 7 disques »), lone weak dates. */
function settle(e: State): Expr | null {
  const anchored =
    e.daypart !== null ||
    e.days.length > 0 ||
    e.span !== null ||
    e.zone !== null ||
    e.start?.zone != null ||
    e.end?.zone != null ||
    firm(e.start) ||
    firm(e.end);
  if (!anchored) {
    if (e.start?.clock?.bare) e.start = null;
    if (e.end?.clock?.bare) e.end = null;
  }
  if (!hasTime(e) && e.lone && (e.daypart || e.days.length > 0)) {
    e.start = e.lone;
    e.rules.clock ??= e.loneRule ?? undefined;
  }
  if (e.opener?.opens && e.start && !e.end && e.duration === null) {
    e.openEnd = true;
    e.rules.open ??= e.opener.ruleId;
  }
  if (!hasTime(e) && e.daypart === null && e.span === null) {
    if (e.days.length === 0 || e.days.every((d) => d.spec.kind === 'date' && d.spec.weak)) return null;
  }
  const { held, expect, opener, sawTo, lone, loneRule, last, trailingDay, ...expr } = e;
  return expr;
}

/**
 * Fills expressions from one chain's items, left to right. A chain can hold several expressions
 * (« samedi entre 2h et 4h et dimanche entre 3h et 5h », « avant 8h ou après 20h »): a new one starts when
 * an item would overwrite a slot that is already complete.
 */
export function expressionsOf(items: readonly Item[]): Expr[] {
  const out: Expr[] = [];
  let e = fresh();
  const finish = () => {
    const done = settle(e);
    if (done) out.push(done);
    e = fresh();
  };
  const place = (p: Endpoint, item: { from: number; to: number; ruleId: string }) => {
    if (e.expect === 'end') {
      e.end = p;
      e.last = 'end';
      e.openEnd = false;
    } else if (e.expect === 'start' || !hasTime(e)) {
      e.start = p;
      e.last = 'start';
    } else {
      finish();
      e.start = p;
      e.last = 'start';
    }
    e.expect = null;
    e.rules.clock ??= item.ruleId;
    touch(e, item);
  };

  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    switch (it.t) {
      case 'day':
      case 'span': {
        const hasDay = e.days.length > 0 || e.span !== null;
        // "10:30 JST today to 10:30 PST tomorrow": each bound has its own day, written after it.
        const pairs = e.trailingDay && e.last === 'end' && it.t === 'day';
        if (hasDay && ((hasTime(e) && e.expect === null && !pairs) || it.t === 'span' || e.span)) finish();
        if (it.t === 'span') e.span = { first: it.first, last: it.last };
        else {
          const phase = e.sawTo ? 'post' : 'pre';
          if (phase === 'pre' && e.last === 'start') e.trailingDay = true;
          e.days.push({ spec: it.spec, phase });
        }
        e.rules.day ??= it.ruleId;
        e.last = 'day';
        touch(e, it);
        break;
      }
      case 'daypart':
        if (e.daypart) finish();
        e.daypart = it.part;
        e.rules.part ??= it.ruleId;
        // « la mise à jour de cette nuit »: the « de » belongs to the sentence, not to the night.
        touch(e, it, false);
        break;
      case 'zone':
        if (e.last === 'start' && e.start && !e.start.zone) e.start.zone = it.zone;
        else if (e.last === 'end' && e.end && !e.end.zone) e.end.zone = it.zone;
        else e.zone ??= it.zone;
        touch(e, it, false);
        break;
      case 'duration':
        if (e.start && !e.end && e.expect === null) {
          e.duration = it.minutes;
          e.openEnd = false;
          touch(e, it);
        }
        break;
      case 'instant':
        place({ clock: null, instant: it.minutes, zone: null }, it);
        break;
      case 'clock': {
        const p: Endpoint = { clock: it.value, instant: null, zone: null };
        if (it.value.bare) {
          if (it.value.hour > 24) break;
          if (e.expect === null) {
            const n1 = items[k + 1];
            const n2 = items[k + 2];
            const range = n1?.t === 'conn' && n1.role === 'to' && (n2?.t === 'clock' || n2?.t === 'instant');
            if (!range) {
              // "tonight at 8", "11 tonight": a lone number is an hour only beside « à »/"at" or a day part.
              if ((it.atBefore || n1?.t === 'daypart') && !hasTime(e)) {
                e.lone = p;
                e.loneRule = it.ruleId;
                touch(e, it);
              }
              break;
            }
          }
        }
        place(p, it);
        break;
      }
      case 'conn':
        connect(e, it, finish);
        break;
    }
  }
  finish();
  return out;
}

function connect(e: State, it: Extract<Item, { t: 'conn' }>, finish: () => void): void {
  const rangeEnd = () => {
    e.expect = 'end';
    e.sawTo = true;
    e.rules.range ??= e.opener?.ruleId ?? it.ruleId;
    hold(e, it);
  };
  switch (it.role) {
    case 'from':
      if (hasTime(e)) finish();
      e.opener = it;
      e.expect = 'start';
      hold(e, it);
      break;
    case 'to':
      if (e.start && !e.end) rangeEnd();
      break;
    case 'and':
      if (e.opener?.between && e.start && !e.end) rangeEnd();
      break;
    case 'until':
    case 'before':
      if (e.start && !e.end) {
        rangeEnd();
        break;
      }
      if (hasTime(e)) finish();
      e.openStart = true;
      e.expect = 'end';
      e.sawTo = true;
      e.rules.open ??= it.ruleId;
      hold(e, it);
      break;
    case 'after':
    case 'since':
      if (hasTime(e)) finish();
      e.expect = 'start';
      e.openEnd = true;
      e.since = it.role === 'since';
      e.rules.open ??= it.ruleId;
      hold(e, it);
      break;
    case 'alt':
      if (hasTime(e) || e.daypart) finish();
      break;
  }
}
