import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { createStore, parseSecretKey } from '../store/index.js';
import { startWeb } from '../web/start-web.js';
import { stopWithin, untilStopSignal } from './stop-signal.js';

/** `intake web`: the review desk on the worker's store, until SIGTERM or SIGINT (then within INTAKE_STOP_TIMEOUT_MS). */
export async function webCommand(config: Config): Promise<number> {
  const log = createLogger({ level: config.LOG_LEVEL });
  const secretKey = config.INTAKE_SECRET_KEY ? parseSecretKey(config.INTAKE_SECRET_KEY) : null;
  const store = await createStore(config.DATABASE_URL, {
    secretKey,
    onError: (error) => log.warn({ err: error }, 'database connection failed'),
  });
  try {
    await store.migrate();
    const web = await startWeb({ config, store, logger: log });
    log.info({ url: web.url }, 'review desk listening');
    await untilStopSignal(log);
    // Requests in flight are let finish (a slow export, a reveal), within the same bound as the worker's.
    await stopWithin(log, config.INTAKE_STOP_TIMEOUT_MS, () => web.stop());
    return 0;
  } finally {
    await store.close();
  }
}
