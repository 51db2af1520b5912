import type { Logger } from 'pino';

/** Resolves at the first SIGTERM or SIGINT (logged), then listens no more: a second signal kills as usual. */
export function untilStopSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      log.info({ msg: 'stopping', signal });
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Runs `stop` under a deadline: past `timeoutMs` the process exits with status 1 rather than hang in an
 * orchestrator that would SIGKILL it anyway, after its own grace period, without the log line saying why.
 */
export async function stopWithin(log: Logger, timeoutMs: number, stop: () => Promise<void>): Promise<void> {
  const timer = setTimeout(() => {
    log.error({ msg: 'stop took too long; exiting', timeoutMs });
    process.exit(1);
  }, timeoutMs);
  timer.unref();
  try {
    await stop();
  } finally {
    clearTimeout(timer);
  }
}
