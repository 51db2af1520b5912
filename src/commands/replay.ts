import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import { type Config, requireWorkerConfig } from '../config.js';
import { mailboxSourceFromConfig } from '../mailbox/source-from-config.js';
import { createQueues } from '../queue/queues.js';
import { createStore, parseSecretKey } from '../store/index.js';
import { createReplay, type ReplayResult } from '../worker/replay.js';

export type ReplayTarget =
  | { kind: 'message'; messageId: string }
  | { kind: 'quarantine' }
  | { kind: 'failed' };

/**
 * `intake replay <message-id> | --quarantine | --failed`: puts messages that did not make it back on the
 * ingest queue for the running workers. Prints one line per message; exit status 1 when nothing could be
 * replayed for a given Message-ID.
 */
export async function replayCommand(
  config: Config,
  target: ReplayTarget,
  out: NodeJS.WritableStream,
  log: Logger,
): Promise<number> {
  requireWorkerConfig(config);
  const secretKey = config.INTAKE_SECRET_KEY ? parseSecretKey(config.INTAKE_SECRET_KEY) : null;
  const store = await createStore(config.DATABASE_URL, { secretKey });
  const queues = createQueues(config.REDIS_URL, config.INTAKE_QUEUE_PREFIX);
  // Replay never watches the mailbox, so it never moves the position.
  const source = mailboxSourceFromConfig(config, { logger: log });
  try {
    await store.migrate();
    const replay = createReplay({
      store,
      mailbox: source,
      ingest: queues.ingest,
      quarantineFolder: config.INTAKE_QUARANTINE_FOLDER,
      actor: `cli:${userInfo().username}`,
      log,
    });
    const results: ReplayResult[] =
      target.kind === 'quarantine'
        ? await replay.quarantined()
        : target.kind === 'failed'
          ? await replay.failed()
          : await replay.message(target.messageId);
    for (const r of results)
      out.write(`${r.action.padEnd(17)} ${r.messageId ?? '(no Message-ID)'}  ${r.detail}\n`);
    if (results.length === 0) out.write('nothing to replay\n');
    const replayed = results.filter((r) => r.action === 'requeued' || r.action === 'retried').length;
    return target.kind === 'message' && replayed === 0 ? 1 : 0;
  } finally {
    await Promise.allSettled([source.close(), queues.close(), store.close()]);
  }
}
