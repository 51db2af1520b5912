import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { IntakeError } from '../errors.js';
import type { ReadinessReport } from './readiness.js';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (tests); the caller decides whether the server runs at all. */
  port: number;
  /** The exposition text and its content type. */
  metrics(): Promise<{ contentType: string; text: string }>;
  /** False once the process is stopping: /healthz then answers 503. */
  live(): boolean;
  ready(): Promise<ReadinessReport>;
  log: Logger;
}

export interface MetricsServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/**
 * The worker's own small HTTP endpoint (the worker has no web server): /metrics for Prometheus, /healthz
 * (the process runs and is not stopping: a liveness probe), /readyz (its dependencies answer: a readiness
 * probe, 503 naming the failing check). Nothing else is served, and nothing it serves reads a message.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { log } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      const { contentType, text } = await options.metrics();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(text);
    } else if (path === '/healthz') {
      const live = options.live();
      json(res, live ? 200 : 503, { ok: live });
    } else if (path === '/readyz') {
      const report = options.live()
        ? await options.ready()
        : { ok: false, checks: { stopping: { ok: false, ms: 0, detail: 'the worker is stopping' } } };
      json(res, report.ok ? 200 : 503, report);
    } else
      json(res, 404, { error: { code: 'not_found', message: 'Served here: /metrics, /healthz, /readyz.' } });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ msg: 'metrics endpoint failed', url: req.url, err });
      if (!res.headersSent) json(res, 500, { error: { code: 'internal', message: 'metrics failed' } });
      else res.destroy();
    });
  });
  // Probes and scrapes are short: an idle keep-alive socket must not delay close().
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new IntakeError(
          err.code === 'EADDRINUSE' ? 'metrics_port_in_use' : 'metrics_listen_failed',
          `the metrics endpoint cannot listen on ${options.host}:${options.port}: ${err.message}` +
            (err.code === 'EADDRINUSE'
              ? ' (another worker on this host? give each its own INTAKE_METRICS_PORT, or 0 for none)'
              : ''),
          { cause: err },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log.info({ msg: 'metrics endpoint listening', url: `http://${host}:${address.port}` });
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
