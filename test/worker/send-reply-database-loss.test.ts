import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createMailboxOperations, type MailboxOperations } from '../../src/mailbox/imap-operations.js';
import { parseImapUrl } from '../../src/mailbox/imap-url.js';
import { classifySendFailure } from '../../src/mailer/classify.js';
import { createMailer, type Mailer } from '../../src/mailer/smtp-mailer.js';
import { automaticRules } from '../../src/reader/detect-automatic.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { createSendReply, type SentFolder } from '../../src/worker/send-reply.js';
import { message } from '../store/contract/fixtures.js';
import { type DovecotInstance, startDovecot } from '../support/dovecot.js';
import { type SmtpCapture, startSmtpCapture } from '../support/smtp-capture.js';

/**
 * A database connection that breaks around a reply's claim or settling (test/faults/database-outage.fault.ts
 * met it): the statement may have been applied while its answer was lost. A reply that never went out must
 * still go out once, and one that went out must settle as sent, never as `uncertain` nor twice.
 */
const log = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
const connectionLost = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

/**
 * The real store, but `method` fails once: after it ran (`applied`: the statement went through, its answer
 * was lost) or instead of running (the connection broke before).
 */
function failsOnce(store: Store, method: 'claimReply' | 'settleReply', applied: boolean): Store {
  let armed = true;
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        if (!armed) return value.apply(target, args);
        armed = false;
        if (applied) await value.apply(target, args);
        throw connectionLost();
      };
    },
  });
}

let dir: string;
let store: Store;
let smtp: SmtpCapture;
let mailer: Mailer;
let dovecot: DovecotInstance | null = null;
let operations: MailboxOperations | null = null;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intake-send-reply-'));
  store = await createStore(`file:${join(dir, 'intake.db')}`, { secretKey: null });
  await store.migrate();
  smtp = await startSmtpCapture();
  mailer = createMailer({ url: smtp.url });
});
afterEach(async () => {
  await operations?.close();
  await dovecot?.stop();
  operations = null;
  dovecot = null;
  await mailer.close();
  await smtp.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pendingReply(): Promise<{ replyId: number; conversationId: string; revision: number }> {
  const result = await store.commitMessage(message({ reply: true }));
  const reply = await store.getReply(result.replyId!);
  return { replyId: reply!.id, conversationId: reply!.conversationId, revision: reply!.revision };
}

function sender(s: Store, sent: SentFolder | null = null, sendingGraceMs = 60_000) {
  return createSendReply({
    store: s,
    mailer,
    sent,
    from: 'support@hosting.example',
    policy: {
      dailyLimit: 10,
      burstLimit: 3,
      burstWindowMs: 600_000,
      ownAddresses: ['support@hosting.example'],
      systemSender: automaticRules(shippedRules()).systemSender,
    },
    sendingGraceMs,
    classify: classifySendFailure,
    log,
  });
}

describe('sending a reply while the database connection breaks', () => {
  it('resumes its own claim whose answer was lost, and sends the reply once', async () => {
    const job = await pendingReply();
    const send = sender(failsOnce(store, 'claimReply', true));
    await expect(send(job)).rejects.toThrow('ECONNRESET');
    // The claim was applied: the row says `sending`, yet nothing went out.
    expect((await store.getReply(job.replyId))?.status).toBe('sending');
    expect(smtp.messages).toHaveLength(0);
    expect(await send(job)).toBe('sent');
    await smtp.waitFor(1, 5_000);
    expect((await store.getReply(job.replyId))?.status).toBe('sent');
    expect(await send(job)).toBe('already_settled');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(1);
  });

  it('leaves a claim it did not make alone: another sender waits for it, then never sends a second copy', async () => {
    const job = await pendingReply();
    await expect(sender(failsOnce(store, 'claimReply', true))(job)).rejects.toThrow('ECONNRESET');
    // Another process (or this one restarted) cannot know that nothing went out.
    await expect(sender(store)(job)).rejects.toMatchObject({ code: 'reply_in_flight' });
    expect(await sender(store, null, 0)(job)).toBe('uncertain');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(0);
  });

  it('appends a reply whose settling failed to Sent anyway, so that the retry settles it as sent', async () => {
    dovecot = await startDovecot();
    operations = createMailboxOperations({
      connection: { endpoint: parseImapUrl(dovecot.url), logger: log },
      mailbox: 'INBOX',
      processedFolder: 'Processed',
      quarantineFolder: 'Quarantine',
      logger: log,
    });
    const ops = operations;
    const sent: SentFolder = {
      append: async (raw) => {
        await ops.appendSent(raw, 'Sent');
      },
      contains: (messageId) => ops.folderContains('Sent', messageId),
    };
    const job = await pendingReply();
    const lost = failsOnce(store, 'settleReply', false);
    await expect(sender(lost, sent)(job)).rejects.toThrow('ECONNRESET');
    await smtp.waitFor(1, 5_000);
    expect(await dovecot.list('Sent')).toHaveLength(1);
    // The retry, once the sending grace is over, finds the copy and does not send again.
    expect(await sender(store, sent, 0)(job)).toBe('sent');
    expect((await store.getReply(job.replyId))?.status).toBe('sent');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(1);
  });
});
