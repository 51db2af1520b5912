import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from '../../src/metrics/metrics-server.js';
import type { IngestOutcome } from '../../src/worker/ingest.js';
import type { WorkerRuntime } from '../../src/worker/run-worker.js';
import type { SendOutcome } from '../../src/worker/send-reply.js';
import { customerMail } from '../support/customer-mail.js';
import { parseExposition, sampleValue } from '../support/prom-text.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

const POWER =
  'I authorize INTROSERV to perform the necessary actions, including a server reboot, a power cycle or a temporary shutdown if this is necessary for troubleshooting.';
const BACKUP = 'I confirm that I have an up-to-date backup of all important data.';
const DATA_LOSS =
  'I understand and accept that reinstalling the operating system completely erases all existing data on the server. I have backed up all necessary data or I accept its permanent loss.';
const MAX_BYTES = 48 * 1024;

/** The worker's endpoint as `intake worker` serves it, on a free loopback port. */
const serve = (runtime: WorkerRuntime) =>
  startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    metrics: async () => ({ contentType: runtime.metrics.contentType, text: await runtime.metrics.render() }),
    live: () => runtime.live,
    ready: () => runtime.ready(),
    log: pino({ level: 'silent' }),
  });

describe('worker metrics, /healthz and /readyz on a real installation', () => {
  let h: Harness;
  let runtime: WorkerRuntime;
  let endpoint: MetricsServer;
  const outcomes: IngestOutcome[] = [];
  const replies: SendOutcome[] = [];
  const scrape = async () => {
    const res = await fetch(`${endpoint.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    h = await startHarness({ env: { INTAKE_MAX_MESSAGE_BYTES: String(MAX_BYTES) } });
    runtime = await h.startWorker({
      onCommitted: (_job, _ms, outcome) => outcomes.push(outcome),
      onReply: (_job, outcome) => replies.push(outcome),
    });
    endpoint = await serve(runtime);
  });
  afterAll(async () => {
    await endpoint?.close();
    await h?.stop();
  });

  it('counts each message by outcome, the reply sent, and times both from arrival', async () => {
    await eventually(async () => (runtime.leader ? true : undefined), 20_000, 'the mailbox lease');
    const incomplete = customerMail({
      subject: 'Reinstall needed',
      body: 'Hello,\n\nPlease reinstall Ubuntu 24.04 on our server 203.0.113.20.\n\nThanks,\nAlice',
    });
    const complete = customerMail({
      from: 'Carol <carol@other.example>',
      subject: 'Reinstall please',
      body: `Hello,\n\nPlease reinstall Debian 12 on our server 203.0.113.21.\n${POWER}\n${BACKUP}\n${DATA_LOSS}\n\nCarol`,
    });
    const outOfOffice = customerMail({
      from: 'Bob Durand <bob@customer.example>',
      subject: 'Absence du bureau : Re: Serveur en panne',
      body: "Bonjour,\n\nJe suis absent jusqu'au 3 décembre.\n\nBob",
      headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
    });
    const tooLarge = customerMail({
      subject: 'Logs attached',
      body: `Hello,\n\n${'0123456789abcdef'.repeat(4_096).replace(/(.{64})/g, '$1\n')}`,
    });
    for (const m of [incomplete, complete, outOfOffice, tooLarge]) await h.dovecot.append('INBOX', m.raw);
    await eventually(async () => (outcomes.length >= 4 ? true : undefined), 30_000, 'four ingest outcomes');
    await eventually(async () => (replies.length >= 1 ? true : undefined), 30_000, 'the reply job');
    expect([...outcomes].sort()).toEqual(['committed', 'committed', 'ignored', 'quarantined']);
    expect(replies).toEqual(['sent']);
    expect(h.smtp.messages.map((m) => m.inReplyTo)).toEqual([incomplete.messageId]);

    const m = await scrape();
    expect(m.types.get('intake_messages_total')).toBe('counter');
    expect(m.types.get('intake_arrival_to_record_seconds')).toBe('histogram');
    expect(sampleValue(m, 'intake_messages_seen_total')).toBe(4);
    expect(sampleValue(m, 'intake_messages_total', { outcome: 'committed' })).toBe(2);
    expect(sampleValue(m, 'intake_messages_total', { outcome: 'ignored' })).toBe(1);
    expect(sampleValue(m, 'intake_messages_total', { outcome: 'quarantined' })).toBe(1);
    expect(sampleValue(m, 'intake_messages_total', { outcome: 'duplicate' })).toBe(0);
    expect(sampleValue(m, 'intake_replies_total', { outcome: 'sent' })).toBe(1);
    for (const outcome of ['uncertain', 'refused_limit', 'refused_loop', 'failed', 'already_settled'])
      expect(sampleValue(m, 'intake_replies_total', { outcome }), outcome).toBe(0);
    expect(sampleValue(m, 'intake_arrival_to_record_seconds_count', { outcome: 'committed' })).toBe(2);
    expect(sampleValue(m, 'intake_arrival_to_record_seconds_count', { outcome: 'quarantined' })).toBe(1);
    expect(
      sampleValue(m, 'intake_arrival_to_record_seconds_bucket', { outcome: 'committed', le: '+Inf' }),
    ).toBe(2);
    expect(sampleValue(m, 'intake_arrival_to_record_seconds_sum', { outcome: 'committed' })).toBeGreaterThan(
      0,
    );
    expect(sampleValue(m, 'intake_arrival_to_reply_seconds_count')).toBe(1);
    // The reply cannot come before the record it was decided in.
    expect(sampleValue(m, 'intake_arrival_to_reply_seconds_sum')).toBeGreaterThanOrEqual(
      sampleValue(m, 'intake_arrival_to_record_seconds_sum', { outcome: 'committed' })! / 2,
    );
    // The process metrics are there too, under the same prefix.
    expect(sampleValue(m, 'intake_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('reads the queues, the watch connection and the mailbox gap at scrape time', async () => {
    // Every message has left INBOX: the gap the helpdesk asks about is zero.
    await eventually(
      async () => ((await h.dovecot.list('INBOX')).length === 0 ? true : undefined),
      10_000,
      'INBOX to empty',
    );
    const m = await scrape();
    for (const queue of ['ingest', 'reply']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(sampleValue(m, 'intake_queue_jobs', { queue, state }), `${queue} ${state}`).toBe(0);
    }
    expect(sampleValue(m, 'intake_metrics_source_up', { source: 'queues' })).toBe(1);
    expect(sampleValue(m, 'intake_mailbox_leader')).toBe(1);
    expect(sampleValue(m, 'intake_imap_connection_state', { state: 'idle' })).toBe(1);
    expect(
      m.samples.filter((s) => s.name === 'intake_imap_connection_state').reduce((sum, s) => sum + s.value, 0),
    ).toBe(1);
    expect(sampleValue(m, 'intake_mailbox_unprocessed_messages', { mailbox: 'INBOX' })).toBe(0);
    expect(sampleValue(m, 'intake_mailbox_messages', { mailbox: 'INBOX' })).toBe(0);
    // Filed: the two requests and the out-of-office (the quarantined one went to Quarantine).
    expect(sampleValue(m, 'intake_mailbox_processed_messages', { mailbox: 'INBOX' })).toBe(3);
    expect(sampleValue(m, 'intake_mailbox_counted_timestamp_seconds', { mailbox: 'INBOX' })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });

  it('answers /healthz and /readyz, naming each check', async () => {
    const health = await fetch(`${endpoint.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${endpoint.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ok: true,
      checks: {
        redis: { ok: true, ms: expect.any(Number) },
        database: { ok: true, ms: expect.any(Number) },
        imap: { ok: true, ms: expect.any(Number) },
      },
    });
    expect((await fetch(`${endpoint.url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${endpoint.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 503 to both probes once the worker is stopping', async () => {
    await runtime.stop();
    const health = await fetch(`${endpoint.url}/healthz`);
    expect(health.status).toBe(503);
    const ready = await fetch(`${endpoint.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.stopping?.ok).toBe(
      false,
    );
  });
});
