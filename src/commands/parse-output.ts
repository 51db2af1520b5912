import type { ParseLine } from '../pipeline/parse-line.js';

export function errorLine(file: string, code: string, message: string): string {
  return JSON.stringify({ file, error: { code, message } });
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : '—');
const windows = (w: readonly { start: string; end: string }[]) =>
  w.map((x) => `${x.start} → ${x.end}`).join('; ');

/**
 * A readable summary of a conversation after one message: each field with the customer's sentence behind it,
 * what is missing, the status, and the reply that would go out. Secrets never reach it: the record holds
 * placeholders only. `reply: false` leaves the reply out, for callers that print the reply actually sent
 * (`npm run demo` prints what the SMTP peer received).
 */
export function summary(line: ParseLine, options: { reply?: boolean } = {}): string {
  const out: string[] = [];
  const row = (label: string, value: string, evidenceKey?: string) => {
    out.push(`${`${label}:`.padEnd(18)}${value}`);
    for (const e of evidenceKey ? (line.evidence[evidenceKey] ?? []) : []) {
      out.push(`${''.padEnd(18)}« ${e.text.replace(/\s+/g, ' ').slice(0, 160)} »`);
    }
  };
  out.push(`== ${line.file}`);
  row('Message-ID', line.messageId);
  row('Conversation', line.conversation);
  row('Language', line.language);
  row(
    'Status',
    line.reviewReasons.length > 0 ? `${line.status} (${line.reviewReasons.join(', ')})` : line.status,
  );
  row('Request types', list(line.requestTypes));
  for (const t of line.requestTypes)
    for (const e of line.evidence[`requestTypes.${t}`] ?? [])
      out.push(`${''.padEnd(18)}« ${e.text.replace(/\s+/g, ' ').slice(0, 160)} »`);
  row('Scenarios', list(line.scenarios));
  row('Server', list([...line.server.serviceIds, ...line.server.ips, ...line.server.hostnames]));
  row('Access', list(line.access.methods));
  row(
    'Power',
    `${line.power.authorization}${line.power.windows.length > 0 ? ` (${windows(line.power.windows)})` : ''}`,
    'power',
  );
  row('Backup', line.backup, 'backup');
  row(
    'Acknowledgements',
    `data loss ${line.acknowledgements.dataLoss}, hardware ${line.acknowledgements.hardware}`,
  );
  if (line.os) row('OS', Object.values(line.os).filter(Boolean).join(' '), 'os');
  if (line.hardware.components.length > 0 || line.requestTypes.includes('hardware')) {
    row(
      'Hardware',
      line.hardware.components
        .map((c) =>
          [c.action, c.quantity, c.size, c.kind, c.slot && `slot ${c.slot}`, c.serials.join(' ')]
            .filter(Boolean)
            .join(' '),
        )
        .join('; ') || '—',
    );
    row(
      'Downtime',
      `${line.hardware.downtime}${line.hardware.hotSwapQuestion ? ' (asks about hot swap)' : ''}`,
    );
  }
  row('Missing', list(line.missing));
  if (options.reply === false) return `${out.join('\n')}\n`;
  if (line.reply) {
    out.push(`--- reply to ${line.reply.to}: ${line.reply.subject}`);
    out.push(indent(line.reply.text.trimEnd()));
  } else out.push('--- no reply');
  return `${out.join('\n')}\n`;
}
