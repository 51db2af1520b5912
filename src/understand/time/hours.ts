import type { ClockValue, DayPart } from './types.js';

/** Minutes in a day: hours below are minutes from the anchor day's midnight, and may pass it. */
export const DAY = 1440;

function candidates(c: ClockValue): number[] {
  const base = c.hour * 60 + c.minute;
  if (c.midnight) return [0, DAY];
  return c.ambiguous ? [base, base + 720] : [base];
}

const plain = (c: ClockValue, asEnd: boolean) => (c.midnight ? (asEnd ? DAY : 0) : c.hour * 60 + c.minute);

/** Where the day part puts an hour (« 8h du soir » → 20:00, "tonight at 2" → 26:00), if anywhere. */
function inPart(c: ClockValue, part: DayPart, asEnd: boolean): number | null {
  const lo = part.hours[0] * 60;
  const hi = part.hours[1] * 60;
  for (const v of candidates(c)) {
    for (const w of [v, v + DAY]) if (w >= lo && (asEnd ? w <= hi : w < hi)) return w;
  }
  return null;
}

/** The first reading of `c` after `from`, less than a day later: the end of « de 22h à 2h » is 26:00. */
export function after(from: number, c: ClockValue): number {
  let best = DAY;
  for (const v of candidates(c)) {
    const d = (((v - from) % DAY) + DAY) % DAY;
    if (d > 0 && d < best) best = d;
  }
  return from + best;
}

/** The last reading of `c` before `to`, less than a day earlier: "8 - 11pm" starts at 20:00. */
export function before(to: number, c: ClockValue): number {
  let best = DAY;
  for (const v of candidates(c)) {
    const d = (((to - v) % DAY) + DAY) % DAY;
    if (d > 0 && d < best) best = d;
  }
  return to - best;
}

export interface HourPair {
  start: number | null;
  end: number | null;
}

/**
 * Places the two hours of an expression on its anchor day. A day part decides am/pm first; otherwise an
 * ambiguous start follows a firm end ("8 - 11pm"), an end follows its start ("11pm-2" ends at 02:00 the
 * next day, « de 11h30 à 1h30 » at 13:30), and an end that is not after its start crosses midnight.
 * `linked` is false when each bound has its own day (« samedi 22h jusqu'à dimanche 6h »).
 */
export function resolveHours(
  s: ClockValue | null,
  e: ClockValue | null,
  part: DayPart | null,
  linked: boolean,
): HourPair {
  let hs = s && part ? inPart(s, part, false) : null;
  let he = e && part ? inPart(e, part, true) : null;
  if (!s || !e || !linked) {
    return { start: s ? (hs ?? plain(s, false)) : null, end: e ? (he ?? plain(e, true)) : null };
  }
  if (hs === null) {
    // "8 - 11pm" is 20:00-23:00, but « de 7:00 à 20:00 » is written on a 24-hour clock and starts at 07:00.
    const firmEnd = he ?? (e.meridiem ? plain(e, true) : null);
    hs = s.ambiguous && firmEnd !== null ? before(firmEnd, s) : plain(s, false);
  }
  if (he === null || he <= hs) he = after(hs, e);
  if (hs < 0) {
    hs += DAY;
    he += DAY;
  }
  return { start: hs, end: he };
}
