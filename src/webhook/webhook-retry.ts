/** What one delivery attempt came to. */
export type AttemptResult =
  | { kind: 'delivered' }
  | { kind: 'retry'; error: string; retryAfterMs: number | null }
  | { kind: 'permanent'; error: string };

/**
 * An HTTP answer's meaning: 2xx is delivered; 408, 429 and 5xx may pass later; any other status (a 4xx
 * refusal, a redirect we do not follow) will not change by sending again.
 */
export function classifyResponse(status: number, retryAfter: string | null, snippet: string): AttemptResult {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const error = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', error, retryAfterMs: retryAfterMs(retryAfter) };
  }
  return { kind: 'permanent', error };
}

/** `Retry-After` in seconds (the date form is rare from webhook receivers and ignored). */
function retryAfterMs(value: string | null): number | null {
  if (!value || !/^\d{1,6}$/.test(value.trim())) return null;
  return Number(value.trim()) * 1000;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** Fraction of each delay drawn at random, so that receivers coming back are not hit in step. */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 12, baseMs: 5_000, capMs: 30 * 60_000, jitter: 0.5 };

/**
 * When to try again after failed attempt number `attempts` (1-based), or null to give up: capped
 * exponential backoff, min(cap, base·2^(n-1)), a `jitter` fraction of it random; a receiver's
 * Retry-After is honoured up to the cap.
 */
export function nextRetryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfter: number | null = null,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempts - 1, 30));
  const delay = Math.round(ceiling * (1 - policy.jitter * random()));
  return retryAfter === null ? delay : Math.min(policy.capMs, Math.max(delay, retryAfter));
}
