import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMailboxSource,
  type MailboxSource,
  type MailboxSourceOptions,
} from '../../src/mailbox/imap-source.js';
import { MailboxError } from '../../src/mailbox/mailbox-error.js';
import { memoryPositionStore } from '../../src/mailbox/position-store.js';
import { type DovecotInstance, startDovecot } from '../support/dovecot.js';
import { collector, rawMessage, testLogger, uniqueName } from './support/mail.js';

let dovecot: DovecotInstance;
const open: MailboxSource[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A mailbox of its own per test, with its own Processed and Quarantine folders. */
async function setup(options: Partial<MailboxSourceOptions> = {}) {
  const mailbox = uniqueName('O');
  await dovecot.createMailbox(mailbox);
  const s = createMailboxSource({
    url: dovecot.url,
    mailbox,
    processedFolder: `${mailbox}-Processed`,
    quarantineFolder: `${mailbox}-Quarantine`,
    positions: memoryPositionStore(),
    logger: testLogger(),
    ...options,
  });
  open.push(s);
  return { mailbox, s };
}

async function uidValidityOf(s: MailboxSource, mailbox: string, raw: string) {
  const got = collector();
  await s.start(got.onMessages);
  await s.stop();
  const m = got.messages.find((x) => x.mailbox === mailbox);
  if (!m) throw new Error(`no message seen in ${mailbox}: ${raw.slice(0, 40)}`);
  return m.uidValidity;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('mailbox operations against Dovecot', () => {
  it('downloads a message byte for byte', async () => {
    const { mailbox, s } = await setup();
    const { raw } = rawMessage('download me');
    const uid = await dovecot.append(mailbox, raw);
    const uidValidity = await uidValidityOf(s, mailbox, raw);
    const body = await readAll(await s.download(uid, uidValidity));
    expect(body.toString()).toBe(raw);
    // Downloading does not mark the message read: it is not ours until it is processed.
    expect((await dovecot.list(mailbox))[0]!.flags).not.toContain('\\Seen');
  });

  it('moves a processed message to the processed folder, and a quarantined one to quarantine', async () => {
    const { mailbox, s } = await setup();
    const a = rawMessage('processed');
    const b = rawMessage('unreadable');
    const uidA = await dovecot.append(mailbox, a.raw);
    const uidB = await dovecot.append(mailbox, b.raw);
    const uidValidity = await uidValidityOf(s, mailbox, a.raw);
    await s.markProcessed(uidA, uidValidity);
    await s.quarantine(uidB, uidValidity);
    expect(await dovecot.list(mailbox)).toEqual([]);
    expect((await dovecot.list(`${mailbox}-Processed`)).map((m) => m.messageId)).toEqual([a.messageId]);
    expect((await dovecot.list(`${mailbox}-Quarantine`)).map((m) => m.messageId)).toEqual([b.messageId]);
    // Again (a retried job): the message is already gone, which is fine.
    await expect(s.markProcessed(uidA, uidValidity)).resolves.toBeUndefined();
  });

  it('files messages marked processed at once together, each call settling, a message already gone included', async () => {
    const { mailbox, s } = await setup();
    const mails = Array.from({ length: 12 }, (_, i) => rawMessage(`batch ${i}`));
    const uids: number[] = [];
    for (const m of mails) uids.push(await dovecot.append(mailbox, m.raw));
    const uidValidity = await uidValidityOf(s, mailbox, mails[0]!.raw);
    // One is filed by someone else first: the batch that carries it again must still succeed.
    await s.markProcessed(uids[5]!, uidValidity);
    const settled = await Promise.allSettled(uids.map((uid) => s.markProcessed(uid, uidValidity)));
    expect(settled.map((r) => r.status)).toEqual(uids.map(() => 'fulfilled'));
    expect(await dovecot.list(mailbox)).toEqual([]);
    const filed = (await dovecot.list(`${mailbox}-Processed`)).map((m) => m.messageId);
    expect([...filed].sort()).toEqual(mails.map((m) => m.messageId).sort());
    // A batch under a UIDVALIDITY that is not the mailbox's fails every call in it, and moves nothing.
    const late = rawMessage('late');
    const lateUid = await dovecot.append(mailbox, late.raw);
    const wrong = await Promise.allSettled([
      s.markProcessed(lateUid, '1'),
      s.markProcessed(lateUid + 1, '1'),
    ]);
    for (const r of wrong) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'uidvalidity_changed' });
    }
    expect((await dovecot.list(mailbox)).map((m) => m.messageId)).toEqual([late.messageId]);
  });

  it('flags messages marked processed at once together in keyword mode', async () => {
    const keyword = '$IntakeProcessed';
    const { mailbox, s } = await setup({ processedKeyword: keyword });
    const mails = Array.from({ length: 8 }, (_, i) => rawMessage(`flag batch ${i}`));
    const uids: number[] = [];
    for (const m of mails) uids.push(await dovecot.append(mailbox, m.raw));
    const uidValidity = await uidValidityOf(s, mailbox, mails[0]!.raw);
    await Promise.all(uids.map((uid) => s.markProcessed(uid, uidValidity)));
    const listed = await dovecot.list(mailbox);
    expect(listed).toHaveLength(8);
    for (const m of listed) expect(m.flags).toContain(keyword);
  });

  it('flags a processed message with the keyword in keyword mode, and then skips it', async () => {
    const keyword = '$IntakeProcessed';
    const { mailbox, s } = await setup({ processedKeyword: keyword });
    const a = rawMessage('keyword a');
    const b = rawMessage('keyword b');
    const uidA = await dovecot.append(mailbox, a.raw);
    await dovecot.append(mailbox, b.raw);
    const uidValidity = await uidValidityOf(s, mailbox, a.raw);
    await s.markProcessed(uidA, uidValidity);
    const listed = await dovecot.list(mailbox);
    expect(listed.map((m) => m.messageId)).toEqual([a.messageId, b.messageId]);
    expect(listed[0]!.flags).toContain(keyword);
    expect(await dovecot.mailboxes()).not.toContain(`${mailbox}-Processed`);
    // A source starting from nothing (new store, or a resync) hands over only the unflagged one.
    const got = collector();
    const fresh = createMailboxSource({
      url: dovecot.url,
      mailbox,
      processedKeyword: keyword,
      quarantineFolder: `${mailbox}-Quarantine`,
      positions: memoryPositionStore(),
      logger: testLogger(),
    });
    open.push(fresh);
    await fresh.start(got.onMessages);
    expect(got.messages.map((m) => m.messageId)).toEqual([b.messageId]);
  });

  it('says message_gone for a message deleted behind its back', async () => {
    const { mailbox, s } = await setup();
    const { raw } = rawMessage('deleted by someone else');
    const uid = await dovecot.append(mailbox, raw);
    const uidValidity = await uidValidityOf(s, mailbox, raw);
    expect(await s.messageExists(uid, uidValidity)).toBe(true);
    await dovecot.deleteMessage(mailbox, uid);
    const err = await s.download(uid, uidValidity).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxError);
    expect((err as MailboxError).code).toBe('message_gone');
    expect(await s.messageExists(uid, uidValidity)).toBe(false);
    // The connection was given back: the next call works.
    const next = rawMessage('next');
    const nextUid = await dovecot.append(mailbox, next.raw);
    expect((await readAll(await s.download(nextUid, uidValidity))).toString()).toBe(next.raw);
  });

  it('refuses a UID read under another UIDVALIDITY', async () => {
    const { mailbox, s } = await setup();
    const { raw } = rawMessage('epoch');
    const uid = await dovecot.append(mailbox, raw);
    const uidValidity = await uidValidityOf(s, mailbox, raw);
    // The operation connection is open (and SELECTed) when the change happens.
    expect(await s.messageExists(uid, uidValidity)).toBe(true);
    await dovecot.changeUidValidity(mailbox);
    for (const call of [
      () => s.download(uid, uidValidity),
      () => s.markProcessed(uid, uidValidity),
      () => s.quarantine(uid, uidValidity),
    ]) {
      // Dovecot drops the stale session; the operation reconnects, sees the new epoch, and refuses.
      await expect(call()).rejects.toMatchObject({ code: 'uidvalidity_changed' });
    }
    expect((await dovecot.list(mailbox)).map((m) => m.uid)).toEqual([uid]);
  });

  it('sees messages that arrived after its pooled connection selected the mailbox (moves them, downloads them)', async () => {
    const { mailbox, s } = await setup({ operations: { connections: 1 } });
    const first = rawMessage('first');
    await dovecot.append(mailbox, first.raw);
    const uidValidity = await uidValidityOf(s, mailbox, first.raw);
    // The one pooled connection now has the mailbox selected; a message arrives behind its back.
    expect(await s.messageExists(1, uidValidity)).toBe(true);
    const second = rawMessage('second');
    const uid = await dovecot.append(mailbox, second.raw);
    expect((await readAll(await s.download(uid, uidValidity))).toString()).toBe(second.raw);
    const third = rawMessage('third');
    const uid3 = await dovecot.append(mailbox, third.raw);
    await s.markProcessed(uid3, uidValidity);
    expect((await dovecot.list(`${mailbox}-Processed`)).map((m) => m.messageId)).toEqual([third.messageId]);
  });

  it('appends a sent message to a Sent folder it creates', async () => {
    const { s } = await setup();
    const folder = uniqueName('Sent');
    const { raw, messageId } = rawMessage('our reply');
    const uid = await s.appendSent(raw, folder);
    expect(uid).toBeGreaterThan(0);
    const listed = await dovecot.list(folder);
    expect(listed.map((m) => [m.messageId, m.flags.includes('\\Seen')])).toEqual([[messageId, true]]);
  });

  it('finds a message in a folder by its Message-ID, and nothing in a folder that does not exist', async () => {
    const { s } = await setup();
    const folder = uniqueName('Sent');
    const { raw, messageId } = rawMessage('our reply');
    const other = rawMessage('another reply');
    expect(await s.folderContains(folder, messageId)).toBe(false);
    await s.appendSent(raw, folder);
    expect(await s.folderContains(folder, messageId)).toBe(true);
    expect(await s.folderContains(folder, messageId.replace(/^<|>$/g, ''))).toBe(true);
    expect(await s.folderContains(folder, other.messageId)).toBe(false);
  });

  it('streams a 34 MB message in bounded chunks without holding it whole', async () => {
    const { mailbox, s } = await setup();
    const raw = bigMessage(25 * 1024 * 1024);
    const expectedHash = createHash('sha256').update(raw).digest('hex');
    const expectedSize = raw.length;
    await dovecot.deliver(mailbox, raw);
    const uid = (await dovecot.list(mailbox))[0]!.uid;
    const uidValidity = await uidValidityOf(s, mailbox, 'big');

    // Live memory, measured after forcing collections: garbage chunks awaiting GC say nothing about holding.
    const live = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const liveBefore = live();
    let livePeak = liveBefore;
    const hash = createHash('sha256');
    let chunks = 0;
    let largest = 0;
    let bytes = 0;
    let firstChunkAt = 0;
    const t0 = Date.now();
    const stream = await s.download(uid, uidValidity);
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      if (chunks === 0) firstChunkAt = Date.now() - t0;
      chunks++;
      bytes += b.length;
      largest = Math.max(largest, b.length);
      hash.update(b);
      if (chunks % 4 === 0) livePeak = Math.max(livePeak, live());
    }
    const totalMs = Date.now() - t0;
    console.log(
      `34 MB download: ${chunks} chunks, largest ${largest} B, first after ${firstChunkAt} ms, all after ${totalMs} ms, ` +
        `live memory +${((livePeak - liveBefore) / 1048576).toFixed(1)} MB at most`,
    );
    expect(bytes).toBe(expectedSize);
    expect(hash.digest('hex')).toBe(expectedHash);
    // Streamed: many chunks of at most the FETCH window, the first long before the last.
    expect(chunks).toBeGreaterThan(30);
    expect(largest).toBeLessThanOrEqual(1024 * 1024);
    expect(firstChunkAt).toBeLessThan(totalMs / 4);
    // Holding the message whole would keep at least its 34 MB alive.
    expect(livePeak - liveBefore).toBeLessThan(20 * 1024 * 1024);
  });

  it('stops fetching when the consumer gives up, and gives the connection back', async () => {
    const { mailbox, s } = await setup({ operations: { connections: 1 } });
    const raw = bigMessage(8 * 1024 * 1024);
    await dovecot.deliver(mailbox, raw);
    const uid = (await dovecot.list(mailbox))[0]!.uid;
    const uidValidity = await uidValidityOf(s, mailbox, 'big');
    const stream = await s.download(uid, uidValidity);
    for await (const _ of stream) break; // destroys the stream after the first chunk
    // With one connection, this would wait forever if the abandoned download still held it.
    expect(await s.messageExists(uid, uidValidity)).toBe(true);
  });
});

/** V8's collector, reachable without --expose-gc on the command line. */
function gcFunction(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
const gc = gcFunction();

/** A message with one base64 attachment of `attachmentBytes` (CRLF, 76-column lines). */
function bigMessage(attachmentBytes: number): Buffer {
  const payload = Buffer.alloc(attachmentBytes);
  for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i);
  const b64 = payload.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  const head = [
    'From: Client <client@example.net>',
    'To: support@intake.test',
    'Subject: big',
    'Message-ID: <big@test.intake>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See the attached logs.',
    '--b1',
    'Content-Type: application/octet-stream; name="logs.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="logs.bin"',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), Buffer.from(lines.join('\r\n')), Buffer.from('\r\n--b1--\r\n')]);
}
