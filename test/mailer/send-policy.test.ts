import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedToSend,
  DEFAULT_BURST_LIMIT,
  DEFAULT_BURST_WINDOW_MS,
  DEFAULT_DAILY_LIMIT,
  decideSend,
  loopGuard,
  type SendPolicy,
  sendWindows,
} from '../../src/mailer/send-policy.js';
import { automaticRules } from '../../src/reader/detect-automatic.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';

const policy: SendPolicy = {
  dailyLimit: DEFAULT_DAILY_LIMIT,
  burstLimit: DEFAULT_BURST_LIMIT,
  burstWindowMs: DEFAULT_BURST_WINDOW_MS,
  ownAddresses: ['support@hosting.example', 'noc@hosting.example'],
  systemSender: automaticRules(shippedRules()).systemSender,
};
const quiet = { sentToday: 0, sentRecently: 0 };

describe('allowedToSend', () => {
  it('allows while under the limit, refuses at it', () => {
    expect(allowedToSend(0, 3)).toBe(true);
    expect(allowedToSend(2, 3)).toBe(true);
    expect(allowedToSend(3, 3)).toBe(false);
    expect(allowedToSend(40, 3)).toBe(false);
    expect(allowedToSend(0, 0)).toBe(false);
    expect(allowedToSend(1_000, Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('fails closed on counts or limits that are not numbers', () => {
    expect(allowedToSend(Number.NaN, 3)).toBe(false);
    expect(allowedToSend(-1, 3)).toBe(false);
    expect(allowedToSend(0, Number.NaN)).toBe(false);
    expect(allowedToSend(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('is monotonic: a higher count is never allowed when a lower one is refused', () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.nat(1_000), fc.nat(1_000), (a, b, limit) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (!allowedToSend(low, limit)) expect(allowedToSend(high, limit)).toBe(false);
      }),
    );
  });
});

describe('sendWindows', () => {
  it('gives a rolling day and the burst window before now', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const { day, burst } = sendWindows(now, policy);
    expect(day.toISOString()).toBe('2026-11-19T12:00:00.000Z');
    expect(burst.toISOString()).toBe('2026-11-20T11:50:00.000Z');
  });
});

describe('loopGuard', () => {
  it('lets a customer address through', () => {
    for (const to of [
      'ann@example.com',
      'Jean.Dupont@client.fr',
      'replies-team@example.org',
      'noreplyteam@x.fr',
    ]) {
      expect(loopGuard(to, 0, policy)).toEqual({ send: true });
    }
  });

  it('refuses our own addresses, whatever the case or subaddress', () => {
    for (const to of [
      'support@hosting.example',
      'SUPPORT@Hosting.Example',
      'support+INT-7@hosting.example',
    ]) {
      expect(loopGuard(to, 0, policy)).toMatchObject({ send: false, code: 'own_address' });
    }
    expect(loopGuard('noc@hosting.example', 0, policy)).toMatchObject({ code: 'own_address' });
  });

  it('refuses no-reply and system senders with the reader’s rules', () => {
    for (const to of [
      'noreply@bank.example',
      'no-reply@example.com',
      'do-not-reply@example.com',
      'ne-pas-repondre@impots.example',
      'MAILER-DAEMON@mx.example.com',
      'postmaster@example.com',
      'billing-noreply@example.com',
    ]) {
      const decision = loopGuard(to, 0, policy);
      expect(decision, to).toMatchObject({ send: false, code: 'system_sender' });
      expect(decision.send === false && decision.reason).toMatch(/rule automatic\.sender\./);
    }
  });

  it('refuses an address that already got too many replies in the burst window', () => {
    expect(loopGuard('ann@example.com', DEFAULT_BURST_LIMIT - 1, policy)).toEqual({ send: true });
    const decision = loopGuard('ann@example.com', DEFAULT_BURST_LIMIT, policy);
    expect(decision).toMatchObject({ send: false, code: 'burst_limit' });
    expect(decision.send === false && decision.reason).toContain('10 min');
  });

  it('refuses what is not one plain address', () => {
    for (const to of [
      '',
      'ann',
      'Ann <ann@example.com>',
      'a@example.com, b@example.com',
      'a b@example.com',
    ]) {
      expect(loopGuard(to, 0, policy)).toMatchObject({ send: false, code: 'no_recipient' });
    }
  });
});

describe('decideSend', () => {
  it('applies the loop guard first, then the daily limit', () => {
    expect(decideSend('ann@example.com', quiet, policy)).toEqual({ send: true });
    expect(
      decideSend('ann@example.com', { sentToday: DEFAULT_DAILY_LIMIT - 1, sentRecently: 0 }, policy),
    ).toEqual({
      send: true,
    });
    const limited = decideSend(
      'ann@example.com',
      { sentToday: DEFAULT_DAILY_LIMIT, sentRecently: 0 },
      policy,
    );
    expect(limited).toMatchObject({ send: false, code: 'daily_limit' });
    expect(limited.send === false && limited.reason).toContain(`limit ${DEFAULT_DAILY_LIMIT}`);
    expect(decideSend('noreply@x.example', { sentToday: 99, sentRecently: 99 }, policy)).toMatchObject({
      code: 'system_sender',
    });
    expect(decideSend('ann@example.com', { sentToday: 99, sentRecently: 99 }, policy)).toMatchObject({
      code: 'burst_limit',
    });
  });

  it('never lets a refused address through, whatever the counts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('support@hosting.example', 'noreply@example.com', 'not an address'),
        fc.nat(100),
        fc.nat(100),
        (to, sentToday, sentRecently) => {
          expect(decideSend(to, { sentToday, sentRecently }, policy).send).toBe(false);
        },
      ),
    );
  });
});
