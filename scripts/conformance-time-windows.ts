/**
 * Conformance suite for time windows: the rows of time-windows.jsonl (chrono and Duckling test cases) run
 * through findTimes and are compared with what their source asserts, or, where our policy
 * (intervention-policy.md section 6) deliberately reads the words otherwise, with the source's value
 * transformed as the policy says. Rows are named by their line number and source file; no corpus text is
 * copied here. Called by scripts/conformance.ts.
 *
 * How sources are read (see the corpus README):
 * - chrono reference times are wall times of the test machine: we use them as UTC wall times with
 *   ctx.zone = UTC, and compare wall times in the zone the result used (chrono reports the parsed
 *   components, in the zone named in the text if any). chrono fills an unstated hour with 12:00: a
 *   whole-day window of ours that starts on the expected day matches it.
 * - Duckling's reference is 2013-02-12T04:30:00-02:00 and its values are wall times in that fixed zone;
 *   an interval's end is exclusive and extended by one grain ("to 11:00" is 11:01): our end matches the
 *   given end, or the given end minus one grain.
 */
import { readFileSync } from 'node:fs';
import { DateTime, FixedOffsetZone } from 'luxon';
import { shippedRules } from '../src/rule-engine/load-rules.js';
import { type FoundTime, findTimes, type TimeContext, timeRules } from '../src/understand/time/index.js';

interface Row {
  source: string;
  input: string;
  lang: string;
  reference_time: string;
  expected: Record<string, unknown>;
}

export interface RowOutcome {
  id: string;
  status: 'pass' | 'policy' | 'unsupported' | 'fail';
  /** Why a row is judged by policy or not supported; what differs for a failure. */
  detail: string;
  got: string;
}

type Expectation = Record<string, unknown>;

/** Rows our policy reads differently from their source: the expectation becomes the policy's. */
const POLICY: Record<
  number,
  { file: string; why: string; expect: (e: Expectation, ctx: TimeContext) => Expectation }
> = {
  8: {
    file: 'fr_time_exp',
    why: 'CEST means Central European local time on that date (§6: +01:00 in early March), not a fixed +02:00',
    expect: (e) => ({ ...e, timezoneOffset_minutes: 60 }),
  },
  16: {
    file: 'fr_weekday',
    why: "a weekday is its next occurrence (§6); chrono's default takes the nearest, here in the past",
    expect: (e, ctx) => ({ ...e, start: nextWeekday(ctx, Number(e.weekday)) }),
  },
  26: {
    file: 'en_time_exp',
    why: "a window is the next occurrence that ends after the reference (§6), here today's, already begun; chrono's forwardDate moves it to tomorrow",
    expect: (e) => ({ ...e, start: shiftDay(e.start, -1), end: shiftDay(e.end, -1) }),
  },
  27: {
    file: 'en_time_exp',
    why: "a window is the next occurrence that ends after the reference (§6), here today's, already begun; chrono's forwardDate moves it to tomorrow",
    expect: (e) => ({ ...e, start: shiftDay(e.start, -1), end: shiftDay(e.end, -1) }),
  },
  31: {
    file: 'en_casual',
    why: '"before" makes 16:00 the end of an open window (§6: an open bound); chrono drops the word and gives a point',
    expect: (e) => ({ end: e.start, openStart: true, text: e.text }),
  },
  41: {
    file: 'en_timezone_exp',
    why: 'PST means US Pacific local time on that date (§6: PDT, -07:00, on 2 October 2016), not a fixed -08:00',
    expect: (e) => ({ ...e, end: String(e.end).replace(/-08:00$/, '-07:00') }),
  },
  52: {
    file: 'FR/Corpus.hs',
    why: '"until" with nothing before it is an open start (§6); Duckling closes it at the start of the day',
    expect: (e) => ({
      open_interval: 'before',
      to: (e.interval as string[])[1],
      grain: e.grain,
      extended: true,
    }),
  },
  77: {
    file: 'EN/Corpus.hs',
    why: '"tonight" with an early-morning hour is the coming night (§6: 02:00); Duckling reads 14:00',
    expect: (e) => ({ ...e, value: shiftHours(String(e.value), 12) }),
  },
};

/** Rows expressing something we deliberately do not read as they do. */
const UNSUPPORTED: Record<number, { file: string; why: string }> = {
  24: {
    file: 'en_time_exp',
    why: 'bare numbers with no other time word are not read as hours (bay, slot and disk numbers are common in server mail)',
  },
  28: {
    file: 'en_casual',
    why: 'a bare "tonight" is the evening window 18:00-24:00, as Duckling reads it (row 74); chrono gives the point 22:00',
  },
  45: {
    file: 'FR/Corpus.hs',
    why: 'bare numbers with no other time word are not read as hours (bay, slot and disk numbers are common in server mail)',
  },
  56: {
    file: 'FR/Corpus.hs',
    why: 'the weekend is Saturday 00:00 to Monday 00:00 (chrono agrees, rows 33-34); Duckling starts it on Friday 18:00',
  },
  76: {
    file: 'EN/Corpus.hs',
    why: 'the weekend is Saturday 00:00 to Monday 00:00 (chrono agrees, rows 33-34); Duckling starts it on Friday 18:00',
  },
};

const LEADING_GLUE = /^(?:(?:le|la|on|the|de|du|from|entre|between)\s+)+/i;

function shiftDay(value: unknown, days: number): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2})(.*)$/.exec(value);
  if (!m) return value;
  return `${DateTime.fromISO(m[1]!, { zone: 'UTC' }).plus({ days }).toISODate()}${m[2]}`;
}

function shiftHours(value: string, hours: number): string {
  return DateTime.fromISO(value, { zone: 'UTC' }).plus({ hours }).toFormat("yyyy-LL-dd'T'HH:mm");
}

function nextWeekday(ctx: TimeContext, weekday: number): string {
  const today = DateTime.fromJSDate(ctx.reference, { zone: ctx.zone }).startOf('day');
  return today.plus({ days: (weekday - today.weekday + 7) % 7 }).toISODate()!;
}

function contextOf(row: Row): TimeContext {
  const ref = row.reference_time;
  const duckling = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-]\d{2}):(\d{2})/.exec(ref);
  if (duckling) {
    const offset = Number(duckling[2]) * 60 + Math.sign(Number(duckling[2])) * Number(duckling[3]);
    const zone = FixedOffsetZone.instance(offset).name;
    return { reference: DateTime.fromISO(duckling[1]!, { zone }).toJSDate(), zone };
  }
  const chrono = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?))?/.exec(ref);
  if (chrono) {
    return {
      reference: DateTime.fromISO(`${chrono[1]}T${chrono[2] ?? '00:00'}`, { zone: 'UTC' }).toJSDate(),
      zone: 'UTC',
    };
  }
  return { reference: new Date(), zone: 'UTC' };
}

const wall = (iso: string, zone: string) => DateTime.fromISO(iso, { zone: 'UTC' }).setZone(zone);
const minute = (dt: DateTime) => dt.toFormat("yyyy-LL-dd'T'HH:mm");

interface Check {
  ok: boolean;
  what: string;
}

/** Compares one bound with an expected time written as the sources write them. */
function sameTime(
  got: string | null,
  expected: unknown,
  zone: string,
  found: FoundTime,
  asEnd: boolean,
): Check {
  const what = `${asEnd ? 'end' : 'start'} ${JSON.stringify(expected)}, got ${got ?? 'none'}`;
  if (got === null || typeof expected !== 'string') return { ok: false, what };
  const m = /^(\d{4}-\d{2}-\d{2})?T?(\d{2}:\d{2})?(?::\d{2})?(Z|[+-]\d{2}:\d{2})?/.exec(expected.trim());
  const [, date, time, offset] = m ?? [];
  if (date && time && offset) {
    return {
      ok: DateTime.fromISO(`${date}T${time}${offset}`).toMillis() === DateTime.fromISO(got).toMillis(),
      what,
    };
  }
  let at = wall(got, zone);
  const wholeDay =
    found.end !== null && found.start !== null && wall(found.start, zone).toFormat('HH:mm') === '00:00';
  if (asEnd && !time) at = at.minus({ minutes: 1 });
  if (date && at.toISODate() !== date) return { ok: false, what };
  // chrono's 12:00 for a day whose hour is not stated.
  if (time && at.toFormat('HH:mm') !== time && !(found.kind === 'window' && wholeDay && time === '12:00'))
    return { ok: false, what };
  return { ok: true, what };
}

function grainMinutes(grain: unknown): number {
  return grain === 'hour' ? 60 : grain === 'day' ? 1440 : 1;
}

function check(found: FoundTime | undefined, e: Expectation, ctx: TimeContext, duckling: boolean): Check[] {
  if (!found) return [{ ok: false, what: 'nothing found' }];
  const checks: Check[] = [];
  const zone = duckling ? ctx.zone : found.zone;
  const add = (ok: boolean, what: string) => checks.push({ ok, what });
  if (e.start !== undefined) checks.push(sameTime(found.start, e.start, zone, found, false));
  if (e.end !== undefined) checks.push(sameTime(found.end, e.end, zone, found, true));
  if (e.openStart)
    add(found.start === null && found.problem === 'open_start', `open start, got ${found.start}`);
  if (Array.isArray(e.interval)) {
    const [s, t] = e.interval as string[];
    checks.push(sameTime(found.start, s, zone, found, false));
    const endOk =
      found.end !== null &&
      [0, grainMinutes(e.grain)].some((g) => minute(wall(found.end!, zone).plus({ minutes: g })) === t);
    add(endOk, `end ${t} (exclusive), got ${found.end ? minute(wall(found.end, zone)) : 'none'}`);
  }
  if (e.open_interval === 'after') {
    checks.push(sameTime(found.start, e.from, zone, found, false));
    add(found.end === null && found.problem === 'open_end', `open end, got ${found.end}`);
  }
  if (e.open_interval === 'before') {
    const shift = e.extended ? grainMinutes(e.grain) : 0;
    const to = found.end ? minute(wall(found.end, zone).plus({ minutes: shift })) : 'none';
    add(to === e.to, `end ${e.to}, got ${to}`);
    add(found.start === null && found.problem === 'open_start', `open start, got ${found.start}`);
  }
  if (typeof e.value === 'string') {
    if (e.grain === 'day') {
      const ok =
        found.kind === 'window' &&
        found.start !== null &&
        minute(wall(found.start, zone)) === `${e.value}T00:00`;
      add(ok, `the day ${e.value}, got ${found.start} → ${found.end}`);
    } else checks.push(sameTime(found.start, e.value, zone, found, false));
  }
  if (typeof e.hour === 'number' && found.start)
    add(
      wall(found.start, found.zone).hour === e.hour,
      `hour ${e.hour}, got ${wall(found.start, found.zone).hour}`,
    );
  if (typeof e.day === 'string' && found.start)
    add(wall(found.start, found.zone).toISODate() === e.day, `day ${e.day}, got ${found.start}`);
  if (typeof e.weekday === 'number' && found.start)
    add(wall(found.start, zone).weekday === e.weekday, `weekday ${e.weekday}, got ${found.start}`);
  if (typeof e.timezoneOffset_minutes === 'number' && found.start) {
    const offset = wall(found.start, found.zone).offset;
    add(
      offset === e.timezoneOffset_minutes,
      `offset ${e.timezoneOffset_minutes}, got ${offset} (${found.zone})`,
    );
  }
  if (typeof e.timezoneOffset_certain === 'boolean')
    add(
      (found.zone !== ctx.zone) === e.timezoneOffset_certain,
      `zone named: ${e.timezoneOffset_certain}, got ${found.zone}`,
    );
  if (typeof e.text === 'string') {
    const want = e.text.replace(LEADING_GLUE, '');
    const have = found.text.replace(LEADING_GLUE, '');
    add(want === have, `text ${JSON.stringify(e.text)}, got ${JSON.stringify(found.text)}`);
    if (typeof e.index === 'number') {
      const wantAt = e.index + (e.text.length - want.length);
      const haveAt = found.index + (found.text.length - have.length);
      add(wantAt === haveAt, `index ${e.index}, got ${found.index}`);
    }
  }
  if (checks.length === 0) add(false, 'no assertion understood');
  return checks;
}

function pick(results: FoundTime[], e: Expectation): FoundTime | undefined {
  if (typeof e.text === 'string') {
    const want = e.text.replace(LEADING_GLUE, '');
    const same = results.find((r) => r.text.replace(LEADING_GLUE, '') === want);
    if (same) return same;
  }
  return results[0];
}

const show = (r: FoundTime | undefined) =>
  r
    ? `${r.kind} ${r.start ?? '…'} → ${r.end ?? '…'} ${JSON.stringify(r.text)} (${r.zone}${r.problem ? `, ${r.problem}` : ''})`
    : 'nothing';

export function runTimeWindows(file: string): RowOutcome[] {
  const rules = timeRules(shippedRules());
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
  return rows.map((row, index) => {
    const n = index + 1;
    const path = row.source.split(' ')[1] ?? row.source;
    const id = `time-windows#${n} ${row.source.split('@')[0]} ${path.split('/').slice(-2).join('/')}`;
    const ctx = contextOf(row);
    const duckling = /duckling/i.test(row.source);
    const results = findTimes(row.input, ctx, rules);
    const unsupported = UNSUPPORTED[n];
    if (unsupported && row.source.includes(unsupported.file)) {
      return { id, status: 'unsupported', detail: unsupported.why, got: show(results[0]) };
    }
    const policy = POLICY[n]?.file && row.source.includes(POLICY[n].file) ? POLICY[n] : undefined;
    let expected: Expectation = row.expected;
    if (expected.status && typeof expected.would_expect === 'object')
      expected = expected.would_expect as Expectation;
    if (policy) expected = policy.expect(expected, ctx);
    const found = pick(results, expected);
    const failed = check(found, expected, ctx, duckling).filter((c) => !c.ok);
    if (failed.length > 0)
      return { id, status: 'fail', detail: failed.map((c) => c.what).join('; '), got: show(found) };
    return { id, status: policy ? 'policy' : 'pass', detail: policy?.why ?? '', got: show(found) };
  });
}

/** The suite's report: the summary line, then every row not passing as its source expects. */
export function reportTimeWindows(outcomes: readonly RowOutcome[], verbose: boolean): string[] {
  const count = (s: RowOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const passed = count('pass') + count('policy');
  const supported = outcomes.length - count('unsupported');
  const lines: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'fail') lines.push(`FAIL  ${o.id}: ${o.detail}\n      got ${o.got}`);
    else if (o.status === 'unsupported') lines.push(`not supported: ${o.id}: ${o.detail}`);
    else if (o.status === 'policy')
      lines.push(`pass  ${o.id} [judged by our policy, not its source: ${o.detail}]`);
    else if (verbose) lines.push(`pass  ${o.id}: ${o.got}`);
  }
  lines.push(
    `time-windows: ${passed}/${outcomes.length} rows pass (${passed}/${supported} of the rows we support: ` +
      `${count('pass')} as their source expects, ${count('policy')} judged by our policy), ` +
      `${count('unsupported')} not supported, ${count('fail')} failing`,
  );
  return lines;
}
