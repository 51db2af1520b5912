import { IntakeError } from '../errors.js';

/**
 * `work()` or an `IntakeError('timeout')` after `ms`, whichever comes first. The work itself is not
 * cancelled: a scrape or a probe must answer in bounded time even while Redis or IMAP hangs.
 */
export async function withDeadline<T>(work: () => Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntakeError('timeout', `${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), late]);
  } finally {
    clearTimeout(timer);
  }
}
