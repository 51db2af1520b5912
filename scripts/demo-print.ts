/**
 * What `npm run demo` prints: per conversation, each message delivered and what became of it, the record
 * (through the same printer as `intake parse`) and every reply as the SMTP peer received it; then a summary.
 *
 * Nothing here can print a secret: records hold placeholders, stored secrets are listed by placeholder and
 * kind only, and our replies quote nothing of the customer's message.
 */
import { summary } from '../src/commands/parse-output.js';
import type { ParseLine } from '../src/pipeline/parse-line.js';
import type { StoredConversation } from '../src/store/store.js';
import type { IngestOutcome } from '../src/worker/ingest.js';
import type { SendOutcome } from '../src/worker/send-reply.js';
import type { DemoMessage } from './demo-fixtures.js';
import type { CapturedMessage } from './smtp-capture.js';

export interface SentReply {
  revision: number;
  outcome: SendOutcome | 'timeout';
  /** From the APPEND to the reply being accepted by the SMTP peer. */
  ms: number | null;
  captured: CapturedMessage | null;
}

export interface Delivered {
  message: DemoMessage;
  outcome: IngestOutcome | 'timeout';
  /** From the APPEND to the record being committed. */
  ms: number | null;
  conversationId: string | null;
  /** The record after this message, as `intake parse --json` would print it. */
  line: ParseLine | null;
  replies: SentReply[];
}

export interface ThreadReport {
  name: string;
  delivered: Delivered[];
  /** The conversation as stored at the end (null: none, e.g. only automatic messages). */
  conversation: StoredConversation | null;
}

const seconds = (ms: number | null) => (ms === null ? '?' : `${(ms / 1000).toFixed(2)} s`);
const indent = (text: string, prefix: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? `${prefix}${l}` : prefix.trimEnd()))
    .join('\n');

/** Why no reply went out for a committed message, in the product's terms. */
function noReplyReason(line: ParseLine): string {
  if (line.status === 'ready') return 'nothing is missing';
  if (line.status === 'needs_review') return `a person must look: ${line.reviewReasons.join(', ')}`;
  return 'what is missing did not change';
}

/** One line: what became of a message. Also the live progress line while the demo runs. */
export function outcomeLine(d: Delivered): string {
  if (d.outcome === 'timeout') return 'no record within the time limit (see the worker log above)';
  if (d.outcome === 'ignored') return 'ignored: automatic message, no record, no reply';
  if (d.outcome === 'quarantined') return 'quarantined: unreadable';
  if (!d.line) return `${d.outcome}, ${d.conversationId ?? 'no conversation'}`;
  const missing = d.line.missing.length > 0 ? `, missing ${d.line.missing.join(', ')}` : '';
  const record = `${d.conversationId} ${d.line.status}${missing} (${seconds(d.ms)})`;
  if (d.replies.length === 0) return `${record}; no reply: ${noReplyReason(d.line)}`;
  return `${record}; ${d.replies
    .map((r) => (r.outcome === 'sent' ? `reply sent (${seconds(r.ms)})` : `reply ${r.outcome}`))
    .join(', ')}`;
}

function printReply(reply: SentReply, n: number, out: string[]): void {
  const c = reply.captured;
  if (!c) {
    out.push(`  ${n}. revision ${reply.revision}: ${reply.outcome}, not received by the SMTP peer`);
    return;
  }
  out.push(`  ${n}. To:          ${c.to.join(', ')}`);
  out.push(`     Subject:     ${c.subject}`);
  out.push(`     In-Reply-To: ${c.inReplyTo ?? '—'}`);
  out.push(`     References:  ${c.references.join(' ') || '—'}`);
  out.push(`     Auto-Submitted: ${c.header('auto-submitted') ?? '—'}`);
  out.push('');
  out.push(indent(c.text, '     | '));
}

export function printThread(report: ThreadReport): string {
  const out: string[] = [];
  const id = report.conversation?.id ?? 'no conversation';
  out.push(`━━ ${id} · ${report.name} ${'━'.repeat(Math.max(3, 96 - id.length - report.name.length))}`);
  for (const d of report.delivered) {
    out.push(`  ${d.message.file.split('/').at(-1)}   from ${d.message.from}`);
    out.push(`      subject « ${d.message.subject} »`);
    out.push(`      → ${outcomeLine(d)}`);
  }
  const last = report.delivered.findLast((d) => d.line !== null);
  if (last?.line) {
    out.push('');
    const record = summary({ ...last.line, file: `record after ${last.message.file}` }, { reply: false });
    out.push(indent(record, '  '));
  }
  const secrets = report.conversation?.secrets ?? [];
  if (secrets.length > 0) {
    out.push(
      `  Secrets:          ${secrets.map((s) => `${s.placeholder} (${s.kind})`).join(', ')}: stored encrypted, never printed`,
    );
  }
  const replies = report.delivered.flatMap((d) => d.replies);
  if (replies.length > 0) {
    out.push('');
    out.push(`  Replies received by the SMTP capture (${replies.length}):`);
    replies.forEach((r, i) => {
      printReply(r, i + 1, out);
      out.push('');
    });
  }
  return `${out.join('\n').trimEnd()}\n\n`;
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

export interface RunFigures {
  setupMs: number;
  deliveryMs: number;
  totalMs: number;
  mailbox: { inbox: number; processed: number; sent: number };
}

export function printSummary(reports: ThreadReport[], figures: RunFigures): string {
  const delivered = reports.flatMap((r) => r.delivered);
  const replies = delivered.flatMap((d) => d.replies);
  const conversations = reports.flatMap((r) => (r.conversation ? [r.conversation] : []));
  const byStatus = new Map<string, number>();
  for (const c of conversations) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
  const commits = delivered.flatMap((d) => (d.ms === null ? [] : [d.ms]));
  const sends = replies.flatMap((r) => (r.ms === null ? [] : [r.ms]));
  const ignored = delivered.filter((d) => d.outcome === 'ignored').length;
  const latency = (values: number[]) =>
    values.length === 0
      ? '—'
      : `p50 ${seconds(percentile(values, 50))}, max ${seconds(Math.max(...values))} (${values.length})`;
  const rows: [string, string][] = [
    ['messages delivered (IMAP APPEND)', String(delivered.length)],
    [
      'records (conversations)',
      `${conversations.length} (${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')})`,
    ],
    ['ignored (automatic messages)', String(ignored)],
    [
      'replies sent / received by the peer',
      `${replies.filter((r) => r.outcome === 'sent').length} / ${replies.filter((r) => r.captured).length}`,
    ],
    ['APPEND → record committed', latency(commits)],
    ['APPEND → reply at the SMTP peer', latency(sends)],
    [
      'mailbox afterwards',
      `INBOX ${figures.mailbox.inbox}, Processed ${figures.mailbox.processed}, Sent ${figures.mailbox.sent}`,
    ],
    [
      'time',
      `set-up ${seconds(figures.setupMs)}, messages ${seconds(figures.deliveryMs)}, total ${seconds(figures.totalMs)}`,
    ],
  ];
  return `Summary\n${rows.map(([k, v]) => `  ${k.padEnd(37)}${v}`).join('\n')}\n`;
}
