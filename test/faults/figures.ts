import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditReport } from './audit.js';

/** Where each scenario appends its figures (one JSON line); `npm run faults:report` renders them. */
export const FIGURES_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../.faults/figures.jsonl');

export interface ScenarioFigures {
  scenario: string;
  /** Seconds from the first append to a settled audit. */
  seconds: number;
  /** Faults injected (kills, restarts, outages, scripted SMTP answers …). */
  faults: number;
  /** Anything scenario-specific worth a column in docs/reliability.md (replies refused, loop length …). */
  notes?: Record<string, number | string>;
  audit: AuditReport;
}

/** Prints one line a reader of the CI log can take in at a glance, and appends the figures to the file. */
export function recordFigures(f: ScenarioFigures): void {
  const a = f.audit;
  const replies = Object.entries(a.replies)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  const notes = Object.entries(f.notes ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(
    `[fault] ${f.scenario}: ${a.appended} messages, ${f.faults} faults, ${a.committed} committed, ` +
      `${a.quarantined} quarantined, ${a.conversations} records, replies (${replies || 'none'}), ` +
      `${a.captured} received by SMTP, ${a.duplicated.length + a.duplicateReplies.length} duplicates, ` +
      `${a.lost.length} lost, ${a.stuck.length} stuck, ${f.seconds.toFixed(1)} s${notes ? `; ${notes}` : ''}\n`,
  );
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify({ at: new Date().toISOString(), ...f })}\n`);
}

/** The assertions every scenario makes on its audit: no loss, no duplicate, nothing stuck. */
export function cleanAudit(a: AuditReport) {
  return {
    lost: a.lost,
    duplicated: a.duplicated,
    duplicateReplies: a.duplicateReplies,
    sentNotCaptured: a.sentNotCaptured,
    stuck: a.stuck,
  };
}
export const CLEAN = { lost: [], duplicated: [], duplicateReplies: [], sentNotCaptured: [], stuck: [] };
