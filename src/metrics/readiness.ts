import { withDeadline } from './deadline.js';

export interface CheckResult {
  ok: boolean;
  ms: number;
  /** What failed (an error's message), or why a check that passes was not really run (`standby`). */
  detail?: string;
}

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

/** A check resolves when the dependency answers; it throws (or resolves with a detail) otherwise. */
export type ReadinessCheck = () => Promise<string | undefined>;

/**
 * Runs every check at once, each within `timeoutMs`: ready only when all pass. The report names each
 * check so that a 503 says which dependency is down.
 */
export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name): Promise<CheckResult> => {
      const started = performance.now();
      const ms = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const detail = await withDeadline(checks[name]!, timeoutMs, name);
        return detail === undefined ? { ok: true, ms: ms() } : { ok: true, ms: ms(), detail };
      } catch (err) {
        return { ok: false, ms: ms(), detail: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  const report: ReadinessReport = { ok: results.every((r) => r.ok), checks: {} };
  names.forEach((name, i) => {
    report.checks[name] = results[i]!;
  });
  return report;
}
