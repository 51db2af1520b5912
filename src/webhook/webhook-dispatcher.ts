import type { Logger } from 'pino';
import type { StatusEvent, StatusEventStore } from '../store/status-events.js';
import { readStart, webhookTarget } from './webhook-http.js';
import { statusChangedPayload, webhookEventId } from './webhook-payload.js';
import {
  type AttemptResult,
  classifyResponse,
  DEFAULT_RETRY,
  nextRetryDelayMs,
  type RetryPolicy,
} from './webhook-retry.js';
import { signWebhook } from './webhook-signature.js';

export interface WebhookDispatcherOptions {
  store: StatusEventStore;
  url: string;
  secret: string;
  log: Logger;
  /** Per request, connect to the end of the answer. Default 10 s. */
  timeoutMs?: number;
  /** How often the store is asked for due events when there were none. Default 1 s. */
  pollMs?: number;
  /** How long a claim holds an event: well above the timeout, so that a live attempt is never doubled. */
  leaseMs?: number;
  batchSize?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  now?: () => Date;
  random?: () => number;
}

export interface WebhookDispatcher {
  /** Claims the events due now and attempts each once; returns how many were attempted. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops polling and waits for the attempts in flight. */
  stop(): Promise<void>;
}

const SNIPPET_CHARS = 200;
/**
 * Posts each status event the database captured to the configured URL, signed; runs in `intake worker`.
 * Several worker processes can run one each: claims are compare-and-set in the store. Delivery is at
 * least once (an attempt whose answer is lost is sent again): receivers deduplicate on `Intake-Event-Id`.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? Math.max(60_000, timeoutMs * 3);
  const batchSize = options.batchSize ?? 20;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const log = options.log;
  const target = webhookTarget(options.url);
  // Aborts the requests in flight when the worker stops: a hanging receiver must not hold the shutdown.
  const stopping = new AbortController();

  async function attempt(event: StatusEvent): Promise<AttemptResult> {
    const body = JSON.stringify(statusChangedPayload(event));
    const timestamp = Math.floor(now().getTime() / 1000);
    try {
      const response = await doFetch(target.url, {
        method: 'POST',
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'user-agent': 'intake-webhook/1',
          'intake-event-id': webhookEventId(event),
          'intake-signature': signWebhook(options.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
      });
      const snippet = (await readStart(response)).replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
      return classifyResponse(response.status, response.headers.get('retry-after'), snippet);
    } catch (error) {
      if (stopping.signal.aborted) return { kind: 'retry', error: 'the worker stopped', retryAfterMs: 0 };
      // A timeout, a refused connection, a reset: the receiver may be back later.
      const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      const reason =
        e.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : (e.cause?.code ?? e.cause?.message ?? e.message ?? String(error));
      return { kind: 'retry', error: `network: ${reason}`, retryAfterMs: null };
    }
  }

  async function deliver(event: StatusEvent): Promise<void> {
    const result = await attempt(event);
    const fields = { eventId: event.id, conversation: event.conversationId, attempt: event.attempts };
    if (result.kind === 'delivered') {
      await options.store.settleStatusEvent(event.id, event.attempts, { delivery: 'delivered' });
      log.info({ ...fields, msg: 'webhook delivered' });
      return;
    }
    const delay = stopping.signal.aborted
      ? 0
      : result.kind === 'retry'
        ? nextRetryDelayMs(event.attempts, policy, random, result.retryAfterMs)
        : null;
    if (delay === null) {
      await options.store.settleStatusEvent(event.id, event.attempts, {
        delivery: 'failed',
        error: result.error,
      });
      log.warn({ ...fields, error: result.error, msg: 'webhook failed for good' });
      return;
    }
    await options.store.settleStatusEvent(event.id, event.attempts, {
      delivery: 'pending',
      error: result.error,
      nextAttemptAt: new Date(now().getTime() + delay),
    });
    log.warn({ ...fields, error: result.error, retryInMs: delay, msg: 'webhook attempt failed; will retry' });
  }

  async function runOnce(): Promise<number> {
    const events = await options.store.claimStatusEvents({ now: now(), leaseMs, limit: batchSize });
    // In order, one at a time: a receiver usually sees a conversation's changes in the order they happened.
    for (const [i, event] of events.entries()) {
      // Claimed but not attempted before a stop: due again at once, for this process or another.
      if (stopping.signal.aborted) {
        for (const left of events.slice(i)) {
          await options.store.settleStatusEvent(left.id, left.attempts, {
            delivery: 'pending',
            error: 'the worker stopped',
            nextAttemptAt: now(),
          });
        }
        break;
      }
      await deliver(event);
    }
    return events.length;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .then((n) => schedule(n === batchSize ? 0 : pollMs))
        .catch((err: unknown) => {
          log.warn({ err, msg: 'webhook dispatch failed; trying again' });
          schedule(pollMs);
        });
    }, ms);
    timer.unref();
  };

  return {
    runOnce,
    start: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      stopping.abort();
      await running;
    },
  };
}
