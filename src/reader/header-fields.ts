import type { AddressObject, EmailAddress, HeaderValue } from 'mailparser';
import type { Address, Warning } from './inbound-message.js';

export type HeaderLines = ReadonlyArray<{ key: string; line: string }>;

/** Every raw value of a header, unfolded, in message order (mailparser's map keeps only some). */
export function rawHeaderValues(lines: HeaderLines, name: string): string[] {
  const key = name.toLowerCase();
  return lines
    .filter((l) => l.key === key)
    .map((l) =>
      l.line
        .slice(l.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

function flatten(list: readonly EmailAddress[], out: Address[]): void {
  for (const entry of list) {
    if (entry.group) flatten(entry.group, out);
    else if (entry.address) out.push({ name: entry.name ?? '', address: entry.address });
  }
}

export function addresses(value: HeaderValue | undefined): Address[] {
  if (!value || typeof value !== 'object') return [];
  const objects = (Array.isArray(value) ? value : [value]) as AddressObject[];
  const out: Address[] = [];
  for (const object of objects) if (object && Array.isArray(object.value)) flatten(object.value, out);
  return out;
}

const MSG_ID = /<[^<>\s]{1,998}>/g;

/** Message ids of a header value, in order; ids without brackets get them (some clients omit them). */
export function messageIds(value: HeaderValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  const text = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string').join(' ');
  const bracketed = text.match(MSG_ID);
  if (bracketed) return [...new Set(bracketed)];
  return [
    ...new Set(
      text
        .split(/\s+/)
        .filter((t) => t.includes('@'))
        .map((t) => `<${t.replace(/^<|>$/g, '')}>`),
    ),
  ];
}

/** The Date header as an ISO instant; mailparser turns a bad date into "now", which would be a lie. */
export function parseDate(lines: HeaderLines, warnings: Warning[]): string | null {
  const raw = rawHeaderValues(lines, 'date')[0];
  if (raw === undefined) {
    warnings.push({ code: 'date_missing', message: 'the message has no Date header' });
    return null;
  }
  // Obsolete zone names and comments ("(CET)") are what Date.parse chokes on most.
  const cleaned = raw
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const time = Date.parse(cleaned);
  if (Number.isNaN(time)) {
    warnings.push({ code: 'date_invalid', message: `the Date header cannot be read: ${raw.slice(0, 80)}` });
    return null;
  }
  return new Date(time).toISOString();
}

export function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => headerText(v as HeaderValue) ?? '').join(', ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return null;
}
