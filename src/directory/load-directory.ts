import { readFileSync } from 'node:fs';
import { IntakeError } from '../errors.js';
import { CustomerDirectory } from './directory.js';

/**
 * Reads a customer directory: JSON (`{"accounts": [{"id", "contacts": [...], "servers": [{"serviceId",
 * "ips", "hostnames"}]}]}`) or CSV with a header `account,contact,service_id,ips,hostnames` (one contact or
 * one server per row; several addresses in a cell separated by spaces or semicolons). Every problem is
 * reported with its line (CSV) or path (JSON).
 */
export function loadDirectory(file: string): CustomerDirectory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new IntakeError('directory_unreadable', `${file}: ${(err as Error).message}`, { cause: err });
  }
  const raw =
    /\.json$/i.test(file) || text.trimStart().startsWith('{') ? parseJson(file, text) : parseCsv(file, text);
  const parsed = CustomerDirectory.safeParse(raw);
  if (!parsed.success) {
    throw new IntakeError(
      'directory_invalid',
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new IntakeError('directory_invalid', `${file}: not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

const COLUMNS = ['account', 'contact', 'service_id', 'ips', 'hostnames'] as const;

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function parseCsv(file: string, text: string): unknown {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new IntakeError('directory_invalid', `${file}:1: missing column(s) ${missing.join(', ')}`);
  const col = (cells: string[], name: (typeof COLUMNS)[number]) => cells[header.indexOf(name)] ?? '';
  const list = (cell: string) => cell.split(/[\s;]+/).filter(Boolean);
  const accounts = new Map<string, { id: string; contacts: string[]; servers: unknown[] }>();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const cells = splitCsvLine(line);
    const id = col(cells, 'account');
    if (!id) throw new IntakeError('directory_invalid', `${file}:${i + 2}: the account column is empty`);
    const account = accounts.get(id) ?? { id, contacts: [], servers: [] };
    accounts.set(id, account);
    account.contacts.push(...list(col(cells, 'contact')));
    const serviceId = col(cells, 'service_id') || null;
    const ips = list(col(cells, 'ips'));
    const hostnames = list(col(cells, 'hostnames'));
    if (serviceId || ips.length > 0 || hostnames.length > 0)
      account.servers.push({ serviceId, ips, hostnames });
  });
  return { accounts: [...accounts.values()] };
}
