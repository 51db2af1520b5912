import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { runWorker } from '../worker/run-worker.js';
import { untilStopSignal } from './stop-signal.js';

const STOP_TIMEOUT_MS = 30_000;

/**
 * `intake worker`: runs until SIGTERM or SIGINT, then stops taking jobs, finishes the ones in flight and
 * closes the mailbox, within a bounded time.
 */
export async function workerCommand(config: Config): Promise<number> {
  const log = createLogger({ level: config.LOG_LEVEL });
  const runtime = await runWorker(config, log);
  await untilStopSignal(log);
  const timer = setTimeout(() => {
    log.error({ msg: 'stop took too long; exiting' });
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  timer.unref();
  await runtime.stop();
  clearTimeout(timer);
  return 0;
}
