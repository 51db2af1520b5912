import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FoundTime } from '../../../src/understand/time/index.js';
import { times } from './helpers.js';

const HOUR = 3_600_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const FIXED_ZONES = ['UTC', 'Asia/Tokyo', 'UTC+5:30', 'UTC-3'];
const DST_ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Europe/London'];

const reference = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));

const pad = (n: number) => String(n).padStart(2, '0');
const ampm = (h: number) => `${h % 12 === 0 ? 12 : h % 12}${h < 12 ? 'am' : 'pm'}`;

/** « entre Xh et Yh » and "between X and Y" in the forms people write them. */
const betweenPhrase = fc
  .record({
    x: fc.integer({ min: 0, max: 23 }),
    y: fc.integer({ min: 0, max: 23 }),
    form: fc.constantFrom('fr-h', 'fr-de', 'fr-colon', 'en-colon', 'en-ampm', 'en-from'),
  })
  .filter(({ x, y }) => x !== y)
  .map(({ x, y, form }) => {
    switch (form) {
      case 'fr-h':
        return `entre ${x}h et ${y}h`;
      case 'fr-de':
        return `de ${x}h${pad(30)} à ${y}h`;
      case 'fr-colon':
        return `entre ${pad(x)}:00 et ${pad(y)}:00`;
      case 'en-colon':
        return `between ${pad(x)}:00 and ${pad(y)}:00`;
      case 'en-ampm':
        return `between ${ampm(x)} and ${ampm(y)}`;
      default:
        return `from ${ampm(x)} to ${ampm(y)}`;
    }
  });

function checkInvariants(text: string, found: FoundTime[]): void {
  for (const t of found) {
    expect(text.slice(t.index, t.index + t.text.length)).toBe(t.text);
    if (t.start !== null) expect(t.start).toMatch(ISO);
    if (t.end !== null) expect(t.end).toMatch(ISO);
    if (t.start !== null && t.end !== null) expect(Date.parse(t.start)).toBeLessThan(Date.parse(t.end));
    if (t.kind === 'point') expect(t.problem).toBe('point_only');
    expect(t.usable).toBe(t.problem === null);
    if (t.usable) expect(t.start !== null && t.end !== null).toBe(true);
  }
}

describe('properties', () => {
  it('a well-formed « entre X et Y » / "between X and Y" is one usable window under 24 h (fixed zones)', () => {
    fc.assert(
      fc.property(reference, betweenPhrase, fc.constantFrom(...FIXED_ZONES), (ref, phrase, zone) => {
        const found = times(phrase, ref, zone);
        expect(found).toHaveLength(1);
        const [t] = found as [FoundTime];
        const length = Date.parse(t.end!) - Date.parse(t.start!);
        expect(length).toBeGreaterThan(0);
        expect(length).toBeLessThan(24 * HOUR);
        expect(t.usable).toBe(true);
        expect(Date.parse(t.end!)).toBeGreaterThan(ref.getTime());
      }),
      { numRuns: 400 },
    );
  });

  it('the same holds in zones with daylight saving, up to the one hour a change adds', () => {
    fc.assert(
      fc.property(reference, betweenPhrase, fc.constantFrom(...DST_ZONES), (ref, phrase, zone) => {
        const [t] = times(phrase, ref, zone) as [FoundTime];
        const length = Date.parse(t.end!) - Date.parse(t.start!);
        expect(length).toBeGreaterThan(0);
        expect(length).toBeLessThanOrEqual(24 * HOUR);
        expect(t.usable).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary strings, and what it returns is consistent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), reference, (text, ref) => {
        checkInvariants(text, times(text, ref));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on soups of time words', () => {
    const word = fc.constantFrom(
      ...'samedi entre 2h et 4h de à minuit midi ce soir cette nuit tonight after before until - – 11pm 8 30 UTC CET GMT+2 EST le 28/11 Nov 28 2026-11-28 demain tomorrow prochain next du au jusqu’à pendant for dans in 2 heures hours minutes week-end matin morning ou or 1er 31 24 0h 23:59 12am 12pm 00:00 24:00 heure de Paris UK time Europe/London depuis since maintenant'.split(
        ' ',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 25 }),
        fc.constantFrom(' ', ', ', ' ', '\n'),
        reference,
        (words, sep, ref) => {
          const text = words.join(sep);
          checkInvariants(text, times(text, ref));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('is fast on long hostile strings', () => {
    const N = 50_000;
    const hostile = [
      '1'.repeat(N),
      '1h '.repeat(N / 3),
      '10:00 '.repeat(N / 6),
      '1-'.repeat(N / 2),
      'samedi entre 2h et 4h '.repeat(N / 22),
      'de 2 à '.repeat(N / 7),
      'et '.repeat(N / 3),
      ' '.repeat(N),
      'é '.repeat(N / 2),
      'nuit '.repeat(N / 5),
      `${'a'.repeat(N)}h`,
      'Le 1 à 10:00 '.repeat(N / 13),
      'On Mon, 1 Jan 2026 at 10:00 <a@b> '.repeat(N / 34),
      '2026-11-28T01:00:00Z '.repeat(N / 21),
    ];
    for (const text of hostile) {
      const started = performance.now();
      const found = times(text);
      const elapsed = performance.now() - started;
      expect(elapsed, `${text.slice(0, 20)}… took ${elapsed.toFixed(0)} ms`).toBeLessThan(1500);
      checkInvariants(text, found.slice(0, 50));
    }
  });

  it('costs well under a millisecond for a typical message', () => {
    const message = `Bonjour,

Le serveur SRV-10234 (203.0.113.7) ne répond plus depuis cette nuit et nous ne pouvons plus nous
connecter en SSH. Merci de le redémarrer et de lancer un diagnostic. Vous pouvez l’arrêter samedi
28 novembre entre 2h et 4h du matin. Ubuntu 22.04, 32 Go de RAM, RAID 1. Sauvegarde d’hier soir.

Cordialement,
Jeanne Martin`;
    for (let i = 0; i < 50; i++) times(message);
    const runs = 300;
    const started = performance.now();
    for (let i = 0; i < runs; i++) times(message);
    expect((performance.now() - started) / runs).toBeLessThan(1);
  });
});
