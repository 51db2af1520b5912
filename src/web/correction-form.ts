import { z } from 'zod';
import { CorrectableField } from '../conversation/correction-fields.js';
import { civil, instantOf, zoneNamed } from '../understand/time/civil.js';

/** A wall time as staff type it, in the provider's zone: `2026-03-07 02:00` or `2026-03-07T02:00`. */
const WALL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;
/** An instant with its zone spelled out (the API's usual form): left to Date.parse. */
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A time given to the desk, in UTC ISO form: a wall time is read in the provider's zone (daylight saving
 * included), an instant with `Z` or an offset as it says. Anything else is returned unchanged, for the
 * schema to refuse.
 */
export function toUtc(text: unknown, zoneName: string): unknown {
  if (typeof text !== 'string') return text;
  const t = text.trim();
  const wall = WALL.exec(t);
  const zone = zoneNamed(zoneName);
  if (wall && zone) {
    const [y, m, d, hh, mm] = wall.slice(1).map(Number) as [number, number, number, number, number];
    const day = civil(y, m, d);
    if (!day || hh > 23 || mm > 59) return text;
    return new Date(instantOf(day, hh * 60 + mm, zone)).toISOString();
  }
  if (ZONED.test(t) && !Number.isNaN(Date.parse(t))) return new Date(Date.parse(t)).toISOString();
  return text;
}

/** A power correction's windows, whatever form their times take, in UTC. */
export function windowsToUtc(value: unknown, zone: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const windows = (value as { windows?: unknown }).windows;
  if (!Array.isArray(windows)) return value;
  return {
    ...value,
    windows: windows.map((w) =>
      typeof w === 'object' && w !== null
        ? {
            ...w,
            start: toUtc((w as { start?: unknown }).start, zone),
            end: toUtc((w as { end?: unknown }).end, zone),
          }
        : w,
    ),
  };
}

const text = z.string().max(4000).default('');
const CorrectionForm = z.looseObject({
  field: CorrectableField,
  note: text,
  values: text,
  value: text,
  authorization: text,
  limited: text,
  windows: text,
  distribution: text,
  version: text,
  edition: text,
});

const items = (s: string) =>
  s
    .split(/[\n,]+/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/**
 * The record page's correction form as the API's body (`{ field, value, note }`), for the same schema to
 * check: lists are comma- or line-separated, windows one per line as `START - END` in the provider's zone.
 * Components are corrected through the API only (their form would need client code).
 */
export function correctionFromForm(body: unknown, zone: string): unknown {
  const parsed = CorrectionForm.safeParse(body ?? {});
  if (!parsed.success) return body;
  const f = parsed.data;
  const note = orNull(f.note) ?? undefined;
  switch (f.field) {
    case 'requestTypes':
    case 'serviceIds':
    case 'ips':
    case 'hostnames':
    case 'access':
      return { field: f.field, value: items(f.values), note };
    case 'power':
      return {
        field: f.field,
        note,
        value: windowsToUtc(
          {
            authorization: f.authorization,
            limited: f.limited === 'on' || f.limited === 'true',
            windows: f.windows
              .split('\n')
              .map((l) => l.trim())
              .filter((l) => l !== '')
              .map((l) => {
                const [start, end] = l.split(/\s+(?:-|–|to)\s+/);
                return { start: start ?? l, end: end ?? '' };
              }),
          },
          zone,
        ),
      };
    case 'os':
      return {
        field: f.field,
        note,
        value:
          orNull(f.distribution) === null
            ? null
            : { distribution: f.distribution, version: orNull(f.version), edition: orNull(f.edition) },
      };
    case 'components':
      return { field: f.field, value: undefined, note };
    default:
      return { field: f.field, value: f.value, note };
  }
}
