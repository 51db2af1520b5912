import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createDeskRegistry, timeRequests } from '../metrics/desk-metrics.js';
import { checkReadiness } from '../metrics/readiness.js';
import type { ReplyJob } from '../queue/jobs.js';
import { shippedRules } from '../rule-engine/load-rules.js';
import type { Store } from '../store/store.js';
import { registerActionRoutes } from './action-routes.js';
import { authenticate, type DeskIdentity } from './auth.js';
import { sameSecret } from './desk-secrets.js';
import { messagePage } from './login-page.js';
import { createLoginThrottle } from './login-throttle.js';
import { registerOpenApiRoutes } from './openapi-routes.js';
import { dummyHash } from './passwords.js';
import { registerQuarantineRoutes } from './quarantine-routes.js';
import { registerQueueRoutes } from './queue-routes.js';
import { registerRecordRoutes } from './record-routes.js';
import { deskRules } from './reply-draft.js';
import type { Reprocess } from './reprocess-capability.js';
import { type DeskContext, registerSessionRoutes } from './session-routes.js';
import { publicError, WebError } from './web-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    desk: DeskIdentity | null;
  }
  interface FastifyContextConfig {
    /** Served without signing in (the sign-in page, the stylesheet, /healthz, /readyz, /metrics). */
    public?: boolean;
  }
}

export interface WebAppOptions {
  store: Store;
  logger: Logger;
  /** `auto`: Secure cookies when the request came over TLS (as told by a trusted proxy). */
  secureCookies?: 'auto' | 'always' | 'never';
  /** Proxies whose X-Forwarded-* headers are believed (addresses, CIDRs, `loopback`…); none by default. */
  trustProxy?: string[];
  sessionTtlMs?: number;
  /** Failed sign-ins allowed per IP address and per email within the window. */
  loginFailures?: { max: number; windowMs: number };
  /** Requests per IP address per minute, all routes together. */
  requestsPerMinute?: number;
  now?: () => Date;
  /** IANA zone the desk shows times in (next to UTC): `PROVIDER_TIMEZONE`, Europe/Paris by default. */
  providerTimeZone?: string;
  /** Puts a quarantined message back through the worker; absent, the desk says why it cannot (503 on the API). */
  reprocess?: Reprocess;
  /** `PROVIDER_NAME`, in the replies staff send (INTROSERV by default). */
  provider?: string;
  /** `INTAKE_MESSAGE_ID_DOMAIN`: staff replies get our Message-IDs like the worker's. */
  messageIdDomain?: string;
  /** Puts a staff reply on the reply queue at once; without it the worker's outbox sweep sends it. */
  enqueueReply?: (job: ReplyJob) => Promise<void>;
  /** Sees every route as it is added (the OpenAPI test checks that each /api/ route is documented). */
  onRoute?: (route: RouteOptions) => void;
  /** Where /metrics reads from; default a registry of this desk's request timings only. */
  metrics?: Registry;
}

const CSS = readFileSync(new URL('./desk.css', import.meta.url), 'utf8');
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const READY_TIMEOUT_MS = 2_000;
const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

/**
 * The review desk as a fastify instance (tests call `inject()` on it; `startWeb` listens). Every route is
 * protected unless its config says `public`: the check runs in an onRequest hook, before any body is read.
 */
export async function createWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    // pino's Logger and fastify's logger type disagree on a generic detail only.
    loggerInstance: options.logger as FastifyBaseLogger,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
    bodyLimit: 64 * 1024,
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const mode = options.secureCookies ?? 'auto';
  const failures = options.loginFailures ?? { max: 5, windowMs: 15 * 60_000 };
  const context: DeskContext = {
    store: options.store,
    now,
    sessionTtlMs: options.sessionTtlMs ?? 12 * 3_600_000,
    secure: (request) => mode === 'always' || (mode === 'auto' && request.protocol === 'https'),
    throttle: createLoginThrottle({ maxFailures: failures.max, windowMs: failures.windowMs }),
    dummyHash: await dummyHash(),
  };

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, {
    max: options.requestsPerMinute ?? 600,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, limit) =>
      new WebError('rate_limited', 429, `Too many requests: try again in ${limit.after}.`),
  });

  app.decorateRequest('desk', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    const auth = await authenticate(request, options.store, now());
    if (auth.identity) {
      request.desk = auth.identity;
      return;
    }
    // A page is a browser: send it to sign in, unless it presented a token, which is a client's mistake.
    if (!isApi(request) && auth.reason !== 'token_invalid') return reply.redirect('/login', 303);
    const message =
      auth.reason === 'token_invalid' ? 'The API token is not valid.' : 'Sign in or give an API token.';
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .type('application/json; charset=utf-8')
      .send({ error: { code: 'unauthorized', message } });
  });
  // Only a browser session carries credentials a forged cross-site form could use; a bearer token cannot
  // be sent by another site's page.
  app.addHook('preHandler', async (request) => {
    const identity = request.desk;
    if (identity?.kind !== 'session' || !UNSAFE_METHODS.has(request.method)) return;
    const body = request.body as { csrf?: unknown } | undefined;
    const given = request.headers['x-csrf-token'] ?? body?.csrf;
    if (!sameSecret(identity.csrf, given)) {
      throw new WebError(
        'csrf_invalid',
        403,
        'The form is out of date or did not come from the desk: reload it.',
      );
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const answer = publicError(error);
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(answer.status);
    if (isApi(request)) return reply.send({ error: { code: answer.code, message: answer.message } });
    return reply.type('text/html; charset=utf-8').send(messagePage('Refused', answer.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404);
    if (isApi(request)) return reply.send({ error: { code: 'not_found', message: 'No such route.' } });
    return reply.type('text/html; charset=utf-8').send(messagePage('Not found', 'There is no such page.'));
  });

  app.get('/desk.css', { config: { public: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );
  const metrics = options.metrics ?? createDeskRegistry({ processMetrics: false });
  timeRequests(app, metrics);
  // Liveness only: a database outage must not get the desk restarted, it is /readyz's to report.
  app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
  app.get('/readyz', { config: { public: true } }, async (_request, reply) => {
    const report = await checkReadiness(
      {
        database: async () => {
          await options.store.ping();
          return undefined;
        },
      },
      READY_TIMEOUT_MS,
    );
    if (!report.ok) reply.log.warn({ checks: report.checks }, 'readiness: the store does not answer');
    return reply.code(report.ok ? 200 : 503).send(report);
  });
  app.get('/metrics', { config: { public: true } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
  registerSessionRoutes(app, context);
  const timeZone = options.providerTimeZone ?? 'Europe/Paris';
  registerQueueRoutes(app, context, timeZone);
  registerQuarantineRoutes(app, context, {
    timeZone,
    ...(options.reprocess ? { reprocess: options.reprocess } : {}),
  });
  registerRecordRoutes(app, context, timeZone);
  registerActionRoutes(app, context, {
    rules: deskRules(shippedRules(), options.provider ?? 'INTROSERV'),
    zone: timeZone,
    messageIdDomain: options.messageIdDomain ?? 'intake.hosting.example',
    enqueueReply: options.enqueueReply,
  });
  registerOpenApiRoutes(app);
  return app;
}
