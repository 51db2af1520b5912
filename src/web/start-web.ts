import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDeskRegistry } from '../metrics/desk-metrics.js';
import { createQueues, throttledRedisErrors } from '../queue/queues.js';
import type { Store } from '../store/store.js';
import { createReprocessCapability } from './reprocess-capability.js';
import { createWebApp } from './web-app.js';

export interface StartWebOptions {
  config: Config;
  store: Store;
  logger: Logger;
}

const PURGE_EVERY_MS = 3_600_000;
/** A staff reply waits at most this long for Redis; past it the worker's outbox sweep sends it. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/** Starts the desk on INTAKE_WEB_HOST:PORT; expired sessions are purged hourly. Returns how to stop it. */
export async function startWeb(options: StartWebOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const { config, store, logger } = options;
  // Without a mailbox (INTAKE_IMAP_URL) the desk still serves everything else; the button says why it is off.
  const reprocess = createReprocessCapability({ config, store, logger });
  const queues = createQueues(
    config.REDIS_URL,
    config.INTAKE_QUEUE_PREFIX,
    throttledRedisErrors((err, source, suppressed) =>
      logger.warn({ err, source, suppressed }, 'redis unreachable: staff replies wait for the outbox sweep'),
    ),
  );
  const app = await createWebApp({
    store,
    logger,
    secureCookies: config.INTAKE_WEB_SECURE_COOKIES,
    trustProxy: config.INTAKE_WEB_TRUST_PROXY,
    sessionTtlMs: config.INTAKE_WEB_SESSION_HOURS * 3_600_000,
    providerTimeZone: config.PROVIDER_TIMEZONE,
    ...(reprocess ? { reprocess: reprocess.reprocess } : {}),
    provider: config.PROVIDER_NAME,
    messageIdDomain: config.INTAKE_MESSAGE_ID_DOMAIN,
    metrics: createDeskRegistry({ processMetrics: true }),
    enqueueReply: async (job) => {
      let deadline: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        deadline = setTimeout(
          () => reject(new Error('reply queue did not answer in time')),
          ENQUEUE_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([queues.addReply(job), timeout]);
      } finally {
        clearTimeout(deadline);
      }
    },
  });
  const purge = async () => {
    try {
      const removed = await store.deleteExpiredSessions(new Date());
      if (removed > 0) logger.info({ removed }, 'expired desk sessions removed');
    } catch (error) {
      logger.warn({ err: error }, 'could not remove expired desk sessions');
    }
  };
  await purge();
  const timer = setInterval(purge, PURGE_EVERY_MS);
  timer.unref();
  const url = await app.listen({ host: config.INTAKE_WEB_HOST, port: config.PORT });
  return {
    url,
    async stop() {
      clearInterval(timer);
      await app.close();
      await reprocess?.close();
      await queues.close();
    },
  };
}
