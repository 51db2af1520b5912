/** Socket-level failures: the peer is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** What ioredis says when a command meets a connection that is closed or being re-established. */
const CLOSED = /Connection is closed|Stream isn't writeable|max retries per request|connect ETIMEDOUT/i;

/**
 * Whether a queue error means "Redis cannot be reached right now" (logged once per period while ioredis
 * reconnects) rather than a fault of its own (a script error, a lock lost to a stalled job, a bad reply),
 * which must be logged in full every time: folding those into "Redis unreachable" hid them.
 */
export function isRedisConnectionError(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 3) return false;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError' || CLOSED.test(err.message)) return true;
  return isRedisConnectionError((err as Error & { cause?: unknown }).cause, depth + 1);
}
