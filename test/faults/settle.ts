import type { Store } from '../../src/store/store.js';
import type { Harness } from '../support/worker-harness.js';
import { type AuditReport, audit } from './audit.js';
import { cleanAudit } from './figures.js';

/**
 * Polls the audit until every appended message is committed or quarantined and nothing is stuck, then
 * waits `quietMs` more and audits once again, so that a late duplicate (a job run twice, a reply sent
 * twice) still shows. Resolves with the last report even when the deadline passes: the scenario records
 * its figures, then its assertions fail on what the report says.
 */
export async function auditWhenSettled(
  h: Harness,
  appended: readonly string[],
  options: { store: Store; timeoutMs: number; quietMs?: number },
): Promise<AuditReport> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const report = await audit(h, { appended, store: options.store });
    const c = cleanAudit(report);
    const settled =
      report.committed + report.quarantined === report.appended &&
      c.stuck.length === 0 &&
      c.duplicated.length === 0 &&
      c.duplicateReplies.length === 0;
    if (settled || Date.now() > deadline) {
      if (!settled) return report;
      break;
    }
    await sleep(250);
  }
  await sleep(options.quietMs ?? 1_000);
  return audit(h, { appended, store: options.store });
}

/** Seconds since `start` (ms since the epoch). */
export const secondsSince = (start: number) => (Date.now() - start) / 1000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The worker's JSON log lines whose `msg` matches. */
export function logEntries(output: string, msg: RegExp): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.msg === 'string' && msg.test(entry.msg)) out.push(entry);
    } catch {
      // A line cut by the process's end.
    }
  }
  return out;
}

/** How many messages the worker's mailbox sweep handed over again, by its log. */
export const sweptCount = (output: string) =>
  logEntries(output, /still unprocessed in the mailbox/).reduce((n, e) => n + Number(e.count ?? 0), 0);

/** For `.catch()` on a wait: the error again, with the worker's last log lines to tell why. */
export const withWorkerLog =
  (worker: { output(): string }, lines = 60) =>
  (err: Error): never => {
    const tail = worker.output().trimEnd().split('\n').slice(-lines).join('\n');
    throw new Error(`${err.message}\n--- the worker's last ${lines} log lines ---\n${tail}`);
  };
