/** What one lexeme says: a number, a clock, a zone or a length, and the glue-free view of a chain. */
import { FixedOffsetZone } from 'luxon';
import { zoneNamed } from './civil.js';
import type { Lexeme } from './lexer.js';
import type { ClockValue } from './types.js';

/** A lexeme that is not glue, with what the glue just before it announced. */
export interface Sig {
  lx: Lexeme;
  /** After « le », "on", "the": a day/month date without a year is meant as a date. */
  intro: boolean;
  /** After "at", « vers », « à »: a lone number is meant as an hour. */
  at: boolean;
}

export function significant(chain: readonly Lexeme[]): Sig[] {
  const out: Sig[] = [];
  let intro = false;
  let at = false;
  for (const lx of chain) {
    if (lx.rule.role === 'glue') {
      intro = lx.rule.flags.has('date-intro');
      at = lx.rule.flags.has('at');
      continue;
    }
    out.push({ lx, intro, at });
    intro = false;
    at = lx.rule.flags.has('at');
  }
  return out;
}

export const role = (sig: Sig | undefined) => sig?.lx.rule.role;
export const num = (lx: Lexeme) =>
  lx.groups.n !== undefined ? Number(lx.groups.n) : Number(lx.rule.values.get('value'));
export const value = (lx: Lexeme, key: string) => Number(lx.rule.values.get(key));

export function dayNumberAt(sigs: readonly Sig[], k: number): number | null {
  const lx = sigs[k]?.lx;
  if (lx?.rule.role !== 'number' || lx.groups.n === undefined) return null;
  const n = num(lx);
  return n >= 1 && n <= 31 ? n : null;
}

export const monthAt = (sigs: readonly Sig[], k: number) =>
  role(sigs[k]) === 'month' ? value(sigs[k]!.lx, 'value') : null;
export const yearAt = (sigs: readonly Sig[], k: number) =>
  role(sigs[k]) === 'year' ? Number(sigs[k]!.lx.groups.y) : null;

export function year(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  return raw.length === 2 ? 2000 + Number(raw) : Number(raw);
}

export function clockOf(lx: Lexeme): ClockValue | null {
  if (lx.rule.values.has('hour')) {
    return {
      hour: value(lx, 'hour'),
      minute: 0,
      ambiguous: false,
      midnight: lx.rule.flags.has('midnight'),
      bare: false,
      meridiem: false,
    };
  }
  const raw = lx.groups.h ?? '';
  let hour = Number(raw);
  const minute = lx.groups.m === undefined ? 0 : Number(lx.groups.m);
  const ap = lx.groups.ap?.toLowerCase();
  if (ap !== undefined) {
    if (hour > 12) return null;
    hour = (hour % 12) + (ap === 'p' ? 12 : 0);
    return { hour, minute, ambiguous: false, midnight: false, bare: false, meridiem: true };
  }
  // « 2h », "8:30": am or pm is for the context to say; « 02h00 », « 14h », « 12h » say it themselves.
  const ambiguous = hour >= 1 && hour <= 11 && !raw.startsWith('0');
  return { hour, minute, ambiguous, midnight: hour === 0 && minute === 0, bare: false, meridiem: false };
}

/** An hour number followed by « heures » / "o'clock": written words and bare digits are am/pm-ambiguous. */
export function hourNumber(lx: Lexeme, n: number): ClockValue {
  const padded = lx.groups.n?.startsWith('0') ?? false;
  return {
    hour: n,
    minute: 0,
    ambiguous: n >= 1 && n <= 12 && !padded,
    midnight: n === 0,
    bare: false,
    meridiem: false,
  };
}

export function zoneOf(lx: Lexeme): string | null {
  const iana = lx.rule.values.get('iana') ?? lx.groups.iana;
  if (iana !== undefined) return zoneNamed(iana)?.name ?? null;
  const sign = lx.groups.sign;
  if (sign === undefined) return null;
  const minutes = Number(lx.groups.oh) * 60 + Number(lx.groups.om ?? 0);
  return FixedOffsetZone.instance(sign === '+' ? minutes : -minutes).name;
}

/** A length written after « pendant » / "for" / « dans » / "in": 2 heures, 1h30, 30 minutes, half an hour. */
export function lengthAt(sigs: readonly Sig[], k: number): { minutes: number; next: number } | null {
  const a = sigs[k]?.lx;
  if (!a) return null;
  if (a.rule.role === 'unit' && a.rule.values.has('minutes'))
    return { minutes: value(a, 'minutes'), next: k + 1 };
  if (a.rule.role === 'clock' && a.groups.h !== undefined && a.groups.ap === undefined) {
    return { minutes: Number(a.groups.h) * 60 + Number(a.groups.m ?? 0), next: k + 1 };
  }
  const u = sigs[k + 1]?.lx;
  if (a.rule.role !== 'number' || u?.rule.role !== 'unit') return null;
  if (u.rule.values.has('minutes')) return { minutes: value(u, 'minutes'), next: k + 2 };
  const unit = u.rule.values.get('unit');
  if (unit === 'minute') return { minutes: num(a), next: k + 2 };
  if (unit !== 'hour') return null;
  let minutes = num(a) * 60;
  let next = k + 2;
  const more = sigs[next]?.lx;
  const moreUnit = sigs[next + 1]?.lx;
  if (more?.rule.role === 'number' && moreUnit?.rule.values.get('unit') === 'minute') {
    minutes += num(more);
    next += 2;
  }
  return { minutes, next };
}

export function offsetName(raw: string): string {
  const sign = raw.startsWith('-') ? -1 : 1;
  const digits = raw.slice(1).replace(':', '');
  return FixedOffsetZone.instance(sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))).name;
}
