import { describe, expect, it } from 'vitest';
import { one, span, times } from './helpers.js';

// Reference: Wednesday 25 November 2026, 10:00 in Paris (CET, UTC+1), provider zone Europe/Paris.

describe('French windows (section 6)', () => {
  it('reads « entre 2h et 4h » as the next night whose window is still ahead', () => {
    expect(span('entre 2h et 4h')).toEqual(['2026-11-26T01:00:00Z', '2026-11-26T03:00:00Z']);
  });

  it('reads « de 22h à minuit » as this evening until midnight', () => {
    expect(span('de 22h à minuit')).toEqual(['2026-11-25T21:00:00Z', '2026-11-25T23:00:00Z']);
  });

  it('reads « cette nuit de 1h à 5h » as the coming night', () => {
    expect(span('cette nuit de 1h à 5h')).toEqual(['2026-11-26T00:00:00Z', '2026-11-26T04:00:00Z']);
  });

  it('reads « samedi » as the whole coming Saturday', () => {
    const found = one('Vous pouvez le redémarrer samedi.');
    expect([found.start, found.end]).toEqual(['2026-11-27T23:00:00Z', '2026-11-28T23:00:00Z']);
    expect(found).toMatchObject({ kind: 'window', usable: true, problem: null, text: 'samedi' });
  });

  it('reads « samedi entre 2h et 4h » and keeps its words and offset', () => {
    const text =
      'Vous pouvez arrêter le serveur samedi 28 novembre entre 2h et 4h du matin pour la barrette.';
    const found = one(text);
    expect([found.start, found.end]).toEqual(['2026-11-28T01:00:00Z', '2026-11-28T03:00:00Z']);
    expect(found.text).toBe('samedi 28 novembre entre 2h et 4h du matin');
    expect(text.slice(found.index, found.index + found.text.length)).toBe(found.text);
    expect(found.zone).toBe('Europe/Paris');
  });

  it('reads « le 3 décembre de 22h à minuit »', () => {
    const found = one('Intervention possible le 3 décembre de 22h à minuit.');
    expect([found.start, found.end]).toEqual(['2026-12-03T21:00:00Z', '2026-12-03T23:00:00Z']);
    expect(found.text).toBe('3 décembre de 22h à minuit');
  });

  it('reads « demain matin entre 6h et 8h »', () => {
    expect(span('Redémarrage possible demain matin entre 6h et 8h.')).toEqual([
      '2026-11-26T05:00:00Z',
      '2026-11-26T07:00:00Z',
    ]);
  });

  it('keeps « ce soir après 22h » as an open window', () => {
    expect(one('ce soir après 22h')).toMatchObject({
      start: '2026-11-25T21:00:00Z',
      end: null,
      usable: false,
      problem: 'open_end',
    });
  });

  it('reads « ce soir après 20h et jusqu’à minuit » as one closed window', () => {
    expect(span('Vous pouvez arrêter le serveur ce soir après 20h et jusqu’à minuit.')).toEqual([
      '2026-11-25T19:00:00Z',
      '2026-11-25T23:00:00Z',
    ]);
  });

  it('crosses midnight when the end is before the start', () => {
    expect(span('entre 23h et 2h')).toEqual(['2026-11-25T22:00:00Z', '2026-11-26T01:00:00Z']);
    expect(span('de 20h à 8h')).toEqual(['2026-11-25T19:00:00Z', '2026-11-26T07:00:00Z']);
    expect(span('le 24 décembre de 23h30 à 0h30')).toEqual(['2026-12-24T22:30:00Z', '2026-12-24T23:30:00Z']);
    expect(span('le mardi 1er décembre de 22h à 2h du matin')).toEqual([
      '2026-12-01T21:00:00Z',
      '2026-12-02T01:00:00Z',
    ]);
  });

  it('reads explicit dates: « le 28/11 », « 28.11.2026 », ISO', () => {
    expect(span('le 28/11')).toEqual(['2026-11-27T23:00:00Z', '2026-11-28T23:00:00Z']);
    expect(span('le 28.11.2026 de 22:00 à 23:30')).toEqual(['2026-11-28T21:00:00Z', '2026-11-28T22:30:00Z']);
    expect(span('Créneau : mardi 1/12 de 23h00 à 01h00.')).toEqual([
      '2026-12-01T22:00:00Z',
      '2026-12-02T00:00:00Z',
    ]);
    // A day and month already well past are next year's.
    expect(span('le 3/1 entre 1h et 2h')).toEqual(['2027-01-03T00:00:00Z', '2027-01-03T01:00:00Z']);
  });

  it('reads hours of the day written in words and with day parts', () => {
    expect(one('à seize heures').start).toBe('2026-11-25T15:00:00Z');
    expect(one('8h du soir').start).toBe('2026-11-25T19:00:00Z');
    expect(one('mercredi soir vers 23h').start).toBe('2026-11-25T22:00:00Z');
    expect(span('entre midi et 2')).toEqual(['2026-11-25T11:00:00Z', '2026-11-25T13:00:00Z']);
    expect(span('de 11h30 à 1h30')).toEqual(['2026-11-25T10:30:00Z', '2026-11-25T12:30:00Z']);
  });

  it('reads a duration after a start as its end', () => {
    expect(span('à 22h pendant 2 heures')).toEqual(['2026-11-25T21:00:00Z', '2026-11-25T23:00:00Z']);
    expect(span('demain 14h pendant 1h30')).toEqual(['2026-11-26T13:00:00Z', '2026-11-26T14:30:00Z']);
    expect(span('à 14h pendant une demi-heure')).toEqual(['2026-11-25T13:00:00Z', '2026-11-25T13:30:00Z']);
  });

  it('splits several windows of one sentence', () => {
    expect(times('samedi et dimanche entre 2h et 4h').map((t) => t.start)).toEqual([
      '2026-11-28T01:00:00Z',
      '2026-11-29T01:00:00Z',
    ]);
    const two = times('vendredi 4/12 entre 18h et 20h, ou samedi 5/12 entre 8h et 10h');
    expect(two.map((t) => [t.start, t.end])).toEqual([
      ['2026-12-04T17:00:00Z', '2026-12-04T19:00:00Z'],
      ['2026-12-05T07:00:00Z', '2026-12-05T09:00:00Z'],
    ]);
    expect(times('avant 8h ou après 20h').map((t) => t.problem)).toEqual(['open_start', 'open_end']);
  });

  it('reads « la nuit de samedi à dimanche » as one night', () => {
    expect(span('dans la nuit de samedi à dimanche entre 2h et 4h')).toEqual([
      '2026-11-29T01:00:00Z',
      '2026-11-29T03:00:00Z',
    ]);
    expect(span('dans la nuit de mardi à mercredi')).toEqual([
      '2026-12-01T21:00:00Z',
      '2026-12-02T05:00:00Z',
    ]);
  });

  it('reads day ranges', () => {
    expect(span('du lundi au vendredi')).toEqual(['2026-11-29T23:00:00Z', '2026-12-04T23:00:00Z']);
    expect(span('du 30 au 2 décembre')).toEqual(['2026-11-29T23:00:00Z', '2026-12-02T23:00:00Z']);
    expect(times('du lundi au mercredi de 22h à 6h')).toHaveLength(3);
  });

  it('reads « prochain », the weekend and « maintenant »', () => {
    expect(one('samedi prochain entre 2h et 4h').start).toBe('2026-11-28T01:00:00Z');
    expect(span('ce week-end')).toEqual(['2026-11-27T23:00:00Z', '2026-11-29T23:00:00Z']);
    expect(span('dès maintenant et jusqu’à 18h')).toEqual(['2026-11-25T09:00:00Z', '2026-11-25T17:00:00Z']);
    expect(one('dans 2 heures')).toMatchObject({ kind: 'point', start: '2026-11-25T11:00:00Z' });
  });

  it('reads « pas avant » as a start and « pas après » as an end', () => {
    expect(one('ne redémarrez pas avant 22h')).toMatchObject({
      start: '2026-11-25T21:00:00Z',
      problem: 'open_end',
    });
    expect(one('pas après 6h')).toMatchObject({ start: null, problem: 'open_start' });
  });

  it('reports past, open and point-only times as unusable', () => {
    expect(one('hier entre 2h et 4h')).toMatchObject({ usable: false, problem: 'past' });
    expect(one('le 24/11 entre 2h et 4h')).toMatchObject({ usable: false, problem: 'past' });
    expect(one('jusqu’à 16h')).toMatchObject({ start: null, usable: false, problem: 'open_start' });
    expect(one('à 15h')).toMatchObject({ kind: 'point', end: null, usable: false, problem: 'point_only' });
    expect(one('depuis cette nuit')).toMatchObject({ start: '2026-11-24T21:00:00Z', problem: 'open_end' });
    // A window already begun but not over is usable.
    expect(one('aujourd’hui de 8h à 12h')).toMatchObject({ usable: true, problem: null });
  });

  it('finds nothing in server talk without time words', () => {
    for (const text of [
      'Le serveur SRV-10234 (203.0.113.7) a 2 disques de 4 To en RAID 1 sous Ubuntu 22.04.',
      'Support 24h/24 et 7j/7, joignable 24/7.',
      'Merci de ne pas redémarrer pendant les heures ouvrées.',
      'Intervention possible en heures non ouvrées uniquement.',
      'Remplacez les disques de 5 à 7, baie 3-4.',
      'Le ticket #482913 du 12/11 est toujours ouvert.',
      'C’est urgent, il est en panne.',
      'Le serveur redémarre tout seul toutes les 2 heures, depuis 2 heures, il y a 2 heures encore.',
    ]) {
      expect(times(text), text).toEqual([]);
    }
  });
});
