/** Where relative words are resolved from. */
export interface TimeContext {
  /** The message's `Date:` header. */
  reference: Date;
  /** IANA zone of the provider (`PROVIDER_TIMEZONE`, default Europe/Paris), used when the text names none. */
  zone: string;
}

export type TimeProblem = null | 'past' | 'open_start' | 'open_end' | 'point_only';

/** One time expression of the text, resolved to UTC instants (intervention-policy.md section 6). */
export interface FoundTime {
  kind: 'window' | 'point';
  /** ISO 8601 UTC with `Z`, e.g. 2026-11-28T01:00:00Z; null when the start is open. A point's instant. */
  start: string | null;
  /** Null when the end is open, and for a point. */
  end: string | null;
  /** The words it came from. */
  text: string;
  /** Offset of `text` in the input string. */
  index: number;
  /** A window with both bounds that does not lie entirely before the reference. */
  usable: boolean;
  problem: TimeProblem;
  /** The zone used: the one named in the text, else the context's. */
  zone: string;
  /** The rule that gave the expression its shape (range, open bound, clock, day part or day). */
  ruleId: string;
}

/** A calendar day written in the text, before it is placed relative to the reference. */
export type DaySpec =
  | {
      kind: 'date';
      year: number | null;
      /** Null for « samedi 28 » / "the 28th": the month is the reference's or a neighbour. */
      month: number | null;
      day: number;
      /** A day/month without a year or an article (« 1/2 » may be a fraction): needs other time words. */
      weak: boolean;
      /** The weekday written beside the day number, to choose its month (or the order of « 12/3 »). */
      weekday: number | null;
      /** Day and month may be the other way round ("Thursday 12/3" in US order): the weekday decides. */
      swap?: boolean;
    }
  | { kind: 'relative'; offset: number }
  | { kind: 'weekday'; weekday: number; mode: 'nearest' | 'coming' | 'next-week' }
  | { kind: 'weekend'; mode: 'nearest' | 'coming' | 'next-week' };

/** An hour of the day as written: `ambiguous` when it could be am or pm (« 2h », "8"). */
export interface ClockValue {
  hour: number;
  minute: number;
  ambiguous: boolean;
  /** Written as midnight: the start of a day, or the end of the one before. */
  midnight: boolean;
  /** A bare number (« de 5 à 7 »): a time only next to other time words. */
  bare: boolean;
  /** Written with am/pm: an ambiguous hour beside it takes the same half of the day ("8 - 11pm"). */
  meridiem: boolean;
}

export interface DayPart {
  window: readonly [number, number];
  hours: readonly [number, number];
  today: boolean;
  dayOffset: number | null;
  ruleId: string;
}

/** The reading of one lexeme sequence, before it is resolved against the reference. */
export type Item =
  | { t: 'day'; spec: DaySpec; from: number; to: number; ruleId: string }
  | { t: 'span'; first: DaySpec; last: DaySpec; from: number; to: number; ruleId: string }
  | { t: 'clock'; value: ClockValue; from: number; to: number; ruleId: string; atBefore: boolean }
  | { t: 'instant'; minutes: number; from: number; to: number; ruleId: string }
  | { t: 'daypart'; part: DayPart; from: number; to: number; ruleId: string }
  | { t: 'zone'; zone: string; from: number; to: number; ruleId: string }
  | { t: 'duration'; minutes: number; from: number; to: number; ruleId: string }
  | {
      t: 'conn';
      role: 'from' | 'to' | 'and' | 'until' | 'after' | 'before' | 'since' | 'alt';
      between: boolean;
      opens: boolean;
      dash: boolean;
      from: number;
      to: number;
      ruleId: string;
    };
