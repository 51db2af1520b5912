import { describe, expect, it } from 'vitest';
import { one, span, times } from './helpers.js';

// Reference: Wednesday 25 November 2026, 10:00 in Paris (09:00 UTC), provider zone Europe/Paris.

describe('English windows (section 6)', () => {
  it('reads "between 01:00 and 03:00 UTC" as the next such window in UTC', () => {
    const found = one('You can reboot it between 01:00 and 03:00 UTC.');
    expect([found.start, found.end]).toEqual(['2026-11-26T01:00:00Z', '2026-11-26T03:00:00Z']);
    expect(found).toMatchObject({ zone: 'UTC', usable: true, text: 'between 01:00 and 03:00 UTC' });
  });

  it('reads "Saturday 2am-4am" in the provider zone', () => {
    expect(span('Saturday 2am-4am')).toEqual(['2026-11-28T01:00:00Z', '2026-11-28T03:00:00Z']);
    expect(span('Sat 28 Nov 2026 02:00-04:00 UTC')).toEqual(['2026-11-28T02:00:00Z', '2026-11-28T04:00:00Z']);
  });

  it('reads "tonight after 10pm until 6am" across midnight', () => {
    expect(span('tonight after 10pm until 6am')).toEqual(['2026-11-25T21:00:00Z', '2026-11-26T05:00:00Z']);
  });

  it('reads "from 22:00 to 02:00 CET"', () => {
    const found = one('from 22:00 to 02:00 CET');
    expect([found.start, found.end]).toEqual(['2026-11-25T21:00:00Z', '2026-11-26T01:00:00Z']);
    expect(found.zone).toBe('Europe/Paris');
  });

  it('reads "tomorrow" and explicit dates', () => {
    expect(span('you may shut the server down tomorrow between 05:00 and 06:00 UTC')).toEqual([
      '2026-11-26T05:00:00Z',
      '2026-11-26T06:00:00Z',
    ]);
    expect(span('Nov 28')).toEqual(['2026-11-27T23:00:00Z', '2026-11-28T23:00:00Z']);
    expect(span('2026-11-28')).toEqual(['2026-11-27T23:00:00Z', '2026-11-28T23:00:00Z']);
    expect(span('on November 28th, 2026 from 1am to 3am')).toEqual([
      '2026-11-28T00:00:00Z',
      '2026-11-28T02:00:00Z',
    ]);
    expect(span('Saturday, November 28 between 2am and 4am')).toEqual([
      '2026-11-28T01:00:00Z',
      '2026-11-28T03:00:00Z',
    ]);
    expect(span('on 11/28 from 9am to 11am')).toEqual(['2026-11-28T08:00:00Z', '2026-11-28T10:00:00Z']);
    expect(one('the 28th at 3pm').start).toBe('2026-11-28T14:00:00Z');
    expect(span('from 2026-11-28T01:00:00Z to 2026-11-28T03:00:00Z')).toEqual([
      '2026-11-28T01:00:00Z',
      '2026-11-28T03:00:00Z',
    ]);
  });

  it('takes am/pm from the other bound or from the day part', () => {
    expect(span('8pm - 11')).toEqual(['2026-11-25T19:00:00Z', '2026-11-25T22:00:00Z']);
    expect(span('8 - 11pm')).toEqual(['2026-11-25T19:00:00Z', '2026-11-25T22:00:00Z']);
    expect(span('11pm-2')).toEqual(['2026-11-25T22:00:00Z', '2026-11-26T01:00:00Z']);
    expect(span('10 - 11 at night')).toEqual(['2026-11-25T21:00:00Z', '2026-11-25T22:00:00Z']);
    expect(span('tomorrow 9-11 PM UTC')).toEqual(['2026-11-26T21:00:00Z', '2026-11-26T23:00:00Z']);
    expect(one('tonight at 8').start).toBe('2026-11-25T19:00:00Z');
    expect(one('11 tonight').start).toBe('2026-11-25T22:00:00Z');
  });

  it('reads "tonight" with early-morning hours as the coming night', () => {
    expect(one('tonight at 2')).toMatchObject({ kind: 'point', start: '2026-11-26T01:00:00Z' });
    expect(span('tonight')).toEqual(['2026-11-25T17:00:00Z', '2026-11-25T23:00:00Z']);
    expect(span('Saturday night')).toEqual(['2026-11-28T21:00:00Z', '2026-11-29T05:00:00Z']);
  });

  it('reads "next" weekdays as next week, and the weekend as Saturday and Sunday', () => {
    expect(span('next Saturday')).toEqual(['2026-12-04T23:00:00Z', '2026-12-05T23:00:00Z']);
    expect(one('this coming Saturday 2-4am').start).toBe('2026-11-28T01:00:00Z');
    expect(span('this weekend')).toEqual(['2026-11-27T23:00:00Z', '2026-11-29T23:00:00Z']);
    expect(span('Monday to Friday')).toEqual(['2026-11-29T23:00:00Z', '2026-12-04T23:00:00Z']);
    expect(times('Mon-Fri 9am-5pm')).toHaveLength(5);
  });

  it('reads durations and relative instants', () => {
    expect(span('at 10pm for 30 minutes')).toEqual(['2026-11-25T21:00:00Z', '2026-11-25T21:30:00Z']);
    expect(span('tomorrow at 3pm for half an hour')).toEqual([
      '2026-11-26T14:00:00Z',
      '2026-11-26T14:30:00Z',
    ]);
    expect(span('at 1am for an hour')).toEqual(['2026-11-26T00:00:00Z', '2026-11-26T01:00:00Z']);
    expect(one('in 30 minutes')).toMatchObject({ kind: 'point', start: '2026-11-25T09:30:00Z' });
    expect(span('from now until 6pm')).toEqual(['2026-11-25T09:00:00Z', '2026-11-25T17:00:00Z']);
  });

  it('reads open bounds and keeps them unusable', () => {
    expect(one('after 10pm')).toMatchObject({
      start: '2026-11-25T21:00:00Z',
      end: null,
      problem: 'open_end',
    });
    expect(one('not before 10pm')).toMatchObject({ start: '2026-11-25T21:00:00Z', problem: 'open_end' });
    expect(one('before 8am')).toMatchObject({
      start: null,
      end: '2026-11-26T07:00:00Z',
      problem: 'open_start',
    });
    expect(one('until 6pm')).toMatchObject({ start: null, problem: 'open_start', usable: false });
    expect(span('later than 9:30 but before 11:00 on Thursday')).toEqual([
      '2026-11-26T08:30:00Z',
      '2026-11-26T10:00:00Z',
    ]);
  });

  it('reports past times', () => {
    expect(one('last night')).toMatchObject({ usable: false, problem: 'past' });
    expect(one('yesterday between 1am and 3am')).toMatchObject({ problem: 'past' });
    expect(one('since 3am')).toMatchObject({ start: '2026-11-25T02:00:00Z', end: null, problem: 'open_end' });
  });

  it('finds nothing in server talk, business hours or the word "may"', () => {
    for (const text of [
      'Please do not reboot outside business hours, only during our maintenance window.',
      'Between 1 and 3 disks may need replacement in slots 2-3.',
      'Windows Server 2022 Datacenter, 64 GB RAM, 2x 1.92TB, RAID 1.',
      'You may reboot it whenever you like.',
      'I sat down in the sun and wrote this.',
      'Please reboot ASAP, it has been down for 3 hours.',
      'It reboots every 2 hours since the update.',
    ]) {
      expect(times(text), text).toEqual([]);
    }
  });
});
