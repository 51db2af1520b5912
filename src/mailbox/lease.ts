import type { Logger } from 'pino';
import { MailboxError } from './mailbox-error.js';

/**
 * The two Redis calls a lease makes. An ioredis instance has them (`new Redis(url)`); the interface keeps
 * this file free of a client dependency and lets any client with the same calls be used.
 */
export interface LeaseRedis {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface Lease {
  readonly key: string;
  readonly ownerId: string;
  /** False once released or lost. */
  readonly held: boolean;
  /** Stops renewing and deletes the key if it is still ours. Never throws: an unreachable Redis lets it expire. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** Called once when the lease is lost: someone else holds it, or it could not be renewed in time. */
  onLost?: (reason: MailboxError) => void;
  logger?: Logger;
}

// Compare-and-extend and compare-and-delete: only the owner may touch the key, atomically.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Takes `key` for `ownerId` for `ttlMs` (SET NX PX), or resolves to null when someone else holds it. The
 * lease renews itself every ttl/3. It counts as lost, and `onLost` is called, as soon as a renewal finds
 * another owner, or when no renewal has succeeded by ttl − ttl/6 after the last good one: the holder must
 * stop before the key can expire and be taken by another process, so renewal failures (Redis down, a hung
 * call) end the lease early rather than late.
 */
export async function acquireLease(
  redis: LeaseRedis,
  key: string,
  ttlMs: number,
  ownerId: string,
  options: LeaseOptions = {},
): Promise<Lease | null> {
  const log = options.logger;
  const renewEveryMs = Math.max(10, Math.floor(ttlMs / 3));
  const marginMs = Math.floor(ttlMs / 6);
  const started = Date.now();
  let acquired = (await redis.set(key, ownerId, 'PX', ttlMs, 'NX')) === 'OK';
  // Ours already (a restart reusing the owner id): extending it is taking it.
  if (!acquired) acquired = Number(await redis.eval(RENEW, 1, key, ownerId, ttlMs)) === 1;
  if (!acquired) return null;

  let held = true;
  let renewTimer: NodeJS.Timeout | null = null;
  let deadlineTimer: NodeJS.Timeout | null = null;
  let renewing = false;

  const clearTimers = () => {
    if (renewTimer) clearInterval(renewTimer);
    if (deadlineTimer) clearTimeout(deadlineTimer);
    renewTimer = null;
    deadlineTimer = null;
  };
  const lose = (reason: MailboxError) => {
    if (!held) return;
    held = false;
    clearTimers();
    log?.warn({ msg: 'lease lost', key, ownerId, reason: reason.message });
    try {
      options.onLost?.(reason);
    } catch (err) {
      log?.error({ err, msg: 'onLost threw', key });
    }
  };
  const armDeadline = (since: number) => {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    const ms = Math.max(0, since + ttlMs - marginMs - Date.now());
    deadlineTimer = setTimeout(
      () => lose(new MailboxError('lease_failed', `lease ${key} could not be renewed before it expires`)),
      ms,
    );
  };
  const renew = async () => {
    // A renewal still pending (Redis slow or down) is not doubled; the deadline covers it.
    if (renewing || !held) return;
    renewing = true;
    const at = Date.now();
    try {
      const result = Number(await redis.eval(RENEW, 1, key, ownerId, ttlMs));
      if (!held) return;
      if (result === 1) armDeadline(at);
      else lose(new MailboxError('lease_failed', `lease ${key} now belongs to someone else`));
    } catch (err) {
      log?.warn({ err, msg: 'lease renewal failed, will retry', key });
    } finally {
      renewing = false;
    }
  };

  armDeadline(started);
  renewTimer = setInterval(() => void renew(), renewEveryMs);

  return {
    key,
    ownerId,
    get held() {
      return held;
    },
    async release() {
      if (!held) return;
      held = false;
      clearTimers();
      try {
        await redis.eval(RELEASE, 1, key, ownerId);
      } catch (err) {
        log?.warn({ err, msg: 'lease release failed; it will expire', key });
      }
    },
  };
}
