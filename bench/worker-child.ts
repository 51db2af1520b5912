/**
 * The processes the worker benchmark measures, one per measurement, so that each peak RSS belongs to what
 * is measured and not to the bench's own Dovecot client, SMTP capture and message buffers. Started by
 * worker-bench.ts with an IPC channel (`node worker-child.js ROLE`), configured by the environment:
 *
 * - `worker`: `runWorker` exactly as `intake worker` runs it (configuration from the environment, pino to
 *   stderr), reporting each commit and reply over IPC; `{t: 'rss'}` asks for its memory, `{t: 'stop'}` stops
 *   it and returns its peak RSS and CPU time.
 * - `pipeline`: the offline pipeline (`intake parse`) over a directory of messages (bench-child.ts).
 * - `whole`: one message downloaded whole over IMAP and read by mailparser's `simpleParser`.
 */
// Every import is lazy (inside its role): each child loads only its own code, so its RSS is its own.

export type ChildMessage =
  | { t: 'ready'; startedAt: number; readyAt: number; rssMb: number }
  | { t: 'committed'; messageId: string | null; uid: number; outcome: string; seenAt: number; at: number }
  | { t: 'reply'; replyId: number; outcome: string; at: number }
  | { t: 'rss'; rssMb: number; peakRssMb: number; heapMb: number }
  | { t: 'stopped'; peakRssMb: number; cpuMs: number; systemCpuMs: number }
  | { t: 'result'; result: unknown }
  | { t: 'error'; message: string };

export type ParentMessage = { t: 'rss' } | { t: 'stop' };

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
// getrusage's maxRSS is in kilobytes.
export const peakRssMb = () => mb(process.resourceUsage().maxRSS * 1024);

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function worker(): Promise<void> {
  const startedAt = Date.now();
  const [{ loadConfig }, { runWorker }, { default: pino }] = await Promise.all([
    import('../src/config.js'),
    import('../src/worker/run-worker.js'),
    import('pino'),
  ]);
  const config = loadConfig(process.env);
  // Warnings and errors go to stderr, which the bench shows; info lines for 1,000 messages would not help.
  const log = pino({ level: config.LOG_LEVEL }, pino.destination(2));
  const runtime = await runWorker(config, log, {
    onCommitted: (job, _ms, outcome) =>
      send({
        t: 'committed',
        messageId: job.messageId,
        uid: job.uid,
        outcome,
        seenAt: job.seenAt,
        at: Date.now(),
      }),
    onReply: (job, outcome) => send({ t: 'reply', replyId: job.replyId, outcome, at: Date.now() }),
  });
  send({ t: 'ready', startedAt, readyAt: Date.now(), rssMb: mb(process.memoryUsage().rss) });
  process.on('message', (message: ParentMessage) => {
    if (message.t === 'rss') {
      const usage = process.memoryUsage();
      send({ t: 'rss', rssMb: mb(usage.rss), peakRssMb: peakRssMb(), heapMb: mb(usage.heapUsed) });
      return;
    }
    void runtime.stop().then(() => {
      const cpu = process.cpuUsage();
      send({
        t: 'stopped',
        peakRssMb: peakRssMb(),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        systemCpuMs: Math.round(cpu.system / 1000),
      });
      process.disconnect();
    });
  });
}

async function pipeline(): Promise<void> {
  const { runChild } = await import('./bench-child.js');
  const result = await runChild('pipeline', {
    dir: process.env.BENCH_DIR!,
    messages: Number(process.env.BENCH_MESSAGES),
    rounds: Number(process.env.BENCH_ROUNDS ?? '3'),
  });
  send({ t: 'result', result });
  process.disconnect();
}

/** What a worker that holds the message costs: download it whole (imapflow `fetchOne` source), then parse. */
async function whole(): Promise<void> {
  const [{ simpleParser }, { ImapFlow }] = await Promise.all([import('mailparser'), import('imapflow')]);
  const url = new URL(process.env.BENCH_IMAP_URL!);
  const client = new ImapFlow({
    host: url.hostname,
    port: Number(url.port),
    secure: false,
    doSTARTTLS: false,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  const rssBeforeMb = mb(process.memoryUsage().rss);
  const start = process.hrtime.bigint();
  const lock = await client.getMailboxLock(process.env.BENCH_FOLDER!);
  let downloadedMs = 0;
  let text = 0;
  let attachmentBytes = 0;
  try {
    const message = await client.fetchOne('*', { source: true });
    if (message === false || !message.source) throw new Error('no message to read');
    downloadedMs = Number(process.hrtime.bigint() - start) / 1e6;
    // Default options, as projects usually call it: the attachment is held in memory as a Buffer.
    const parsed = await simpleParser(message.source);
    text = (parsed.text ?? '').length;
    attachmentBytes = parsed.attachments.reduce((sum, a) => sum + a.size, 0);
  } finally {
    lock.release();
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await client.logout();
  send({
    t: 'result',
    result: {
      ms: Math.round(ms),
      downloadedMs: Math.round(downloadedMs),
      rssBeforeMb,
      peakRssMb: peakRssMb(),
      text,
      attachmentBytes,
    },
  });
  process.disconnect();
}

const roles: Record<string, () => Promise<void>> = { worker, pipeline, whole };
const role = roles[process.argv[2] ?? ''];
if (!role || !process.send) {
  console.error(
    'worker-child: run by worker-bench.ts with an IPC channel: worker-child.js worker|pipeline|whole',
  );
  process.exit(2);
}
role().catch((err: unknown) => {
  send({ t: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect();
});
