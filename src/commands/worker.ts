import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { runWorker } from '../worker/run-worker.js';
import { untilStopSignal } from './stop-signal.js';

/**
 * `intake worker`: runs until SIGTERM or SIGINT, then stops taking jobs, finishes the ones in flight and
 * closes the mailbox, within INTAKE_STOP_TIMEOUT_MS. Past it the process exits with status 1: a reply cut
 * off mid-send stays `sending` in the outbox, which the next worker settles from the Sent folder or marks
 * `uncertain`, never sending it twice.
 */
export async function workerCommand(config: Config): Promise<number> {
  const log = createLogger({ level: config.LOG_LEVEL });
  const runtime = await runWorker(config, log);
  await untilStopSignal(log);
  const timer = setTimeout(() => {
    log.error({ msg: 'stop took too long; exiting', timeoutMs: config.INTAKE_STOP_TIMEOUT_MS });
    process.exit(1);
  }, config.INTAKE_STOP_TIMEOUT_MS);
  timer.unref();
  await runtime.stop();
  clearTimeout(timer);
  return 0;
}
