import { Info, type Zone } from 'luxon';

/** A calendar day, zone-free: days are counted with Date.UTC, which knows no daylight saving. */
export interface Civil {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

/** A zone by name (IANA, "UTC", "UTC+2"), or null for a name the zone database does not know. */
export function zoneNamed(name: string): Zone | null {
  const zone = Info.normalizeZone(name);
  return zone?.isValid ? zone : null;
}

// Offsets change at most a few times a year, on quarter hours: one Intl lookup per zone and quarter hour.
const QUARTER = 15 * MINUTE;
const offsets = new Map<string, number>();

function offsetAt(zone: Zone, ms: number): number {
  if (zone.isUniversal) return zone.offset(ms);
  const key = `${zone.name}|${Math.floor(ms / QUARTER)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 50_000) offsets.clear();
    offset = zone.offset(ms);
    offsets.set(key, offset);
  }
  return offset;
}

export function civil(y: number, m: number, d: number): Civil | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y &&
    t.getUTCMonth() === m - 1 &&
    t.getUTCDate() === d &&
    y >= 1900 &&
    y <= 2200
    ? { y, m, d }
    : null;
}

const fromUtcMs = (ms: number): Civil => {
  const t = new Date(ms);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

export const dayNumber = (c: Civil) => Date.UTC(c.y, c.m - 1, c.d) / DAY_MS;
export const addDays = (c: Civil, n: number): Civil => fromUtcMs(Date.UTC(c.y, c.m - 1, c.d + n));
export const addMonths = (c: Civil, n: number): { y: number; m: number } => {
  const t = new Date(Date.UTC(c.y, c.m - 1 + n, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1 };
};
/** ISO weekday: Monday 1 … Sunday 7. */
export const weekdayOf = (c: Civil) => ((new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay() + 6) % 7) + 1;

/** The wall-clock day and minute of an instant in a zone. */
export function wallOf(ms: number, zone: Zone): { day: Civil; minutes: number } {
  const local = ms + offsetAt(zone, ms) * MINUTE;
  const day = fromUtcMs(local);
  return { day, minutes: Math.floor((local - Date.UTC(day.y, day.m - 1, day.d)) / MINUTE) };
}

/**
 * The instant at which the wall clock of `zone` shows `minutes` after midnight of `day` (beyond 24 h or
 * below 0: on the following or previous days). A wall time that daylight saving skips is read on the
 * later side, one that it repeats on the later side too (luxon's reading).
 */
export function instantOf(day: Civil, minutes: number, zone: Zone): number {
  const local = Date.UTC(day.y, day.m - 1, day.d) + minutes * MINUTE;
  const o = offsetAt(zone, local);
  let guess = local - o * MINUTE;
  const o2 = offsetAt(zone, guess);
  if (o === o2) return guess;
  guess -= (o2 - o) * MINUTE;
  const o3 = offsetAt(zone, guess);
  if (o2 === o3) return guess;
  return local - Math.min(o2, o3) * MINUTE;
}

/** ISO 8601 in UTC to the second (« maintenant » inherits the Date header's milliseconds otherwise). */
export const isoUtc = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
