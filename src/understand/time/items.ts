import {
  clockOf,
  dayNumberAt,
  hourNumber,
  lengthAt,
  monthAt,
  num,
  offsetName,
  role,
  type Sig,
  significant,
  value,
  year,
  yearAt,
  zoneOf,
} from './lexeme-values.js';
import type { Lexeme } from './lexer.js';
import { joinSpans } from './spans.js';
import type { DaySpec, Item } from './types.js';

type Mode = 'nearest' | 'coming' | 'next-week';

/** Words after which « N heures » is a time of day rather than a length. */
const CLOCK_BEFORE: ReadonlySet<string> = new Set(['from', 'to', 'and', 'until', 'after', 'before']);

class Reader {
  readonly items: Item[] = [];
  constructor(readonly sigs: readonly Sig[]) {}

  private day(spec: DaySpec, from: number, to: number, ruleId: string): void {
    this.items.push({ t: 'day', spec, from, to, ruleId });
  }

  private date(d: number, month: number | null, y: number | null, weak: boolean, weekday: number | null) {
    return { kind: 'date', year: y, month, day: d, weak, weekday } as Extract<DaySpec, { kind: 'date' }>;
  }

  /** Weekday, then maybe « prochain », a day number, a month and a year (« samedi 28 novembre 2026 »). */
  private weekday(i: number, mode: Mode, from: number): number {
    const { sigs } = this;
    const lx = sigs[i]!.lx;
    const wd = value(lx, 'value');
    let k = i + 1;
    let spec: Mode = mode;
    if (role(sigs[k]) === 'next') spec = sigs[k++]!.lx.rule.values.get('mode') as Mode;
    const n = dayNumberAt(sigs, k);
    // « Jeudi 6/5/2013 », "Wednesday, September 16": the written date decides, the weekday is a repetition.
    if (role(sigs[k]) === 'date' || (role(sigs[k]) === 'month' && dayNumberAt(sigs, k + 1) !== null))
      return this.read(k, from, wd);
    if (n !== null) {
      const month = monthAt(sigs, k + 1);
      if (month !== null) {
        const y = yearAt(sigs, k + 2);
        const last = sigs[k + (y === null ? 1 : 2)]!.lx;
        this.day(this.date(n, month, y, false, wd), from, last.end, lx.rule.id);
        return k + (y === null ? 2 : 3);
      }
      const after = sigs[k + 1]?.lx.rule;
      const hourNext = after && (after.role === 'unit' || after.flags.has('dash') || after.role === 'and');
      if (!hourNext) {
        this.day(this.date(n, null, null, false, wd), from, sigs[k]!.lx.end, lx.rule.id);
        return k + 1;
      }
    }
    this.day({ kind: 'weekday', weekday: wd, mode: spec }, from, sigs[k - 1]!.lx.end, lx.rule.id);
    return k;
  }

  /** Reads the item(s) starting at sigs[i]; returns the index of the next unread lexeme. */
  read(i: number, from?: number, weekday: number | null = null): number {
    const { sigs, items } = this;
    const s = sigs[i]!;
    const lx = s.lx;
    const start = from ?? lx.start;
    const id = lx.rule.id;
    const g = lx.groups;
    switch (lx.rule.role) {
      case 'datetime': {
        this.day(this.date(Number(g.d), Number(g.mo), year(g.y), false, null), start, lx.end, id);
        const clock = {
          hour: Number(g.h),
          minute: Number(g.m),
          ambiguous: false,
          midnight: false,
          bare: false,
          meridiem: false,
        };
        items.push({ t: 'clock', value: clock, from: start, to: lx.end, ruleId: id, atBefore: false });
        const z = g.z === undefined ? null : g.z === 'Z' ? 'UTC' : offsetName(g.z);
        if (z) items.push({ t: 'zone', zone: z, from: start, to: lx.end, ruleId: id });
        return i + 1;
      }
      case 'date': {
        let d = Number(g.d);
        let mo = Number(g.mo);
        if (mo > 12 && d <= 12) [d, mo] = [mo, d];
        const spec = this.date(d, mo, year(g.y), g.y === undefined && !s.intro && weekday === null, weekday);
        if (lx.rule.flags.has('swappable') && d <= 12 && d !== mo) spec.swap = true;
        this.day(spec, start, lx.end, id);
        return i + 1;
      }
      case 'weekday':
        return this.weekday(i, 'nearest', start);
      case 'next': {
        const mode = lx.rule.values.get('mode') as Mode;
        if (role(sigs[i + 1]) === 'weekday') return this.weekday(i + 1, mode, start);
        if (role(sigs[i + 1]) === 'weekend') {
          this.day({ kind: 'weekend', mode }, start, sigs[i + 1]!.lx.end, sigs[i + 1]!.lx.rule.id);
          return i + 2;
        }
        return i + 1;
      }
      case 'weekend': {
        const next = role(sigs[i + 1]) === 'next' ? sigs[i + 1]!.lx : null;
        const mode = (next?.rule.values.get('mode') ?? 'nearest') as Mode;
        this.day({ kind: 'weekend', mode }, start, next?.end ?? lx.end, id);
        return next ? i + 2 : i + 1;
      }
      case 'relday':
        this.day({ kind: 'relative', offset: value(lx, 'offset') }, start, lx.end, id);
        return i + 1;
      case 'month': {
        const n = dayNumberAt(sigs, i + 1);
        if (n === null) return i + 1;
        const y = yearAt(sigs, i + 2);
        const last = sigs[i + (y === null ? 1 : 2)]!.lx;
        this.day(this.date(n, value(lx, 'value'), y, false, weekday), start, last.end, id);
        return i + (y === null ? 2 : 3);
      }
      case 'number':
        return this.number(i, start);
      case 'clock': {
        const clock = clockOf(lx);
        const oclock = sigs[i + 1]?.lx.rule.values.get('unit') === 'oclock';
        const to = oclock ? sigs[i + 1]!.lx.end : lx.end;
        if (clock) items.push({ t: 'clock', value: clock, from: start, to, ruleId: id, atBefore: s.at });
        return oclock ? i + 2 : i + 1;
      }
      case 'daypart': {
        const [w0, w1] = lx.rule.values.get('window')!.split('-').map(Number) as [number, number];
        const [h0, h1] = lx.rule.values.get('hours')!.split('-').map(Number) as [number, number];
        const day = lx.rule.values.get('day');
        const part = { window: [w0, w1], hours: [h0, h1], today: lx.rule.flags.has('today') } as const;
        items.push({
          t: 'daypart',
          part: { ...part, dayOffset: day === undefined ? null : Number(day), ruleId: id },
          from: start,
          to: lx.end,
          ruleId: id,
        });
        return i + 1;
      }
      case 'zone': {
        const zone = zoneOf(lx);
        if (zone) items.push({ t: 'zone', zone, from: start, to: lx.end, ruleId: id });
        return i + 1;
      }
      case 'duration':
      case 'in': {
        const length = lengthAt(sigs, i + 1);
        if (!length || length.minutes <= 0) return i + 1;
        const to = sigs[length.next - 1]!.lx.end;
        if (lx.rule.role === 'duration')
          items.push({ t: 'duration', minutes: length.minutes, from: start, to, ruleId: id });
        else items.push({ t: 'instant', minutes: length.minutes, from: start, to, ruleId: id });
        return length.next;
      }
      case 'now':
        items.push({ t: 'instant', minutes: 0, from: start, to: lx.end, ruleId: id });
        return i + 1;
      case 'from':
      case 'to':
      case 'and':
      case 'until':
      case 'after':
      case 'before':
      case 'since':
      case 'alt':
        items.push({
          t: 'conn',
          role: lx.rule.role,
          between: lx.rule.flags.has('between'),
          opens: lx.rule.flags.has('opens'),
          dash: lx.rule.flags.has('dash'),
          from: start,
          to: lx.end,
          ruleId: id,
        });
        return i + 1;
      default:
        return i + 1;
    }
  }

  /** A number: a day before a month, an hour before « heures », an ordinal day, or a bare number. */
  private number(i: number, start: number): number {
    const { sigs, items } = this;
    const s = sigs[i]!;
    const lx = s.lx;
    const n = num(lx);
    const d = dayNumberAt(sigs, i);
    const month = monthAt(sigs, i + 1);
    if (d !== null && month !== null) {
      const y = yearAt(sigs, i + 2);
      const last = sigs[i + (y === null ? 1 : 2)]!.lx;
      this.day(this.date(d, month, y, false, null), start, last.end, lx.rule.id);
      return i + (y === null ? 2 : 3);
    }
    const unit = sigs[i + 1]?.lx;
    if (unit?.rule.role === 'unit') {
      const kind = unit.rule.values.get('unit');
      // « à 2 heures » is a time of day, « toutes les 2 heures » a length: the word before decides.
      const timeOfDay =
        kind === 'oclock' ||
        (kind === 'hour' &&
          !unit.rule.flags.has('length-only') &&
          (s.at || CLOCK_BEFORE.has(role(sigs[i - 1]) ?? 'glue') || role(sigs[i + 2]) === 'daypart'));
      if (timeOfDay && n <= 24) {
        items.push({
          t: 'clock',
          value: hourNumber(lx, n),
          from: start,
          to: unit.end,
          ruleId: lx.rule.id,
          atBefore: s.at,
        });
      }
      return i + 2;
    }
    if (d !== null && lx.groups.ord !== undefined) {
      this.day(this.date(d, null, null, false, null), start, lx.end, lx.rule.id);
      return i + 1;
    }
    if (lx.groups.n !== undefined ? n <= 31 : n <= 24) {
      const clock = {
        hour: n,
        minute: 0,
        ambiguous: n >= 1 && n <= 12,
        midnight: n === 0,
        bare: true,
        meridiem: false,
      };
      items.push({ t: 'clock', value: clock, from: start, to: lx.end, ruleId: lx.rule.id, atBefore: s.at });
    }
    return i + 1;
  }
}

/** Reads one chain of lexemes into items, then joins « du lundi au vendredi » / "Monday to Friday" into spans. */
export function itemsOf(chain: readonly Lexeme[]): Item[] {
  const reader = new Reader(significant(chain));
  for (let i = 0; i < reader.sigs.length; ) i = reader.read(i);
  return joinSpans(reader.items);
}
