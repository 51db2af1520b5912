/**
 * Failed sign-ins counted per key (an IP address, an email) over a sliding window. Pure state in memory,
 * time passed in: each `intake web` process counts its own failures, which bounds guessing per process;
 * a restart forgets them (the argon2 cost still makes each guess slow).
 */
export interface LoginThrottleOptions {
  /** Failures allowed per key within the window. */
  maxFailures: number;
  windowMs: number;
  /** Keys kept at most; the oldest go first, so a flood of addresses cannot exhaust memory. */
  maxKeys?: number;
}

export interface LoginThrottle {
  /** Milliseconds until a sign-in may be tried again for every key, 0 when none of them is blocked. */
  retryAfter(keys: readonly string[], now: number): number;
  recordFailure(keys: readonly string[], now: number): void;
  /** A successful sign-in clears the key's failures. */
  clear(key: string): void;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const maxKeys = options.maxKeys ?? 10_000;
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((t) => t > now - options.windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  return {
    retryAfter(keys, now) {
      let wait = 0;
      for (const key of keys) {
        const list = recent(key, now);
        if (list.length < options.maxFailures) continue;
        // Blocked until enough of the failures leave the window.
        const oldest = list[list.length - options.maxFailures]!;
        wait = Math.max(wait, oldest + options.windowMs - now);
      }
      return wait;
    },
    recordFailure(keys, now) {
      for (const key of keys) {
        const list = recent(key, now);
        failures.delete(key);
        failures.set(key, [...list, now]);
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
    clear(key) {
      failures.delete(key);
    },
  };
}
