import { PassThrough, type Readable } from 'node:stream';
import { type ImapErrorLike, MailboxError, toMailboxError } from './mailbox-error.js';

/**
 * Hands imapflow's stream through a PassThrough (chunks pass by reference, nothing is copied or
 * collected) so that `done` (giving the connection back) runs exactly once, whether the consumer reads to
 * the end, fails or gives up, so that a message expunged mid-download reads as `message_gone`, and so that a
 * forgotten stream is aborted after `timeoutMs` instead of holding its connection for ever.
 */
export function guardDownload(content: Readable, uid: number, timeoutMs: number, done: () => void): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (!content.destroyed) content.destroy();
    done();
  };
  const timer = setTimeout(() => {
    out.destroy(
      new MailboxError('download_timeout', `download of UID ${uid} still open after ${timeoutMs} ms`),
    );
  }, timeoutMs);
  timer.unref();
  content.on('error', (err: Error & ImapErrorLike) => {
    out.destroy(
      err.code === 'DownloadIncomplete'
        ? new MailboxError('message_gone', `UID ${uid} disappeared during its download`, { cause: err })
        : toMailboxError(err, `downloading UID ${uid}`),
    );
  });
  content.pipe(out);
  // The connection is free once imapflow has fetched the last chunk, even if the consumer still reads.
  content.once('end', finish);
  out.once('close', finish);
  return out;
}
