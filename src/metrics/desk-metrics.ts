import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The desk process's registry: its own, with the process metrics (CPU, memory, event loop lag) of this
 * process only when asked — `intake web` asks; the tests, which make hundreds of desks, do not.
 */
export function createDeskRegistry(options: { processMetrics: boolean }): Registry {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'intake_' });
  return registry;
}

/**
 * Times every request, labelled by the route's pattern (`/conversations/:id`, never the id itself, so that
 * the series stay few) and the status code. Requests no route matched count as `unmatched`.
 */
export function timeRequests(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'intake_http_request_duration_seconds',
    help: 'Review desk requests by method, route pattern and status code, from arrival to the response sent',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
