import { addDays, addMonths, type Civil, civil, dayNumber, weekdayOf } from './civil.js';
import type { DayPart, DaySpec } from './types.js';

/**
 * A date without a year that fell this many days ago is a past date (« le 28/11 » written on 2 December);
 * further back, it is next year's.
 */
const RECENT_PAST_DAYS = 30;

type Mode = 'nearest' | 'coming' | 'next-week';

function dateCandidates(spec: Extract<DaySpec, { kind: 'date' }>, today: Civil): Civil[] {
  if (spec.swap && spec.weekday !== null && spec.month !== null) {
    // « jeudi 12/3 » is 12 March if that is a Thursday, else 3 December if that one is.
    const main = dateCandidates({ ...spec, swap: false }, today);
    if (main[0] && weekdayOf(main[0]) === spec.weekday) return main;
    const other = dateCandidates({ ...spec, swap: false, day: spec.month, month: spec.day }, today);
    return other[0] && weekdayOf(other[0]) === spec.weekday ? other : main;
  }
  const t = dayNumber(today);
  if (spec.month !== null && spec.year !== null) {
    const c = civil(spec.year, spec.month, spec.day);
    return c ? [c] : [];
  }
  if (spec.month !== null) {
    const c = civil(today.y, spec.month, spec.day);
    if (c && dayNumber(c) >= t - RECENT_PAST_DAYS) return [c];
    const next = civil(today.y + 1, spec.month, spec.day);
    return next ? [next] : [];
  }
  // « samedi 28 », "the 28th": this month's, or the next month that has that day (and that weekday).
  for (let k = -1; k <= 12; k++) {
    const { y, m } = addMonths(today, k);
    const c = civil(y, m, spec.day);
    if (!c) continue;
    const ok =
      spec.weekday !== null ? weekdayOf(c) === spec.weekday && dayNumber(c) >= t - 6 : dayNumber(c) >= t;
    if (ok) return [c];
  }
  return [];
}

function weekdayCandidates(weekday: number, mode: Mode, today: Civil): Civil[] {
  const ahead = (weekday - weekdayOf(today) + 7) % 7;
  // "next Saturday": the one in next week (weeks start on Monday).
  if (mode === 'next-week') return [addDays(today, 7 - (weekdayOf(today) - 1) + (weekday - 1))];
  const first = addDays(today, mode === 'coming' && ahead === 0 ? 7 : ahead);
  return [first, addDays(first, 7)];
}

function weekendCandidates(mode: Mode, today: Civil): Civil[] {
  // On a Sunday the current weekend began yesterday.
  if (mode === 'nearest' && weekdayOf(today) === 7) return [addDays(today, -1), addDays(today, 6)];
  return weekdayCandidates(6, mode, today);
}

export interface AnchorOptions {
  part: DayPart | null;
  since: boolean;
}

/**
 * The days an expression may be anchored on, in order of preference; the caller takes the first whose
 * window ends after the reference (section 6: "a weekday means its next occurrence whose window ends after
 * that instant"). Without a day word: today or tomorrow; « ce soir » / "tonight": today, or last evening's
 * night while it is not over; "since": today or yesterday.
 */
export function candidateDays(spec: DaySpec | null, today: Civil, options: AnchorOptions): Civil[] {
  if (spec) {
    switch (spec.kind) {
      case 'date':
        return dateCandidates(spec, today);
      case 'relative':
        return [addDays(today, spec.offset)];
      case 'weekday':
        return weekdayCandidates(spec.weekday, spec.mode, today);
      case 'weekend':
        return weekendCandidates(spec.mode, today);
    }
  }
  const { part } = options;
  if (part && part.dayOffset !== null) return [addDays(today, part.dayOffset)];
  if (options.since) return [today, addDays(today, -1)];
  if (part?.today) return part.hours[1] > 24 ? [addDays(today, -1), today] : [today];
  return [today, addDays(today, 1)];
}
