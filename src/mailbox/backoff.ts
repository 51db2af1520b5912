export interface BackoffOptions {
  /** First delay. Default 500 ms. */
  baseMs?: number;
  /** Longest delay. Default 60 s. */
  capMs?: number;
  /** Fraction of each delay drawn at random (0 to 1), so that many workers do not reconnect in step. Default 0.5. */
  jitter?: number;
  /** A connection that stayed up this long resets the sequence; a shorter one does not. Default 30 s. */
  stableAfterMs?: number;
  random?: () => number;
}

export interface Backoff {
  /**
   * The delay before the next attempt, given since when the connection that just failed had been up
   * (null if it never came up). Only a connection that proved stable resets the sequence: a server that
   * accepts and drops every connection at once still sees the delays grow.
   */
  next(upSince: number | null, now: number): number;
  readonly attempts: number;
}

/** Capped exponential backoff with jitter: min(cap, base·2ⁿ), of which a `jitter` fraction is random. */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 500;
  const capMs = options.capMs ?? 60_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next(upSince, now) {
      if (upSince !== null && now - upSince >= stableAfterMs) attempts = 0;
      // 2^attempts overflows nothing before the cap takes over: stop doubling once there.
      const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempts, 30));
      attempts++;
      return Math.round(ceiling * (1 - jitter * random()));
    },
    get attempts() {
      return attempts;
    },
  };
}
