import type { Zone } from 'luxon';
import { candidateDays } from './anchors.js';
import { addDays, type Civil, dayNumber, instantOf, isoUtc, wallOf, zoneNamed } from './civil.js';
import type { Expr } from './expressions.js';
import { after, before, resolveHours } from './hours.js';
import type { DaySpec, FoundTime, TimeContext } from './types.js';

/** Instants in ms since the epoch; null for an open bound. */
interface Bounds {
  start: number | null;
  end: number | null;
}

/** Longest run of per-day windows one span may produce (« du lundi au vendredi de 22h à 6h »). */
const MAX_SPAN_DAYS = 14;
const MINUTE = 60_000;

class Resolver {
  readonly startZone: Zone;
  readonly endZone: Zone;

  constructor(
    private readonly e: Expr,
    private readonly ref: number,
    fallback: Zone,
  ) {
    const named = (name: string | null | undefined) => (name ? zoneNamed(name) : null);
    this.startZone = named(e.start?.zone ?? e.zone ?? e.end?.zone) ?? fallback;
    this.endZone = named(e.end?.zone ?? e.zone ?? e.start?.zone) ?? fallback;
  }

  get isPoint(): boolean {
    const { e } = this;
    return e.start !== null && e.end === null && !e.openEnd && e.duration === null;
  }

  private candidates(spec: DaySpec | null, zone: Zone): Civil[] {
    return candidateDays(spec, wallOf(this.ref, zone).day, { part: this.e.daypart, since: this.e.since });
  }

  /** The window on `day` (and `endDay` when the end has its own day); wholeDays for a day with no hours. */
  bounds(day: Civil, endDay: Civil | null, wholeDays = 1): Bounds {
    const { e, startZone, endZone } = this;
    const s = e.start;
    const t = e.end;
    const endBase = endDay ?? day;
    let start: number | null = null;
    let end: number | null = null;
    if (s?.instant != null || t?.instant != null) {
      if (s?.instant != null) start = this.ref + s.instant * MINUTE;
      if (t?.instant != null) end = this.ref + t.instant * MINUTE;
      if (start !== null && t?.clock) {
        const wall = wallOf(start, endZone);
        end = instantOf(wall.day, after(wall.minutes, t.clock), endZone);
      }
      if (end !== null && s?.clock) {
        const wall = wallOf(end, startZone);
        start = instantOf(wall.day, before(wall.minutes, s.clock), startZone);
      }
    } else if (s?.clock || t?.clock) {
      const hours = resolveHours(s?.clock ?? null, t?.clock ?? null, e.daypart, endDay === null);
      if (hours.start !== null) start = instantOf(day, hours.start, startZone);
      if (hours.end !== null) end = instantOf(endBase, hours.end, endZone);
    } else if (e.daypart) {
      start = instantOf(day, e.daypart.window[0] * 60, startZone);
      end = instantOf(endBase, e.daypart.window[1] * 60, endZone);
    } else {
      start = instantOf(day, 0, startZone);
      // « pas avant lundi » opens at the day's start; « avant lundi » closes there.
      end = e.openStart ? start : instantOf(addDays(endBase, endDay ? 1 : wholeDays), 0, endZone);
    }
    if (start !== null && end === null && e.duration !== null) end = start + e.duration * MINUTE;
    if (e.openEnd && !t) end = null;
    if (e.openStart && !s) start = null;
    if (e.since) end = null;
    return { start, end };
  }

  /** The first candidate whose window ends after the reference (for "since": starts before it). */
  choose(days: readonly Civil[], make: (day: Civil) => Bounds | Bounds[]): Bounds[] {
    let last: Bounds[] = [];
    for (const day of days) {
      const made = make(day);
      const list = Array.isArray(made) ? made : [made];
      last = list;
      const w = list[list.length - 1];
      if (!w) continue;
      if (this.e.since) {
        if (w.start !== null && w.start <= this.ref) return list;
        continue;
      }
      // An open end (« après 22h ») has only its start to go by.
      const bound = w.end ?? w.start;
      if (bound === null || bound > this.ref) return list;
    }
    return last;
  }

  windows(): Bounds[] {
    const { e } = this;
    if (e.span) return this.spanWindows(e.span.first, e.span.last);
    const pre = e.days.filter((d) => d.phase === 'pre');
    const post = e.days.filter((d) => d.phase === 'post');
    if (pre.length > 0 && post.length > 0) {
      const ends = this.candidates(post[0]!.spec, this.endZone);
      return this.choose(this.candidates(pre[0]!.spec, this.startZone), (day) => {
        const endDay = ends.find((d) => dayNumber(d) >= dayNumber(day)) ?? ends[0] ?? day;
        return this.bounds(day, endDay);
      });
    }
    const specs = e.days.length > 0 ? e.days.map((d) => d.spec) : [null];
    return specs.flatMap((spec) =>
      this.choose(this.candidates(spec, this.startZone), (day) =>
        this.bounds(day, null, spec?.kind === 'weekend' ? 2 : 1),
      ),
    );
  }

  private spanWindows(firstSpec: DaySpec, lastSpec: DaySpec): Bounds[] {
    const { e } = this;
    const lasts = this.candidates(lastSpec, this.startZone);
    return this.choose(this.candidates(firstSpec, this.startZone), (first) => {
      const last = lasts.find((d) => dayNumber(d) >= dayNumber(first)) ?? lasts[0] ?? first;
      const count = Math.max(1, dayNumber(last) - dayNumber(first) + 1);
      const timed = e.start !== null || e.end !== null || e.daypart !== null;
      if (!timed) return this.bounds(first, null, count);
      // « la nuit de samedi à dimanche »: one night, anchored on its first day.
      if (count === 2 && (e.daypart?.hours[1] ?? 0) > 24) return this.bounds(first, null);
      const out: Bounds[] = [];
      for (let i = 0; i < Math.min(count, MAX_SPAN_DAYS); i++) out.push(this.bounds(addDays(first, i), null));
      return out;
    });
  }
}

/** Places one expression against the reference and turns it into FoundTime values. */
export function resolve(e: Expr, ctx: TimeContext, input: string, fallback: Zone): FoundTime[] {
  const ref = ctx.reference.getTime();
  const r = new Resolver(e, ref, fallback);
  const kind = r.isPoint ? 'point' : 'window';
  // « 02:00 - 05:00 (heure de Paris) »: a bracket opened inside the words closes with them.
  const closes =
    input[e.to] === ')' &&
    input.slice(e.from, e.to).split('(').length > input.slice(e.from, e.to).split(')').length;
  const to = closes ? e.to + 1 : e.to;
  const text = input.slice(e.from, to);
  const zone = (e.start === null && e.end !== null ? r.endZone : r.startZone).name;
  const ruleOf = (closed: boolean) =>
    (closed ? e.rules.range : undefined) ??
    e.rules.open ??
    e.rules.clock ??
    e.rules.part ??
    e.rules.day ??
    'time';
  const out: FoundTime[] = [];
  for (const w of r.windows()) {
    if (w.start === null && w.end === null) continue;
    // Bounds given out of order (« samedi 23h - 0h demain », "in 24 hours to now") make no window.
    if (kind === 'window' && w.start !== null && w.end !== null && w.start >= w.end) continue;
    const start = w.start === null ? null : isoUtc(w.start);
    const end = kind === 'point' || w.end === null ? null : isoUtc(w.end);
    let problem: FoundTime['problem'] = null;
    if (kind === 'point') problem = 'point_only';
    else if (start === null) problem = 'open_start';
    else if (end === null) problem = 'open_end';
    else if (w.end! <= ref) problem = 'past';
    const usable = problem === null && w.start! < w.end!;
    out.push({
      kind,
      start,
      end,
      text,
      index: e.from,
      usable,
      problem,
      zone,
      ruleId: ruleOf(start !== null && end !== null),
    });
  }
  return out;
}
