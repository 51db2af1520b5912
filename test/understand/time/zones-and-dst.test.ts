import { describe, expect, it } from 'vitest';
import { one, span, times } from './helpers.js';

const WINTER = new Date('2026-11-25T09:00:00Z'); // Wednesday, Paris UTC+1, New York UTC-5
const SUMMER = new Date('2026-07-15T08:00:00Z'); // Wednesday, Paris UTC+2, London UTC+1, New York UTC-4
const JANUARY = new Date('2026-01-10T10:00:00Z');

describe('zones named in the text win over the provider zone', () => {
  it('reads region names as that region’s local time', () => {
    expect(one('22h heure de Paris', WINTER, 'UTC')).toMatchObject({
      start: '2026-11-25T21:00:00Z',
      zone: 'Europe/Paris',
    });
    expect(one('16h heure du Québec', WINTER)).toMatchObject({
      start: '2026-11-25T21:00:00Z',
      zone: 'America/Toronto',
    });
    expect(one('9am PT', WINTER)).toMatchObject({
      start: '2026-11-25T17:00:00Z',
      zone: 'America/Los_Angeles',
    });
    expect(span('2am to 4am UK time', WINTER)).toEqual(['2026-11-26T02:00:00Z', '2026-11-26T04:00:00Z']);
    expect(span('9pm to 11pm ET on Saturday', WINTER)).toEqual([
      '2026-11-29T02:00:00Z',
      '2026-11-29T04:00:00Z',
    ]);
    expect(one('2am-5am Eastern', WINTER).zone).toBe('America/New_York');
  });

  it('reads abbreviations as local time on the date (EST in July is EDT, GMT in July is BST)', () => {
    expect(one('3pm EST', WINTER).start).toBe('2026-11-25T20:00:00Z');
    expect(one('3pm EST', SUMMER).start).toBe('2026-07-15T19:00:00Z');
    expect(one('10:00 GMT', WINTER).start).toBe('2026-11-25T10:00:00Z');
    expect(one('10:00 GMT', SUMMER).start).toBe('2026-07-15T09:00:00Z');
    expect(one('10:00 Europe/London', SUMMER)).toMatchObject({
      start: '2026-07-15T09:00:00Z',
      zone: 'Europe/London',
    });
  });

  it('reads CET and CEST both as Central European local time on that date', () => {
    expect(one('le 18/07/2026 à 10h CET', SUMMER).start).toBe('2026-07-18T08:00:00Z');
    expect(one('le 18/07/2026 à 10h CEST', SUMMER).start).toBe('2026-07-18T08:00:00Z');
    expect(one('le 28/11/2026 à 10h CEST', WINTER).start).toBe('2026-11-28T09:00:00Z');
    expect(one('vendredi 15h cest', WINTER).start).toBe('2026-11-27T14:00:00Z');
  });

  it('keeps explicit UTC offsets fixed', () => {
    expect(one('14:00 GMT+2', WINTER)).toMatchObject({ start: '2026-11-25T12:00:00Z', zone: 'UTC+2' });
    expect(one('9pm UTC-5', WINTER)).toMatchObject({ start: '2026-11-26T02:00:00Z', zone: 'UTC-5' });
    expect(one('at 11 am utc+02 on 2026-11-30', WINTER).start).toBe('2026-11-30T09:00:00Z');
    expect(one('14:00 +02:00', WINTER).start).toBe('2026-11-25T12:00:00Z');
    expect(span('Saturday from 11pm to 3am (our time, UTC-5)', WINTER)).toEqual([
      '2026-11-29T04:00:00Z',
      '2026-11-29T08:00:00Z',
    ]);
  });

  it('lets each bound keep its own zone and day', () => {
    expect(span('10:30 JST today to 10:30 PST tomorrow', WINTER)).toEqual([
      '2026-11-25T01:30:00Z',
      '2026-11-26T18:30:00Z',
    ]);
    expect(span('samedi 22h jusqu’à dimanche 6h', WINTER)).toEqual([
      '2026-11-28T21:00:00Z',
      '2026-11-29T05:00:00Z',
    ]);
  });

  it('resolves relative days in the named zone, else in the provider zone', () => {
    const lateEvening = new Date('2026-11-25T23:30:00Z'); // already 26 November in Paris
    expect(one('tomorrow 10:00 UTC', lateEvening).start).toBe('2026-11-26T10:00:00Z');
    expect(one('demain 10h', lateEvening).start).toBe('2026-11-27T09:00:00Z');
    expect(span('demain entre 2h et 4h', lateEvening)).toEqual([
      '2026-11-27T01:00:00Z',
      '2026-11-27T03:00:00Z',
    ]);
  });

  it('uses the provider zone given by the context, and UTC for an unknown one', () => {
    expect(span('samedi entre 2h et 4h', WINTER, 'America/New_York')).toEqual([
      '2026-11-28T07:00:00Z',
      '2026-11-28T09:00:00Z',
    ]);
    expect(one('entre 2h et 4h', WINTER, 'Mars/Olympus_Mons').zone).toBe('UTC');
    expect(one('10:00 Europe/Atlantis', WINTER).zone).toBe('Europe/Paris');
  });
});

describe('daylight saving time (Europe/Paris: last Sundays of March and October)', () => {
  it('spring forward: a night window loses the skipped hour', () => {
    expect(span('dans la nuit du samedi 28 au dimanche 29 mars 2026 de 1h à 4h', JANUARY)).toEqual([
      '2026-03-29T00:00:00Z',
      '2026-03-29T02:00:00Z',
    ]);
    expect(span('samedi 28 mars 2026 de 22h à 6h', JANUARY)).toEqual([
      '2026-03-28T21:00:00Z',
      '2026-03-29T04:00:00Z',
    ]);
    // 02:00 does not exist that night: the window starts when the clock shows 03:00.
    expect(span('dimanche 29 mars 2026 entre 2h et 4h', JANUARY)).toEqual([
      '2026-03-29T01:00:00Z',
      '2026-03-29T02:00:00Z',
    ]);
  });

  it('fall back: a night window gains the repeated hour', () => {
    expect(span('samedi 24 octobre 2026 de 22h à 6h', JANUARY)).toEqual([
      '2026-10-24T20:00:00Z',
      '2026-10-25T05:00:00Z',
    ]);
    expect(span('dimanche 25 octobre 2026 entre 2h et 4h', JANUARY)).toEqual([
      '2026-10-25T01:00:00Z',
      '2026-10-25T03:00:00Z',
    ]);
    const saturdayNoon = new Date('2026-10-24T10:00:00Z');
    expect(span('cette nuit de 1h à 5h', saturdayNoon)).toEqual([
      '2026-10-24T23:00:00Z',
      '2026-10-25T04:00:00Z',
    ]);
    expect(span('tonight', new Date('2026-03-28T12:00:00Z'))).toEqual([
      '2026-03-28T17:00:00Z',
      '2026-03-28T23:00:00Z',
    ]);
  });

  it('US spring forward in New York time', () => {
    expect(span('Sunday March 8 2026 1am-4am ET', JANUARY)).toEqual([
      '2026-03-08T06:00:00Z',
      '2026-03-08T08:00:00Z',
    ]);
  });

  it('keeps each day of a range on its local midnight across the change', () => {
    const days = times('du samedi 24 au lundi 26 octobre 2026', JANUARY);
    expect(days.map((d) => [d.start, d.end])).toEqual([['2026-10-23T22:00:00Z', '2026-10-26T23:00:00Z']]);
  });
});
