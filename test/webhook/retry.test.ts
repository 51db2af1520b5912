import { describe, expect, it } from 'vitest';
import { statusChangedPayload } from '../../src/webhook/webhook-payload.js';
import { classifyResponse, nextRetryDelayMs } from '../../src/webhook/webhook-retry.js';

describe('webhook delivery outcomes', () => {
  it('delivers on 2xx, retries 408, 429 and 5xx, and takes other answers as final', () => {
    for (const status of [200, 201, 202, 204])
      expect(classifyResponse(status, null, '').kind).toBe('delivered');
    for (const status of [408, 429, 500, 502, 503, 504])
      expect(classifyResponse(status, null, '').kind).toBe('retry');
    for (const status of [301, 302, 400, 401, 403, 404, 410, 413, 422]) {
      expect(classifyResponse(status, null, 'no').kind).toBe('permanent');
    }
    expect(classifyResponse(503, '120', 'busy')).toEqual({
      kind: 'retry',
      error: 'HTTP 503: busy',
      retryAfterMs: 120_000,
    });
    expect(classifyResponse(503, 'Wed, 21 Oct 2015 07:28:00 GMT', '')).toMatchObject({ retryAfterMs: null });
  });

  it('backs off exponentially with jitter, up to the cap, and gives up after the last attempt', () => {
    const policy = { maxAttempts: 6, baseMs: 1000, capMs: 10_000, jitter: 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => nextRetryDelayMs(n, policy, () => 0))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(nextRetryDelayMs(3, policy, () => 1)).toBe(2000);
    expect(nextRetryDelayMs(6, policy, () => 0)).toBeNull();
    // A receiver's Retry-After is honoured, within the cap.
    expect(nextRetryDelayMs(1, policy, () => 0, 5000)).toBe(5000);
    expect(nextRetryDelayMs(1, policy, () => 0, 3_600_000)).toBe(10_000);
    for (let n = 1; n < 6; n++) {
      const delay = nextRetryDelayMs(n, policy, Math.random)!;
      expect(delay).toBeGreaterThanOrEqual(Math.min(10_000, 1000 * 2 ** (n - 1)) / 2);
      expect(delay).toBeLessThanOrEqual(10_000);
    }
  });

  it('builds the payload from the event alone: what changed and the conversation then, nothing else', () => {
    const payload = statusChangedPayload({
      id: 7,
      conversationId: 'INT-000042',
      from: 'awaiting_customer',
      to: 'ready',
      subject: 'Disque',
      requestTypes: ['hardware'],
      server: 'SRV-1',
      missing: [],
      at: '2026-03-03T10:00:00.000Z',
      delivery: 'pending',
      attempts: 1,
      nextAttemptAt: '2026-03-03T10:01:00.000Z',
      lastError: null,
      deliveredAt: null,
    });
    expect(payload).toEqual({
      id: 'status-7',
      type: 'conversation.status_changed',
      occurredAt: '2026-03-03T10:00:00.000Z',
      conversation: {
        id: 'INT-000042',
        from: 'awaiting_customer',
        to: 'ready',
        subject: 'Disque',
        requestTypes: ['hardware'],
        server: 'SRV-1',
        missing: [],
      },
    });
  });
});
