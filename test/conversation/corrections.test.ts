import { describe, expect, it } from 'vitest';
import { CorrectionInput } from '../../src/conversation/correction-fields.js';
import { addCorrection, STAFF_SOURCE, withdrawCorrection } from '../../src/conversation/corrections.js';
import type { ConversationRecord } from '../../src/conversation/record.js';
import { policyTable } from '../../src/decide/decide.js';
import { redecide } from '../../src/decide/redecide.js';
import { createAdvance } from '../../src/pipeline/advance.js';
import { canMoveTo } from '../../src/record/desk-status.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { correctionFromForm, toUtc } from '../../src/web/correction-form.js';
import { facts, stated, x } from '../support/facts.js';

const advance = createAdvance(shippedRules(), { provider: 'INTROSERV' });
const table = policyTable(shippedRules());
const ID = 'INT-000007';
const AT = '2026-11-25T10:00:00.000Z';

/** A reinstall of SRV-1 that says nothing about the backup. */
const first = facts({
  messageId: '<m1@example.com>',
  requestTypes: [x('os_reinstall')],
  server: { serviceIds: [x('SRV-1')], ips: [], hostnames: [] },
});

function corrected(record: ConversationRecord, field: string, value: unknown) {
  const input = CorrectionInput.parse({ field, value, note: 'phoned the customer' });
  return addCorrection(record, input, 'desk:alice@example.org', AT);
}

describe('staff corrections', () => {
  it('win over a replay of the same message and over later messages, which go to history', () => {
    const one = advance(ID, null, first);
    expect(one.decision.missing).toContain('backup');
    const fixed = corrected(one.record, 'backup', 'confirmed');
    expect(fixed.backup).toEqual({ value: 'confirmed', messageId: null, evidence: [] });
    expect(fixed.corrections?.backup).toMatchObject({
      value: 'confirmed',
      by: 'desk:alice@example.org',
      at: AT,
      note: 'phoned the customer',
      parsed: { value: 'unspecified' },
      later: null,
    });
    expect(fixed.history.at(-1)).toEqual({
      field: 'backup',
      value: 'confirmed',
      messageId: STAFF_SOURCE,
      actor: 'desk:alice@example.org',
    });
    expect(redecide(fixed, table, { status: 'awaiting_customer', line: {} }).missing).not.toContain('backup');

    // The same message again (a replay) changes nothing of the correction.
    const replayed = advance(ID, fixed, first);
    expect(replayed.record.backup.value).toBe('confirmed');
    expect(replayed.record.corrections?.backup?.later).toBeNull();
    expect(replayed.decision.missing).not.toContain('backup');

    // A later message says otherwise: kept in the history and beside the correction, never in its place.
    const second = facts({ messageId: '<m2@example.com>', backup: stated('no_backup_acknowledged') });
    const two = advance(ID, replayed.record, second);
    expect(two.record.backup.value).toBe('confirmed');
    expect(two.record.corrections?.backup?.later).toEqual({
      value: 'no_backup_acknowledged',
      messageId: '<m2@example.com>',
    });
    expect(two.record.history).toContainEqual({
      field: 'backup',
      value: 'no_backup_acknowledged',
      messageId: '<m2@example.com>',
    });

    // Withdrawn, the latest parsed value returns with its source.
    const back = withdrawCorrection(two.record, 'backup', 'desk:bob@example.org')!;
    expect(back.backup).toMatchObject({ value: 'no_backup_acknowledged', messageId: '<m2@example.com>' });
    expect(back.corrections).toEqual({});
    expect(back.history.at(-1)).toMatchObject({ field: 'backup', actor: 'desk:bob@example.org' });
    expect(withdrawCorrection(back, 'backup', 'desk:bob@example.org')).toBeNull();
  });

  it('replaces a list field as a whole; the servers a later message adds are shown, not merged', () => {
    const one = advance(ID, null, first);
    const fixed = corrected(one.record, 'serviceIds', ['SRV-2', 'SRV-2']);
    expect(fixed.serviceIds.map((s) => s.value)).toEqual(['SRV-2']);
    const two = advance(
      ID,
      fixed,
      facts({ messageId: '<m3@example.com>', server: { serviceIds: [x('SRV-3')], ips: [], hostnames: [] } }),
    );
    expect(two.record.serviceIds.map((s) => s.value)).toEqual(['SRV-2']);
    expect(two.record.corrections?.serviceIds?.later?.value).toEqual(['SRV-1', 'SRV-3']);
    // A second correction of another field keeps the first one.
    const both = corrected(two.record, 'os', { distribution: 'debian', version: '12' });
    expect(both.serviceIds.map((s) => s.value)).toEqual(['SRV-2']);
    expect(both.os.value).toEqual({
      distribution: 'debian',
      version: '12',
      edition: null,
      partitioning: null,
      raid: null,
    });
  });

  it('recomputes missing but keeps a workflow state, and keeps the reasons the messages gave', () => {
    const one = advance(ID, null, first);
    const fixed = corrected(one.record, 'backup', 'confirmed');
    expect(redecide(fixed, table, { status: 'scheduled', line: { reviewReasons: [] } }).status).toBe(
      'scheduled',
    );
    const review = redecide(fixed, table, {
      status: 'needs_review',
      line: { reviewReasons: ['contradiction:power', 'sender_not_contact'] },
    });
    expect(review.status).toBe('needs_review');
    expect(review.line).toMatchObject({ reviewReasons: ['contradiction:power', 'sender_not_contact'] });
    expect(
      redecide(fixed, table, { status: 'needs_review', line: { reviewReasons: ['not_a_request'] } }).status,
    ).toBe('awaiting_customer');
  });

  it('validates every value with the record schema', () => {
    const valid = (field: string, value: unknown) => CorrectionInput.safeParse({ field, value }).success;
    expect(valid('backup', 'maybe')).toBe(false);
    expect(valid('ips', ['10.0.0.300'])).toBe(false);
    expect(valid('hostnames', ['javascript:alert(1)'])).toBe(false);
    expect(valid('requestTypes', ['coffee'])).toBe(false);
    expect(valid('power', { authorization: 'granted', windows: [{ start: AT, end: AT }] })).toBe(false);
    expect(
      valid('power', { authorization: 'window', windows: [{ start: AT, end: '2026-11-25T09:00:00.000Z' }] }),
    ).toBe(false);
    expect(valid('history', [])).toBe(false);
    expect(CorrectionInput.parse({ field: 'ips', value: ['2001:DB8:0:0:0:0:0:1'] }).value).toEqual([
      '2001:db8::1',
    ]);
    expect(CorrectionInput.parse({ field: 'hostnames', value: ['Web1.Example.COM'] }).value).toEqual([
      'web1.example.com',
    ]);
    expect(CorrectionInput.parse({ field: 'os', value: null }).value).toBeNull();
  });

  it('reads windows typed in the provider zone (with daylight saving) and stores UTC', () => {
    expect(toUtc('2026-03-07 02:00', 'Europe/Paris')).toBe('2026-03-07T01:00:00.000Z');
    expect(toUtc('2026-07-04T02:00', 'Europe/Paris')).toBe('2026-07-04T00:00:00.000Z');
    expect(toUtc('2026-07-04T02:00:00+02:00', 'Europe/Paris')).toBe('2026-07-04T00:00:00.000Z');
    expect(toUtc('next saturday', 'Europe/Paris')).toBe('next saturday');
    const form = correctionFromForm(
      {
        field: 'power',
        authorization: 'window',
        limited: 'on',
        windows: '2026-03-07 02:00 - 2026-03-07 04:00\n',
      },
      'Europe/Paris',
    );
    expect(CorrectionInput.parse(form).value).toEqual({
      authorization: 'window',
      limited: true,
      windows: [{ start: '2026-03-07T01:00:00.000Z', end: '2026-03-07T03:00:00.000Z' }],
    });
  });
});

describe('staff workflow', () => {
  it('allows ready → scheduled → done and scheduled → ready only', () => {
    expect(canMoveTo('ready', 'scheduled')).toBe(true);
    expect(canMoveTo('scheduled', 'done')).toBe(true);
    expect(canMoveTo('scheduled', 'ready')).toBe(true);
    expect(canMoveTo('ready', 'done')).toBe(false);
    expect(canMoveTo('awaiting_customer', 'scheduled')).toBe(false);
    expect(canMoveTo('needs_review', 'scheduled')).toBe(false);
    expect(canMoveTo('done', 'ready')).toBe(false);
    expect(canMoveTo('done', 'scheduled')).toBe(false);
  });
});
