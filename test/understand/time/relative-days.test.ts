import { describe, expect, it } from 'vitest';
import { one, span } from './helpers.js';

// All references are in Paris winter time (UTC+1).
const at = (local: string) => new Date(`${local}+01:00`);
const WED_10 = at('2026-11-25T10:00:00');
const WED_02 = at('2026-11-25T02:00:00');
const WED_15 = at('2026-11-25T15:00:00');
const SAT_10 = at('2026-11-28T10:00:00');
const SUN_10 = at('2026-11-29T10:00:00');

describe('relative words resolve against the message date (section 6)', () => {
  it('a weekday is its next occurrence whose window ends after the message', () => {
    expect(span('mercredi entre 8h et 9h', WED_10)).toEqual(['2026-12-02T07:00:00Z', '2026-12-02T08:00:00Z']);
    expect(span('mercredi entre 9h et 11h', WED_10)).toEqual([
      '2026-11-25T08:00:00Z',
      '2026-11-25T10:00:00Z',
    ]);
    expect(span('mercredi', WED_10)).toEqual(['2026-11-24T23:00:00Z', '2026-11-25T23:00:00Z']);
    expect(span('mardi', WED_10)).toEqual(['2026-11-30T23:00:00Z', '2026-12-01T23:00:00Z']);
    expect(span('ce samedi', SAT_10)).toEqual(['2026-11-27T23:00:00Z', '2026-11-28T23:00:00Z']);
  });

  it('« prochain » skips today; "next" means next week', () => {
    expect(span('samedi prochain', SAT_10)).toEqual(['2026-12-04T23:00:00Z', '2026-12-05T23:00:00Z']);
    expect(span('next Saturday', SAT_10)).toEqual(['2026-12-04T23:00:00Z', '2026-12-05T23:00:00Z']);
    expect(span('next weekend', WED_10)).toEqual(['2026-12-04T23:00:00Z', '2026-12-06T23:00:00Z']);
  });

  it('the weekend in progress on a Sunday is this weekend', () => {
    expect(span('this weekend', SUN_10)).toEqual(['2026-11-27T23:00:00Z', '2026-11-29T23:00:00Z']);
  });

  it('« ce soir » / "tonight" are the same evening, even written after midnight', () => {
    expect(span('ce soir', WED_02)).toEqual(['2026-11-25T17:00:00Z', '2026-11-25T23:00:00Z']);
    expect(span('tonight', WED_15)).toEqual(['2026-11-25T17:00:00Z', '2026-11-25T23:00:00Z']);
  });

  it('« cette nuit » is the coming night, or the current one before dawn', () => {
    expect(span('cette nuit', WED_10)).toEqual(['2026-11-25T21:00:00Z', '2026-11-26T05:00:00Z']);
    expect(span('cette nuit', WED_02)).toEqual(['2026-11-24T21:00:00Z', '2026-11-25T05:00:00Z']);
    expect(one('cette nuit de 1h à 5h', WED_02)).toMatchObject({
      start: '2026-11-25T00:00:00Z',
      end: '2026-11-25T04:00:00Z',
      usable: true,
    });
    expect(one('tonight at 3', WED_02).start).toBe('2026-11-25T02:00:00Z');
  });

  it('« ce matin » written in the afternoon is past', () => {
    expect(one('ce matin', WED_15)).toMatchObject({ problem: 'past', usable: false });
    expect(one('this morning between 6 and 8', WED_15)).toMatchObject({ problem: 'past' });
  });

  it('« demain », "tomorrow", « après-demain » count days in the zone', () => {
    expect(span('demain', WED_10)).toEqual(['2026-11-25T23:00:00Z', '2026-11-26T23:00:00Z']);
    expect(span('tomorrow 2-4am', WED_10)).toEqual(['2026-11-26T01:00:00Z', '2026-11-26T03:00:00Z']);
    expect(one('après-demain à 14h', WED_10).start).toBe('2026-11-27T13:00:00Z');
  });

  it('a date without a year is this year’s if recent, else next year’s', () => {
    expect(one('le 20/11 entre 2h et 4h', WED_10)).toMatchObject({
      start: '2026-11-20T01:00:00Z',
      problem: 'past',
    });
    expect(one('le 10/10 entre 2h et 4h', WED_10).start).toBe('2027-10-10T00:00:00Z');
    expect(one('le 1er novembre après 16h', WED_10).start).toBe('2026-11-01T15:00:00Z');
  });

  it('a time without a day is the next one still ahead', () => {
    expect(one('à 3h du matin', WED_10).start).toBe('2026-11-26T02:00:00Z');
    expect(one('à 15h', WED_10).start).toBe('2026-11-25T14:00:00Z');
    expect(span('aujourd’hui de 8h à 12h', WED_10)).toEqual(['2026-11-25T07:00:00Z', '2026-11-25T11:00:00Z']);
  });
});
