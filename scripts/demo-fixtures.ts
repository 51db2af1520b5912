/**
 * The messages `npm run demo` delivers, and how a later message of a thread is made to answer the live
 * conversation rather than the offline one it was written against.
 *
 * The fixture threads were written against `intake parse`: their answers carry our offline ticket
 * (`[INT-000001]`) and the Message-IDs our offline replies had (`<…@intake.hosting.example>`). Live, the
 * store numbers tickets in arrival order across the whole mailbox and our replies get new Message-IDs, so a
 * later message is delivered with its ticket tag and those ids replaced by the live ones, exactly as the
 * customer's mail client would have written them. Everything else stays byte for byte.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { TICKET_PATTERN } from '../src/conversation/link.js';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '..', 'fixtures');

/**
 * French and English, each thread showing one thing: a reply asking for what is missing and the answer that
 * completes the record; an answer that links by References only (and carries a password, which the store
 * encrypts and nobody prints); one that links by its ticket tag only; a bare "yes" that does not count as the
 * statement; a contradiction a person must look at; and single messages: complete requests, a question that
 * is not a request, an out-of-office and a bounce, which get no reply. Threads are single-customer, so one
 * live conversation per thread.
 */
export const SELECTION = [
  'conversations/fr-reinstall-ok-puis-declarations',
  'conversations/en-ram-hours-then-window',
  'conversations/fr-references-sans-tag',
  'conversations/en-tag-only-new-message',
  'conversations/en-yes-paraphrase-verbatim',
  'conversations/en-contradiction-then-clarified',
  'requests/intervention/fr-exemple1-formulaire.eml',
  'requests/reinstall/en-debian-raid1-full.eml',
  'requests/not-requests/fr-question-facture.eml',
  'requests/automatic/fr-ooo-auto-submitted.eml',
  'requests/automatic/en-bounce-mailer-daemon.eml',
] as const;

export interface DemoMessage {
  /** Path under fixtures/, for the report. */
  file: string;
  raw: Buffer;
  messageId: string;
  from: string;
  subject: string;
}

export interface DemoThread {
  name: string;
  messages: DemoMessage[];
}

/** Reads one message; `label` names it in the report. */
export async function loadMessage(file: string, label: string): Promise<DemoMessage> {
  const raw = readFileSync(file);
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  if (!parsed.messageId) throw new Error(`${label}: no Message-ID (the demo follows messages by it)`);
  return {
    file: label,
    raw,
    messageId: parsed.messageId,
    from: parsed.from?.text ?? '(no From)',
    subject: parsed.subject ?? '',
  };
}

/** The selection, read from fixtures/: a directory is a thread of its `NN-*.eml` files in order. */
export async function loadSelection(): Promise<DemoThread[]> {
  const threads: DemoThread[] = [];
  for (const entry of SELECTION) {
    const full = path.join(FIXTURES_DIR, entry);
    const files = statSync(full).isDirectory()
      ? readdirSync(full)
          .filter((f) => /^\d+-.*\.eml$/.test(f))
          .sort()
          .map((f) => `${entry}/${f}`)
      : [entry];
    threads.push({
      name: entry,
      messages: await Promise.all(files.map((f) => loadMessage(path.join(FIXTURES_DIR, f), f))),
    });
  }
  return threads;
}

/** What a thread knows of its live conversation so far. */
export interface LiveThread {
  ticket: string | null;
  /** Message-IDs of the replies the live worker sent in this thread, in order. */
  replies: string[];
  /** Offline reply id → live reply id (or null: no live reply to answer), fixed at first sight. */
  readonly mapped: Map<string, string | null>;
}

export function newLiveThread(): LiveThread {
  return { ticket: null, replies: [], mapped: new Map() };
}

interface Field {
  name: string;
  /** The field's lines, folded as they were, without line ends. */
  lines: string[];
}

/** RFC 2047 B-encoded words of UTF-8, whole characters per word, each word at most 75 characters. */
function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

/**
 * The message as the customer would have sent it in the live thread: the ticket tag of the subject is the
 * live ticket, and In-Reply-To/References name our live replies instead of the offline ones (an id with no
 * live counterpart is dropped; the customer's own earlier Message-IDs are kept and link the thread too).
 */
export function rewriteForLive(
  message: DemoMessage,
  live: LiveThread,
  ourDomain: string,
): { raw: Buffer; subject: string } {
  const unchanged = { raw: message.raw, subject: message.subject };
  const text = message.raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  if (!split) return unchanged;
  const eol = split[0].startsWith('\r\n') ? '\r\n' : '\n';
  const fields: Field[] = [];
  for (const line of text.slice(0, split.index).split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last.lines.push(line);
    else fields.push({ name: line.slice(0, Math.max(0, line.indexOf(':'))).toLowerCase(), lines: [line] });
  }
  let changed = false;

  let subject = message.subject;
  const tag = TICKET_PATTERN.exec(subject)?.[1];
  const subjectField = fields.find((f) => f.name === 'subject');
  if (tag && live.ticket && tag !== live.ticket && subjectField) {
    subject = subject.replace(tag, live.ticket);
    subjectField.lines = [`Subject: ${encodeHeaderText(subject)}`];
    changed = true;
  }

  const ours = new RegExp(`^<[^<>]+@${ourDomain.replaceAll('.', '\\.')}>$`, 'i');
  const liveId = (id: string): string | null => {
    if (!ours.test(id)) return id;
    if (!live.mapped.has(id)) {
      live.mapped.set(id, live.replies[live.mapped.size] ?? live.replies.at(-1) ?? null);
    }
    return live.mapped.get(id) ?? null;
  };
  for (const name of ['in-reply-to', 'references']) {
    const field = fields.find((f) => f.name === name);
    if (!field) continue;
    const ids = field.lines.join(' ').match(/<[^<>]+>/g) ?? [];
    const next = [...new Set(ids.map(liveId).filter((id): id is string => id !== null))];
    if (next.length === ids.length && next.every((id, i) => id === ids[i])) continue;
    changed = true;
    const header = name === 'in-reply-to' ? 'In-Reply-To' : 'References';
    field.lines = next.length === 0 ? [] : [`${header}: ${next[0]}`, ...next.slice(1).map((id) => ` ${id}`)];
  }
  if (!changed) return unchanged;
  const head = fields
    .flatMap((f) => f.lines)
    .join(eol)
    .concat(split[0]);
  const body = message.raw.subarray(split.index + split[0].length);
  return { raw: Buffer.concat([Buffer.from(head, 'latin1'), body]), subject };
}
