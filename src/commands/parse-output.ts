import type { Address, InboundMessage } from '../reader/inbound-message.js';

/**
 * The `parse --json` line for one message: the keys of the parse-json contract this stage can fill, then
 * the whole `InboundMessage` (which holds placeholders, never secret values).
 */
export function jsonLine(file: string, message: InboundMessage): string {
  const { messageId, language, ...rest } = message;
  return JSON.stringify({ file, messageId, language, ...rest });
}

export function errorLine(file: string, code: string, message: string): string {
  return JSON.stringify({ file, error: { code, message } });
}

function address(a: Address | null): string {
  if (!a) return '(none)';
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

function oneLine(text: string, max = 160): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A readable summary for a person at a terminal. */
export function summary(file: string, m: InboundMessage): string {
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`${`${label}:`.padEnd(13)}${value}`);
  out.push(`== ${file}`);
  row('Message-ID', m.messageId ?? '(none)');
  row('Date', m.date ?? '(none)');
  row('From', address(m.from));
  if (m.replyTo.length > 0) row('Reply-To', m.replyTo.map(address).join(', '));
  row('To', m.to.map(address).join(', ') || '(none)');
  if (m.cc.length > 0) row('Cc', m.cc.map(address).join(', '));
  row('Subject', m.subject || '(none)');
  if (m.inReplyTo || m.references.length > 0) {
    row(
      'Threading',
      `In-Reply-To ${m.inReplyTo ?? '(none)'}; References ${m.references.join(' ') || '(none)'}`,
    );
  }
  row('Language', m.language);
  row(
    'Automatic',
    m.automatic.isAutomatic
      ? `yes (${m.automatic.reasons.map((r) => `${r.code}: ${r.detail}`).join('; ')})`
      : 'no',
  );
  row('Body', `${m.textSource}, ${bytes(m.size)} message`);
  row('Attachments', String(m.attachments.length));
  for (const a of m.attachments) {
    out.push(
      `  - ${a.filename ?? '(unnamed)'}  ${a.contentType}  ${bytes(a.size)}  sha256 ${a.sha256.slice(0, 16)}…`,
    );
  }
  row(
    'Secrets',
    m.secrets.length === 0
      ? 'none'
      : `${m.secrets.length} (${m.secrets.map((s) => `${s.placeholder} ${s.kind}`).join(', ')}), values withheld`,
  );
  row('Warnings', m.warnings.length === 0 ? 'none' : m.warnings.map((w) => w.code).join(', '));
  for (const w of m.warnings) out.push(`  - ${w.code}: ${w.message}`);
  out.push('--- new text');
  out.push(m.newText ? indent(m.newText) : '  (empty)');
  for (const q of m.quoted) {
    out.push(`--- quoted (${q.kind})${q.header ? `: ${oneLine(q.header)}` : ''}`);
    out.push(indent(q.text, '  > '));
  }
  if (m.signature) {
    out.push('--- signature');
    out.push(indent(m.signature));
  }
  return `${out.join('\n')}\n`;
}
