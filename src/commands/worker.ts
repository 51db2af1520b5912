import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { type MetricsServer, startMetricsServer } from '../metrics/metrics-server.js';
import { runWorker } from '../worker/run-worker.js';
import { stopWithin, untilStopSignal } from './stop-signal.js';

/**
 * `intake worker`: runs until SIGTERM or SIGINT, then stops taking jobs, finishes the ones in flight and
 * closes the mailbox, within INTAKE_STOP_TIMEOUT_MS. Past it the process exits with status 1: a reply cut
 * off mid-send stays `sending` in the outbox, which the next worker settles from the Sent folder or marks
 * `uncertain`, never sending it twice. Serves /metrics, /healthz and /readyz on INTAKE_METRICS_PORT.
 */
export async function workerCommand(config: Config): Promise<number> {
  const log = createLogger({ level: config.LOG_LEVEL });
  const runtime = await runWorker(config, log);
  let endpoint: MetricsServer | null = null;
  if (config.INTAKE_METRICS_PORT > 0) {
    try {
      endpoint = await startMetricsServer({
        host: config.INTAKE_METRICS_HOST,
        port: config.INTAKE_METRICS_PORT,
        metrics: async () => ({
          contentType: runtime.metrics.contentType,
          text: await runtime.metrics.render(),
        }),
        live: () => runtime.live,
        ready: () => runtime.ready(),
        log,
      });
    } catch (err) {
      // A worker nobody can watch is a misconfiguration to fix now, not to discover during an incident.
      await runtime.stop();
      throw err;
    }
  }
  await untilStopSignal(log);
  await stopWithin(log, config.INTAKE_STOP_TIMEOUT_MS, async () => {
    // /healthz and /readyz answer 503 while the worker stops; the endpoint goes last.
    await runtime.stop();
    await endpoint?.close();
  });
  return 0;
}
