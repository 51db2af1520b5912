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
